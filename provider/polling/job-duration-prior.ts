/**
 * Polling a job that says nothing about its end (no progressPercentage, no estimatedRemainingDuration),
 * and what the vault's earlier restore jobs say about it instead. The derivation is in docs/polling.md.
 *
 * The detection target: the end of a job of length T is noticed within L(T) = max(floorMs,
 * latencyFraction × T) (5 s and 2 % by default). When nothing predicts the end, the job may end
 * right after any poll, so each wait may be at most L of the job's age at that poll: the fewest
 * polls any strategy needs is that of the greedy schedule t(k+1) = t(k) + L(t(k)) (the information
 * limit, `informationLimitPolls`).
 *
 * A prior (durations of earlier restore jobs of the same VM, or of the vault) says where the end
 * probably is: before its window opens, the scheduler looks only now and then (a fraction of the
 * job's age), inside and after it, the greedy schedule again.
 */

export interface JobDurationPrior {
    /** The expected length of the job (server time, ms). */
    expectedMs: number;
    /** The window in which the job is expected to end (server time since its start, ms). */
    lowMs: number;
    highMs: number;
    /** Where it comes from, for logs: e.g. "3 earlier restores of vm-app01". */
    source: string;
}

export interface LatencyTarget {
    /** Lateness allowed for any job, ms (5 s). */
    floorMs: number;
    /** Lateness allowed as a fraction of the job's length (2 %). */
    latencyFraction: number;
}

export const DEFAULT_TARGET: LatencyTarget = { floorMs: 5_000, latencyFraction: 0.02 };

/** The lateness allowed for a job of length `ms`: max(floor, fraction × length). */
export function allowedLatenessMs(ms: number, t: LatencyTarget = DEFAULT_TARGET): number {
    return Math.max(t.floorMs, t.latencyFraction * ms);
}

/**
 * The information limit: the fewest polls that notice, within the target, the end of any job that
 * ends between `firstPollMs` (the first look, which finds it running) and `jobMs`, when nothing
 * predicts the end. Counts the first look and the one that sees the end.
 */
export function informationLimitPolls(jobMs: number, firstPollMs: number, t: LatencyTarget = DEFAULT_TARGET): number {
    let at = firstPollMs;
    let polls = 1;
    while (at < jobMs) {
        at += allowedLatenessMs(at, t);
        polls++;
    }
    return polls;
}

/**
 * The fewest polls with a prior that is right: the job is known to end in [lowMs, highMs] and to
 * be running at `firstPollMs`; one look at the window's opening, then the greedy schedule until
 * `jobMs`. A lower bound for any strategy that trusts the window.
 */
export function priorLimitPolls(jobMs: number, firstPollMs: number, prior: { lowMs: number }, t: LatencyTarget = DEFAULT_TARGET): number {
    if (prior.lowMs <= firstPollMs) return informationLimitPolls(jobMs, firstPollMs, t);
    return 1 + informationLimitPolls(jobMs, prior.lowMs, t);
}

export interface NoEstimateOptions {
    floorMs: number;
    /** Before the prior's window: the wait as a fraction of the job's age. */
    earlyFraction: number;
}

/**
 * The next wait (server time) for a job that says nothing, at age `elapsedMs`. `safeMs` is the
 * longest wait that keeps the target (L(age), jittered downwards). With a prior whose window has
 * not opened yet: a fraction of the job's age, landing on the window's opening at the latest.
 */
export function noEstimateWaitMs(elapsedMs: number, safeMs: number, prior: JobDurationPrior | undefined, o: NoEstimateOptions): number {
    if (!prior || elapsedMs + safeMs >= prior.lowMs) return safeMs;
    const early = Math.max(o.floorMs, o.earlyFraction * elapsedMs);
    return Math.max(safeMs, Math.min(prior.lowMs - elapsedMs, early));
}

export interface EarlierJob {
    /** The VM the job restored (the job's entityFriendlyName). */
    vmName: string;
    durationMs: number;
    /** The restored VM's disks in GB, when known (scales a duration to another VM). */
    diskGb?: number;
}

export interface PriorOptions {
    /** Widening of the window around the earlier durations of the same VM (0.1: −10 % / +10 %). */
    sameVmMargin: number;
    /** The window around the vault's median when the VM was never restored before (0.5: ×0.5 … ×1.5). */
    vaultMargin: number;
    /** Earlier jobs shorter than this are not restores worth learning from (failed early, cancelled). */
    minDurationMs: number;
}

export const DEFAULT_PRIOR: PriorOptions = { sameVmMargin: 0.1, vaultMargin: 0.5, minDurationMs: 30_000 };

/**
 * A prior for a restore of `vmName` from the vault's earlier completed restore jobs: the same VM's
 * durations when there are any (window: their range, widened by `sameVmMargin`), else the median of
 * the vault's (scaled by disk size when both sizes are known; window ±`vaultMargin`). Undefined
 * without earlier jobs.
 */
export function priorFromEarlierJobs(
    jobs: EarlierJob[],
    vmName: string,
    diskGb?: number,
    o: PriorOptions = DEFAULT_PRIOR,
): JobDurationPrior | undefined {
    const usable = jobs.filter((j) => j.durationMs >= o.minDurationMs);
    const same = usable.filter((j) => j.vmName.toLowerCase() === vmName.toLowerCase()).map((j) => j.durationMs);
    if (same.length) {
        const lo = Math.min(...same);
        const hi = Math.max(...same);
        return {
            expectedMs: median(same),
            lowMs: Math.round(lo * (1 - o.sameVmMargin)),
            highMs: Math.round(hi * (1 + o.sameVmMargin)),
            source: `${same.length} earlier restore${same.length > 1 ? "s" : ""} of ${vmName}`,
        };
    }
    if (!usable.length) return undefined;
    const scaled = usable.map((j) => (diskGb && j.diskGb ? (j.durationMs * diskGb) / j.diskGb : j.durationMs));
    const m = median(scaled);
    return {
        expectedMs: Math.round(m),
        lowMs: Math.round(m * (1 - o.vaultMargin)),
        highMs: Math.round(m * (1 + o.vaultMargin)),
        source: `median of ${usable.length} earlier restore${usable.length > 1 ? "s" : ""} in the vault`,
    };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
