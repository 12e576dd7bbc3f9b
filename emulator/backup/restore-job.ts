/**
 * A restore job (AzureIaaSVMJob, operation "Restore") and its progress on the simulated clock.
 *
 * The job is a sequence of tasks, each taking a share of the job's simulated duration and
 * contributing a different weight to progressPercentage, so progress is uneven over time. The
 * state only moves in advance() (called once per request with that request's clock reading);
 * render() shows the last state, so one response is always self-consistent.
 */
import { JsonObject } from "../server/json";
import { randomUUID } from "crypto";
import { AzureVariants, DEFAULT_VARIANTS, EMULATOR_ONLY_BAG_KEYS } from "../world/azure-variants";
import { VaultRecord, hasValidTier, shortContainerName } from "./backup-catalog";
import { JOB_RESOURCE_TYPE, JobExtendedInfoJson, JobPropertiesJson, JobRecord, JobResourceJson, jobResourceId } from "./job-record";
import { RestorePlan } from "./restore-request";
import { armTimestamp, usDateTime } from "./time-format";
import { jobActions, jobDuration, taskDuration, WireFormat } from "./wire-format";

export type RestoreJobStatus = "InProgress" | "Completed" | "CompletedWithWarnings" | "Failed" | "Cancelling" | "Cancelled";

export interface JobErrorInfo {
    errorCode: number;
    errorString: string;
    errorTitle: string;
    recommendations: string[];
}

/** How a fault wants this job to end (see emulator/server/faults.ts, kind "jobOutcome"). */
export interface JobOutcome {
    outcome: "Failed" | "CompletedWithWarnings" | "Cancelled";
    errorCode?: number;
    errorString?: string;
    errorTitle?: string;
    recommendations?: string[];
}

export interface RestoreJobTiming {
    /** Simulated seconds of the restore itself. */
    durationSeconds: number;
    /** Simulated seconds of rehydration before it (0 if none). */
    rehydrationSeconds: number;
    /** Simulated seconds from cancel request to Cancelled. */
    cancelSeconds: number;
}

interface TaskWindow {
    name: string;
    startMs: number;
    endMs: number;
    weight: number;
}

const DEFAULT_FAILURE: JobErrorInfo = {
    errorCode: 400001,
    errorString: "The restore operation failed: an internal error occurred while transferring data from the vault. Retry the operation.",
    errorTitle: "Restore failed",
    recommendations: ["Retry the restore operation after some time.", "If the issue persists, contact Microsoft support."],
};

const DEFAULT_WARNING: JobErrorInfo = {
    errorCode: 300001,
    errorString: "The restore completed, but one or more restored disks could not be configured exactly like the source disks.",
    errorTitle: "Restore completed with warnings",
    recommendations: ["Check the restored disks before using them."],
};

/** A restored VM that never leaves "starting", or runs without a Ready VM agent. */
export type VmBootFault = "neverBoots" | "agentNotReady";

export class RestoreJob implements JobRecord {
    readonly id = randomUUID();
    readonly activityId = randomUUID();
    /** "Restore", or "CrossRegionRestore" for a restore into the secondary region. */
    readonly operation: string;
    readonly backupManagementType = "AzureIaasVM";
    readonly vault: VaultRecord;
    readonly entityFriendlyName: string;

    private state: RestoreJobStatus = "InProgress";
    private elapsedMs = 0;
    private endAtMs?: number;
    private cancelAtMs?: number;
    private readonly failAtMs?: number;
    private readonly autoCancelAtMs?: number;
    private readonly stuckAtMs?: number;
    private readonly totalMs: number;
    private readonly tasks: TaskWindow[];
    private errorDetails: JobErrorInfo[] = [];
    private readonly propertyBag: Record<string, string>;
    /** IDs (ARM IDs and blob URLs) of what the job created when it completed. */
    createdResources: string[] = [];
    /** How the VM this restore creates boots (a vmBoot fault); undefined: normally. */
    vmBoot?: VmBootFault;
    /** Set once the recovery point was marked Rehydrated (after the rehydration task). */
    rehydrationMarked = false;

