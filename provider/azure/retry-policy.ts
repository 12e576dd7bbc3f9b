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

/**
 * The wait before retry number `attempt` (1 = the first retry): full jitter over an exponential
 * step capped at `maxDelayMs`, and never shorter than the server's hint. On top of a hint comes a
 * spread that grows with the attempt (at most the backoff step): many clients told the same thing
 * ("retry in 1 s") must not all come back at the same instant, again and again, to a bucket that
 * only refills a few requests at a time.
 */
export function retryDelayMs(attempt: number, hintMs: number | undefined, opts: RetryOptions, random: () => number = Math.random): number {
    const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    const backoff = step / 2 + random() * (step / 2);
    if (hintMs === undefined) return Math.round(backoff);
    const spread = attempt <= 1 ? Math.min(1_000, Math.max(50, hintMs * 0.1)) : Math.max(Math.min(1_000, hintMs * 0.1), step / 2);
    return Math.round(hintMs + random() * spread);
}
