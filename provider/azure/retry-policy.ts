/**
 * When to retry an HTTP call and how long to wait: capped, jittered exponential backoff that never
 * waits less than the server asked for (`Retry-After` in seconds or as an HTTP date,
 * `retry-after-ms`, `x-ms-retry-after-ms`).
 */

export interface RetryOptions {
    /** Attempts in all, the first included; throttling answers with a retry hint (429) are bounded by `budgetMs` only. */
    maxAttempts: number;
    /** First backoff step. */
    baseDelayMs: number;
    /** Longest single backoff step we choose ourselves (a server hint may be longer). */
    maxDelayMs: number;
    /** Total time we are prepared to spend waiting on retries for one call. */
    budgetMs: number;
    /** Longest server hint we honour before giving up (a hint longer than this fails the call). */
    maxServerHintMs: number;
    /** Per-attempt timeout: an attempt that has not answered by then is abandoned and retried. */
    attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
    maxAttempts: 10,
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    budgetMs: 15 * 60_000,
    maxServerHintMs: 10 * 60_000,
    attemptTimeoutMs: 100_000,
};

/** Statuses that say "try again later": timeouts, throttling and server-side failures. */
export function isTransientStatus(status: number): boolean {
    return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * The server's retry hint in milliseconds, or undefined. Header names are lower case.
 * `retry-after-ms` and `x-ms-retry-after-ms` win over `retry-after` (they are more precise).
 */
export function serverRetryHintMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
    for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
        const v = headers[name];
        if (v !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Math.round(Number(v)));
    }
    const ra = headers["retry-after"];
    if (ra === undefined) return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Math.round(Number(ra) * 1000));
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
    return undefined;
}

/** The most added on top of a server hint, in ms, whatever the hint. */
export const HINT_SPREAD_CAP_MS = 1_000;
/** The most added on top of a server hint, as a fraction of the hint. */
export const HINT_SPREAD_FRACTION = 0.25;

/**
 * The wait before retry number `attempt` (1 = the first retry).
 *
 * - Without a server hint: full jitter over an exponential step capped at `maxDelayMs`.
 * - With a hint (`Retry-After`, `retry-after-ms`): the hint, plus a spread of at most
 *   min(1 s, 25 % of the hint) so that many clients told the same thing ("retry in 2 s") do not all
 *   come back at the same instant. The spread does not grow with the attempt: a server that keeps
 *   answering 429 with a hint is telling us how long to wait each time, and a wait much longer than
 *   asked only delays the restore (issue 15: a spread growing to 30 s turned 80 s of hints into
 *   10 minutes). The wait is never shorter than the hint, so no request lands inside the window.
 */
export function retryDelayMs(attempt: number, hintMs: number | undefined, opts: RetryOptions, random: () => number = Math.random): number {
    if (hintMs === undefined) {
        const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
        return Math.round(step / 2 + random() * (step / 2));
    }
    return Math.ceil(hintMs + random() * hintSpreadMs(hintMs));
}

/** The largest spread `retryDelayMs` adds on top of a hint: min(1 s, 25 % of the hint). */
export function hintSpreadMs(hintMs: number): number {
    return Math.min(HINT_SPREAD_CAP_MS, HINT_SPREAD_FRACTION * Math.max(0, hintMs));
}