    constructor(
        readonly plan: RestorePlan,
        readonly realStartMs: number,
        readonly simStartMs: number,
        private readonly timing: RestoreJobTiming,
        private readonly outcome?: JobOutcome,
        neverFinishes = false,
    ) {
        this.vault = plan.vault;
        this.operation = plan.crossRegion ? "CrossRegionRestore" : "Restore";
        this.entityFriendlyName = plan.item.friendlyName;
        this.tasks = planTasks(plan, timing);
        this.totalMs = this.tasks[this.tasks.length - 1].endMs;
        if (outcome?.outcome === "Failed") this.failAtMs = Math.round(this.totalMs * 0.45);
        if (outcome?.outcome === "Cancelled") this.autoCancelAtMs = Math.round(this.totalMs * 0.3);
        if (neverFinishes) this.stuckAtMs = Math.round(this.totalMs * 0.9);
        this.propertyBag = initialPropertyBag(plan);
    }

    status(): RestoreJobStatus {
        return this.state;
    }

    startMs(): number {
        return this.realStartMs;
    }

    /** Simulated time since the job started (as of the last tick). */
    simulatedElapsedMs(): number {
        return this.elapsedMs;
    }

    isTerminal(): boolean {
        return this.state !== "InProgress" && this.state !== "Cancelling";
    }

    /** Total simulated duration of the job in seconds (rehydration included). */
    get totalSeconds(): number {
        return this.totalMs / 1000;
    }

    /** Moves the job to the clock reading `nowSim`; answers "complete" when it has reached its end and its artefacts must now be created. */
    advance(nowSim: number): "none" | "complete" {
        if (this.isTerminal()) return "none";
        const e = Math.max(0, nowSim - this.simStartMs);
        this.elapsedMs = e;
        if (this.state === "InProgress" && this.autoCancelAtMs !== undefined && e >= this.autoCancelAtMs) {
            this.cancelAtMs = this.autoCancelAtMs;
            this.state = "Cancelling";
        }
        if (this.state === "Cancelling") {
            const doneAt = (this.cancelAtMs ?? e) + this.timing.cancelSeconds * 1000;
            if (e >= doneAt) {
                this.state = "Cancelled";
                this.endAtMs = doneAt;
            }
            return "none";
        }
        if (this.failAtMs !== undefined && e >= this.failAtMs) {
            this.fail(this.failureFromOutcome(), this.failAtMs);
            return "none";
        }
        if (this.stuckAtMs !== undefined) return "none";
        return e >= this.totalMs ? "complete" : "none";
    }

    /** Ends the job successfully (after its artefacts exist). */
    complete(bagAdditions: Record<string, string>, createdResources: string[]): void {
        Object.assign(this.propertyBag, bagAdditions);
        this.createdResources = createdResources;
        this.endAtMs = this.totalMs;
        this.elapsedMs = this.totalMs;
        if (this.outcome?.outcome === "CompletedWithWarnings") {
            this.state = "CompletedWithWarnings";
            this.errorDetails = [this.infoFromOutcome(DEFAULT_WARNING)];
        } else {
            this.state = "Completed";
        }
    }

    fail(info: JobErrorInfo, atMs: number = this.elapsedMs): void {
        this.state = "Failed";
        this.endAtMs = atMs;
        this.elapsedMs = atMs;
        this.errorDetails = [info];
    }

    /** JobCancellations_Trigger: true if the job was running and is now Cancelling (or already was). */
    requestCancel(nowSim: number): boolean {
        if (this.state === "Cancelling") return true;
        if (this.state !== "InProgress") return false;
        this.elapsedMs = Math.max(0, nowSim - this.simStartMs);
        this.cancelAtMs = this.elapsedMs;
        this.state = "Cancelling";
        return true;
    }

    /**
     * The simulated offset at which the rehydration task finished, if the job rehydrates and got
     * that far (not when it failed or was cancelled during it).
     */
    rehydrationFinishedAtMs(): number | undefined {
        if (this.timing.rehydrationSeconds <= 0) return undefined;
        const end = this.timing.rehydrationSeconds * 1000;
        return this.progressPoint() >= end ? end : undefined;
    }

    progressPercentage(): number {
        if (this.state === "Completed" || this.state === "CompletedWithWarnings") return 100;
        const p = this.progressPoint();
        const total = this.tasks.reduce((acc, t) => acc + t.weight * fraction(p, t), 0);
        return Math.min(99, Math.floor(total * 100));
    }

