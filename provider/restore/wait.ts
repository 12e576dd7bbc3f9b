/**
 * Step 2, completion: follow the trigger's operation to the job Azure names (that only means the
 * restore was *accepted*), then the job to a terminal status. Both are followed by the one
 * follower (polling/follow.ts); this file says what a look is and when to look again.
 */
import { API_VERSIONS } from "../azure/api-versions";
import { isAzureRequestError, isRestoreTimeoutError, restoreJobError, restoreTimeoutError } from "../azure/errors";
import { lookAtOperation } from "../azure/lro";
import { JobSource } from "../azure/backup/job-source";
import { describeJobErrors, RestoreJobView } from "../azure/backup/restore-job";
import { backupUrls } from "../azure/backup/urls";
import { follow, Look } from "../polling/follow";
import { OperationState } from "../polling/operation-tracker";
import { planPoll, PollPlan } from "../polling/poll-scheduler";
import { mergeListedJob } from "./vault-job-board";
import { priorForJob } from "./earlier-restore-jobs";
import { DEFAULT_TIMEOUT_MINUTES, VmRestoreInputs } from "./restore-inputs";
import { jobSourceOf, RestoreRecord } from "./record";
import { WorkflowDeps } from "./workflow-deps";

/** Longest wait for Azure to accept a restore (the operation that yields the job ID). */
const OPERATION_CAP_MS = 15 * 60_000;

/**
 * Follows the restore to its end and returns the finished job; `onJob` hears the job ID the moment
 * Azure names it (the record is updated in place: it is what the caller keeps).
 */
export async function waitForRestore(
    deps: WorkflowDeps,
    r: RestoreRecord,
    inputs: VmRestoreInputs,
    onJob?: (jobId: string) => void,
): Promise<RestoreJobView> {
    const jobs = jobSourceOf(deps.arm, r);
    if (!r.jobId) {
        r.jobId = await followOperationToJob(deps, r, jobs);
        r.operation = undefined;
        deps.progress.say(`restore accepted: job ${r.jobId}`);
        onJob?.(r.jobId);
    }
    return followJob(deps, r, inputs, jobs, r.jobId);
}

/** The trigger's operation, followed until Azure names the job. Not cut short by timeoutMinutes, so a job running in Azure is always recorded. */
async function followOperationToJob(deps: WorkflowDeps, r: RestoreRecord, jobs: JobSource): Promise<string> {
    const start = r.operation;
    if (!start) throw new Error("internal: a restore with neither an operation nor a job to follow");
    const look = async (op: OperationState): Promise<Look<OperationState>> => {
        const seen = await lookAtOperation(deps.arm, op);
        let state = seen.state;
        if (state.status === "failed" || state.status === "canceled") {
            const e = state.error ?? {};
            throw new Error(`Azure did not accept the restore: ${e.code ?? state.status}${e.message ? `: ${e.message}` : ""}`);
        }
        if (state.status === "succeeded" && !state.jobId && r.crossRegion) {
            // A finished CRR operation status may carry no `properties` (the official example has
            // none): the job is found in the secondary region's list, which may not show it at once.
            const jobId = await jobs.newestOf(r.vmName, r.triggeredAt);
            if (!jobId) {
                deps.progress.say("the cross-region restore was accepted; its job is not listed in the secondary region yet");
                return { ...seen, done: false };
            }
            state = { ...state, jobId };
        } else if (state.status === "succeeded" && !state.jobId && state.operationId) {
            // Location mode ends in a body-less 204: the job ID lives on the vault-level operation.
            const op = await deps.arm.get<{ properties?: { jobId?: string } }>(backupUrls.operation(r.vaultPath, state.operationId), {
                apiVersion: API_VERSIONS.backup,
            });
            state = { ...state, jobId: op.body?.properties?.jobId };
        }
        r.operation = state;
        return { state, done: state.status === "succeeded", hintMs: seen.hintMs };
    };
    const end = await follow(
        { state: start, done: false, hintMs: r.operationHintMs },
        {
            look,
            ...acceptancePhase<OperationState>(deps, r),
            timedOut: (op) =>
                new Error(
                    `Azure has not accepted the restore after ${OPERATION_CAP_MS / 60_000} minutes (operation ${op.operationId}); check the vault's Backup Jobs before running again`,
                ),
        },
    );
    if (!end.jobId) throw new Error("the restore operation succeeded but Azure named no job for it; check the vault's Backup Jobs");
    return end.jobId;
}

