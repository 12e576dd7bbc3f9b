/**
 * The restore, end to end, in three steps with resumable state between them:
 * 1. `triggerRestore` (the trigger): resolve vault, protected item and recovery point, POST the restore;
 * 2. `waitForRestore` (completion): follow the operation to its jobId, then the job to a terminal status;
 * 3. `collectOutputs`: find and verify what was restored.
 */
import { ArmClient } from "./arm-client";
import { API_VERSIONS } from "./api-versions";
import { restoreJobError, restoreTimeoutError } from "./errors";
import { findProtectedItem, ProtectedItemRef } from "./protected-item-lookup";
import { RecoveryPoint, selectRecoveryPoint } from "./recovery-point-selector";
import { buildRestoreRequest, RestoreRequestBody, targetVmIdOf } from "./restore-request-builder";
import { initOperationState, OperationState, updateOperationState } from "./operation-tracker";
import { serverRetryHintMs } from "./retry-policy";
import { PollScheduler } from "./poll-scheduler";
import { bagValue, describeJobErrors, readRestoreJob, RestoreJobView } from "./restore-job";
import { ProgressReporter } from "./progress-reporter";
import { DEFAULT_RECOVERY_POINT, DEFAULT_TIMEOUT_MINUTES, VmRestoreInputs, VmRestoreOutputs } from "./restore-inputs";
import { disksFromTemplate, missingResources, resourcesOfVm, RestoredResources, allDiskIds } from "./restored-resources";
import { parseResourceId } from "./resource-id";
import { formatIsoDuration } from "./duration";

export interface WorkflowDeps {
    arm: ArmClient;
    scheduler: PollScheduler;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    progress: ProgressReporter;
}

/** Everything needed to pick a restore up again: kept between the steps. */
export interface TriggeredRestore {
    vaultPath: string;
    vaultLocation: string;
    item: ProtectedItemRef;
    recoveryPoint: RecoveryPoint;
    request: RestoreRequestBody;
    operation: OperationState;
    /** Local epoch ms of the trigger. */
    triggeredAt: number;
    jobId?: string;
}

export function vaultPathOf(inputs: VmRestoreInputs): string {
    if (inputs.vaultId) return parseResourceId(inputs.vaultId, "Microsoft.RecoveryServices/vaults").id;
    const vm = parseResourceId(inputs.sourceVmId, "Microsoft.Compute/virtualMachines");
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${inputs.vaultResourceGroupName}/providers/Microsoft.RecoveryServices/vaults/${inputs.vaultName}`;
}

/** Step 1: resolve what to restore and ask Azure to restore it. */
export async function triggerRestore(deps: WorkflowDeps, inputs: VmRestoreInputs): Promise<TriggeredRestore> {
    const { arm, progress } = deps;
    const vaultPath = vaultPathOf(inputs);
    const vault = await arm.get<{ location?: string }>(vaultPath, { apiVersion: API_VERSIONS.vault });
    const vaultLocation = vault.body?.location;
    if (!vaultLocation) throw new Error(`the vault ${vaultPath} has no location in its ARM response; cannot set the restore's region`);
    const item = await findProtectedItem(arm, vaultPath, inputs.sourceVmId);
    const recoveryPoint = await selectRecoveryPoint(arm, item.path, inputs.recoveryPoint ?? DEFAULT_RECOVERY_POINT);
    progress.say(`recovery point ${recoveryPoint.id} (${recoveryPoint.type}, ${recoveryPoint.time}, tiers ${recoveryPoint.tiers.join("+")})`);
    const request = buildRestoreRequest({ inputs, recoveryPointId: recoveryPoint.id, region: vaultLocation });
    const triggeredAt = deps.now();
    const res = await arm.request("POST", `${item.path}/recoveryPoints/${encodeURIComponent(recoveryPoint.id)}/restore`, {
        apiVersion: API_VERSIONS.backup,
        body: request,
        idempotent: false,
    });
    const operation = initOperationState(res.headers, serverRetryHintMs(res.headers));
    progress.say(`restore requested (${inputs.restoreType}); following the operation ${operation.operationId ?? ""}`.trim());
    return { vaultPath, vaultLocation, item, recoveryPoint, request, operation, triggeredAt };
}

