/**
 * Simulated time for restores run in this process against an emulator whose job clock is held
 * still (clock speed 0): the `now` and `sleep` a provider runtime is given.
 *
 * A sleep does not wait in real time. Once every restore started through `run` is asleep, the
 * earliest wake-up comes due: simulated time moves to it, the emulator's clock is advanced by the
 * same (in whole seconds, exact however the waits are cut up), and that restore goes on. Restores
 * that wait on an HTTP answer hold time still, so any number of them run together in a fixed order
 * of events, and a run is the same every time.
 */
import { EmulatorFixture } from "./emulator-fixture";

interface Sleeper {
    at: number;
    order: number;
    wake: () => void;
}

export class SimulatedTime {
    private current: number;
    private readonly start: number;
    private advancedSeconds = 0;
    private readonly sleepers: Sleeper[] = [];
    private running = 0;
    private order = 0;
    private stepping = false;

    constructor(
        private readonly fx: EmulatorFixture,
        start = Date.now(),
    ) {
        this.start = start;
        this.current = start;
    }

    readonly now = (): number => this.current;

    readonly sleep = (ms: number): Promise<void> =>
        new Promise<void>((wake) => {
            this.sleepers.push({ at: this.current + Math.max(0, ms), order: this.order++, wake });
            void this.step();
        });

    /** Runs one actor (a restore) on this time: time moves only while every running actor sleeps. */
    async run<T>(work: () => Promise<T>): Promise<T> {
        this.running++;
        try {
            return await work();
        } finally {
            this.running--;
            void this.step();
        }
    }

    private async step(): Promise<void> {
        if (this.stepping || this.running === 0 || this.sleepers.length < this.running) return;
        this.stepping = true;
        this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
        const next = this.sleepers.shift()!;
        if (next.at > this.current) {
            this.current = next.at;
            const due = Math.floor((this.current - this.start) / 1000);
            if (due > this.advancedSeconds) {
                await this.fx.admin("POST", "clock", { advanceSeconds: due - this.advancedSeconds });
                this.advancedSeconds = due;
            }
        }
        this.stepping = false;
        next.wake();
    }
}

export { seededRandom } from "../../scripts/seeded-random";
