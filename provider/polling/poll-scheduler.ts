/**
 * When to poll next. Swappable: the workflow asks a `PollScheduler` for each delay, so a benchmark
 * can run fixed-interval strategies through the same code.
 *
 * The adaptive scheduler uses what the service tells us: its retry hint (always a lower bound), the
 * job's own estimate of the time remaining, and its progress rate. Server-reported times are
 * converted to local time by the observed ratio of server-side elapsed time (the job's `duration`)
 * to local elapsed time, which is about 1 against Azure and large against an emulator whose clock
 * runs compressed time.
 */

import { JobDurationPrior, noEstimateWaitMs } from "./job-duration-prior";

export interface PollObservation {
    phase: "operation" | "job";
    /** Polls made in this phase so far (1 after the first). */
    polls: number;
    /** The server's retry hint, ms. */
    serverHintMs?: number;
    /** Local time since the restore was triggered, ms. */
    localElapsedMs: number;
    /** Server-side elapsed time of the job, ms (its `duration`). */
    serverElapsedMs?: number;
    /**
     * Elapsed local and server time over the same stretch (from the trigger, or from the first poll
     * of an adopted job), from which the server/local time scale is read. Absent until known.
     */
    scaleSample?: { localMs: number; serverMs: number };
    progressPercentage?: number;
    /** The job's estimate of the time remaining, in server time, ms. */
    serverRemainingMs?: number;
    /**
     * What earlier restore jobs of this vault say about this one's length (server time), when the
     * job itself says nothing (no progress, no estimate). See provider/polling/job-duration-prior.ts.
     */
    prior?: JobDurationPrior;
}

export interface PollScheduler {
    nextDelayMs(o: PollObservation): number;
    /** The delay, and how much earlier a look shared with other restores may stand in for it. */
    nextPoll?(o: PollObservation): PollPlan;
}

export interface PollPlan {
    delayMs: number;
    /**
     * How much earlier than `delayMs` a look at the job that another restore's request made (a list
     * of the vault's jobs) may stand in for this poll. 0: this poll must be the restore's own read.
     */
    flexMs: number;
}

export function planPoll(scheduler: PollScheduler, o: PollObservation): PollPlan {
    return scheduler.nextPoll ? scheduler.nextPoll(o) : { delayMs: scheduler.nextDelayMs(o), flexMs: 0 };
}

export interface AdaptiveOptions {
    /** Shortest wait between job polls, in server time (scaled to local time). */
    floorMs: number;
    /** Longest wait between polls, in server time. */
    ceilingMs: number;
    /** Fraction of the estimated remaining time to wait before looking again, when estimate and progress agree (a lone estimate: ½). */
    remainingFraction: number;
    /** First job poll when nothing is known yet. */
    initialJobDelayMs: number;
    /** Local wait before the second look at an adopted job, to learn the server's time scale. */
    probeMs: number;
    /**
     * How late the end may be noticed, as a fraction of the job's expected length (never less than
     * `floorMs`). Once the job is that close to its estimated end, one wait lands just past the end
     * instead of creeping up on it in ever shorter steps.
     */
    latencyFraction: number;
    /**
     * While the end is still far off, the fraction of a wait by which a shared look (one list of the
     * vault's jobs serving many restores) may come early. Close to the end, never: that look must
     * be the restore's own, on time.
     */
    shareFraction: number;
    /**
     * With a prior and before its window opens: the wait as a fraction of the job's age (a job that
     * ends before any earlier one of its kind is noticed within this fraction of its length).
     */
    priorEarlyFraction: number;
    random: () => number;
}

export const DEFAULT_ADAPTIVE: AdaptiveOptions = {
    floorMs: 5_000,
    ceilingMs: 60 * 60_000,
    remainingFraction: 0.6,
    initialJobDelayMs: 10_000,
    probeMs: 2_000,
    latencyFraction: 0.02,
    shareFraction: 0.25,
    priorEarlyFraction: 1,
    random: Math.random,
};

/** Local ms per server ms; 1 when we cannot tell yet. */
export function observedTimeScale(o: PollObservation): number | undefined {
    const s = o.scaleSample;
    if (!s || s.localMs < 500) return undefined;
    if (s.serverMs <= 0) return 1;
    const scale = s.serverMs / s.localMs;
    // Clock skew and request latency make small ratios noisy; only compress when it is clearly compressed.
    return scale < 2 ? 1 : Math.min(scale, 100_000);
}

