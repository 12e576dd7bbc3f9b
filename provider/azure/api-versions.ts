/** The ARM api-versions this provider speaks, one per resource provider. */
export const API_VERSIONS = {
    /** Microsoft.RecoveryServices backup (bms.json). */
    backup: "2026-02-01",
    vault: "2025-02-01",
    disks: "2024-03-02",
    virtualMachines: "2024-07-01",
    network: "2024-05-01",
    storage: "2023-05-01",
    resourceGroups: "2021-04-01",
    /**
     * Cross Region Restore's own API line ("passivestamp"): backupAadProperties, accessToken,
     * backupCrossRegionRestore, backupCrrOperationsStatus, backupCrrJob(s), RecoveryPointsCrr and
     * BackupProtectedItemsCrr are not in bms.json's line. 2023-01-15 is the newest passivestamp spec,
     * the one azure-sdk-for-net's CrossRegionRestore client is generated from (docs/azure-behaviour.md).
     */
    crossRegion: "2023-01-15",
} as const;

/** `x-ms-version` for Blob service calls (reading and deleting the restore's config/template blobs). */
export const BLOB_SERVICE_VERSION = "2021-08-06";