/** Step 2: follow the operation to the job, and the job to its end. Returns the finished job. */
export async function waitForRestore(deps: WorkflowDeps, t: TriggeredRestore, inputs: VmRestoreInputs): Promise<RestoreJobView> {
    const { arm, scheduler, sleep, progress } = deps;
    const deadline = t.triggeredAt + (inputs.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000;
    let polls = 0;
    while (!t.jobId) {
        const hint = t.operation.retryAfterMs;
        await sleepUntilDeadline(deps, scheduler.nextDelayMs({ phase: "operation", polls, serverHintMs: hint, localElapsedMs: deps.now() - t.triggeredAt }), deadline, t);
        const res = await arm.get(t.operation.pollUrl, { okStatuses: [] });
        polls++;
        t.operation = updateOperationState(t.operation, res.status, res.body, serverRetryHintMs(res.headers));
        if (t.operation.status === "failed" || t.operation.status === "canceled") {
            const e = t.operation.error ?? {};
            throw new Error(`Azure did not accept the restore: ${e.code ?? t.operation.status}${e.message ? `: ${e.message}` : ""}`);
        }
        if (t.operation.status === "succeeded" && !t.operation.jobId && t.operation.operationId) {
            // Location mode ends in a body-less 204: the job ID lives on the vault-level operation.
            const op = await arm.get<{ properties?: { jobId?: string } }>(`${t.vaultPath}/backupOperations/${encodeURIComponent(t.operation.operationId)}`, { apiVersion: API_VERSIONS.backup });
            t.operation.jobId = op.body?.properties?.jobId;
        }
        if (t.operation.status === "succeeded") {
            if (!t.operation.jobId) throw new Error("the restore operation succeeded but Azure named no job for it; check the vault's Backup Jobs");
            t.jobId = t.operation.jobId;
            progress.say(`restore accepted: job ${t.jobId}`);
        }
    }
    polls = 0;
    for (;;) {
        const res = await arm.get(`${t.vaultPath}/backupJobs/${encodeURIComponent(t.jobId)}`, { apiVersion: API_VERSIONS.backup });
        polls++;
        const job = readRestoreJob(t.jobId, res.body);
        progress.job(job);
        if (job.terminal) {
            if (!job.succeeded) {
                throw restoreJobError(
                    `restore job ${job.jobId} ended ${job.status}: ${describeJobErrors(job)}`,
                    job.jobId,
                    job.status,
                );
            }
            return job;
        }
        const delay = scheduler.nextDelayMs({
            phase: "job",
            polls,
            serverHintMs: serverRetryHintMs(res.headers),
            localElapsedMs: deps.now() - t.triggeredAt,
            serverElapsedMs: job.durationMs,
            progressPercentage: job.progressPercentage,
            serverRemainingMs: job.estimatedRemainingMs,
        });
        await sleepUntilDeadline(deps, delay, deadline, t, job);
    }
}

async function sleepUntilDeadline(deps: WorkflowDeps, delayMs: number, deadline: number, t: TriggeredRestore, job?: RestoreJobView): Promise<void> {
    if (deps.now() + delayMs > deadline) {
        const where = job
            ? `job ${job.jobId} was ${job.status}${job.progressPercentage !== undefined ? ` at ${job.progressPercentage}%` : ""}` +
              (job.tasks.length ? ` (tasks: ${job.tasks.map((x) => `${x.taskId} ${x.status}`).join(", ")})` : "")
            : t.jobId ? `job ${t.jobId} had started` : "Azure had not yet accepted the restore";
        throw restoreTimeoutError(
            `timeoutMinutes: the restore did not finish within the timeout; ${where}. ` +
                "Raise timeoutMinutes and run `pulumi up` again (the running job is still in Azure).",
            t.jobId,
        );
    }
    await deps.sleep(delayMs);
}

/** Step 3: find what was restored, check it exists, and shape the outputs. */
export async function collectOutputs(deps: WorkflowDeps, t: TriggeredRestore, job: RestoreJobView, inputs: VmRestoreInputs): Promise<VmRestoreOutputs> {
    const { arm } = deps;
    const bag = job.propertyBag;
    const configBlobUri = bagValue(bag, "Config Blob Uri");
    const templateBlobUri = bagValue(bag, "Template Blob Uri");
    let restored: RestoredResources;
    if (inputs.restoreType === "AlternateLocation") {
        const vm = await resourcesOfVm(arm, targetVmIdOf(inputs));
        restored = { ...vm, blobUris: [configBlobUri, templateBlobUri].filter((x): x is string => !!x) };
    } else {
        if (!templateBlobUri) {
            throw new Error(`restore job ${job.jobId} completed but its propertyBag has no "Template Blob Uri", so the restored disks cannot be identified`);
        }
        const disks = await disksFromTemplate(arm, templateBlobUri, inputs.targetResourceGroupId);
        restored = { ...disks, networkInterfaceIds: [], blobUris: [configBlobUri, templateBlobUri].filter((x): x is string => !!x) };
    }
    const missing = await missingResources(arm, restored);
    if (missing.length) {
        throw new Error(`restore job ${job.jobId} reported ${job.status}, but these restored resources do not exist: ${missing.join(", ")}`);
    }
    const warnings = job.status === "CompletedWithWarnings" ? [describeJobErrors(job)] : [];
    const elapsedMs = deps.now() - t.triggeredAt;
    deps.progress.say(`restored ${allDiskIds(restored).length} disk(s)${restored.vmId ? ` and VM ${restored.vmId.split("/").pop()}` : ""} in ${Math.round(elapsedMs / 1000)} s`);
    return {
        ...inputs,
        vaultLocation: t.vaultLocation,
        protectedItemId: t.item.id,
        recoveryPointId: t.recoveryPoint.id,
        recoveryPointTime: t.recoveryPoint.time,
        recoveryPointType: t.recoveryPoint.type,
        recoveryPointTiers: t.recoveryPoint.tiers,
        jobId: job.jobId,
        jobStatus: job.status,
        jobStartTime: job.startTime,
        jobEndTime: job.endTime,
        jobDuration: job.durationMs !== undefined ? formatIsoDuration(job.durationMs) : undefined,
        jobDurationSeconds: job.durationMs !== undefined ? Math.round(job.durationMs / 100) / 10 : undefined,
        warnings,
        restoredDiskIds: allDiskIds(restored),
        osDiskId: restored.osDiskId,
        dataDisks: restored.dataDisks,
        restoredVmId: restored.vmId,
        networkInterfaceIds: restored.networkInterfaceIds,
        configBlobUri,
        templateBlobUri,
        restoreTriggeredAt: new Date(t.triggeredAt).toISOString(),
        timeToRestoreSeconds: Math.round(elapsedMs / 100) / 10,
    };
}

/** The restored resources recorded in outputs (for read and delete). */
export function restoredFromOutputs(o: Partial<VmRestoreOutputs>): RestoredResources {
    return {
        osDiskId: o.osDiskId,
        dataDisks: o.dataDisks ?? [],
        vmId: o.restoredVmId,
        networkInterfaceIds: o.networkInterfaceIds ?? [],
        blobUris: [o.configBlobUri, o.templateBlobUri].filter((x): x is string => !!x),
    };
}
