/**
 * Step 1, the trigger: POST the restore — or adopt the one this resource already started (a
 * checkpoint left by a killed run, or a matching job still running in Azure). Never POSTs a second
 * restore for one intent. Returns the restore record, which the checkpoint file keeps from the
 * moment Azure has accepted the POST.
 */
import { API_VERSIONS } from "../azure/api-versions";
import { isAzureRequestError } from "../azure/errors";
import { operationOf } from "../azure/lro";
import { buildRestoreRequest } from "../azure/backup/restore-request-builder";
import { crossRegionTargetOf, triggerCrossRegionRestore } from "../azure/backup/cross-region-restore";
import { RestoreJobView } from "../azure/backup/restore-job";
import { backupUrls } from "../azure/backup/urls";
import { sameResourceId } from "../azure/resource-id";
import { follow, hintOr, Look } from "../polling/follow";
import { CheckpointStore } from "./restore-checkpoint";
import { findRunningRestoreJob } from "./restore-job-finder";
import { DEFAULT_TIMEOUT_MINUTES, VmRestoreInputs } from "./restore-inputs";
import { jobSourceOf, RestoreRecord } from "./record";
import { restoreRegionOf, RestoreSource } from "./source";
import { WorkflowDeps } from "./workflow-deps";

export interface StartOptions {
    checkpoints: CheckpointStore;
    checkpointKey: string;
}

/** How old a shared list of running jobs may be when looking for one an earlier run started. */
const ADOPTION_LIST_SHARE_MS = 15_000;
/** How long a cross-region trigger that named nothing to follow waits for its job to be listed. */
const CRR_LISTING_WAIT_MS = 5 * 60_000;

export async function startRestore(
    deps: WorkflowDeps,
    inputs: VmRestoreInputs,
    src: RestoreSource,
    o: StartOptions,
): Promise<RestoreRecord> {
    const { arm, progress } = deps;
    const crossRegion = inputs.crossRegion ? crossRegionTargetOf(src.vaultPath, restoreRegionOf(inputs, src.vaultLocation)) : undefined;
    const resumed = await resumeFromCheckpoint(deps, src, crossRegion, o);
    if (resumed) return resumed;
    if (!crossRegion) {
        // (A list another resource took moments ago will do: a job an earlier run started is older.)
        const running = await findRunning(deps, inputs, src, ADOPTION_LIST_SHARE_MS);
        if (running) return adopt(deps, src, running, o);
    }

    const request = buildRestoreRequest({
        inputs,
        recoveryPointId: src.recoveryPoint.id,
        region: crossRegion?.region ?? src.vaultLocation,
    });
    const triggeredAt = deps.now();
    const started: RestoreRecord = { ...src, crossRegion, triggeredAt, firstTriggeredAt: triggeredAt, origin: "started" };
    let headers: Record<string, string>;
    if (crossRegion) {
        ({ headers } = await triggerCrossRegionRestore(
            arm,
            crossRegion,
            backupUrls.recoveryPoint(src.protectedItemPath, src.recoveryPoint.id),
            request.properties as unknown as Record<string, unknown>,
        ));
        progress.say(`cross-region restore requested into ${crossRegion.region}`);
    } else {
        try {
            ({ headers } = await arm.request("POST", backupUrls.restore(src.protectedItemPath, src.recoveryPoint.id), {
                apiVersion: API_VERSIONS.backup,
                body: request,
                idempotent: false,
            }));
        } catch (e) {
            // No answer (reset, timeout) or a 5xx: Azure may still have started it. Look before failing.
            if (isAzureRequestError(e) && (e.status === 0 || e.status >= 500)) {
                const found = await findRunning(deps, inputs, src).catch(() => undefined);
                if (found) return adopt(deps, src, found, o);
            }
            throw e;
        }
    }
    const { operation, hintMs } = operationOf({ headers });
    if (operation) {
        const record = { ...started, operation, operationHintMs: hintMs };
        o.checkpoints.save(o.checkpointKey, record);
        if (!crossRegion)
            progress.say(`restore requested (${inputs.restoreType}); following the operation ${operation.operationId ?? ""}`.trim());
        return record;
    }
    if (!crossRegion) {
        throw new Error(
            "the restore was accepted (202) but Azure sent neither an Azure-AsyncOperation nor a Location header to follow; " +
                "look for the restore job in the vault's Backup Jobs before running again",
        );
    }
    // A body-less 200 with nothing to follow: the job shows up in the secondary region's job list.
    const jobs = jobSourceOf(arm, started);
    const look = async (): Promise<Look<string | undefined>> => {
        const jobId = await jobs.newestOf(src.vmName, triggeredAt);
        return { state: jobId, done: jobId !== undefined };
    };
    const jobId = await follow(await look(), {
        look,
        plan: hintOr(10_000),
        sleep: deps.sleep,
        now: deps.now,
        deadline: triggeredAt + CRR_LISTING_WAIT_MS,
        timedOut: () =>
            new Error(
                `crossRegion: Azure accepted the cross-region restore but no job appeared in ${crossRegion.region}; check the vault's cross-region jobs`,
            ),
    });
    const record: RestoreRecord = { ...started, jobId: jobId as string };
    o.checkpoints.save(o.checkpointKey, record);
    return record;
}

