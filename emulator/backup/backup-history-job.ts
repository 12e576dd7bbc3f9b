/**
 * A completed scheduled-backup job, one per recent recovery point of the seed, so that job
 * lists hold more than the restores and their filters have something to filter.
 */
import { randomUUID } from "crypto";
import { ProtectedItemRecord, VaultRecord, shortContainerName } from "./backup-catalog";
import { JOB_RESOURCE_TYPE, JobPropertiesJson, JobRecord, JobResourceJson, jobResourceId } from "./job-record";
import { armTimestamp } from "./time-format";
import { jobDuration, taskDuration, WireFormat } from "./wire-format";

export class BackupHistoryJob implements JobRecord {
    readonly id = randomUUID();
    readonly operation = "Backup";
    readonly backupManagementType = "AzureIaasVM";
    readonly vault: VaultRecord;
    readonly entityFriendlyName: string;
    private readonly activityId = randomUUID();

    constructor(
        private readonly item: ProtectedItemRecord,
        private readonly start: number,
        private readonly durationSeconds: number,
    ) {
        this.vault = item.vault;
        this.entityFriendlyName = item.friendlyName;
    }

    startMs(): number {
        return this.start;
    }

    status(): string {
        return "Completed";
    }

    render(detailed: boolean, format: WireFormat = "spec"): JobResourceJson {
        const end = this.start + this.durationSeconds * 1000;
        const properties: JobPropertiesJson = {
            jobType: "AzureIaaSVMJob",
            entityFriendlyName: this.entityFriendlyName,
            backupManagementType: this.backupManagementType,
            operation: this.operation,
            status: "Completed",
            startTime: armTimestamp(this.start),
            endTime: armTimestamp(end),
            activityId: this.activityId,
            duration: jobDuration(format, this.durationSeconds),
            actionsInfo: [],
            errorDetails: [],
            virtualMachineVersion: "Compute",
            containerName: shortContainerName(this.item.containerName),
            isUserTriggered: false,
        };
        if (detailed) {
            const snapshotEnd = this.start + Math.min(this.durationSeconds, 300) * 1000;
            properties.extendedInfo = {
                tasksList: [
                    {
                        taskId: "Take Snapshot",
                        startTime: armTimestamp(this.start),
                        endTime: armTimestamp(snapshotEnd),
                        duration: taskDuration(format, (snapshotEnd - this.start) / 1000),
                        status: "Completed",
                        progressPercentage: 100,
                    },
                    {
                        taskId: "Transfer data to vault",
                        startTime: armTimestamp(snapshotEnd),
                        endTime: armTimestamp(end),
                        duration: taskDuration(format, (end - snapshotEnd) / 1000),
                        status: "Completed",
                        progressPercentage: 100,
                    },
                ],
                propertyBag: { "VM Name": this.entityFriendlyName, "Backup Size": `${10240 + (this.start % 4096)} MB` },
                progressPercentage: 100,
                estimatedRemainingDuration: jobDuration(format, 0),
            };
        }
        return { id: jobResourceId(this.vault, this.id), name: this.id, type: JOB_RESOURCE_TYPE, properties };
    }
}
