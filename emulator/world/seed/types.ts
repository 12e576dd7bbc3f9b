/**
 * The shape of a seed: the emulator's starting world (subscription, resource groups, the Recovery
 * Services vault, the protected VMs with their recovery points, staging storage accounts, virtual
 * networks, the simulated durations). A seed document (`--seed file.json`, PUT /admin/seed) has
 * this shape; see docs/emulator.md.
 */
import { AzureVariants } from "../azure-variants";
import { RoleAssignment } from "../../server/role-assignments";
import { WireFormat } from "../../backup/wire-format";

export type OsType = "Linux" | "Windows";
export type RecoveryPointType = "AppConsistent" | "CrashConsistent" | "FileSystemConsistent";
export type TierType = "InstantRP" | "HardenedRP" | "ArchivedRP";
export type TierStatus = "Valid" | "Disabled" | "Deleted" | "Rehydrated";

export interface SeedResourceGroup {
    name: string;
    location: string;
}

export interface SeedVault {
    name: string;
    resourceGroup: string;
    location: string;
    /** Vault storage redundancy; default GeoRedundant. */
    storageRedundancy?: "GeoRedundant" | "LocallyRedundant" | "ZoneRedundant";
    /** Cross Region Restore enabled; default false. */
    crossRegionRestore?: boolean;
    /** The paired (secondary) region a cross-region restore lands in; default the Azure pair of `location` (westeurope ↔ northeurope, eastus ↔ westus, …). */
    secondaryRegion?: string;
    /** Multi-User Authorization: restores need a resourceGuardOperationRequests entry of the vault's resource guard; default false. */
    resourceGuardEnabled?: boolean;
    /** The resource guard protecting the vault (with resourceGuardEnabled); default `/subscriptions/{s}/resourceGroups/{vault rg}/providers/Microsoft.DataProtection/resourceGuards/{vault}-guard`. */
    resourceGuardId?: string;
    /** The vault's managed identities (what identityInfo may name); default: system-assigned only. */
    identity?: { systemAssigned?: boolean; userAssigned?: string[] };
}

/** A disk encryption set (Microsoft.Compute/diskEncryptionSets). */
export interface SeedDiskEncryptionSet {
    name: string;
    resourceGroup: string;
    location: string;
    /** EncryptionAtRestWithCustomerKey (default), EncryptionAtRestWithPlatformAndCustomerKeys or ConfidentialVmEncryptedWithCustomerKey. */
    encryptionType?: DiskEncryptionSetType;
    /** The key: a key vault of the seed (name or ID) and a key name in it; default the first key vault's first key. */
    keyVault?: string;
    keyName?: string;
}

export type DiskEncryptionSetType =
    "EncryptionAtRestWithCustomerKey" | "EncryptionAtRestWithPlatformAndCustomerKeys" | "ConfidentialVmEncryptedWithCustomerKey";

/** A user-assigned managed identity (Microsoft.ManagedIdentity/userAssignedIdentities). */
export interface SeedUserAssignedIdentity {
    name: string;
    resourceGroup: string;
    location: string;
}

/** A disk access (Microsoft.Compute/diskAccesses): private-link access to managed disks. */
export interface SeedDiskAccess {
    name: string;
    resourceGroup: string;
    location: string;
}

/** A Key Vault (Microsoft.KeyVault/vaults) and the names of its secrets and keys (URLs https://{vault}.vault.azure.net/{secrets|keys}/{name}/{version}). */
export interface SeedKeyVault {
    name: string;
    resourceGroup: string;
    location: string;
    secrets?: string[];
    keys?: string[];
}

/** An Azure Extended Zone (extendedLocation type EdgeZone) that restores in `location` may target. */
export interface SeedEdgeZone {
    name: string;
    location: string;
}

/** The ADE key material a recovery point records (IaasVMRecoveryPoint.keyAndSecret): the BEK secret and, optionally, the KEK. */
export interface SeedKeyAndSecret {
    secretUrl: string;
    secretVaultId: string;
    kekUrl?: string;
    kekVaultId?: string;
}

export interface SeedSubnet {
    name: string;
    addressPrefix: string;
}

export interface SeedVirtualNetwork {
    name: string;
    resourceGroup: string;
    location: string;
    addressPrefix: string;
    subnets: SeedSubnet[];
}

export interface SeedStorageAccount {
    name: string;
    resourceGroup: string;
    location: string;
    /** Standard_LRS, Standard_GRS, Standard_RAGRS, Standard_ZRS, Standard_GZRS, Standard_RAGZRS, Premium_LRS, Premium_ZRS */
    sku: string;
    /** StorageV2 (default), Storage, BlobStorage, BlockBlobStorage, FileStorage */
    kind?: string;
}

export interface SeedDisk {
    /** Default: Azure-portal style names ({vm}_OsDisk_1_{hex}, {vm}_DataDisk_{lun}). */
    name?: string;
    sizeGB: number;
    /** Premium_LRS, StandardSSD_LRS, Standard_LRS, ... */
    sku: string;
}

export interface SeedDataDisk extends SeedDisk {
    lun: number;
}

export interface SeedTier {
    type: TierType;
    status: TierStatus;
}

export interface SeedRecoveryPoint {
    /** The recovery point name (= recoveryPointId), a numeric string. */
    id: string;
    /** Time of the point, hours before the emulator started (or was reset). Use this or `time`. */
    hoursAgo?: number;
    /** Fixed ISO 8601 time of the point. */
    time?: string;
    type: RecoveryPointType;
    /** Tiers; a bare name means status "Valid". */
    tiers: Array<TierType | SeedTier>;
    /** Azure Disk Encryption (ADE) was on when the point was taken: a restore needs encryptionDetails; default false. */
    isSourceVMEncrypted?: boolean;
    /** The ADE keys the point recorded (with isSourceVMEncrypted). */
    keyAndSecret?: SeedKeyAndSecret;
    /** The VM's security type when the point was taken; default the VM's `securityType`. */
    securityType?: SecurityType;
}

