import { strict as assert } from "assert";
import { AdaptivePollScheduler, observedTimeScale } from "../../../provider/polling/poll-scheduler";

describe("adaptive poll scheduler", () => {
    const s = new AdaptivePollScheduler({ random: () => 0.5 });
    const job = { phase: "job" as const, polls: 1, localElapsedMs: 60_000 };

    it("follows the operation's Retry-After", () => {
        assert.equal(s.nextDelayMs({ phase: "operation", polls: 0, serverHintMs: 60_000, localElapsedMs: 0 }), 60_000);
    });

    it("never polls sooner than the server asked", () => {
        const d = s.nextDelayMs({
            ...job,
            serverHintMs: 120_000,
            serverElapsedMs: 60_000,
            scaleSample: { localMs: 60_000, serverMs: 60_000 },
            progressPercentage: 99,
        });
        assert.ok(d >= 120_000, String(d));
    });

    it("looks again soon to learn the time scale of an adopted job", () => {
        assert.equal(s.nextDelayMs({ ...job, serverElapsedMs: 600_000, scaleSample: { localMs: 0, serverMs: 0 } }), 2_000);
    });

    it("waits long early in a long job, and converts server time to local time by the observed scale", () => {
        const real = s.nextDelayMs({
            ...job,
            serverElapsedMs: 600_000,
            scaleSample: { localMs: 600_000, serverMs: 600_000 },
            progressPercentage: 10,
            serverRemainingMs: 5_400_000,
        });
        const compressed = s.nextDelayMs({
            ...job,
            serverElapsedMs: 600_000,
            scaleSample: { localMs: 1_000, serverMs: 600_000 },
            progressPercentage: 10,
            serverRemainingMs: 5_400_000,
        });
        assert.ok(real > 10 * 60_000, `a 90-minute remainder is not polled every few seconds (${real} ms)`);
        assert.ok(Math.abs(compressed * 600 - real) / real < 0.05, `${compressed} × 600 ≈ ${real}`);
        assert.equal(observedTimeScale({ ...job, scaleSample: { localMs: 1_000, serverMs: 600_000 } }), 600);
    });

    it("lets a shared look stand in early while the end is far off, never close to the estimated end", () => {
        const clock = { serverElapsedMs: 600_000, scaleSample: { localMs: 600_000, serverMs: 600_000 } };
        const far = s.nextPoll({ ...job, ...clock, progressPercentage: 10, serverRemainingMs: 5_400_000 });
        assert.ok(far.flexMs > 0 && far.flexMs <= far.delayMs / 4 + 1, JSON.stringify(far));
        const near = s.nextPoll({ ...job, ...clock, progressPercentage: 99, serverRemainingMs: 6_000 });
        assert.equal(near.flexMs, 0, "the look that should land just past the end is the restore's own");
        assert.equal(s.nextPoll({ phase: "operation", polls: 0, serverHintMs: 60_000, localElapsedMs: 0 }).flexMs, 0);
    });
});
