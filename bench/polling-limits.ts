/**
 * `npm run bench -- --only limits`: how few polls a job needs when it says little (issue 15).
 *
 * The provider's own AdaptivePollScheduler is asked for each wait, in virtual time (a job of length
 * T in server time, server clock = local clock, seeded randomness): what a restore's job loop does
 * between its first look at the job and the look that sees it finished, without HTTP. Exact and
 * deterministic; the real code path over HTTP is measured by the sweep (bench/virtual-sweep.ts)
 * with the emulator's variants.
 *
 * - Information limit: the fewest polls any strategy needs (job-duration-prior.ts, docs/polling.md).
 * - No estimate: the scheduler with nothing to go by, against the limit (target ≤ 1.15×).
 * - Prior: earlier jobs of the same VM say P; jobs ending at 0.5 P … 1.5 P (target ≤ 20 GETs).
 * - Estimates wrong ×2: the job's estimate of the time remaining is half or twice the truth.
 */
import { AdaptivePollScheduler, PollObservation, planPoll } from "../provider/polling/poll-scheduler";
import {
    allowedLatenessMs,
    informationLimitPolls,
    JobDurationPrior,
    priorFromEarlierJobs,
    priorLimitPolls,
} from "../provider/polling/job-duration-prior";
import { runVirtualSweep, SweepOptions } from "./virtual-sweep";
import { seededRandom } from "../scripts/seeded-random";

/** A small seeded generator (mulberry32): runs repeat exactly. */
export const seeded = seededRandom;

export type EstimateMode = "none" | "accurate" | "half" | "double";

export interface SimResult {
    /** Job polls from the first look to the one that saw the end, both counted. */
    polls: number;
    latenessMs: number;
}

/** The first look at the job: Azure names the job with the operation, 30-60 s after the trigger. */
export const FIRST_LOOK_MS = 30_000;

/** One job of `jobMs`, polled by the provider's scheduler from its first look. */
export function simulateJob(jobMs: number, mode: EstimateMode, seed: number, prior?: JobDurationPrior): SimResult {
    const scheduler = new AdaptivePollScheduler({ random: seeded(seed) });
    let t = FIRST_LOOK_MS;
    let polls = 1;
    for (let guard = 0; t < jobMs && guard < 100_000; guard++) {
        const left = jobMs - t;
        const o: PollObservation = {
            phase: "job",
            polls,
            localElapsedMs: t,
            serverElapsedMs: t,
            scaleSample: { localMs: t, serverMs: t },
            serverRemainingMs: mode === "none" ? undefined : mode === "accurate" ? left : mode === "half" ? left / 2 : left * 2,
            prior,
        };
        t += planPoll(scheduler, o).delayMs;
        polls++;
    }
    return { polls, latenessMs: t - jobMs };
}

export const LIMIT_SECONDS = [60, 300, 600, 1800, 3600, 2 * 3600, 4 * 3600, 6 * 3600];
const RUNS = 5;

export interface LimitRow {
    seconds: number;
    targetS: number;
    limit: number;
    /** Over RUNS seeds: the most polls and the worst lateness. */
    noEstimate: { polls: number; worstS: number };
    accurate: { polls: number; worstS: number };
    half: { polls: number; worstS: number };
    double: { polls: number; worstS: number };
}

function worst(jobMs: number, mode: EstimateMode, prior?: JobDurationPrior): { polls: number; worstS: number } {
    let polls = 0;
    let worstS = -Infinity;
    for (let i = 0; i < RUNS; i++) {
        const r = simulateJob(jobMs, mode, 1000 + i, prior);
        polls = Math.max(polls, r.polls);
        worstS = Math.max(worstS, r.latenessMs / 1000);
    }
    return { polls, worstS };
}

export function limitRows(seconds = LIMIT_SECONDS): LimitRow[] {
    return seconds.map((s) => {
        const ms = s * 1000;
        return {
            seconds: s,
            targetS: allowedLatenessMs(ms) / 1000,
            limit: informationLimitPolls(ms, FIRST_LOOK_MS),
            noEstimate: worst(ms, "none"),
            accurate: worst(ms, "accurate"),
            half: worst(ms, "half"),
            double: worst(ms, "double"),
        };
    });
}

