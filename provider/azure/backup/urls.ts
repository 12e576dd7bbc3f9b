/**
 * Every Azure Backup REST path VmRestore calls, in one place (bms.json 2026-02-01; the Cross Region
 * Restore line in cross-region-restore.ts builds its location-scoped paths from `crossRegionPath`).
 * Segments that come from users or from Azure are encoded here, once.
 */

const enc = encodeURIComponent;

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{v}` + … */
export const backupUrls = {
    /** Protected items of the vault (BackupProtectedItems_List), OData-filtered. */
    protectedItems: (vaultPath: string, filter: string) => `${vaultPath}/backupProtectedItems?$filter=${enc(filter)}`,
    /** One protected item (ProtectedItems_Get). */
    protectedItem: (vaultPath: string, fabric: string, container: string, item: string) =>
        `${vaultPath}/backupFabrics/${fabric}/protectionContainers/${container}/protectedItems/${item}`,
    /** The item's recovery points (RecoveryPoints_List). */
    recoveryPoints: (itemPath: string) => `${itemPath}/recoveryPoints`,
    /** One recovery point (RecoveryPoints_Get). */
    recoveryPoint: (itemPath: string, pointId: string) => `${itemPath}/recoveryPoints/${enc(pointId)}`,
    /** The restore trigger (Restores_Trigger). */
    restore: (itemPath: string, pointId: string) => `${itemPath}/recoveryPoints/${enc(pointId)}/restore`,
    /** A recovery point's cross-region access token (RecoveryPoints_GetAccessToken). */
    accessToken: (itemPath: string, pointId: string) => `${itemPath}/recoveryPoints/${enc(pointId)}/accessToken`,
    /** A job (JobDetails_Get). */
    job: (vaultPath: string, jobId: string) => `${vaultPath}/backupJobs/${enc(jobId)}`,
    /** Cancel a job (JobCancellations_Trigger). */
    jobCancel: (vaultPath: string, jobId: string) => `${vaultPath}/backupJobs/${enc(jobId)}/cancel`,
    /** The vault's jobs (BackupJobs_List), OData-filtered. */
    jobs: (vaultPath: string, filter: string) => `${vaultPath}/backupJobs?$filter=${enc(filter)}`,
    /** A vault-level operation: where a Location-mode restore's job ID is read (BackupOperationStatuses_Get). */
    operation: (vaultPath: string, operationId: string) => `${vaultPath}/backupOperations/${enc(operationId)}`,
    /** Synchronous restore validation (ValidateOperation_Trigger … backupValidateOperation). */
    validate: (vaultPath: string) => `${vaultPath}/backupValidateOperation`,
    /** Triggered restore validation (backupTriggerValidateOperation). */
    triggerValidate: (vaultPath: string) => `${vaultPath}/backupTriggerValidateOperation`,
    /** A Cross Region Restore path of the secondary region (`…/locations/{region}/{what}`). */
    crossRegionPath: (subscriptionId: string, region: string, what: string) =>
        `/subscriptions/${subscriptionId}/providers/Microsoft.RecoveryServices/locations/${enc(region)}/${what}`,
};

/** A restore job's ARM ID: the ID a VmRestore resource records (and `import` takes). */
export function restoreJobId(vaultPath: string, jobId: string): string {
    return `${vaultPath}/backupJobs/${jobId}`;
}

/** `yyyy-MM-dd hh:mm:ss AM` in UTC, the job list filter's time format (as azure-cli sends it). */
function jobFilterTime(ms: number): string {
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, "0");
    const h = d.getUTCHours();
    return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(h % 12 === 0 ? 12 : h % 12)}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** The vault's Azure VM restore jobs started between `from` and `to` (epoch ms), in the job list's filter dialect. */
export function restoreJobsListPath(vaultPath: string, from: number, to: number, status?: "InProgress"): string {
    const filter =
        `operation eq 'Restore' and backupManagementType eq 'AzureIaasVM' ${status ? `and status eq '${status}' ` : ""}` +
        `and startTime eq '${jobFilterTime(from)}' and endTime eq '${jobFilterTime(to)}'`;
    return backupUrls.jobs(vaultPath, filter);
}
