/**
 * The restore, end to end, in three steps with resumable state between them:
 * 1. `startRestore` (the trigger): POST the restore, or adopt the job this resource already started;
 * 2. `waitForRestore` (completion): follow the operation to its jobId, then the job to a terminal status;
 * 3. `collectOutputs`: find and verify what was restored.
 */
import { LOOKUP_SHARE_MS } from "../azure/shared-reads";
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { isAzureRequestError, isRestoreTimeoutError, restoreJobError, restoreTimeoutError } from "../azure/errors";
import { findProtectedItem, ProtectedItemRef } from "./protected-item-lookup";
import { RecoveryPoint, selectRecoveryPoint } from "./recovery-point-selector";
import { buildRestoreRequest, targetVmIdOf } from "../azure/backup/restore-request-builder";
import { CheckpointStore, RestoreCheckpoint } from "./restore-checkpoint";
import { findRunningRestoreJob } from "./restore-job-finder";
import {
    CrossRegionTarget,
    crossRegionTargetOf,
    findCrossRegionJob,
    pairedRegion,
    readCrossRegionJob,
    triggerCrossRegionRestore,
} from "../azure/backup/cross-region-restore";
import { initOperationState, lastSegment, OperationState, updateOperationState } from "../polling/operation-tracker";
import { serverRetryHintMs } from "../azure/retry-policy";
import { planPoll, PollScheduler } from "../polling/poll-scheduler";
import { priorForJob } from "./earlier-restore-jobs"; // issue 15 (prior)
import { mergeListedJob, VaultJobBoard } from "./vault-job-board";
import { bagValue, describeJobErrors, readRestoreJob, RestoreJobView } from "../azure/backup/restore-job";
import { ProgressReporter } from "./progress-reporter";
import { DEFAULT_RECOVERY_POINT, DEFAULT_TIMEOUT_MINUTES, VmRestoreInputs, VmRestoreOutputs } from "./restore-inputs";
import { existingBlobs, findRestoredDisks, missingResources, resourcesOfVm, RestoredResources, allDiskIds } from "./restored-resources";
import { resourceExists } from "../azure/arm-resource-deleter";
import { parseResourceId, sameResourceId } from "../azure/resource-id";
import { formatIsoDuration } from "../azure/backup/duration";

export interface WorkflowDeps {
    arm: ArmClient;
    scheduler: PollScheduler;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    progress: ProgressReporter;
    /** Job polls shared by this process's restores of one vault; absent: each reads its own job. */
    jobBoard?: VaultJobBoard;
    /** A heartbeat line per restore at this rhythm while it waits on its job (0 or absent: none). Costs no request. */
    heartbeatMs?: number;
}

/** Where a restore comes from: resolved once, before anything is started. */
export interface RestoreSource {
    vaultPath: string;
    vaultLocation: string;
    item: ProtectedItemRef;
    recoveryPoint: RecoveryPoint;
}

/** Everything needed to pick a restore up again: kept between the steps. */
export interface TriggeredRestore extends RestoreSource {
    /** The trigger's operation; absent when an existing job was adopted. */
    operation?: OperationState;
    /** Local epoch ms of this run's trigger (or adoption): the start of its timeout and polling. */
    triggeredAt: number;
    /**
     * Epoch ms of the restore's FIRST trigger, kept across resume, adoption and later runs: the
     * start of `timeToRestoreSeconds` (RTO) and the moment `recoveryPointAgeSeconds` (RPO) is taken at.
     */
    firstTriggeredAt: number;
    jobId?: string;
    /** How the job was found: started now, or adopted from a checkpoint or Azure's job list. */
    origin: "started" | "checkpoint" | "job-list" | "state";
    /** Set for a cross-region restore: the secondary region it runs in. */
    crossRegion?: CrossRegionTarget;
    /** When the next heartbeat line is due (local epoch ms). */
    nextHeartbeatAt?: number;
}

/** The region a restore lands in: the vault's, or for crossRegion the secondary region. */
export function restoreRegionOf(inputs: VmRestoreInputs, vaultLocation: string): string {
    if (!inputs.crossRegion) return vaultLocation;
    const region = inputs.secondaryRegion ?? pairedRegion(vaultLocation);
    if (!region)
        throw new Error(
            `secondaryRegion: the vault is in ${vaultLocation}, whose paired region is not known to VmRestore; set secondaryRegion`,
        );
    return region;
}