export interface PriorRow {
    priorS: number;
    /** The job's real length as a multiple of the prior. */
    factor: number;
    targetS: number;
    polls: number;
    worstS: number;
    /** Fewest polls of any strategy that trusts the same window (`priorLimitPolls`). */
    limit: number;
    /** Fewest polls of any strategy that keeps the target for every end within ±50 % of the prior. */
    halfWindowLimit: number;
    noPriorLimit: number;
}

export const PRIOR_SECONDS = [600, 3600, 6 * 3600];
export const PRIOR_FACTORS = [0.3, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2];

/** The prior a restore gets from one earlier restore of the same VM that took `priorS`. */
export function samePrior(priorS: number): JobDurationPrior {
    return priorFromEarlierJobs([{ vmName: "vm-0001", durationMs: priorS * 1000 }], "vm-0001")!;
}

export function priorRows(priors = PRIOR_SECONDS, factors = PRIOR_FACTORS): PriorRow[] {
    const rows: PriorRow[] = [];
    for (const p of priors) {
        const prior = samePrior(p);
        for (const f of factors) {
            const ms = p * 1000 * f;
            const w = worst(ms, "none", prior);
            rows.push({
                priorS: p,
                factor: f,
                targetS: allowedLatenessMs(ms) / 1000,
                polls: w.polls,
                worstS: w.worstS,
                limit: priorLimitPolls(ms, FIRST_LOOK_MS, prior),
                halfWindowLimit: priorLimitPolls(ms, FIRST_LOOK_MS, { lowMs: 0.5 * p * 1000 }),
                noPriorLimit: informationLimitPolls(ms, FIRST_LOOK_MS),
            });
        }
    }
    return rows;
}

const len = (s: number) => (s < 3600 ? `${s / 60} min` : `${s / 3600} h`);
const ok = (b: boolean) => (b ? "✓" : "✗");

export function limitsMarkdown(rows: LimitRow[]): string {
    const out = [
        "| job | target s | information limit (polls) | no estimate: polls (≤ 1.15 × limit) | worst late s | accurate estimate: polls / worst s | estimate ×½: polls / worst s | estimate ×2: polls / worst s | ×½, ×2 within 2 × accurate and target |",
        "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const r of rows) {
        const ratio = r.noEstimate.polls / r.limit;
        const fine = (x: { polls: number; worstS: number }) => x.polls <= 2 * r.accurate.polls && x.worstS <= r.targetS;
        out.push(
            `| ${len(r.seconds)} | ${r.targetS.toFixed(1)} | ${r.limit} | ${r.noEstimate.polls} (${ratio.toFixed(2)}×) ${ok(ratio <= 1.15)} | ${r.noEstimate.worstS.toFixed(1)} ${ok(r.noEstimate.worstS <= r.targetS)} | ${r.accurate.polls} / ${r.accurate.worstS.toFixed(1)} | ${r.half.polls} / ${r.half.worstS.toFixed(1)} | ${r.double.polls} / ${r.double.worstS.toFixed(1)} | ${ok(fine(r.half) && fine(r.double))} |`,
        );
    }
    return out.join("\n");
}

export function priorMarkdown(rows: PriorRow[]): string {
    const out = [
        "| prior (earlier restore of the same VM) | job / prior | job | target s | polls | worst late s | fewest polls trusting the window (0.9–1.1 P) | fewest polls of any strategy keeping the target over 0.5–1.5 P | information limit without prior | within ±50 %: ≤ 20 polls |",
        "| :--- | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const r of rows) {
        const inside = r.factor >= 0.5 && r.factor <= 1.5;
        out.push(
            `| ${len(r.priorS)} | ${r.factor} | ${len(Math.round(r.priorS * r.factor))} | ${r.targetS.toFixed(1)} | ${r.polls} | ${r.worstS.toFixed(1)} ${ok(r.worstS <= r.targetS)} | ${r.factor >= 0.9 ? r.limit : "–"} | ${r.factor >= 0.5 ? r.halfWindowLimit : "–"} | ${r.noPriorLimit} | ${inside ? ok(r.polls <= 20 && r.worstS <= r.targetS) : "–"} |`,
        );
    }
    return out.join("\n");
}

