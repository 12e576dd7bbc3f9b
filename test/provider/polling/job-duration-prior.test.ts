/**
 * Jobs that report nothing (no progress, no estimate): the information limit, the scheduler against
 * it, and a prior from earlier restores. Deterministic: the scheduler is asked for each wait on a
 * virtual clock with seeded randomness; nothing here waits in real time.
 */
import { strict as assert } from "assert";
import { AdaptivePollScheduler, planPoll } from "../../../provider/polling/poll-scheduler";
import {
    allowedLatenessMs,
    informationLimitPolls,
    JobDurationPrior,
    priorFromEarlierJobs,
} from "../../../provider/polling/job-duration-prior";

const MIN = 60_000;
const HOUR = 60 * MIN;
const FIRST_LOOK = 30_000;

function seeded(seed: number): () => number {
    let x = seed;
    return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** Polls from the first look to the one that sees the end of a job of `jobMs`, and how late that one was. */
function follow(jobMs: number, estimate: "none" | "accurate" | "half" | "double", prior?: JobDurationPrior, seed = 7) {
    const s = new AdaptivePollScheduler({ random: seeded(seed) });
    let t = FIRST_LOOK;
    let polls = 1;
    let longestWaitOverAllowed = 0;
    while (t < jobMs) {
        const left = jobMs - t;
        const remaining = estimate === "none" ? undefined : estimate === "accurate" ? left : estimate === "half" ? left / 2 : left * 2;
        const wait = planPoll(s, {
            phase: "job",
            polls,
            localElapsedMs: t,
            serverElapsedMs: t,
            scaleSample: { localMs: t, serverMs: t },
            serverRemainingMs: remaining,
            prior,
        }).delayMs;
        longestWaitOverAllowed = Math.max(longestWaitOverAllowed, wait / allowedLatenessMs(t));
        t += wait;
        polls++;
    }
    return { polls, latenessMs: t - jobMs, longestWaitOverAllowed };
}

describe("jobs that report nothing", () => {
    it("the information limit is the greedy schedule: 5 s steps to 250 s, then 2 % of the job's age", () => {
        // 30 s → 60 s in 5 s steps: 6 waits, 7 polls.
        assert.equal(informationLimitPolls(MIN, FIRST_LOOK), 7);
        // 6 h: 44 steps of 5 s to 250 s, then ln(21600/250)/ln(1.02) ≈ 225 steps.
        const sixHours = informationLimitPolls(6 * HOUR, FIRST_LOOK);
        assert.ok(sixHours > 260 && sixHours < 280, `${sixHours}`);
    });

    for (const jobMs of [MIN, 10 * MIN, HOUR, 6 * HOUR]) {
        it(`polls a ${jobMs / MIN} min job that says nothing within 1.15 × the limit, never waiting longer than the lateness allowed`, () => {
            for (const seed of [1, 2, 3]) {
                const r = follow(jobMs, "none", undefined, seed);
                const limit = informationLimitPolls(jobMs, FIRST_LOOK);
                assert.ok(r.polls >= limit && r.polls <= 1.15 * limit, `${r.polls} polls, limit ${limit}`);
                assert.ok(r.latenessMs <= allowedLatenessMs(jobMs), `late by ${r.latenessMs} ms`);
                assert.ok(r.longestWaitOverAllowed <= 1, `a wait ${r.longestWaitOverAllowed}× the allowed lateness`);
            }
        });
    }

    it("notices the end within the target with an estimate wrong by ×2 either way, with at most twice the polls of an accurate one", () => {
        for (const jobMs of [10 * MIN, HOUR, 6 * HOUR]) {
            const accurate = follow(jobMs, "accurate");
            for (const wrong of ["half", "double"] as const) {
                const r = follow(jobMs, wrong);
                assert.ok(r.latenessMs <= allowedLatenessMs(jobMs), `${wrong}, ${jobMs / MIN} min: late by ${r.latenessMs} ms`);
                assert.ok(r.polls <= 2 * accurate.polls, `${wrong}, ${jobMs / MIN} min: ${r.polls} polls vs ${accurate.polls}`);
            }
        }
    });
});

describe("a prior from earlier restores", () => {
    it("takes the same VM's earlier durations, else the vault's median scaled by disk size", () => {
        const jobs = [
            { vmName: "vm-app01", durationMs: 50 * MIN },
            { vmName: "VM-APP01", durationMs: 60 * MIN },
            { vmName: "vm-db01", durationMs: 120 * MIN, diskGb: 512 },
            { vmName: "vm-web01", durationMs: 10_000 }, // failed early: not a restore to learn from
        ];
        const same = priorFromEarlierJobs(jobs, "vm-app01")!;
        assert.deepEqual([same.expectedMs, same.lowMs, same.highMs], [55 * MIN, 45 * MIN, 66 * MIN]);
        const other = priorFromEarlierJobs([jobs[2]], "vm-new01", 256)!;
        assert.equal(other.expectedMs, 60 * MIN, "half the disks, half the time");
        assert.deepEqual([other.lowMs, other.highMs], [30 * MIN, 90 * MIN]);
        assert.equal(priorFromEarlierJobs([jobs[3]], "vm-web01"), undefined);
    });

    it("needs at most 20 polls for a job ending where the same VM's earlier restore did, and keeps the target", () => {
        for (const jobMs of [10 * MIN, HOUR]) {
            const prior = priorFromEarlierJobs([{ vmName: "vm", durationMs: jobMs }], "vm")!;
            for (const f of [0.95, 1, 1.05]) {
                const r = follow(jobMs * f, "none", prior);
                assert.ok(r.polls <= 20, `${(jobMs * f) / MIN} min with a prior of ${jobMs / MIN} min: ${r.polls} polls`);
                assert.ok(r.latenessMs <= allowedLatenessMs(jobMs * f), `late by ${r.latenessMs} ms`);
            }
        }
    });

    it("falls back gracefully when the prior is wrong: a longer job keeps the target, a shorter one is noticed within its own length", () => {
        const prior = priorFromEarlierJobs([{ vmName: "vm", durationMs: HOUR }], "vm")!;
        const longer = follow(2 * HOUR, "none", prior);
        assert.ok(longer.latenessMs <= allowedLatenessMs(2 * HOUR), `late by ${longer.latenessMs} ms`);
        assert.ok(longer.polls < informationLimitPolls(2 * HOUR, FIRST_LOOK), "still fewer polls than without the prior");
        const shorter = follow(20 * MIN, "none", prior);
        assert.ok(shorter.latenessMs <= 20 * MIN, `late by ${shorter.latenessMs} ms`);
    });
});
