/**
 * The resolved (plain) inputs and the outputs of a VmRestore, as the provider sees them.
 */

export const RESTORE_TYPES = ["RestoreDisks", "AlternateLocation"] as const;
export type RestoreType = (typeof RESTORE_TYPES)[number];

export interface VmRestoreInputs {
    /** Recovery Services vault resource ID. Either this, or vaultResourceGroupName + vaultName. */
    vaultId?: string;
    vaultResourceGroupName?: string;
    vaultName?: string;
    /** The protected (source) VM's resource ID. */
    sourceVmId: string;
    /** An explicit recovery point ID, or "latest" (the default). The resolved ID is the `recoveryPointId` output. */
    recoveryPoint?: string;
    restoreType: RestoreType;
    /** Staging storage account (same region as the vault, not zone-redundant). */
    storageAccountId: string;
    /** Where the managed disks (RestoreDisks) or the new VM and its NIC/disks (AlternateLocation) go. */
    targetResourceGroupId?: string;
    /** AlternateLocation: the new VM's name. */
    targetVmName?: string;
    /** AlternateLocation: the new VM's virtual network and subnet (full IDs). */
    virtualNetworkId?: string;
    subnetId?: string;
    /** ARM endpoint; default https://management.azure.com (sovereign clouds, the emulator). */
    armEndpoint?: string;
    /** Give up waiting for the restore after this many minutes (default 360). */
    timeoutMinutes?: number;
    /** Delete the restore's config/template blobs from the staging account on delete (default true). */
    deleteStagingBlobs?: boolean;
    /** When the timeout is reached, cancel the restore job in Azure too (default false: it keeps running). */
    cancelOnTimeout?: boolean;
    /** Ask Azure in `check` (so in preview) whether the restore can work (default true). */
    preflight?: boolean;
}

export interface RestoredDataDiskOutput {
    lun: number;
    diskId: string;
}

/** Outputs: the inputs as given, plus what the restore resolved and produced. */
export interface VmRestoreOutputs extends VmRestoreInputs {
    vaultLocation: string;
    protectedItemId: string;
    recoveryPointId: string;
    recoveryPointTime: string;
    recoveryPointType: string;
    recoveryPointTiers: string[];
    jobId: string;
    jobStatus: string;
    jobStartTime?: string;
    jobEndTime?: string;
    /** ISO 8601, as measured by Azure. */
    jobDuration?: string;
    jobDurationSeconds?: number;
    /** Job warnings (CompletedWithWarnings), empty otherwise. */
    warnings: string[];
    /** Every restored managed disk, OS disk first. */
    restoredDiskIds: string[];
    osDiskId?: string;
    dataDisks: RestoredDataDiskOutput[];
    /** AlternateLocation: the new VM and its NICs. */
    restoredVmId?: string;
    networkInterfaceIds: string[];
    configBlobUri?: string;
    /** A Pulumi secret: it can carry a SAS. */
    templateBlobUri?: string;
    /** When the restore was triggered (local clock, ISO 8601). */
    restoreTriggeredAt: string;
    /** Local wall time from trigger to verified outputs, seconds (the drill's time to restore). */
    timeToRestoreSeconds: number;
    /** Set by refresh when some restored resources were deleted outside Pulumi; the next up replaces. */
    missingResourceIds?: string[];
    /**
     * Set when the restore started in Azure but did not finish in this run (timeout, failure after
     * something was created, an error while waiting): the next `up` resumes or redoes it, and
     * `destroy` cancels the job and removes what it left.
     */
    restoreIncomplete?: boolean;
}

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
export const DEFAULT_TIMEOUT_MINUTES = 360;
export const DEFAULT_RECOVERY_POINT = "latest";

/** Inputs that do not change what is restored: a change to them updates in place. */
export const IN_PLACE_INPUTS: readonly (keyof VmRestoreInputs)[] = ["armEndpoint", "timeoutMinutes", "deleteStagingBlobs", "cancelOnTimeout", "preflight"];

/** Inputs that decide what is restored, and where: a change to them replaces (restores again). */
export const REPLACING_INPUTS: readonly (keyof VmRestoreInputs)[] = [
    "vaultId", "vaultResourceGroupName", "vaultName", "sourceVmId", "recoveryPoint", "restoreType",
    "storageAccountId", "targetResourceGroupId", "targetVmName", "virtualNetworkId", "subnetId",
];

export const ALL_INPUTS: readonly string[] = [...REPLACING_INPUTS, ...IN_PLACE_INPUTS];

/** The inputs part of a props object (outputs echo inputs under the same names). */
export function pickInputs(props: Record<string, unknown>): VmRestoreInputs {
    const out: Record<string, unknown> = {};
    for (const k of ALL_INPUTS) if (props[k] !== undefined && props[k] !== null) out[k] = props[k];
    return out as unknown as VmRestoreInputs;
}
