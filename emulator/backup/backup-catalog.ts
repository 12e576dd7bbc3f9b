/**
 * What the vault knows: vaults, protected items (one per protected VM) and their recovery
 * points, each point holding a snapshot of the VM's configuration at backup time. Container and
 * item names are looked up case-insensitively (Azure returns `IaasVMContainer;iaasvmcontainerv2;..`
 * in one place and `iaasvmcontainer;iaasVMContainerV2;..` in another).
 */
import { JsonObject } from "../server/json";
import { sameName } from "../world/arm-ids";
import { SeedKeyAndSecret, SeedTier, RecoveryPointType } from "../world/seed";

export interface VaultRecord {
    id: string;
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
    storageRedundancy: string;
    crossRegionRestore: boolean;
    /** Where a cross-region restore lands (the paired region). */
    secondaryRegion: string;
    /** Multi-User Authorization: a restore needs a resourceGuardOperationRequests entry of resourceGuardId. */
    resourceGuardEnabled: boolean;
    resourceGuardId: string;
    /** The vault's managed identities (identityInfo must name one of them). */
    systemAssignedIdentity: boolean;
    userAssignedIdentityIds: string[];
}

export interface DiskSnapshot {
    /** -1 for the OS disk. */
    lun: number;
    name: string;
    /** The managed disk's resource ID; for an unmanaged disk the VHD blob URI. */
    id: string;
    sizeGB: number;
    sku: string;
    /** Unmanaged disks: the VHD page blob. */
    vhdUri?: string;
    /** AllowAll | AllowPrivate | DenyAll (managed disks). */
    networkAccessPolicy: string;
    diskAccessId?: string;
}

/** A VM as it was when a recovery point was taken. */
export interface VmSnapshot {
    id: string;
    name: string;
    resourceGroup: string;
    location: string;
    vmSize: string;
    osType: string;
    zones?: string[];
    osDisk: DiskSnapshot;
    dataDisks: DiskSnapshot[];
    nicId: string;
    subnetId: string;
    /** false: unmanaged disks (VHD blobs). */
    isManaged: boolean;
    /** Standard | TrustedLaunch | ConfidentialVM. */
    securityType: string;
    /** The VM's ARM JSON at backup time: what the restore config blob (vmconfig) carries. */
    config: JsonObject;
}

export interface RecoveryPointRecord {
    name: string;
    timeMs: number;
    type: RecoveryPointType;
    tiers: SeedTier[];
    vm: VmSnapshot;
    /** Azure Disk Encryption was on: a restore needs encryptionDetails. */
    isSourceVMEncrypted: boolean;
    keyAndSecret?: SeedKeyAndSecret;
    /** Standard | TrustedLaunch | ConfidentialVM (the RP shows "None" for Standard). */
    securityType: string;
    /** Set while a rehydrated copy exists (ArchivedRP status Rehydrated): when it expires. */
    rehydrated?: { expiresSimMs: number; expiresRealMs: number };
}

export interface ProtectedItemRecord {
    id: string;
    vault: VaultRecord;
    /** Full container name: IaasVMContainer;iaasvmcontainerv2;{rg};{vm} */
    containerName: string;
    /** VM;iaasvmcontainerv2;{rg};{vm} */
    itemName: string;
    sourceResourceId: string;
    friendlyName: string;
    policyName: string;
    protectedItemDataId: string;
    /** Newest first. */
    recoveryPoints: RecoveryPointRecord[];
    vm: VmSnapshot;
}

export function containerNameFor(resourceGroup: string, vm: string): string {
    return `IaasVMContainer;iaasvmcontainerv2;${resourceGroup.toLowerCase()};${vm.toLowerCase()}`;
}

export function itemNameFor(resourceGroup: string, vm: string): string {
    return `VM;iaasvmcontainerv2;${resourceGroup.toLowerCase()};${vm.toLowerCase()}`;
}

/** Container name without the `iaasvmcontainer;` prefix, as properties.containerName shows it. */
export function shortContainerName(containerName: string): string {
    return containerName.replace(/^iaasvmcontainer;/i, "");
}

export class BackupCatalog {
    constructor(
        readonly vaults: VaultRecord[],
        readonly items: ProtectedItemRecord[],
    ) {}

    findVault(subscriptionId: string, resourceGroup: string, name: string): VaultRecord | undefined {
        return this.vaults.find(
            (v) => sameName(v.subscriptionId, subscriptionId) && sameName(v.resourceGroup, resourceGroup) && sameName(v.name, name),
        );
    }

    itemsOf(vault: VaultRecord): ProtectedItemRecord[] {
        return this.items.filter((i) => i.vault === vault);
    }

    /** The item, matched case-insensitively; the container may be given with or without its `iaasvmcontainer;` prefix. */
    findItem(vault: VaultRecord, containerName: string, itemName: string): ProtectedItemRecord | undefined {
        const container = shortContainerName(containerName).toLowerCase();
        return this.itemsOf(vault).find(
            (i) => shortContainerName(i.containerName).toLowerCase() === container && sameName(i.itemName, itemName),
        );
    }

    findRecoveryPoint(item: ProtectedItemRecord, name: string): RecoveryPointRecord | undefined {
        return item.recoveryPoints.find((rp) => rp.name === name);
    }
}

/** True when the point can only be restored after rehydration from the archive tier. */
export function isArchivedOnly(rp: RecoveryPointRecord): boolean {
    const usable = (t: SeedTier) => t.status === "Valid" || t.status === "Rehydrated";
    const online = rp.tiers.some((t) => t.type !== "ArchivedRP" && usable(t));
    const rehydrated = rp.tiers.some((t) => t.type === "ArchivedRP" && t.status === "Rehydrated");
    return !online && !rehydrated && rp.tiers.some((t) => t.type === "ArchivedRP" && t.status === "Valid");
}

export function hasValidTier(rp: RecoveryPointRecord, type: SeedTier["type"]): boolean {
    return rp.tiers.some((t) => t.type === type && (t.status === "Valid" || t.status === "Rehydrated"));
}
