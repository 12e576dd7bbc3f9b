/**
 * What a strategy sent, as the client saw it: one entry per HTTP attempt (retries included), with
 * the server's retry hint of the answer. The emulator's request log gives the server's view of the
 * same requests; this one is needed to check that every `Retry-After` was honoured.
 */

export interface TraceEntry {
    /** Epoch ms when the request was sent and when its answer had arrived. */
    sentAt: number;
    doneAt: number;
    method: string;
    url: string;
    /** 0 when no answer arrived (connection error). */
    status: number;
    /** The answer's retry hint (`retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After`), ms. */
    retryAfterMs?: number;
}

/** The retry hint of a header set (lower-case names), like provider/azure/retry-policy.ts reads it. */
export function retryHintMs(get: (name: string) => string | undefined | null, now: number = Date.now()): number | undefined {
    for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
        const v = get(name);
        if (v && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v));
    }
    const ra = get("retry-after");
    if (!ra) return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.round(Number(ra) * 1000);
    const date = Date.parse(ra);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryAfterCheck {
    /** Answers that carried a retry hint and were followed by another request of the same client. */
    hinted: number;
    /** Of those, the next request came sooner than the hint said. */
    violations: number;
    /** The worst case: how much sooner, ms (real time). */
    worstEarlyMs: number;
}

/**
 * Whether the client waited at least the hinted time after each hinted answer before its next request.
 * One restore per client, so "the next request" is the one the hint was about (the operation poll
 * after the trigger's 202, the retry after a 429). A 2 ms tolerance absorbs timer granularity.
 */
export function checkRetryAfter(trace: TraceEntry[]): RetryAfterCheck {
    const sorted = [...trace].sort((a, b) => a.sentAt - b.sentAt);
    let hinted = 0;
    let violations = 0;
    let worstEarlyMs = 0;
    for (let i = 0; i < sorted.length - 1; i++) {
        const h = sorted[i].retryAfterMs;
        if (h === undefined || sorted[i].status < 200) continue;
        hinted++;
        const waited = sorted[i + 1].sentAt - sorted[i].doneAt;
        if (waited < h - 2) {
            violations++;
            worstEarlyMs = Math.max(worstEarlyMs, h - waited);
        }
    }
    return { hinted, violations, worstEarlyMs };
}
