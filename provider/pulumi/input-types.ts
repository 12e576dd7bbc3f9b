/**
 * The nested inputs of VmRestore as a program gives them: every field, at every depth, takes a
 * `pulumi.Input` (a plain value, a Promise or an Output of another resource). Pulumi resolves them
 * before the provider sees the inputs; in preview, a part not known yet is checked at `up`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CONSISTENCY_TYPES, DISK_NETWORK_ACCESS_OPTIONS, TIERS } from "../restore/restore-inputs";

/** Picks a recovery point declaratively; the point it resolves to is pinned in state. */
export interface RecoveryPointSelectorArgs {
    /** Only points of this consistency. */
    consistency?: pulumi.Input<(typeof CONSISTENCY_TYPES)[number]>;
    /** The newest point at or before this time (ISO 8601). */
    notAfter?: pulumi.Input<string>;
    /** Only points held in this tier: Snapshot (instant), Vault (standard) or Archive. */
    tier?: pulumi.Input<(typeof TIERS)[number]>;
}

/** Key Vault keys of an Azure Disk Encryption (ADE) VM: the BEK secret and, optionally, the KEK. */
export interface DiskEncryptionKeysArgs {
    secretKeyUrl: pulumi.Input<string>;
    secretKeyVaultId: pulumi.Input<string>;
    kekUrl?: pulumi.Input<string>;
    kekVaultId?: pulumi.Input<string>;
}

/** The managed identity Azure Backup uses for the restore (and, optionally, the staging account). */
export interface RestoreIdentityArgs {
    systemAssigned?: pulumi.Input<boolean>;
    userAssignedIdentityId?: pulumi.Input<string>;
    /** Reach the staging storage account with this identity instead of keys. */
    useForStagingAccount?: pulumi.Input<boolean>;
}

export interface DiskNetworkAccessArgs {
    option: pulumi.Input<(typeof DISK_NETWORK_ACCESS_OPTIONS)[number]>;
    /** Required with EnablePrivateAccessForAllDisks: a Microsoft.Compute/diskAccesses ID. */
    diskAccessId?: pulumi.Input<string>;
}

/** Rehydration of an archive-tier point before the restore. */
export interface RehydrationArgs {
    priority: pulumi.Input<"Standard" | "High">;
    /** How long the rehydrated copy is kept, 10 to 30 days. */
    retentionDays: pulumi.Input<number>;
}