/** The restore a killed run recorded on this machine, if it is this one and Azure still knows it. */
async function resumeFromCheckpoint(
    deps: WorkflowDeps,
    src: RestoreSource,
    crossRegion: RestoreRecord["crossRegion"],
    o: StartOptions,
): Promise<RestoreRecord | undefined> {
    const saved = o.checkpoints.load(o.checkpointKey);
    if (!saved) return undefined;
    const same = sameResourceId(saved.vaultPath, src.vaultPath) && saved.recoveryPoint.id === src.recoveryPoint.id;
    if (!same || !(saved.jobId || saved.operation) || (crossRegion && !saved.jobId)) return undefined;
    if (!(await stillKnown(deps, { ...saved, crossRegion }))) {
        o.checkpoints.remove(o.checkpointKey);
        return undefined;
    }
    deps.progress.say(
        crossRegion
            ? `resuming the cross-region restore job ${saved.jobId} instead of starting another`
            : `resuming the restore started at ${new Date(saved.triggeredAt).toISOString()}${saved.jobId ? ` (job ${saved.jobId})` : ""} instead of starting another`,
    );
    return {
        ...src,
        crossRegion,
        operation: saved.jobId ? undefined : saved.operation,
        jobId: saved.jobId,
        triggeredAt: saved.triggeredAt,
        firstTriggeredAt: saved.firstTriggeredAt ?? saved.triggeredAt,
        origin: "checkpoint",
    };
}

/** A checkpoint is only worth resuming if Azure still knows its job (or operation). */
async function stillKnown(deps: WorkflowDeps, c: RestoreRecord): Promise<boolean> {
    try {
        if (c.jobId) await jobSourceOf(deps.arm, c).read(c.jobId);
        else if (c.operation) await deps.arm.get(c.operation.pollUrl, { apiVersion: API_VERSIONS.backup });
        return true;
    } catch (e) {
        // (A cross-region job service answers an unknown job in more ways than a 404.)
        if (c.crossRegion || (isAzureRequestError(e) && e.status === 404)) return false;
        throw e;
    }
}

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
        vmName: src.vmName,
        windowStart: now - (inputs.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000,
        now,
        shareMs,
    });
}

function adopt(deps: WorkflowDeps, src: RestoreSource, job: RestoreJobView, o: StartOptions): RestoreRecord {
    const triggeredAt = deps.now();
    // The restore began when Azure started the job (an earlier run triggered it), not now.
    const jobStart = Date.parse(job.startTime ?? "");
    const firstTriggeredAt = Number.isNaN(jobStart) ? triggeredAt : Math.min(jobStart, triggeredAt);
    deps.progress.say(
        `adopting restore job ${job.jobId} (${job.status}, started ${job.startTime ?? "earlier"}) for the same VM, target and recovery point, instead of starting another`,
    );
    const record: RestoreRecord = { ...src, triggeredAt, firstTriggeredAt, jobId: job.jobId, origin: "job-list" };
    o.checkpoints.save(o.checkpointKey, record);
    return record;
}