/** Reads a restore job, in the vault or (cross-region) in the secondary region. */
export async function readJobOf(
    deps: WorkflowDeps,
    vaultPath: string,
    jobId: string,
    crossRegion?: CrossRegionTarget,
): Promise<RestoreJobView> {
    if (crossRegion) return readCrossRegionJob(deps.arm, crossRegion, jobId);
    const res = await deps.arm.get(`${vaultPath}/backupJobs/${encodeURIComponent(jobId)}`, { apiVersion: API_VERSIONS.backup });
    return { ...readRestoreJob(jobId, res.body), serverHintMs: serverRetryHintMs(res.headers) };
}

/** Longest wait for Azure to accept a restore (the operation that yields the job ID). */
const OPERATION_CAP_MS = 15 * 60_000;

export function vaultPathOf(inputs: VmRestoreInputs): string {
    if (inputs.vaultId) return parseResourceId(inputs.vaultId, "Microsoft.RecoveryServices/vaults").id;
    const vm = parseResourceId(inputs.sourceVmId, "Microsoft.Compute/virtualMachines");
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${inputs.vaultResourceGroupName}/providers/Microsoft.RecoveryServices/vaults/${inputs.vaultName}`;
}

/** Resolves vault, protected item and recovery point. */
export async function resolveRestoreSource(deps: WorkflowDeps, inputs: VmRestoreInputs): Promise<RestoreSource> {
    const { arm, progress } = deps;
    const vaultPath = vaultPathOf(inputs);
    const vault = await arm.get<{ location?: string }>(vaultPath, { apiVersion: API_VERSIONS.vault, shareMs: LOOKUP_SHARE_MS });
    const vaultLocation = vault.body?.location;
    if (!vaultLocation) throw new Error(`the vault ${vaultPath} has no location in its ARM response; cannot set the restore's region`);
    const item = await findProtectedItem(arm, vaultPath, inputs.sourceVmId);
    const recoveryPoint = await selectRecoveryPoint(
        arm,
        item.path,
        inputs.recoveryPoint ?? DEFAULT_RECOVERY_POINT,
        inputs.recoveryPointSelector,
        !!inputs.rehydration,
        !!inputs.crossRegion,
    );
    progress.say(
        `recovery point ${recoveryPoint.id} (${recoveryPoint.type}, ${recoveryPoint.time}, tiers ${recoveryPoint.tiers.join("+")})`,
    );
    return { vaultPath, vaultLocation, item, recoveryPoint };
}

export interface StartOptions {
    checkpoints: CheckpointStore;
    checkpointKey: string;
}

/**
 * Step 1: start the restore, or adopt the one this resource already started (a checkpoint left by a
 * killed run, or a matching job still running in Azure). Never POSTs a second restore for one intent.
 */
export async function startRestore(
    deps: WorkflowDeps,
    inputs: VmRestoreInputs,
    src: RestoreSource,
    o: StartOptions,
): Promise<TriggeredRestore> {
    const { arm, progress } = deps;
    if (inputs.crossRegion) return startCrossRegion(deps, inputs, src, o);
    const saved = o.checkpoints.load(o.checkpointKey);
    if (saved && !(await checkpointStillValid(deps, saved))) o.checkpoints.remove(o.checkpointKey);
    else if (
        saved &&
        sameResourceId(saved.vaultPath, src.vaultPath) &&
        saved.recoveryPointId === src.recoveryPoint.id &&
        (saved.jobId || saved.operationUrl)
    ) {
        progress.say(
            `resuming the restore started at ${new Date(saved.triggeredAt).toISOString()}${saved.jobId ? ` (job ${saved.jobId})` : ""} instead of starting another`,
        );
        return {
            ...src,
            triggeredAt: saved.triggeredAt,
            firstTriggeredAt: saved.firstTriggeredAt ?? saved.triggeredAt,
            jobId: saved.jobId,
            operation: saved.jobId
                ? undefined
                : {
                      mode: "AsyncOperation",
                      pollUrl: saved.operationUrl!,
                      operationId: lastSegment(saved.operationUrl!),
                      status: "running",
                  },
            origin: "checkpoint",
        };
    }
    // (A list another resource took moments ago will do: a job an earlier run started is older.)
    const running = await findRunning(deps, inputs, src, ADOPTION_LIST_SHARE_MS);
    if (running) return adopt(deps, src, running, "job-list", o);

    const request = buildRestoreRequest({ inputs, recoveryPointId: src.recoveryPoint.id, region: src.vaultLocation });
    const triggeredAt = deps.now();
    let res;
    try {
        res = await arm.request("POST", `${src.item.path}/recoveryPoints/${encodeURIComponent(src.recoveryPoint.id)}/restore`, {
            apiVersion: API_VERSIONS.backup,
            body: request,
            idempotent: false,
        });
    } catch (e) {
        // No answer (reset, timeout) or a 5xx: Azure may still have started it. Look before failing.
        if (isAzureRequestError(e) && (e.status === 0 || e.status >= 500)) {
            const started = await findRunning(deps, inputs, src).catch(() => undefined);
            if (started) return adopt(deps, src, started, "job-list", o);
        }
        throw e;
    }
    const operation = initOperationState(res.headers, serverRetryHintMs(res.headers));
    o.checkpoints.save(o.checkpointKey, {
        vaultPath: src.vaultPath,
        recoveryPointId: src.recoveryPoint.id,
        triggeredAt,
        operationUrl: operation.pollUrl,
    });
    progress.say(`restore requested (${inputs.restoreType}); following the operation ${operation.operationId ?? ""}`.trim());
    return { ...src, operation, triggeredAt, firstTriggeredAt: triggeredAt, origin: "started" };
}

