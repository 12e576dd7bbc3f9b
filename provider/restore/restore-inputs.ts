/**
 * The resolved (plain) inputs and the outputs of a VmRestore, as the provider sees them.
 */
import type { DrillCheck, DrillObjectives, VerifySettings } from "./restore-verification";

export const RESTORE_TYPES = ["RestoreDisks", "AlternateLocation", "OriginalLocation"] as const;
export type RestoreType = (typeof RESTORE_TYPES)[number];

export const CONSISTENCY_TYPES = ["AppConsistent", "CrashConsistent", "FileSystemConsistent"] as const;
export const TIERS = ["Snapshot", "Vault", "Archive"] as const;

/** Picks a recovery point declaratively; the point it resolves to is pinned in state. */
export interface RecoveryPointSelector {
    /** Only points of this consistency. */
    consistency?: (typeof CONSISTENCY_TYPES)[number];
    /** The newest point at or before this time (ISO 8601). */
    notAfter?: string;
    /** Only points held in this tier: Snapshot (instant), Vault (standard) or Archive. */
    tier?: (typeof TIERS)[number];
}

/** Key Vault keys of an Azure Disk Encryption (ADE) VM: the BEK secret and, optionally, the KEK. */
export interface DiskEncryptionKeys {
    secretKeyUrl: string;
    secretKeyVaultId: string;
    kekUrl?: string;
    kekVaultId?: string;
}

/** The managed identity Azure Backup uses for the restore (and, optionally, the staging account). */
export interface RestoreIdentity {
    systemAssigned?: boolean;
    userAssignedIdentityId?: string;
    /** Reach the staging storage account with this identity instead of keys. */
    useForStagingAccount?: boolean;
}

export const DISK_NETWORK_ACCESS_OPTIONS = [
    "SameAsOnSourceDisks",
    "EnablePrivateAccessForAllDisks",
    "EnablePublicAccessForAllDisks",
] as const;

export interface DiskNetworkAccess {
    option: (typeof DISK_NETWORK_ACCESS_OPTIONS)[number];
    /** Required with EnablePrivateAccessForAllDisks: a Microsoft.Compute/diskAccesses ID. */
    diskAccessId?: string;
}