    render(detailed: boolean, format: WireFormat = "spec", variants: Required<AzureVariants> = DEFAULT_VARIANTS): JobResourceJson {
        const properties: JobPropertiesJson = {
            jobType: "AzureIaaSVMJob",
            entityFriendlyName: this.entityFriendlyName,
            backupManagementType: this.backupManagementType,
            operation: this.operation,
            status: this.state,
            startTime: armTimestamp(this.realStartMs),
            ...(this.endAtMs !== undefined ? { endTime: armTimestamp(this.at(this.endAtMs)) } : {}),
            activityId: this.activityId,
            duration: jobDuration(format, (this.endAtMs ?? this.elapsedMs) / 1000),
            // Cross Region Restore jobs cannot be cancelled (Azure Backup docs, CRR support matrix).
            actionsInfo: jobActions(
                format,
                this.state === "InProgress" && !this.plan.crossRegion ? ["Cancellable"] : this.state === "Failed" ? ["Retriable"] : [],
            ),
            errorDetails: this.errorDetails.map((e) => ({ ...e, recommendations: [...e.recommendations] })),
            virtualMachineVersion: "Compute",
            containerName: shortContainerName(this.plan.item.containerName),
            isUserTriggered: true,
        };
        if (detailed) {
            const extendedInfo: JobExtendedInfoJson = {
                tasksList: this.renderTasks(format, variants),
                propertyBag: Object.fromEntries(
                    Object.entries(this.propertyBag).filter(
                        ([k]) => variants.propertyBag !== "documented" || !EMULATOR_ONLY_BAG_KEYS.includes(k),
                    ),
                ),
            };
            if (variants.jobProgress !== "absent") extendedInfo.progressPercentage = this.progressPercentage();
            if ((this.state === "InProgress" || this.state === "Cancelling") && variants.jobEstimate !== "absent") {
                const remaining =
                    this.stuckAtMs !== undefined
                        ? Math.max(60_000, this.totalMs - this.progressPoint())
                        : this.totalMs - this.progressPoint();
                const factor = variants.jobEstimate === "half" ? 0.5 : variants.jobEstimate === "double" ? 2 : 1;
                extendedInfo.estimatedRemainingDuration = jobDuration(format, Math.round(Math.max(0, remaining * factor) / 1000));
            }
            if (this.state === "Failed" && this.errorDetails[0]) extendedInfo.dynamicErrorMessage = this.errorDetails[0].errorString;
            properties.extendedInfo = extendedInfo;
        }
        return { id: jobResourceId(this.vault, this.id), name: this.id, type: JOB_RESOURCE_TYPE, properties };
    }

    /** Wall-clock time of a simulated offset into the job. */
    at(offsetMs: number): number {
        return this.realStartMs + offsetMs;
    }

    private progressPoint(): number {
        switch (this.state) {
            case "Completed":
            case "CompletedWithWarnings":
                return this.totalMs;
            case "Failed":
                return this.endAtMs ?? this.elapsedMs;
            case "Cancelling":
            case "Cancelled":
                return this.cancelAtMs ?? this.elapsedMs;
            default:
                return Math.min(this.elapsedMs, this.stuckAtMs ?? this.totalMs);
        }
    }

    private renderTasks(format: WireFormat, variants: Required<AzureVariants>): Array<JsonObject> {
        const p = this.progressPoint();
        const done = this.state === "Completed" || this.state === "CompletedWithWarnings";
        return this.tasks.map((t) => {
            const task: JsonObject = { taskId: t.name };
            let status: string;
            if (done || p >= t.endMs) status = "Completed";
            else if (p < t.startMs) status = "NotStarted";
            else status = this.state === "Failed" ? "Failed" : this.state === "Cancelled" ? "Cancelled" : "InProgress";
            if (status !== "NotStarted") task.startTime = armTimestamp(this.at(t.startMs));
            let until = Math.min(p, t.endMs);
            if (status === "Completed") until = t.endMs;
            if (status === "Failed" || status === "Cancelled") {
                until = this.endAtMs ?? p;
                task.endTime = armTimestamp(this.at(until));
            }
            if (status === "Completed") task.endTime = armTimestamp(this.at(t.endMs));
            task.duration = taskDuration(
                format,
                status === "NotStarted" || variants.taskDurations === "zero" ? 0 : Math.max(0, until - t.startMs) / 1000,
            );
            task.status = status;
            if (variants.jobProgress !== "absent")
                task.progressPercentage = status === "Completed" ? 100 : Math.floor(fraction(p, t) * 100);
            return task;
        });
    }

    private failureFromOutcome(): JobErrorInfo {
        return this.infoFromOutcome(DEFAULT_FAILURE);
    }