export class AdaptivePollScheduler implements PollScheduler {
    private readonly opts: AdaptiveOptions;
    constructor(opts: Partial<AdaptiveOptions> = {}) {
        this.opts = { ...DEFAULT_ADAPTIVE, ...opts };
    }

    nextDelayMs(o: PollObservation): number {
        return this.nextPoll(o).delayMs;
    }

    nextPoll(o: PollObservation): PollPlan {
        const { floorMs, ceilingMs, remainingFraction, probeMs, latencyFraction, shareFraction, random } = this.opts;
        const hint = o.serverHintMs;
        const own = (delayMs: number): PollPlan => ({ delayMs: Math.round(delayMs), flexMs: 0 });
        if (o.phase === "operation") {
            // The trigger's operation finishes in seconds to a minute; Azure's Retry-After is the guide.
            return own(hint ?? Math.min(30_000, 2_000 * 2 ** Math.max(0, o.polls - 1)));
        }
        const observed = observedTimeScale(o);
        // Server times cannot be read as local times until the scale is known: look again soon.
        if (observed === undefined && o.serverElapsedMs !== undefined) return own(Math.max(probeMs, hint ?? 0));
        const scale = observed ?? 1;
        let remaining = o.serverRemainingMs;
        // Two independent readings of the time left that agree (the estimate and the progress rate)
        // are trusted as they are; one alone may be wrong by ×2 either way (issue 15).
        let corroborated = false;
        const p = o.progressPercentage;
        if (p !== undefined && p > 0 && p < 100 && o.serverElapsedMs !== undefined) {
            const byRate = (o.serverElapsedMs * (100 - p)) / p;
            // (Early progress says little: a job's first steps are not its pace.)
            corroborated = p >= 25 && remaining !== undefined && Math.abs(remaining - byRate) <= 0.25 * Math.max(remaining, byRate);
            remaining = remaining === undefined ? byRate : Math.min(remaining, byRate);
        }
        const elapsed = o.serverElapsedMs ?? o.localElapsedMs * scale;
        // The longest wait that still notices an end right after this poll within the target
        // (max(floorMs, latencyFraction of the job)); jittered downwards only, so it never exceeds it.
        const safe = Math.max(floorMs, latencyFraction * elapsed) * (0.9 + 0.1 * random());
        let serverDelay: number;
        let cruising: boolean;
        if (remaining === undefined) {
            // Nothing predicts the end: the geometric schedule of docs/polling.md (each wait the lateness
            // allowed at that age), or, with a prior, few looks until the earlier jobs' window opens.
            serverDelay = noEstimateWaitMs(elapsed, safe, o.prior, { floorMs, earlyFraction: this.opts.priorEarlyFraction });
            // An early shared look (a list of the vault's jobs) is only more careful here.
            cruising = true;
        } else {
            const tolerance = Math.max(floorMs, latencyFraction * (elapsed + remaining));
            // A lone estimate may be twice too long: a wait of half of it never passes the end.
            const step = remaining * (corroborated ? remainingFraction : 0.5);
            cruising = corroborated ? remaining * (1 - remainingFraction) > tolerance : step > tolerance;
            if (cruising) serverDelay = step * (corroborated ? 0.9 + 0.2 * random() : 0.9 + 0.1 * random());
            else if (corroborated)
                // Close to the end: land just past the estimated end, by 10-40 % of the tolerance (room
                // for an estimate that is a little short; spread, so many restores do not look at once).
                serverDelay = remaining + tolerance * (0.1 + 0.3 * random());
            // A lone estimate: land just past the end of a job twice as short as said, by 50-80 % of the
            // tolerance. An estimate that has run out while the job still runs is wrong: from then on,
            // the schedule for jobs that say nothing (never denser than that).
            else serverDelay = Math.max(step + tolerance * (0.5 + 0.3 * random()), safe);
        }
        serverDelay = Math.max(floorMs, Math.min(ceilingMs, serverDelay));
        const local = Math.max(100, serverDelay / scale);
        const delayMs = Math.round(Math.max(local, hint ?? 0));
        return { delayMs, flexMs: cruising ? Math.round(shareFraction * delayMs) : 0 };
    }
}

/** A fixed interval (for peers' strategies in the benchmark). */
export class FixedPollScheduler implements PollScheduler {
    constructor(
        private readonly operationMs: number,
        private readonly jobMs: number,
        private readonly honourHint = false,
    ) {}
    nextDelayMs(o: PollObservation): number {
        const base = o.phase === "operation" ? this.operationMs : this.jobMs;
        return this.honourHint ? Math.max(base, o.serverHintMs ?? 0) : base;
    }
}
