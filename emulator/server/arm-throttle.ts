/**
 * ARM-like request throttling: one token bucket per subscription for reads (GET/HEAD) and one for
 * writes (everything else). A bucket holds `readsPerHour` (`writesPerHour`) tokens when full,
 * starts full, and refills continuously at that many tokens per REAL hour, multiplied by
 * `timeScale` (default 1; e.g. 3600 refills an hour's worth per second — the simulated job
 * clock plays no part; real time is the emulator's real-time clock, emulator/world/wall-clock.ts,
 * which POST /admin/clock {advanceRealSeconds} moves ahead). Every ARM answer carries the bucket's remaining whole tokens in
 * `x-ms-ratelimit-remaining-subscription-reads` / `-writes`; when `enforce` is on, a request that
 * finds its bucket empty is answered 429 `SubscriptionRequestsThrottled` with `Retry-After`: the
 * seconds until a token is available.
 */

export interface ThrottleOptions {
    readsPerHour: number;
    writesPerHour: number;
    /** Refill speed multiplier on real time; default 1. */
    timeScale?: number;
}

export interface ThrottleDecision {
    /** The header to add, `x-ms-ratelimit-remaining-subscription-reads` or `-writes`. */
    header: string;
    /** Whole tokens left after this request. */
    remaining: number;
    /** The bucket was empty: answer 429 (when enforced). The request took no token. */
    throttled: boolean;
    /** Whole seconds until one token is available (at least 1); meaningful when throttled. */
    retryAfterSeconds: number;
}

interface Bucket {
    tokens: number;
    lastMs: number;
}

export class ArmThrottle {
    private readonly buckets = new Map<string, Bucket>();
    private readonly timeScale: number;

    constructor(
        private readonly limits: ThrottleOptions,
        /** False: only the headers count down; nothing is refused. */
        readonly enforce: boolean,
        private readonly realNow: () => number = () => Date.now(),
    ) {
        for (const k of ["readsPerHour", "writesPerHour"] as const) {
            if (!(limits[k] >= 1) || !Number.isFinite(limits[k]))
                throw new Error(`throttle.${k} must be a finite number >= 1, got ${limits[k]}`);
        }
        this.timeScale = limits.timeScale ?? 1;
        if (!(this.timeScale > 0) || !Number.isFinite(this.timeScale))
            throw new Error(`throttle.timeScale must be a finite number > 0, got ${limits.timeScale}`);
    }

    /** Takes one token for this subscription's reads or writes, if it has one. */
    consume(subscriptionId: string, isRead: boolean): ThrottleDecision {
        const capacity = isRead ? this.limits.readsPerHour : this.limits.writesPerHour;
        const perMs = (capacity / 3600_000) * this.timeScale;
        const key = `${subscriptionId.toLowerCase()}|${isRead ? "r" : "w"}`;
        const now = this.realNow();
        let b = this.buckets.get(key);
        if (!b) {
            b = { tokens: capacity, lastMs: now };
            this.buckets.set(key, b);
        }
        b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.lastMs) * perMs);
        b.lastMs = now;
        const header = isRead ? "x-ms-ratelimit-remaining-subscription-reads" : "x-ms-ratelimit-remaining-subscription-writes";
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return { header, remaining: Math.floor(b.tokens), throttled: false, retryAfterSeconds: 0 };
        }
        const waitMs = (1 - b.tokens) / perMs;
        return { header, remaining: 0, throttled: this.enforce, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
}