/** Security type of a VM; ConfidentialVM restores need securedVMDetails. */
export type SecurityType = "Standard" | "TrustedLaunch" | "ConfidentialVM";

export interface SeedVirtualMachine {
    name: string;
    resourceGroup: string;
    location: string;
    vmSize: string;
    osType: OsType;
    zones?: string[];
    osDisk: SeedDisk;
    dataDisks?: SeedDataDisk[];
    /** The VM's NIC goes into this subnet; `virtualNetwork` is a name in the VM's resource group or a full ID. */
    network: { virtualNetwork: string; subnet: string };
    /** Absent: not protected by any vault. */
    protection?: { vault: string; policy?: string };
    recoveryPoints?: SeedRecoveryPoint[];
    /** false: unmanaged disks (VHD page blobs in `vhdStorageAccount`); default true. */
    isManagedVirtualMachine?: boolean;
    /** Unmanaged VMs: the storage account (name) holding the VHDs, container `vhds`. */
    vhdStorageAccount?: string;
    /** Standard (default), TrustedLaunch or ConfidentialVM. */
    securityType?: SecurityType;
    /** ConfidentialVM: the disk encryption set (name or ID) of the OS disk's confidential encryption. */
    secureVMDiskEncryptionSet?: string;
    /** Network access of the VM's managed disks; default AllowAll. `diskAccess`: a disk access (name or ID) for AllowPrivate. */
    diskNetworkAccess?: { policy: DiskNetworkAccessPolicy; diskAccess?: string };
}

export type DiskNetworkAccessPolicy = "AllowAll" | "AllowPrivate" | "DenyAll";

/**
 * An application (service principal) of the seed's tenant that may get tokens from the emulator's
 * Entra ID–like token endpoint with the client credentials grant (auth "entra").
 */
export interface SeedServicePrincipal {
    clientId: string;
    clientSecret: string;
    displayName?: string;
    /** The `oid`/`sub` of its tokens; default derived from the clientId. */
    objectId?: string;
    /** Its role assignments (auth "entra"); default: Contributor and Storage Blob Data Contributor on the subscription. */
    roleAssignments?: RoleAssignment[];
    /**
     * Federated identity credentials (workload identity federation, OIDC): a client assertion whose
     * `iss` and `sub` match one of these is accepted instead of the secret. `issuer: "emulator"`
     * means the emulator's own OIDC issuer (`{url}/oidc`, a GitHub Actions–like token service).
     */
    federatedCredentials?: SeedFederatedCredential[];
}

export interface SeedFederatedCredential {
    issuer: string;
    subject: string;
    /** Accepted `aud` values of the assertion; default ["api://AzureADTokenExchange"]. */
    audiences?: string[];
}

/** Simulated durations, in simulated seconds. */
export interface SeedTiming {
    /** Until a triggered restore's operation reports Succeeded (with the jobId). */
    operationAcceptSeconds: number;
    restoreDisksSeconds: number;
    alternateLocationSeconds: number;
    originalLocationSeconds: number;
    /** Added to the job when an archived point is rehydrated with priority Standard / High. */
    rehydrationStandardSeconds: number;
    rehydrationHighSeconds: number;
    /** From a cancel request to the job being Cancelled. */
    cancelSeconds: number;
    /** From an ARM DELETE to the resource being gone. */
    deleteSeconds: number;
    /** Until a backupTriggerValidateOperation reports its results. */
    validateOperationSeconds: number;
    /** From a restored VM's creation (its job's end) until it runs with a Ready VM agent (instanceView). */
    vmBootSeconds: number;
}

export interface Seed {
    subscriptionId: string;
    tenantId: string;
    subscriptionDisplayName?: string;
    resourceGroups: SeedResourceGroup[];
    vaults: SeedVault[];
    virtualNetworks: SeedVirtualNetwork[];
    storageAccounts: SeedStorageAccount[];
    virtualMachines: SeedVirtualMachine[];
    timing?: Partial<SeedTiming>;
    /** Page size of list calls before a nextLink appears; default 50. */
    pageSize?: number;
    /** Answer 401 when a request has no Authorization header; default false. (Auth "entra" validates the token itself.) */
    requireAuthorization?: boolean;
    /**
     * ARM rate limits: per-subscription token buckets of readsPerHour / writesPerHour tokens refilling
     * on real time (times `timeScale`); `enforce` makes an empty bucket answer 429 (default false:
     * headers only). The `throttle` option of startEmulator overrides this.
     */
    rateLimits?: { readsPerHour?: number; writesPerHour?: number; enforce?: boolean; timeScale?: number };
    /** Applications that may get tokens (auth "entra"). */
    servicePrincipals?: SeedServicePrincipal[];
    /** "spec" (default) or "live" wire formats (emulator/backup/wire-format.ts); the wireFormat option of startEmulator overrides it. */
    wireFormat?: WireFormat;
    diskEncryptionSets?: SeedDiskEncryptionSet[];
    userAssignedIdentities?: SeedUserAssignedIdentity[];
    diskAccesses?: SeedDiskAccess[];
    keyVaults?: SeedKeyVault[];
    edgeZones?: SeedEdgeZone[];
    /** Answers where Azure's behaviour varies or is undocumented (emulator/world/azure-variants.ts); POST /admin/variants changes them at run time. */
    variants?: AzureVariants;
    /** Lifetime of Cross Region Restore access tokens, in REAL seconds; default 3600. */
    crrAccessTokenLifetimeSeconds?: number;
}
