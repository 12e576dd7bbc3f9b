/**
 * The restore record: one serializable value that carries a restore between its steps and across
 * runs. The trigger writes it (and the checkpoint file keeps it, so a killed run is resumed), the
 * wait reads and completes it, the outputs are made from it, and an unfinished restore recorded in
 * the state is read back into it — the same shape everywhere, with nothing made up.
 */
import { OperationState } from "../polling/operation-tracker";
import { CrossRegionTarget, crossRegionTargetOf } from "../azure/backup/cross-region-restore";
import { crossRegionJobs, JobSource, vaultJobs } from "../azure/backup/job-source";
import { ArmClient } from "../azure/arm-client";
import { parseResourceId } from "../azure/resource-id";
import { RecoveryPoint, TierName } from "./recovery-point-selector";
import { VmRestoreOutputs } from "./restore-inputs";

export interface RestoreRecord {
    vaultPath: string;
    vaultLocation: string;
    /** The source VM's name (parsed once from sourceVmId): how job lists name the restore's jobs. */
    vmName: string;
    /** The protected item's ARM ID, and its path as the restore's URLs use it (the same resource). */
    protectedItemId: string;
    protectedItemPath: string;
    recoveryPoint: RecoveryPoint;
    /** Set for a cross-region restore: the secondary region it runs in. */
    crossRegion?: CrossRegionTarget;
    /** The trigger's operation, while Azure has not named the job yet. */
    operation?: OperationState;
    /** The server's retry hint on the trigger's answer, ms: the operation's first look is not sooner. */
    operationHintMs?: number;
    jobId?: string;
    /** Local epoch ms of this run's trigger (or adoption): the start of its timeout and polling. */
    triggeredAt: number;
    /**
     * Epoch ms of the restore's FIRST trigger, kept across resume, adoption and later runs: the
     * start of `timeToRestoreSeconds` (RTO) and the moment `recoveryPointAgeSeconds` (RPO) is taken at.
     */
    firstTriggeredAt: number;
    /** How this run came by it: started now, or adopted from a checkpoint, Azure's job list or the state. */
    origin: "started" | "checkpoint" | "job-list" | "state";
}

/** Where the record's job lives: the vault, or the secondary region's job service. */
export function jobSourceOf(arm: ArmClient, r: Pick<RestoreRecord, "vaultPath" | "crossRegion">): JobSource {
    return r.crossRegion ? crossRegionJobs(arm, r.crossRegion) : vaultJobs(arm, r.vaultPath);
}

/** The outputs that say where the restore came from and when it started (known once it is triggered). */
export function sourceOutputs(
    r: RestoreRecord,
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
    const pointTime = Date.parse(r.recoveryPoint.time);
    return {
        vaultLocation: r.vaultLocation,
        protectedItemId: r.protectedItemId,
        recoveryPointId: r.recoveryPoint.id,
        recoveryPointTime: r.recoveryPoint.time,
        recoveryPointType: r.recoveryPoint.type,
        recoveryPointTiers: r.recoveryPoint.tiers,
        restoreTriggeredAt: new Date(r.firstTriggeredAt).toISOString(),
        // The achieved RPO: how much data the restore gives up (trigger time − recovery point time).
        recoveryPointAgeSeconds: Number.isNaN(pointTime) ? undefined : Math.round((r.firstTriggeredAt - pointTime) / 100) / 10,
        restoreRegion: r.crossRegion?.region ?? r.vaultLocation,
    };
}

/**
 * The record an earlier run left in the state (an unfinished restore's outputs), to be followed
 * again from `now`: the inverse of `sourceOutputs` plus the job.
 */
export function recordFromOutputs(o: Partial<VmRestoreOutputs>, vaultPath: string, now: number): RestoreRecord {
    const vmName = o.sourceVmId ? parseResourceId(o.sourceVmId).name : "";
    const firstTrigger = Date.parse(o.restoreTriggeredAt ?? "");
    const itemId = o.protectedItemId ?? "";
    return {
        vaultPath,
        vaultLocation: o.vaultLocation ?? "",
        vmName,
        protectedItemId: itemId,
        protectedItemPath: itemId,
        recoveryPoint: {
            id: o.recoveryPointId ?? "",
            time: o.recoveryPointTime ?? "",
            type: o.recoveryPointType ?? "",
            tiers: (o.recoveryPointTiers ?? []) as TierName[],
        },
        crossRegion: o.crossRegion && o.restoreRegion ? crossRegionTargetOf(vaultPath, o.restoreRegion) : undefined,
        jobId: o.jobId,
        triggeredAt: now,
        firstTriggeredAt: Number.isNaN(firstTrigger) ? now : firstTrigger,
        origin: "state",
    };
}