    private infoFromOutcome(defaults: JobErrorInfo): JobErrorInfo {
        return {
            errorCode: this.outcome?.errorCode ?? defaults.errorCode,
            errorString: this.outcome?.errorString ?? defaults.errorString,
            errorTitle: this.outcome?.errorTitle ?? defaults.errorTitle,
            recommendations: this.outcome?.recommendations ?? defaults.recommendations,
        };
    }
}

function fraction(p: number, t: TaskWindow): number {
    if (p <= t.startMs) return 0;
    if (p >= t.endMs) return 1;
    return (p - t.startMs) / (t.endMs - t.startMs);
}

/** Whether the restore reads the snapshot: a cross-region restore reads the secondary region's vault copy; snapshots stay in the primary region. */
export function restoresFromSnapshot(plan: RestorePlan): boolean {
    return !plan.crossRegion && hasValidTier(plan.rp, "InstantRP");
}

/** Task names, time shares and progress weights per recovery type; the weights deliberately differ from the time shares. */
function planTasks(plan: RestorePlan, timing: RestoreJobTiming): TaskWindow[] {
    const fromSnapshot = restoresFromSnapshot(plan);
    const transfer = fromSnapshot ? "Transfer data from snapshot" : "Transfer data from vault";
    let specs: Array<[string, number, number]>;
    switch (plan.recoveryType) {
        case "AlternateLocation":
            specs = [
                ["Prepare restore", 0.06, 0.02],
                [transfer, 0.5, 0.63],
                ["Create the restored disks", 0.18, 0.17],
                ["Create the network interface", 0.06, 0.04],
                ["Create the virtual machine", 0.16, 0.12],
                ["Upload the VM configuration", 0.04, 0.02],
            ];
            break;
        case "OriginalLocation":
            specs = [
                ["Prepare restore", 0.06, 0.02],
                [transfer, 0.56, 0.7],
                ["Create the restored disks", 0.2, 0.16],
                ["Swap the disks of the original VM", 0.14, 0.1],
                ["Upload the VM configuration", 0.04, 0.02],
            ];
            break;
        default:
            specs = [
                ["Prepare restore", 0.08, 0.03],
                [transfer, 0.62, 0.75],
                ["Create the restored disks", 0.22, 0.17],
                ["Upload the VM configuration and template", 0.08, 0.05],
            ];
    }
    const windows: TaskWindow[] = [];
    let cursor = 0;
    let weightScale = 1;
    if (timing.rehydrationSeconds > 0) {
        const ms = timing.rehydrationSeconds * 1000;
        windows.push({ name: "Rehydrate the recovery point from the archive tier", startMs: 0, endMs: ms, weight: 0.2 });
        cursor = ms;
        weightScale = 0.8;
    }
    const restoreMs = Math.max(1, timing.durationSeconds * 1000);
    for (const [name, share, weight] of specs) {
        const len = Math.round(restoreMs * share);
        windows.push({ name, startMs: cursor, endMs: cursor + len, weight: weight * weightScale });
        cursor += len;
    }
    return windows;
}

function initialPropertyBag(plan: RestorePlan): Record<string, string> {
    const bag: Record<string, string> = {
        "Job Type": plan.recoveryType === "RestoreDisks" ? "Recover disks" : "Recover VM",
        "Recovery point time ": usDateTime(plan.rp.timeMs),
        "Target Storage Account Name": plan.storageAccount.name,
    };
    if (plan.targetResourceGroup) bag["Target resource group"] = plan.targetResourceGroup.name;
    if (plan.recoveryType === "AlternateLocation" && plan.targetVm) {
        bag["Target VM Name"] = plan.targetVm.name;
        bag["Target resource group"] = plan.targetVm.resourceGroup;
        if (plan.virtualNetwork) bag["Target Virtual Network"] = plan.virtualNetwork.name;
        if (plan.subnet) bag["Target Subnet"] = plan.subnet.name;
    }
    if (plan.recoveryType === "OriginalLocation") {
        bag["Restore Type"] = "Original Location";
        bag["Target resource group"] = plan.item.vm.resourceGroup;
    }
    if (plan.rehydration) {
        bag["Rehydration Priority"] = plan.rehydration.priority;
        bag["Rehydration Retention Duration"] = plan.rehydration.retentionDuration;
    }
    if (plan.crossRegion) bag["Target Region"] = plan.region;
    if (plan.identity) bag["Restore Identity"] = plan.identity.type === "SystemAssigned" ? "SystemAssigned" : plan.identity.id;
    return bag;
}