/** Rehydration of an archive-tier point before the restore (IaasVMRestoreWithRehydrationRequest). */
export interface Rehydration {
    priority: "Standard" | "High";
    /** How long the rehydrated copy is kept, 10 to 30 days. */
    retentionDays: number;
}

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
    /** Give up waiting for the restore after this many minutes (default 720: 12 h). */
    timeoutMinutes?: number;
    /** Instead of recoveryPoint: choose the point by consistency, time and tier. */
    recoveryPointSelector?: RecoveryPointSelector;
    /** OriginalLocation overwrites the source VM's disks: this must be true to allow it. */
    allowOriginalLocationOverwrite?: boolean;
    /** Restore only these data disks (LUNs); the OS disk is always restored. */
    diskLuns?: number[];
    /** Restore only the OS disk. */
    osDiskOnly?: boolean;
    /** Availability zone of the restored disks / VM ("1", "2" or "3"). */
    targetZone?: string;
    /** Disk encryption set for the restored managed disks. */
    diskEncryptionSetId?: string;
    /** Azure Disk Encryption keys (ADE VMs). */
    encryptionKeys?: DiskEncryptionKeys;
    identity?: RestoreIdentity;
    diskNetworkAccess?: DiskNetworkAccess;
    /** Confidential VMs: the disk encryption set of the OS disk. */
    securedVmOsDiskEncryptionSetId?: string;
    /** Restore into an Azure Extended Zone (edge zone) of this name. */
    edgeZone?: string;
    /** Resource Guard operation request IDs, for vaults protected by Multi-User Authorization. */
    resourceGuardOperationRequests?: string[];
    /** Rehydrate an archive-tier point first. */
    rehydration?: Rehydration;
    /** Cross-region restore: restore into the vault's paired (secondary) region. */
    crossRegion?: boolean;
    /** The secondary region for crossRegion (default: the vault region's Azure pair). */
    secondaryRegion?: string;
    /** Delete the restore's config/template blobs from the staging account on delete (default true). */
    deleteStagingBlobs?: boolean;
    /** When the timeout is reached, cancel the restore job in Azure too (default false: it keeps running). */
    cancelOnTimeout?: boolean;
    /** Ask Azure in `check` (so in preview) whether the restore can work (default true). */
    preflight?: boolean;
    /** Recovery time objective, minutes: the longest the restore may take from its first trigger to verified outputs. */
    rtoMinutes?: number;
    /** Recovery point objective, minutes: the oldest the recovery point may be when the restore is triggered. */
    rpoMinutes?: number;
    /** Checks after the restore (restored VM running with a Ready agent; restored disks attachable). */
    verify?: VerifySettings;
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
    /** Unmanaged restores (no targetResourceGroupId): the restored disks as VHD blob URIs, OS disk first. */
    restoredVhdUris?: string[];
    osDiskId?: string;
    dataDisks: RestoredDataDiskOutput[];
    /** AlternateLocation: the new VM and its NICs. */
    restoredVmId?: string;
    networkInterfaceIds: string[];
    configBlobUri?: string;
    /** A Pulumi secret: it can carry a SAS. */
    templateBlobUri?: string;
    /**
     * When the restore was first triggered (ISO 8601): kept across resumed and adopted runs (an
     * adopted job's own start time in Azure) and later `pulumi up` runs.
     */
    restoreTriggeredAt: string;
    /** Wall time from the first trigger to verified outputs, seconds: the achieved RTO. */
    timeToRestoreSeconds: number;
    /** Age of the recovery point at the first trigger, seconds: the achieved RPO. */
    recoveryPointAgeSeconds?: number;
    /** Set by refresh when some restored resources were deleted outside Pulumi; the next up replaces. */
    missingResourceIds?: string[];
    /**
     * Set when the restore started in Azure but did not finish in this run (timeout, failure after
     * something was created, an error while waiting): the next `up` resumes or redoes it, and
     * `destroy` cancels the job and removes what it left.
     */
    restoreIncomplete?: boolean;
    /** Where the restore landed: the vault's region, or the secondary region of a cross-region restore. */
    restoreRegion?: string;
    /** When the restore's outputs were verified (ISO 8601): the end of timeToRestoreSeconds. */
    restoreVerifiedAt?: string;
    /** The `verify` checks with their results (empty without `verify`). */
    checks?: DrillCheck[];
    /** rtoMinutes / rpoMinutes against what the restore achieved. */
    objectives?: DrillObjectives;
    /** Every failed check and objective, one line each (empty: the drill of this restore passed). */
    violations?: string[];
}

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
export const DEFAULT_TIMEOUT_MINUTES = 720;
export const DEFAULT_RECOVERY_POINT = "latest";

/** Inputs that do not change what is restored: a change to them updates in place. */
export const IN_PLACE_INPUTS: readonly (keyof VmRestoreInputs)[] = [
    "armEndpoint",
    "timeoutMinutes",
    "deleteStagingBlobs",
    "cancelOnTimeout",
    "preflight",
    "rtoMinutes",
    "rpoMinutes",
    "verify",
];

/** Inputs that decide what is restored, and where: a change to them replaces (restores again). */
export const REPLACING_INPUTS: readonly (keyof VmRestoreInputs)[] = [
    "vaultId",
    "vaultResourceGroupName",
    "vaultName",
    "sourceVmId",
    "recoveryPoint",
    "restoreType",
    "storageAccountId",
    "targetResourceGroupId",
    "targetVmName",
    "virtualNetworkId",
    "subnetId",
    "recoveryPointSelector",
    "allowOriginalLocationOverwrite",
    "diskLuns",
    "osDiskOnly",
    "targetZone",
    "diskEncryptionSetId",
    "encryptionKeys",
    "identity",
    "diskNetworkAccess",
    "securedVmOsDiskEncryptionSetId",
    "edgeZone",
    "resourceGuardOperationRequests",
    "rehydration",
    "crossRegion",
    "secondaryRegion",
];

export const ALL_INPUTS: readonly string[] = [...REPLACING_INPUTS, ...IN_PLACE_INPUTS];

/** The inputs part of a props object (outputs echo inputs under the same names). */
export function pickInputs(props: object): VmRestoreInputs {
    const all = props as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of ALL_INPUTS) if (all[k] !== undefined && all[k] !== null) out[k] = all[k];
    return out as unknown as VmRestoreInputs;
}