/** A checkpoint is only worth resuming if Azure still knows its job (or operation). */
async function checkpointStillValid(deps: WorkflowDeps, c: RestoreCheckpoint): Promise<boolean> {
    const url = c.jobId ? `${c.vaultPath}/backupJobs/${encodeURIComponent(c.jobId)}` : c.operationUrl;
    if (!url) return false;
    const res = await deps.arm.get(url, { apiVersion: API_VERSIONS.backup, okStatuses: [404] });
    return res.status !== 404;
}

async function startCrossRegion(
    deps: WorkflowDeps,
    inputs: VmRestoreInputs,
    src: RestoreSource,
    o: StartOptions,
): Promise<TriggeredRestore> {
    const region = restoreRegionOf(inputs, src.vaultLocation);
    const crossRegion = crossRegionTargetOf(src.vaultPath, region);
    const saved = o.checkpoints.load(o.checkpointKey);
    if (saved?.jobId && saved.recoveryPointId === src.recoveryPoint.id) {
        const job = await readCrossRegionJob(deps.arm, crossRegion, saved.jobId).catch(() => undefined);
        if (job) {
            deps.progress.say(`resuming the cross-region restore job ${saved.jobId} instead of starting another`);
            return {
                ...src,
                triggeredAt: saved.triggeredAt,
                firstTriggeredAt: saved.firstTriggeredAt ?? saved.triggeredAt,
                jobId: saved.jobId,
                origin: "checkpoint",
                crossRegion,
            };
        }
    }
    const request = buildRestoreRequest({ inputs, recoveryPointId: src.recoveryPoint.id, region });
    const triggeredAt = deps.now();
    const { headers } = await triggerCrossRegionRestore(
        deps.arm,
        crossRegion,
        `${src.item.path}/recoveryPoints/${encodeURIComponent(src.recoveryPoint.id)}`,
        request.properties as unknown as Record<string, unknown>,
    );
    deps.progress.say(`cross-region restore requested into ${region}`);
    if (headers["azure-asyncoperation"] || headers["location"]) {
        const operation = initOperationState(headers, serverRetryHintMs(headers));
        o.checkpoints.save(o.checkpointKey, {
            vaultPath: src.vaultPath,
            recoveryPointId: src.recoveryPoint.id,
            triggeredAt,
            operationUrl: operation.pollUrl,
        });
        return { ...src, operation, triggeredAt, firstTriggeredAt: triggeredAt, origin: "started", crossRegion };
    }
    // A body-less 200 with nothing to follow: the job shows up in the secondary region's job list.
    const vmName = parseResourceId(inputs.sourceVmId).name;
    for (let i = 0; i < 30; i++) {
        const jobId = await findCrossRegionJob(deps.arm, crossRegion, vmName, triggeredAt);
        if (jobId) {
            o.checkpoints.save(o.checkpointKey, { vaultPath: src.vaultPath, recoveryPointId: src.recoveryPoint.id, triggeredAt, jobId });
            return { ...src, triggeredAt, firstTriggeredAt: triggeredAt, jobId, origin: "started", crossRegion };
        }
        await deps.sleep(10_000);
    }
    throw new Error(
        `crossRegion: Azure accepted the cross-region restore but no job appeared in ${region}; check the vault's cross-region jobs`,
    );
}

