/**
 * Real time as the emulator reads it where Azure runs on real time, not on the simulated job
 * clock: the expiry of Entra ID tokens and Cross Region Restore access tokens, and the refill of
 * the ARM throttle's buckets. `POST /admin/clock {advanceRealSeconds}` moves it ahead, so a test
 * or a drill can let a token expire or a bucket refill without waiting.
 */
export class WallClock {
    private offsetMs = 0;

    constructor(private readonly source: () => number = () => Date.now()) {}

    /** Milliseconds since the epoch, as Date.now(), plus every advance so far. */
    now(): number {
        return this.source() + this.offsetMs;
    }

    advance(seconds: number): void {
        if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new Error(`advance needs a finite number of seconds >= 0, got ${seconds}`);
        this.offsetMs += seconds * 1000;
    }

    /** How far it has been moved ahead of real time, in milliseconds. */
    get aheadMs(): number {
        return this.offsetMs;
    }
}
