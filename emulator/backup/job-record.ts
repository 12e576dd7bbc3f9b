/**
 * What every backup job in a vault offers the job routes (JobDetails_Get, BackupJobs_List):
 * restore jobs (emulator/backup/restore-job.ts) and the completed backup jobs the seed implies
 * (emulator/backup/backup-history-job.ts).
 */
import { AzureVariants } from "../world/azure-variants";
import { VaultRecord } from "./backup-catalog";
import { WireFormat } from "./wire-format";

export interface JobRecord {
    /** The job name (a GUID). */
    readonly id: string;
    readonly vault: VaultRecord;
    readonly operation: string;
    readonly entityFriendlyName: string;
    readonly backupManagementType: string;
    /** Wall-clock start, ms since epoch. */
    startMs(): number;
    status(): string;
    /** JobResource JSON; `detailed` adds extendedInfo (JobDetails_Get shows it, the list does not); `format` the wire format (default "spec"). */
    render(detailed: boolean, format?: WireFormat, variants?: Required<AzureVariants>): JobResourceJson;
}

/** The JobResource JSON of a job; the fields the emulator reads back are typed. */
export interface JobResourceJson {
    id: string;
    name: string;
    type: string;
    properties: JobPropertiesJson;
    [field: string]: unknown;
}

export interface JobPropertiesJson {
    startTime: string;
    endTime?: string;
    extendedInfo?: JobExtendedInfoJson;
    [field: string]: unknown;
}

export interface JobExtendedInfoJson {
    progressPercentage?: number;
    propertyBag?: Record<string, string>;
    [field: string]: unknown;
}

/** Job IDs as the service writes them (note the capital S of /Subscriptions, as in the official examples). */
export function jobResourceId(vault: VaultRecord, jobId: string): string {
    return `/Subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}/backupJobs/${jobId}`;
}

export const JOB_RESOURCE_TYPE = "Microsoft.RecoveryServices/vaults/backupJobs";
