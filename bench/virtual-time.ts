/**
 * Virtual time for many restores at once: every `sleep` registers a timer on one virtual clock,
 * and the clock jumps to the earliest timer only when nothing else can happen (no HTTP request in
 * flight, the event loop idle). Restores then run the real code path against the emulator over
 * HTTP, concurrently, in milliseconds, and every wait is exact: what a figure about waiting or
 * polling should be measured on (the machine's load does not enter).
 */
import { HttpTransport } from "../provider/azure/http-transport";

interface Timer {
    at: number;
    seq: number;
    wake: () => void;
}

export class VirtualTime {
    now: number;
    private readonly timers: Timer[];
    private inFlight: number;
    private seq: number;

    constructor(start: number) {
        this.now = start;
        this.timers = [];
        this.inFlight = 0;
        this.seq = 0;
    }

    readonly clock = (): number => this.now;

    readonly sleep = (ms: number): Promise<void> =>
        new Promise((wake) => {
            this.timers.push({ at: this.now + Math.max(0, ms), seq: this.seq++, wake });
        });

    /** A transport counted as "in flight" while it has not answered (the clock does not move then). */
    transport(inner: HttpTransport): HttpTransport {
        return async (req) => {
            this.inFlight++;
            try {
                return await inner(req);
            } finally {
                this.inFlight--;
            }
        };
    }

    /**
     * Runs until `work` settles, moving the clock from timer to timer. `beforeAdvance` runs each
     * time everything is idle, before the clock moves (to inject a fault at a given moment).
     */
    async drive<T>(work: Promise<T>, beforeAdvance?: () => Promise<void>): Promise<T> {
        let settled = false;
        const done = work.then(
            (v) => ((settled = true), v),
            (e) => {
                settled = true;
                throw e;
            },
        );
        done.catch(() => undefined);
        while (!settled) {
            await this.idle();
            if (settled) break;
            if (beforeAdvance) {
                await beforeAdvance();
                await this.idle();
            }
            if (!this.timers.length) {
                if (this.inFlight === 0 && !settled) await new Promise((r) => setTimeout(r, 1));
                continue;
            }
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const next = this.timers.shift()!;
            this.now = Math.max(this.now, next.at);
            next.wake();
        }
        return done;
    }

    /** Until no request is in flight and the event loop has gone round a few times with nothing new. */
    private async idle(): Promise<void> {
        for (let quiet = 0; quiet < 3;) {
            const before = this.timers.length;
            await new Promise((r) => setImmediate(r));
            if (this.inFlight > 0) {
                quiet = 0;
                await new Promise((r) => setTimeout(r, 0));
            } else if (this.timers.length === before) quiet++;
            else quiet = 0;
        }
    }
}
