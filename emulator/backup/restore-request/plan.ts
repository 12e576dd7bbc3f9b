/** What a restore request asks for once it is checked (the RestorePlan a restore job carries out), and what the checks share. */
import { ArmError } from "../../server/arm-errors";
import { AzureVariants } from "../../world/azure-variants";
import { ProtectedItemRecord, RecoveryPointRecord, VaultRecord } from "../backup-catalog";
import { ArmResource, ResourceStore } from "../../world/resource-store";
import { Seed } from "../../world/seed";
import { JsonObject } from "../../server/json";

export type RecoveryType = "RestoreDisks" | "AlternateLocation" | "OriginalLocation";
export type RestoreObjectType = "IaasVMRestoreRequest" | "IaasVMRestoreWithRehydrationRequest";

/** TargetDiskNetworkAccessOption (bms.json). */
export type DiskNetworkAccessOption = "SameAsOnSourceDisks" | "EnablePrivateAccessForAllDisks" | "EnablePublicAccessForAllDisks";

export interface AdeKeys {
    secretKeyUrl: string;
    secretKeyVaultId: string;
    kekUrl?: string;
    kekVaultId?: string;
}

export interface RestorePlan {
    objectType: RestoreObjectType;
    recoveryType: RecoveryType;
    vault: VaultRecord;
    item: ProtectedItemRecord;
    rp: RecoveryPointRecord;
    storageAccount: ArmResource;
    /** The target resource group (managed disks go there); absent for an unmanaged (VHD) RestoreDisks and for OriginalLocation. */
    targetResourceGroup?: ArmResource;
    /** The restore region: the vault's, or the secondary region for a cross-region restore. */
    region: string;
    zones?: string[];
    /** LUNs of the data disks to restore (the OS disk is always restored). */
    dataLuns: number[];
    /** false: the disks are restored as VHD blobs (an unmanaged VM without targetResourceGroupId). */
    managedDisks: boolean;
    targetVm?: { id: string; name: string; resourceGroup: string };
    virtualNetwork?: ArmResource;
    subnet?: { id: string; name: string; addressPrefix: string };
    rehydration?: { priority: "Standard" | "High"; retentionDuration: string; retentionDays: number };
    /** diskEncryptionSetId: encryption at rest with a customer-managed key. */
    diskEncryptionSet?: { id: string; encryptionType: string };
    /** encryptionDetails of an Azure Disk Encryption (ADE) point. */
    ade?: AdeKeys;
    /** identityInfo: the vault identity the restore runs as. */
    identity?: { type: "SystemAssigned" } | { type: "UserAssigned"; id: string };
    /** identityBasedRestoreDetails: the staging account is reached with that identity. */
    identityBasedStaging: boolean;
    /** targetDiskNetworkAccessSettings (undefined: same as the source disks). */
    networkAccess?: { option: DiskNetworkAccessOption; diskAccessId?: string };
    /** securedVMDetails of a Confidential VM. */
    securedVm?: { osDiskEncryptionSetId: string };
    extendedLocation?: { name: string; type: "EdgeZone" };
    /** The resourceGuardOperationRequests entry that authorized the restore (Multi-User Authorization). */
    resourceGuardOperationRequest?: string;
    /** A Cross Region Restore (backupCrossRegionRestore): lands in the vault's secondary region. */
    crossRegion: boolean;
    /** The request's properties, as sent. */
    properties: Record<string, unknown>;
}

/** What the checks need besides the request: the resources that exist and the seed (edge zones, Key Vault contents). */
export interface RestoreEnvironment {
    resources: ResourceStore;
    seed: Seed;
    /** Where Azure varies (crossZonalRestore); default the spec-shaped answers. */
    variants?: Required<AzureVariants>;
}

export interface RestoreCheckOptions {
    /** A Cross Region Restore: the targets must be in the vault's secondary region. */
    crossRegion?: boolean;
}

export interface RestoreCheck {
    /** Set when there are no problems. */
    plan?: RestorePlan;
    problems: ArmError[];
}

/** One restore request with everything its checks read: the body's properties, the kind of restore, and where it comes from and goes to. */
export interface RestoreRequest {
    props: JsonObject;
    objectType: RestoreObjectType;
    recoveryType: RecoveryType;
    vault: VaultRecord;
    item: ProtectedItemRecord;
    rp: RecoveryPointRecord;
    env: RestoreEnvironment;
    crossRegion: boolean;
    /** The vault's region, or its secondary region for a Cross Region Restore. */
    restoreRegion: string;
}

/** The problems found so far; a check that throws an ArmError adds it and the checks go on. */
export class Problems {
    readonly found: ArmError[] = [];

    add(problem: ArmError): void {
        this.found.push(problem);
    }

    /** Runs one check: its result, or undefined after recording the problem it threw. */
    attempt<T>(check: () => T): T | undefined {
        try {
            return check();
        } catch (e) {
            if (e instanceof ArmError) {
                this.found.push(e);
                return undefined;
            }
            throw e;
        }
    }
}