/** The rhythm of the acceptance phase (the operation, and a job just named): the scheduler's operation waits, up to the operation cap. */
function acceptancePhase<S>(deps: WorkflowDeps, r: RestoreRecord) {
    return {
        plan: (_state: S, polls: number, hintMs: number | undefined) => ({
            delayMs: deps.scheduler.nextDelayMs({
                phase: "operation",
                polls: polls - 1,
                serverHintMs: hintMs,
                localElapsedMs: deps.now() - r.triggeredAt,
            }),
        }),
        sleep: deps.sleep,
        now: deps.now,
        deadline: r.triggeredAt + OPERATION_CAP_MS,
    };
}

/** What the wait on a job knows: the job as last seen (perhaps in a shared list) and as last read itself. */
interface JobWatch {
    job: RestoreJobView;
    lastRead: RestoreJobView;
    lastReadAt: number;
}

/** The job, followed to a terminal status within timeoutMinutes (cancelled at the timeout when cancelOnTimeout says so). */
async function followJob(
    deps: WorkflowDeps,
    r: RestoreRecord,
    inputs: VmRestoreInputs,
    jobs: JobSource,
    jobId: string,
): Promise<RestoreJobView> {
    const { arm, progress } = deps;
    const deadline = r.triggeredAt + (inputs.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000;
    // The stretch over which server and local clocks are compared: from the trigger for a restore
    // started now (the job starts with it), from the first poll for an adopted one.
    let baseline = r.origin === "started" ? { local: r.triggeredAt, server: 0 } : undefined;
    const board = r.crossRegion ? undefined : deps.jobBoard;
    const first = await readJobWhenVisible(deps, r, jobs, jobId);
    const watch: JobWatch = { job: first, lastRead: first, lastReadAt: deps.now() };
    // A shared list must reach back to the job's start (an adopted job started before this run).
    const started = Date.parse(first.startTime ?? "");
    board?.join(arm, r.vaultPath, jobId, Number.isNaN(started) ? r.triggeredAt : Math.min(started, r.triggeredAt));
    // A job that reports neither progress nor an estimate is polled by what earlier restores of the vault took (docs/polling.md).
    const prior = r.crossRegion ? undefined : await priorForJob(arm, r.vaultPath, r.vmName, first, deps.now(), (l) => progress.say(l));
    let latest = watch;
    const seen = (w: JobWatch): Look<JobWatch> => {
        latest = w;
        progress.job(w.job);
        if (!baseline && w.lastRead.durationMs !== undefined) baseline = { local: w.lastReadAt, server: w.lastRead.durationMs };
        return { state: w, done: w.job.terminal };
    };
    const heartbeat = heartbeatWait(deps, r);
    try {
        const end = await follow<JobWatch, PollPlan>(seen(watch), {
            plan: ({ job, lastRead, lastReadAt }, polls) =>
                planPoll(deps.scheduler, {
                    phase: "job",
                    polls,
                    serverHintMs: job.serverHintMs,
                    localElapsedMs: deps.now() - r.triggeredAt,
                    serverElapsedMs: job.durationMs,
                    // The clocks are compared on the restore's own reads (a shared look is a little older).
                    scaleSample:
                        baseline && lastRead.durationMs !== undefined
                            ? { localMs: lastReadAt - baseline.local, serverMs: lastRead.durationMs - baseline.server }
                            : undefined,
                    progressPercentage: job.progressPercentage,
                    serverRemainingMs: job.estimatedRemainingMs,
                    prior,
                }),
            look: async (w, plan) => {
                const listed =
                    board && plan.flexMs > 0 ? await board.sharedView(arm, r.vaultPath, jobId, deps.now, plan.flexMs) : undefined;
                if (listed) return seen({ ...w, job: mergeListedJob(listed, w.lastRead) });
                const read = await jobs.read(jobId);
                return seen({ job: read, lastRead: read, lastReadAt: deps.now() });
            },
            sleep: deps.sleep,
            now: deps.now,
            deadline,
            wait: (ms, w) => heartbeat(ms, w.job),
            timedOut: ({ job }) => {
                const where =
                    `job ${job.jobId} was ${job.status}${job.progressPercentage !== undefined ? ` at ${job.progressPercentage}%` : ""}` +
                    (job.tasks.length ? ` (tasks: ${job.tasks.map((x) => `${x.taskId} ${x.status}`).join(", ")})` : "");
                return restoreTimeoutError(
                    `timeoutMinutes: the restore did not finish within the timeout; ${where}. ` +
                        "Raise timeoutMinutes and run `pulumi up` again (the running job is still in Azure).",
                    jobId,
                );
            },
        });
        // A list showed it finished: its errors and property bag come with the job's own read.
        const job = end.job === end.lastRead ? end.job : await jobs.read(jobId);
        if (!job.succeeded)
            throw restoreJobError(`restore job ${job.jobId} ended ${job.status}: ${describeJobErrors(job)}`, job.jobId, job.status);
        return job;
    } catch (e) {
        if (inputs.cancelOnTimeout && isRestoreTimeoutError(e) && latest.job.cancellable && jobs.cancellable) {
            const after = await cancelJob(deps, jobs, jobId, 10 * 60_000);
            e.message += ` The job was cancelled (cancelOnTimeout); it is now ${after.status}.`;
        }
        throw e;
    } finally {
        board?.leave(arm, r.vaultPath, jobId);
    }
}

/**
 * The first read of a job just started: Azure may answer 404 for a while after naming it (seen
 * for cross-region jobs, which live in the secondary region). Looked at again until the operation
 * cap; a job recorded by an earlier run that answers 404 is gone, and that is said at once.
 */
async function readJobWhenVisible(deps: WorkflowDeps, r: RestoreRecord, jobs: JobSource, jobId: string): Promise<RestoreJobView> {
    let notYet: unknown;
    const look = async (): Promise<Look<RestoreJobView | undefined>> => {
        try {
            return { state: await jobs.read(jobId), done: true };
        } catch (e) {
            if (!(isAzureRequestError(e) && e.status === 404) || r.origin !== "started") throw e;
            if (notYet === undefined)
                deps.progress.say(`restore job ${jobId} is not readable yet (404 right after Azure named it); looking again`);
            notYet = e;
            return { state: undefined, done: false };
        }
    };
    const job = await follow(await look(), {
        look,
        ...acceptancePhase<RestoreJobView | undefined>(deps, r),
        timedOut: () => notYet as Error,
    });
    return job!;
}

/** Asks Azure to cancel a job and follows it until it has stopped (or `timeoutMs` has passed). */
export async function cancelJob(deps: WorkflowDeps, jobs: JobSource, jobId: string, timeoutMs: number): Promise<RestoreJobView> {
    deps.progress.say(`cancelling restore job ${jobId}`);
    const deadline = deps.now() + timeoutMs;
    await jobs.requestCancel(jobId, deps, deadline);
    const look = async (): Promise<Look<RestoreJobView>> => {
        const job = await jobs.read(jobId);
        return { state: job, done: job.terminal || deps.now() >= deadline };
    };
    const job = await follow(await look(), { look, plan: () => ({ delayMs: 5_000 }), sleep: deps.sleep, now: deps.now });
    deps.progress.say(`restore job ${jobId} is ${job.status} after the cancel request`);
    return job;
}

/** Waits out a job that cannot be cancelled (a cross-region restore), up to `deadline`; the error says what then. */
export async function waitOutJob(
    deps: WorkflowDeps,
    jobs: JobSource,
    first: RestoreJobView,
    deadline: number,
    timedOut: (job: RestoreJobView) => Error,
): Promise<RestoreJobView> {
    return follow(
        { state: first, done: first.terminal },
        {
            look: async (job) => {
                const next = await jobs.read(job.jobId);
                return { state: next, done: next.terminal };
            },
            plan: (job, polls) => ({
                delayMs: deps.scheduler.nextDelayMs({
                    phase: "job",
                    polls,
                    serverHintMs: job.serverHintMs,
                    localElapsedMs: 0,
                    serverElapsedMs: job.durationMs,
                    progressPercentage: job.progressPercentage,
                    serverRemainingMs: job.estimatedRemainingMs,
                }),
            }),
            sleep: deps.sleep,
            now: deps.now,
            deadline,
            timedOut,
        },
    );
}

/**
 * A wait that says how the restore stands at a steady rhythm (deps.heartbeatMs, from the trigger)
 * whatever the wait between polls: from what the last look at the job showed, so a heartbeat costs
 * no request. The rhythm is kept on the planned timeline (start + slept), not re-read from the
 * clock, so an injected sleep drives it exactly.
 */
function heartbeatWait(deps: WorkflowDeps, r: RestoreRecord): (ms: number, job: RestoreJobView) => Promise<void> {
    const every = deps.heartbeatMs ?? 0;
    let nextAt = r.triggeredAt + every;
    return async (ms, job) => {
        if (!(every > 0)) return deps.sleep(ms);
        const start = deps.now();
        const nextCheckAt = start + ms;
        let slept = 0;
        while (slept < ms) {
            const at = start + slept;
            if (nextAt <= at) {
                deps.progress.heartbeat(job, { elapsedMs: at - r.triggeredAt, nextCheckAt, now: at });
                while (nextAt <= at) nextAt += every;
            }
            const chunk = Math.min(ms - slept, nextAt - at);
            await deps.sleep(chunk);
            slept += chunk;
        }
    };
}