/** How old a shared list of running jobs may be when looking for one an earlier run started. */
const ADOPTION_LIST_SHARE_MS = 15_000;

async function findRunning(
    deps: WorkflowDeps,
    inputs: VmRestoreInputs,
    src: RestoreSource,
    shareMs?: number,
): Promise<RestoreJobView | undefined> {
    const now = deps.now();
    return findRunningRestoreJob(deps.arm, {
        vaultPath: src.vaultPath,
        inputs,
        recoveryPoint: src.recoveryPoint,
        vmName: parseResourceId(inputs.sourceVmId).name,
        windowStart: now - (inputs.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000,
        now,
        shareMs,
    });
}

function adopt(
    deps: WorkflowDeps,
    src: RestoreSource,
    job: RestoreJobView,
    origin: TriggeredRestore["origin"],
    o: StartOptions,
): TriggeredRestore {
    const triggeredAt = deps.now();
    // The restore began when Azure started the job (an earlier run triggered it), not now.
    const jobStart = Date.parse(job.startTime ?? "");
    const firstTriggeredAt = Number.isNaN(jobStart) ? triggeredAt : Math.min(jobStart, triggeredAt);
    deps.progress.say(
        `adopting restore job ${job.jobId} (${job.status}, started ${job.startTime ?? "earlier"}) for the same VM, target and recovery point, instead of starting another`,
    );
    o.checkpoints.save(o.checkpointKey, {
        vaultPath: src.vaultPath,
        recoveryPointId: src.recoveryPoint.id,
        triggeredAt,
        firstTriggeredAt,
        jobId: job.jobId,
    });
    return { ...src, triggeredAt, firstTriggeredAt, jobId: job.jobId, origin };
}

/** Cancels a running job and follows the cancellation until the job has stopped. */
export async function cancelRestoreJob(deps: WorkflowDeps, vaultPath: string, jobId: string, timeoutMs: number): Promise<RestoreJobView> {
    const { arm, progress, sleep } = deps;
    const jobPath = `${vaultPath}/backupJobs/${encodeURIComponent(jobId)}`;
    progress.say(`cancelling restore job ${jobId}`);
    const res = await arm.request("POST", `${jobPath}/cancel`, { apiVersion: API_VERSIONS.backup, idempotent: true });
    const deadline = deps.now() + timeoutMs;
    let hint = serverRetryHintMs(res.headers);
    const location = res.headers["location"];
    while (location && deps.now() < deadline) {
        await sleep(hint ?? 5_000);
        const poll = await arm.get(location);
        hint = serverRetryHintMs(poll.headers);
        if (poll.status !== 202) break;
    }
    for (;;) {
        const job = await readJobOf(deps, vaultPath, jobId);
        if (job.terminal || deps.now() >= deadline) {
            progress.say(`restore job ${jobId} is ${job.status} after the cancel request`);
            return job;
        }
        await sleep(5_000);
    }
}

/** Step 2: follow the operation to the job, and the job to its end. Returns the finished job. */
export async function waitForRestore(
    deps: WorkflowDeps,
    t: TriggeredRestore,
    inputs: VmRestoreInputs,
    onJob?: (jobId: string) => void,
): Promise<RestoreJobView> {
    const { arm, scheduler, progress } = deps;
    const deadline = t.triggeredAt + (inputs.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000;
    let polls = 0;
    while (!t.jobId) {
        // (A cross-region operation status carries the job ID as well; there is no vault-level fallback.)
        if (!t.operation) throw new Error("internal: a restore with neither an operation nor a job to follow");
        const hint = t.operation.retryAfterMs;
        // Acceptance takes seconds to a minute; it is not cut short by timeoutMinutes, so that a
        // restore running in Azure always has its job ID recorded.
        if (deps.now() - t.triggeredAt > OPERATION_CAP_MS) {
            throw new Error(
                `Azure has not accepted the restore after ${OPERATION_CAP_MS / 60_000} minutes (operation ${t.operation.operationId}); check the vault's Backup Jobs before running again`,
            );
        }
        await deps.sleep(
            scheduler.nextDelayMs({ phase: "operation", polls, serverHintMs: hint, localElapsedMs: deps.now() - t.triggeredAt }),
        );
        const res = await arm.get(t.operation.pollUrl, { okStatuses: [] });
        polls++;
        t.operation = updateOperationState(t.operation, res.status, res.body, serverRetryHintMs(res.headers));
        if (t.operation.status === "failed" || t.operation.status === "canceled") {
            const e = t.operation.error ?? {};
            throw new Error(`Azure did not accept the restore: ${e.code ?? t.operation.status}${e.message ? `: ${e.message}` : ""}`);
        }
        if (t.operation.status === "succeeded" && !t.operation.jobId && t.crossRegion) {
            // A finished CRR operation status may carry no `properties` (the official example has
            // none): the job is found in the secondary region's list, which may not show it at once.
            t.operation.jobId = await findCrossRegionJob(arm, t.crossRegion, parseResourceId(inputs.sourceVmId).name, t.triggeredAt);
            if (!t.operation.jobId) {
                progress.say("the cross-region restore was accepted; its job is not listed in the secondary region yet");
                continue;
            }
        }
        if (t.operation.status === "succeeded" && !t.operation.jobId && t.operation.operationId && !t.crossRegion) {
            // Location mode ends in a body-less 204: the job ID lives on the vault-level operation.
            const op = await arm.get<{ properties?: { jobId?: string } }>(
                `${t.vaultPath}/backupOperations/${encodeURIComponent(t.operation.operationId)}`,
                { apiVersion: API_VERSIONS.backup },
            );
            t.operation.jobId = op.body?.properties?.jobId;
        }
        if (t.operation.status === "succeeded") {
            if (!t.operation.jobId)
                throw new Error("the restore operation succeeded but Azure named no job for it; check the vault's Backup Jobs");
            t.jobId = t.operation.jobId;
            progress.say(`restore accepted: job ${t.jobId}`);
            onJob?.(t.jobId);
        }
    }
    polls = 0;
    // The stretch over which server and local clocks are compared: from the trigger for a restore
    // started now (the job starts with it), from the first poll for an adopted one.
    let baseline = t.origin === "started" ? { local: t.triggeredAt, server: 0 } : undefined;
    const jobId = t.jobId;
    const board = t.crossRegion ? undefined : deps.jobBoard;
    try {
        let lastRead = await readJobWhenVisible(deps, t, jobId);
        let lastReadAt = deps.now();
        let job = lastRead;
        // A shared list must reach back to the job's start (an adopted job started before this run).
        const started = Date.parse(lastRead.startTime ?? "");
        board?.join(arm, t.vaultPath, jobId, Number.isNaN(started) ? t.triggeredAt : Math.min(started, t.triggeredAt));
        // issue 15 (prior): a job that reports no progress nor estimate is polled by what earlier restores took.
        const prior = t.crossRegion
            ? undefined
            : await priorForJob(arm, t.vaultPath, parseResourceId(inputs.sourceVmId).name, lastRead, deps.now(), (l) => progress.say(l));
        for (;;) {
            polls++;
            if (!baseline && lastRead.durationMs !== undefined) baseline = { local: lastReadAt, server: lastRead.durationMs };
            progress.job(job);
            if (job.terminal) {
                // A list showed it finished: its errors and property bag come with the job's own read.
                if (job !== lastRead) job = lastRead = await readJobOf(deps, t.vaultPath, jobId, t.crossRegion);
                if (!job.succeeded) {
                    throw restoreJobError(`restore job ${job.jobId} ended ${job.status}: ${describeJobErrors(job)}`, job.jobId, job.status);
                }
                return job;
            }
            const plan = planPoll(scheduler, {
                phase: "job",
                polls,
                serverHintMs: job.serverHintMs,
                localElapsedMs: deps.now() - t.triggeredAt,
                serverElapsedMs: job.durationMs,
                // The clocks are compared on the restore's own reads (a shared look is a little older).
                scaleSample:
                    baseline && lastRead.durationMs !== undefined
                        ? { localMs: lastReadAt - baseline.local, serverMs: lastRead.durationMs - baseline.server }
                        : undefined,
                progressPercentage: job.progressPercentage,
                serverRemainingMs: job.estimatedRemainingMs,
                prior, // issue 15 (prior)
            });
            try {
                await sleepUntilDeadline(deps, plan.delayMs, deadline, t, job);
            } catch (e) {
                if (inputs.cancelOnTimeout && isRestoreTimeoutError(e) && job.cancellable && !t.crossRegion) {
                    const after = await cancelRestoreJob(deps, t.vaultPath, job.jobId, 10 * 60_000);
                    e.message += ` The job was cancelled (cancelOnTimeout); it is now ${after.status}.`;
                }
                throw e;
            }
            const listed = board && plan.flexMs > 0 ? await board.sharedView(arm, t.vaultPath, jobId, deps.now, plan.flexMs) : undefined;
            if (listed) job = mergeListedJob(listed, lastRead);
            else {
                job = lastRead = await readJobOf(deps, t.vaultPath, jobId, t.crossRegion);
                lastReadAt = deps.now();
            }
        }
    } finally {
        board?.leave(arm, t.vaultPath, jobId);
    }
}

/**
 * The first read of a job just started: Azure may answer 404 for a while after naming it (seen
 * for cross-region jobs, which live in the secondary region). Looked at again until the operation
 * cap; a job recorded by an earlier run that answers 404 is gone, and that is said at once.
 */
async function readJobWhenVisible(deps: WorkflowDeps, t: TriggeredRestore, jobId: string): Promise<RestoreJobView> {
    for (let polls = 0; ; polls++) {
        try {
            return await readJobOf(deps, t.vaultPath, jobId, t.crossRegion);
        } catch (e) {
            if (!(isAzureRequestError(e) && e.status === 404) || t.origin !== "started" || deps.now() - t.triggeredAt > OPERATION_CAP_MS)
                throw e;
            if (polls === 0) deps.progress.say(`restore job ${jobId} is not readable yet (404 right after Azure named it); looking again`);
            await deps.sleep(
                deps.scheduler.nextDelayMs({
                    phase: "operation",
                    polls,
                    serverHintMs: undefined,
                    localElapsedMs: deps.now() - t.triggeredAt,
                }),
            );
        }
    }
}

async function sleepUntilDeadline(
    deps: WorkflowDeps,
    delayMs: number,
    deadline: number,
    t: TriggeredRestore,
    job?: RestoreJobView,
): Promise<void> {
    // A wait that would cross the deadline is cut short, so the job gets one last look at the
    // deadline instead of the restore giving up early (adaptive waits can be long).
    const left = deadline - deps.now();
    if (left <= 0) {
        const where = job
            ? `job ${job.jobId} was ${job.status}${job.progressPercentage !== undefined ? ` at ${job.progressPercentage}%` : ""}` +
              (job.tasks.length ? ` (tasks: ${job.tasks.map((x) => `${x.taskId} ${x.status}`).join(", ")})` : "")
            : t.jobId
              ? `job ${t.jobId} had started`
              : "Azure had not yet accepted the restore";
        throw restoreTimeoutError(
            `timeoutMinutes: the restore did not finish within the timeout; ${where}. ` +
                "Raise timeoutMinutes and run `pulumi up` again (the running job is still in Azure).",
            t.jobId,
        );
    }
    await waitWithHeartbeat(deps, Math.min(delayMs, left), t, job);
}

/**
 * Sleeps `ms`, saying how the restore stands at a steady rhythm (deps.heartbeatMs, from the trigger)
 * whatever the wait between polls: from what the last look at the job showed, so a heartbeat costs
 * no request. The rhythm is kept on the planned timeline (start + slept), not re-read from the
 * clock, so an injected sleep drives it exactly.
 */
async function waitWithHeartbeat(deps: WorkflowDeps, ms: number, t: TriggeredRestore, job: RestoreJobView | undefined): Promise<void> {
    const every = deps.heartbeatMs ?? 0;
    if (!(every > 0) || !job) return deps.sleep(ms);
    const start = deps.now();
    const nextCheckAt = start + ms;
    let slept = 0;
    t.nextHeartbeatAt ??= t.triggeredAt + every;
    while (slept < ms) {
        const at = start + slept;
        if (t.nextHeartbeatAt <= at) {
            deps.progress.heartbeat(job, { elapsedMs: at - t.triggeredAt, nextCheckAt, now: at });
            while (t.nextHeartbeatAt <= at) t.nextHeartbeatAt += every;
        }
        const chunk = Math.min(ms - slept, t.nextHeartbeatAt - at);
        await deps.sleep(chunk);
        slept += chunk;
    }
}

/** The outputs that say where the restore came from and when it started (known once it is triggered). */
export function sourceOutputs(
    t: TriggeredRestore,
): Pick<
    VmRestoreOutputs,
    | "vaultLocation"
    | "protectedItemId"
    | "recoveryPointId"
    | "recoveryPointTime"
    | "recoveryPointType"
    | "recoveryPointTiers"
    | "restoreTriggeredAt"
    | "recoveryPointAgeSeconds"
    | "restoreRegion"
> {
    const pointTime = Date.parse(t.recoveryPoint.time);
    return {
        vaultLocation: t.vaultLocation,
        protectedItemId: t.item.id,
        recoveryPointId: t.recoveryPoint.id,
        recoveryPointTime: t.recoveryPoint.time,
        recoveryPointType: t.recoveryPoint.type,
        recoveryPointTiers: t.recoveryPoint.tiers,
        restoreTriggeredAt: new Date(t.firstTriggeredAt).toISOString(),
        // The achieved RPO: how much data the restore gives up (trigger time − recovery point time).
        recoveryPointAgeSeconds: Number.isNaN(pointTime) ? undefined : Math.round((t.firstTriggeredAt - pointTime) / 100) / 10,
        restoreRegion: t.crossRegion?.region ?? t.vaultLocation,
    };
}

/** Step 3: find what was restored, check it exists, and shape the outputs. */
export async function collectOutputs(
    deps: WorkflowDeps,
    t: TriggeredRestore,
    job: RestoreJobView,
    inputs: VmRestoreInputs,
): Promise<VmRestoreOutputs> {
    const { arm } = deps;
    const bag = job.propertyBag;
    const configBlobUri = bagValue(bag, "Config Blob Uri");
    const templateBlobUri = bagValue(bag, "Template Blob Uri");
    const blobUris = [configBlobUri, templateBlobUri].filter((x): x is string => !!x);
    let restored: RestoredResources;
    if (inputs.restoreType === "AlternateLocation" || inputs.restoreType === "OriginalLocation") {
        const vm = await resourcesOfVm(arm, inputs.restoreType === "OriginalLocation" ? inputs.sourceVmId : targetVmIdOf(inputs));
        restored = { ...vm, blobUris };
    } else {
        const notes: string[] = [];
        const disks = await findRestoredDisks(arm, restoredDisksQuery(inputs, job, templateBlobUri, t.triggeredAt), notes);
        restored = { ...disks, networkInterfaceIds: [], blobUris };
        if (allDiskIds(restored).length === 0 && !(restored.vhdUris ?? []).length) {
            const where = inputs.targetResourceGroupId
                ? `nor does resource group ${inputs.targetResourceGroupId} hold disks named as Azure names restored disks of ${vmNameOf(inputs)} ` +
                  `(${vmNameOf(inputs)}-osdisk-yyyyMMdd-HHmmss) created since the job started`
                : `and without targetResourceGroupId there is no other place to look (staging account ${inputs.storageAccountId})`;
            throw new Error(
                `restore job ${job.jobId} reported ${job.status}, but no restored disk can be found: ${notes.join("; ") || "the template names none"}, ${where}. ` +
                    "Check the job in the portal (Backup jobs) and the staging account's template blob; the identity running Pulumi needs Storage Blob Data Reader on it.",
            );
        }
    }
    const missing = await missingResources(arm, restored);
    if (missing.length) {
        throw new Error(
            `restore job ${job.jobId} reported ${job.status}, but these restored resources do not exist: ${missing.join(", ")}`,
        );
    }
    const warnings = job.status === "CompletedWithWarnings" ? [describeJobErrors(job)] : [];
    for (const w of warnings) deps.progress.say(`warning: restore job ${job.jobId} completed with warnings: ${w}`);
    const elapsedMs = deps.now() - t.firstTriggeredAt;
    deps.progress.say(
        `restored ${allDiskIds(restored).length + (restored.vhdUris?.length ?? 0)} disk(s)${restored.vmId ? ` and VM ${restored.vmId.split("/").pop()}` : ""} in ${Math.round(elapsedMs / 1000)} s`,
    );
    return {
        ...inputs,
        ...sourceOutputs(t),
        jobId: job.jobId,
        jobStatus: job.status,
        jobStartTime: job.startTime,
        jobEndTime: job.endTime,
        jobDuration: job.durationMs !== undefined ? formatIsoDuration(job.durationMs) : undefined,
        jobDurationSeconds: job.durationMs !== undefined ? Math.round(job.durationMs / 100) / 10 : undefined,
        warnings,
        ...restoredAsOutputs(restored, job),
        timeToRestoreSeconds: Math.round(elapsedMs / 100) / 10,
    };
}

/**
 * What a failed or interrupted restore left behind, as far as Azure shows it: the target VM (with
 * its NICs and disks) for AlternateLocation, the disks its template names for RestoreDisks, and
 * the staging blobs. Only what exists is returned.
 */
export async function leftoversOf(
    deps: WorkflowDeps,
    inputs: VmRestoreInputs,
    job: RestoreJobView | undefined,
): Promise<RestoredResources> {
    const { arm } = deps;
    const bag = job?.propertyBag ?? {};
    const blobCandidates = [bagValue(bag, "Config Blob Uri"), bagValue(bag, "Template Blob Uri")].filter((x): x is string => !!x);
    const found: RestoredResources = { dataDisks: [], networkInterfaceIds: [], blobUris: [] };
    found.blobUris = await existingBlobs(arm, { ...found, blobUris: blobCandidates });
    if (inputs.restoreType === "AlternateLocation") {
        const vmId = targetVmIdOf(inputs);
        if (await resourceExists(arm, vmId, API_VERSIONS.virtualMachines)) Object.assign(found, await resourcesOfVm(arm, vmId));
        return found;
    }
    const template = bagValue(bag, "Template Blob Uri");
    if (job && inputs.restoreType === "RestoreDisks" && (template || inputs.targetResourceGroupId)) {
        const notes: string[] = [];
        const disks = await findRestoredDisks(
            arm,
            restoredDisksQuery(inputs, job, template && found.blobUris.includes(template) ? template : undefined, deps.now()),
            notes,
        );
        const exists = async (id?: string) => !!id && (await resourceExists(arm, id, API_VERSIONS.disks));
        if (await exists(disks.osDiskId)) found.osDiskId = disks.osDiskId;
        for (const d of disks.dataDisks) if (await exists(d.diskId)) found.dataDisks.push(d);
    }
    return found;
}

function vmNameOf(inputs: VmRestoreInputs): string {
    return inputs.sourceVmId.split("/").filter(Boolean).pop() ?? "";
}

/** Where to look for a RestoreDisks job's disks: its template, else the target group by name since the job's start. */
function restoredDisksQuery(inputs: VmRestoreInputs, job: RestoreJobView, templateBlobUri: string | undefined, triggeredAt: number) {
    const started = Date.parse(job.startTime ?? "");
    return {
        templateBlobUri,
        targetResourceGroupId: inputs.targetResourceGroupId,
        vmName: vmNameOf(inputs),
        sinceMs: Number.isFinite(started) ? started : triggeredAt - 5 * 60_000,
    };
}

export function isEmpty(r: RestoredResources): boolean {
    return (
        !r.vmId && allDiskIds(r).length === 0 && r.networkInterfaceIds.length === 0 && r.blobUris.length === 0 && !(r.vhdUris ?? []).length
    );
}

/** The restored resources as output fields. */
export function restoredAsOutputs(
    r: RestoredResources,
    job: RestoreJobView | undefined,
): Pick<
    VmRestoreOutputs,
    | "restoredDiskIds"
    | "restoredVhdUris"
    | "osDiskId"
    | "dataDisks"
    | "restoredVmId"
    | "networkInterfaceIds"
    | "configBlobUri"
    | "templateBlobUri"
> {
    const bag = job?.propertyBag ?? {};
    const [config, template] = [bagValue(bag, "Config Blob Uri"), bagValue(bag, "Template Blob Uri")];
    const configBlobUri = config && r.blobUris.includes(config) ? config : undefined;
    const templateBlobUri = template && r.blobUris.includes(template) ? template : undefined;
    return {
        restoredDiskIds: allDiskIds(r),
        restoredVhdUris: r.vhdUris?.length ? r.vhdUris : undefined,
        osDiskId: r.osDiskId,
        dataDisks: r.dataDisks,
        restoredVmId: r.vmId,
        networkInterfaceIds: r.networkInterfaceIds,
        configBlobUri,
        templateBlobUri,
    };
}

/**
 * The restored resources recorded in outputs (for read and delete). An OriginalLocation restore
 * wrote into the production VM: only its staging blobs are the restore's own to remove.
 */
export function restoredFromOutputs(o: Partial<VmRestoreOutputs>): RestoredResources {
    if (o.restoreType === "OriginalLocation") {
        return { dataDisks: [], networkInterfaceIds: [], blobUris: [o.configBlobUri, o.templateBlobUri].filter((x): x is string => !!x) };
    }
    return {
        osDiskId: o.osDiskId,
        dataDisks: o.dataDisks ?? [],
        vmId: o.restoredVmId,
        networkInterfaceIds: o.networkInterfaceIds ?? [],
        blobUris: [o.configBlobUri, o.templateBlobUri].filter((x): x is string => !!x),
        vhdUris: o.restoredVhdUris ?? [],
    };
}