export interface PollingLimits {
    limits: LimitRow[];
    priors: PriorRow[];
    realPath: RealPathRow[];
    markdown: string[];
}

export interface RealPathRow {
    seconds: number;
    mode: string;
    polls: number;
    worstS: number;
    targetS: number;
}

const REAL_MODES: { mode: string; opts: SweepOptions }[] = [
    { mode: "progress + estimate (emulator default)", opts: {} },
    { mode: "nothing (no progress, no estimate)", opts: { variants: { jobProgress: "absent", jobEstimate: "absent" } } },
    {
        mode: "nothing, one earlier restore of the VM in the vault",
        opts: { variants: { jobProgress: "absent", jobEstimate: "absent" }, earlierRestore: true },
    },
    { mode: "estimate ×½ (progress present)", opts: { variants: { jobEstimate: "half" } } },
    { mode: "estimate ×2 (progress present)", opts: { variants: { jobEstimate: "double" } } },
    { mode: "estimate ×½, no progress", opts: { variants: { jobProgress: "absent", jobEstimate: "half" } } },
    { mode: "estimate ×2, no progress", opts: { variants: { jobProgress: "absent", jobEstimate: "double" } } },
];

/** The whole section: the scheduler alone (exact, many lengths) and the real workflow over HTTP (emulator variants). */
export async function pollingLimits(quick = false): Promise<PollingLimits> {
    const limits = limitRows(quick ? [60, 600, 3600] : LIMIT_SECONDS);
    const priors = priorRows(quick ? [3600] : PRIOR_SECONDS);
    const lengths = quick ? [600, 3600] : [60, 600, 3600, 6 * 3600];
    const realPath: RealPathRow[] = [];
    for (const m of REAL_MODES) {
        for (const r of await runVirtualSweep(lengths, quick ? 1 : 3, undefined, m.opts)) {
            realPath.push({
                seconds: r.seconds,
                mode: m.mode,
                polls: r.maxPollingGets,
                worstS: r.maxDetectionS,
                targetS: r.latencyTargetS,
            });
        }
    }
    const real = [
        `| job | ${REAL_MODES.map((m) => m.mode).join(" | ")} |`,
        `| :--- | ${REAL_MODES.map(() => "---:").join(" | ")} |`,
        ...lengths.map((s) => {
            const cells = REAL_MODES.map((m) => {
                const r = realPath.find((x) => x.seconds === s && x.mode === m.mode)!;
                return `${r.polls} / ${r.worstS.toFixed(1)} ${ok(r.worstS <= r.targetS)}`;
            });
            return `| ${len(s)} (target ${allowedLatenessMs(s * 1000) / 1000} s; limit ${informationLimitPolls(s * 1000, FIRST_LOOK_MS)} job polls) | ${cells.join(" | ")} |`;
        }),
    ].join("\n");
    return {
        limits,
        priors,
        realPath,
        markdown: [
            "**The scheduler alone** (exact, 5 seeds per row; polls from the first look at the job, 30 s after the trigger, to the look that sees it finished):\n\n" +
                limitsMarkdown(limits),
            "**With a prior** (no progress, no estimate; one earlier restore of the same VM took P; the window opens at 0.9 P; before it, each wait is the job's age):\n\n" +
                priorMarkdown(priors),
            "**The real workflow over HTTP** (bench/virtual-sweep.ts with the emulator's variants; polling GETs of operation + job, the worst detection latency s of 3 runs; ✓ within max(5 s, 2 % of the job)):\n\n" +
                real,
        ],
    };
}

export const LIMITS_TEXT =
    "The information limit is the fewest polls any strategy needs to notice the end of a job that says nothing within max(5 s, 2 % of its length): each wait at most the lateness allowed at the job's age at that poll (derivation in docs/polling.md). The provider's scheduler is run on a virtual clock (its real code, seeded randomness, no HTTP), then the real workflow runs against the emulator over HTTP on a virtual clock with jobs that report less (`POST /admin/variants`).";
