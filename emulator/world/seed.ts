/**
 * The emulator's starting world: subscription, resource groups, the Recovery Services vault,
 * the protected VMs with their recovery points, staging storage accounts, virtual networks and
 * the simulated durations. `defaultSeed()` is the world the project's tests and drills use;
 * `--seed file.json` (or PUT /admin/seed) replaces it with a JSON document of the same shape
 * (see docs/emulator.md). `parseSeed` checks a document and fills in defaults.
 */
import { createHash } from "crypto";
import { AzureVariants, variantProblems } from "./azure-variants";
import { drillRoleAssignments, RoleAssignment, roleAssignmentProblems } from "../server/role-assignments";
import { readFileSync } from "fs";
import { isWireFormat, WireFormat } from "../backup/wire-format";

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

/** The default seed's application: a well-known TEST credential for offline drills against the emulator only. */
export const DRILL_CLIENT_ID = "00000000-0000-0000-0000-00000000c1d0";
/** Published on purpose (docs/emulator.md): it opens nothing but a local emulator. Never use it anywhere else. */
export const DRILL_CLIENT_SECRET = "vmrestore-emulator-drill-secret~NOT-A-REAL-SECRET";
/** The subject of the drill application's federated credential (the emulator's OIDC issuer issues it). */
export const DRILL_OIDC_SUBJECT = "repo:vmrestore/drill:environment:dr-drill";
/**
 * The request token the emulator's GitHub Actions–like ID token service (`GET {url}/oidc/token`)
 * accepts, as ACTIONS_ID_TOKEN_REQUEST_TOKEN would be. A well-known TEST value, like the secret above.
 */
export const DRILL_OIDC_REQUEST_TOKEN = "vmrestore-emulator-oidc-request-token~NOT-A-REAL-SECRET";
/** The default seed's drill application: secret and federated (OIDC) credential. */
export const DRILL_SERVICE_PRINCIPAL: SeedServicePrincipal = {
    clientId: DRILL_CLIENT_ID,
    clientSecret: DRILL_CLIENT_SECRET,
    displayName: "vmrestore-drill",
    federatedCredentials: [{ issuer: "emulator", subject: DRILL_OIDC_SUBJECT }],
};

export const DEFAULT_TIMING: SeedTiming = {
    operationAcceptSeconds: 30,
    restoreDisksSeconds: 3600,
    alternateLocationSeconds: 5400,
    originalLocationSeconds: 4500,
    rehydrationStandardSeconds: 21600,
    rehydrationHighSeconds: 3600,
    cancelSeconds: 120,
    deleteSeconds: 30,
    validateOperationSeconds: 10,
    vmBootSeconds: 180,
};

export function timingOf(seed: Seed): SeedTiming {
    return { ...DEFAULT_TIMING, ...(seed.timing ?? {}) };
}

/** Default subscription of the default seed (for the IDs below). */
const DEFAULT_SUB = "00000000-0000-0000-0000-000000000001";

/** Deterministic 32-hex version of a Key Vault secret or key (the seed names them; versions are derived). */
export function keyVaultItemVersion(vaultName: string, name: string): string {
    return createHash("sha256").update(`${vaultName.toLowerCase()}/${name}`).digest("hex").slice(0, 32);
}

/** https://{vault}.vault.azure.net/{secrets|keys}/{name}/{version}: how a seed Key Vault's secrets and keys are addressed. */
export function keyVaultItemUrl(vaultName: string, kind: "secrets" | "keys", name: string): string {
    return `https://${vaultName.toLowerCase()}.vault.azure.net/${kind}/${name}/${keyVaultItemVersion(vaultName, name)}`;
}

const KV_RESTORE_ID = `/subscriptions/${DEFAULT_SUB}/resourceGroups/rg-restore/providers/Microsoft.KeyVault/vaults/kv-restore`;

/** The ADE keys vm-ade01's recovery points recorded (BEK secret + KEK in kv-restore). */
const ADE_KEYS: SeedKeyAndSecret = {
    secretUrl: keyVaultItemUrl("kv-restore", "secrets", "vm-ade01-bek"),
    secretVaultId: KV_RESTORE_ID,
    kekUrl: keyVaultItemUrl("kv-restore", "keys", "ade-kek"),
    kekVaultId: KV_RESTORE_ID,
};

export function defaultSeed(): Seed {
    const protection = { vault: "vault-prod", policy: "DefaultPolicy" };
    const rps = (ids: string[], hours: number[], types: RecoveryPointType[]): SeedRecoveryPoint[] => [
        { id: ids[0], hoursAgo: hours[0], type: types[0], tiers: ["InstantRP", "HardenedRP"] },
        { id: ids[1], hoursAgo: hours[1], type: types[1], tiers: ["InstantRP", "HardenedRP"] },
        { id: ids[2], hoursAgo: hours[2], type: types[2], tiers: ["HardenedRP"] },
        { id: ids[3], hoursAgo: hours[3], type: types[3], tiers: ["HardenedRP"] },
        { id: ids[4], hoursAgo: hours[4], type: types[4], tiers: ["ArchivedRP"] },
    ];
    return {
        subscriptionId: DEFAULT_SUB,
        tenantId: "00000000-0000-0000-0000-0000000000aa",
        subscriptionDisplayName: "VmRestore emulator subscription",
        resourceGroups: [
            { name: "rg-prod", location: "westeurope" },
            { name: "rg-restore", location: "westeurope" },
            { name: "rg-dr", location: "northeurope" },
        ],
        vaults: [
            {
                name: "vault-prod",
                resourceGroup: "rg-prod",
                location: "westeurope",
                storageRedundancy: "GeoRedundant",
                crossRegionRestore: true,
                secondaryRegion: "northeurope",
                resourceGuardEnabled: false,
                identity: { systemAssigned: true, userAssigned: ["id-restore"] },
            },
        ],
        virtualNetworks: [
            {
                name: "vnet-prod",
                resourceGroup: "rg-prod",
                location: "westeurope",
                addressPrefix: "10.0.0.0/16",
                subnets: [{ name: "default", addressPrefix: "10.0.0.0/24" }],
            },
            {
                name: "vnet-restore",
                resourceGroup: "rg-restore",
                location: "westeurope",
                addressPrefix: "10.10.0.0/16",
                subnets: [
                    { name: "default", addressPrefix: "10.10.0.0/24" },
                    { name: "isolated", addressPrefix: "10.10.1.0/24" },
                ],
            },
            {
                name: "vnet-dr",
                resourceGroup: "rg-dr",
                location: "northeurope",
                addressPrefix: "10.20.0.0/16",
                subnets: [{ name: "default", addressPrefix: "10.20.0.0/24" }],
            },
        ],
        storageAccounts: [
            { name: "stgrestore", resourceGroup: "rg-restore", location: "westeurope", sku: "Standard_LRS", kind: "StorageV2" },
            { name: "stgzrs", resourceGroup: "rg-restore", location: "westeurope", sku: "Standard_ZRS", kind: "StorageV2" },
            { name: "stgnorth", resourceGroup: "rg-dr", location: "northeurope", sku: "Standard_LRS", kind: "StorageV2" },
            { name: "stglegacy", resourceGroup: "rg-prod", location: "westeurope", sku: "Standard_LRS", kind: "Storage" },
        ],
        keyVaults: [
            {
                name: "kv-restore",
                resourceGroup: "rg-restore",
                location: "westeurope",
                secrets: ["vm-ade01-bek"],
                keys: ["ade-kek", "des-key", "cvm-key"],
            },
        ],
        diskEncryptionSets: [
            {
                name: "des-restore",
                resourceGroup: "rg-restore",
                location: "westeurope",
                encryptionType: "EncryptionAtRestWithCustomerKey",
                keyVault: "kv-restore",
                keyName: "des-key",
            },
            {
                name: "des-cvm",
                resourceGroup: "rg-restore",
                location: "westeurope",
                encryptionType: "ConfidentialVmEncryptedWithCustomerKey",
                keyVault: "kv-restore",
                keyName: "cvm-key",
            },
        ],
        userAssignedIdentities: [{ name: "id-restore", resourceGroup: "rg-restore", location: "westeurope" }],
        diskAccesses: [{ name: "da-restore", resourceGroup: "rg-restore", location: "westeurope" }],
        edgeZones: [{ name: "emulatoredge1", location: "westeurope" }],
        virtualMachines: [
            {
                name: "vm-web01",
                resourceGroup: "rg-prod",
                location: "westeurope",
                vmSize: "Standard_D4s_v5",
                osType: "Linux",
                osDisk: { sizeGB: 30, sku: "Premium_LRS" },
                dataDisks: [
                    { lun: 0, sizeGB: 256, sku: "Premium_LRS" },
                    { lun: 1, sizeGB: 512, sku: "StandardSSD_LRS" },
                ],
                network: { virtualNetwork: "vnet-prod", subnet: "default" },
                protection,
                recoveryPoints: rps(
                    ["591835274016583", "591835188104275", "591835102206741", "591834843911322", "591828630518730"],
                    [3, 27, 51, 171, 2163],
                    ["AppConsistent", "CrashConsistent", "FileSystemConsistent", "AppConsistent", "CrashConsistent"],
                ),
            },
            {
                name: "vm-db01",
                resourceGroup: "rg-prod",
                location: "westeurope",
                vmSize: "Standard_E4s_v5",
                osType: "Windows",
                zones: ["2"],
                osDisk: { sizeGB: 127, sku: "Premium_LRS" },
                dataDisks: [{ lun: 0, sizeGB: 1024, sku: "Premium_LRS" }],
                network: { virtualNetwork: "vnet-prod", subnet: "default" },
                protection,
                recoveryPoints: rps(
                    ["284710593362148", "284710507460937", "284710421559286", "284710163854419", "284703950470892"],
                    [2, 26, 50, 170, 2162],
                    ["AppConsistent", "FileSystemConsistent", "CrashConsistent", "AppConsistent", "AppConsistent"],
                ),
            },
            {
                name: "vm-app01",
                resourceGroup: "rg-prod",
                location: "westeurope",
                vmSize: "Standard_B2s",
                osType: "Linux",
                osDisk: { sizeGB: 30, sku: "StandardSSD_LRS" },
                network: { virtualNetwork: "vnet-prod", subnet: "default" },
                protection,
                recoveryPoints: rps(
                    ["763019452287410", "763019366385163", "763019280483725", "763019022778164", "763012809393608"],
                    [4, 28, 52, 172, 2164],
                    ["FileSystemConsistent", "CrashConsistent", "AppConsistent", "FileSystemConsistent", "CrashConsistent"],
                ),
            },
            {
                // Unmanaged disks: VHD page blobs in stglegacy/vhds.
                name: "vm-legacy01",
                resourceGroup: "rg-prod",
                location: "westeurope",
                vmSize: "Standard_D2s_v3",
                osType: "Linux",
                isManagedVirtualMachine: false,
                vhdStorageAccount: "stglegacy",
                osDisk: { sizeGB: 30, sku: "Standard_LRS" },
                dataDisks: [{ lun: 0, sizeGB: 128, sku: "Standard_LRS" }],
                network: { virtualNetwork: "vnet-prod", subnet: "default" },
                protection,
                recoveryPoints: rps(
                    ["418263950174621", "418263864272390", "418263778370159", "418263520664448", "418257307179902"],
                    [5, 29, 53, 173, 2165],
                    ["CrashConsistent", "FileSystemConsistent", "CrashConsistent", "AppConsistent", "CrashConsistent"],
                ),
            },
            {
                // Azure Disk Encryption (BEK secret + KEK in kv-restore); its disks are private (da-restore).
                name: "vm-ade01",
                resourceGroup: "rg-prod",
                location: "westeurope",
                vmSize: "Standard_D2s_v5",
                osType: "Windows",
                osDisk: { sizeGB: 127, sku: "Premium_LRS" },
                dataDisks: [{ lun: 0, sizeGB: 64, sku: "Premium_LRS" }],
                network: { virtualNetwork: "vnet-prod", subnet: "default" },
                diskNetworkAccess: { policy: "AllowPrivate", diskAccess: "da-restore" },
                protection,
                recoveryPoints: rps(
                    ["526374019283746", "526373933381515", "526373847479284", "526373589773573", "526367376289027"],
                    [6, 30, 54, 174, 2166],
                    ["AppConsistent", "CrashConsistent", "AppConsistent", "FileSystemConsistent", "CrashConsistent"],
                ).map((rp) => ({ ...rp, isSourceVMEncrypted: true, keyAndSecret: ADE_KEYS })),
            },
            {
                // Confidential VM: the OS disk is confidentially encrypted with des-cvm.
                name: "vm-cvm01",
                resourceGroup: "rg-prod",
                location: "westeurope",
                vmSize: "Standard_DC2as_v5",
                osType: "Linux",
                securityType: "ConfidentialVM",
                secureVMDiskEncryptionSet: "des-cvm",
                osDisk: { sizeGB: 30, sku: "Premium_LRS" },
                network: { virtualNetwork: "vnet-prod", subnet: "default" },
                protection,
                recoveryPoints: rps(
                    ["637485120394857", "637485034492626", "637484948590395", "637484690884684", "637478477400138"],
                    [7, 31, 55, 175, 2167],
                    ["CrashConsistent", "AppConsistent", "FileSystemConsistent", "CrashConsistent", "AppConsistent"],
                ).map((rp) => ({ ...rp, securityType: "ConfidentialVM" as const })),
            },
        ],
        timing: { ...DEFAULT_TIMING },
        crrAccessTokenLifetimeSeconds: 3600,
        pageSize: 50,
        requireAuthorization: false,
        rateLimits: { readsPerHour: 12000, writesPerHour: 1200, enforce: false },
        servicePrincipals: [
            {
                ...DRILL_SERVICE_PRINCIPAL,
                // Exactly what a drill needs (the README's role table), so that the drill proves those roles suffice.
                roleAssignments: drillRoleAssignments({
                    subscriptionId: DEFAULT_SUB,
                    vaultIds: [
                        `/subscriptions/${DEFAULT_SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
                    ],
                    sourceGroupIds: [`/subscriptions/${DEFAULT_SUB}/resourceGroups/rg-prod`],
                    targetGroupIds: ["rg-restore", "rg-dr"].map((rg) => `/subscriptions/${DEFAULT_SUB}/resourceGroups/${rg}`),
                    stagingAccountIds: [
                        ["rg-restore", "stgrestore"],
                        ["rg-dr", "stgnorth"],
                        ["rg-prod", "stglegacy"],
                    ].map(
                        ([rg, name]) =>
                            `/subscriptions/${DEFAULT_SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`,
                    ),
                }),
            },
        ],
    };
}

export class SeedError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid seed:\n  - ${problems.join("\n  - ")}`);
        this.name = "SeedError";
    }
}

/** Reads and checks a seed JSON file. */
export function loadSeedFile(path: string): Seed {
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
        throw new SeedError([`cannot read ${path}: ${(e as Error).message}`]);
    }
    return parseSeed(json);
}

/** Checks a seed document (from JSON) and returns it as a Seed; throws SeedError listing every problem. */
export function parseSeed(input: unknown): Seed {
    const problems: string[] = [];
    const p = (msg: string) => problems.push(msg);
    if (!isObject(input)) throw new SeedError(["the seed must be a JSON object"]);
    const seed = input as unknown as Seed;

    str(seed.subscriptionId, "subscriptionId", p);
    str(seed.tenantId, "tenantId", p);
    for (const key of ["resourceGroups", "vaults", "virtualNetworks", "storageAccounts", "virtualMachines"] as const) {
        if (!Array.isArray(seed[key])) p(`${key} must be an array`);
    }
    if (problems.length > 0) throw new SeedError(problems);

    const rgs = new Set<string>();
    seed.resourceGroups.forEach((rg, i) => {
        if (!isObject(rg)) return p(`resourceGroups[${i}] must be an object`);
        str(rg.name, `resourceGroups[${i}].name`, p);
        str(rg.location, `resourceGroups[${i}].location`, p);
        if (typeof rg.name === "string") {
            if (rgs.has(rg.name.toLowerCase())) p(`resource group ${rg.name} appears twice`);
            rgs.add(rg.name.toLowerCase());
        }
    });
    const inRg = (rg: unknown, where: string) => {
        if (typeof rg !== "string" || !rgs.has(rg.toLowerCase())) p(`${where}: resource group '${String(rg)}' is not in resourceGroups`);
    };
    const unique = (kind: string, items: Array<{ name?: unknown; resourceGroup?: unknown }>) => {
        const seen = new Set<string>();
        for (const it of items) {
            if (!isObject(it)) continue;
            const k = `${String(it.resourceGroup)}/${String(it.name)}`.toLowerCase();
            if (seen.has(k)) p(`${kind} ${String(it.name)} appears twice in resource group ${String(it.resourceGroup)}`);
            seen.add(k);
        }
    };

    // Optional collections of the resources restore options refer to.
    for (const key of ["diskEncryptionSets", "userAssignedIdentities", "diskAccesses", "keyVaults", "edgeZones"] as const) {
        if (seed[key] !== undefined && !Array.isArray(seed[key])) p(`${key} must be an array`);
    }
    const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
    const located = (kind: string, items: Array<{ name?: unknown; resourceGroup?: unknown; location?: unknown }>) => {
        items.forEach((it, i) => {
            if (!isObject(it)) return p(`${kind}[${i}] must be an object`);
            str(it.name, `${kind}[${i}].name`, p);
            str(it.location, `${kind}[${i}].location`, p);
            inRg(it.resourceGroup, `${kind}[${i}]`);
        });
        unique(kind, items);
    };
    located("keyVaults", list(seed.keyVaults));
    list(seed.keyVaults).forEach((kv, i) => {
        if (!isObject(kv)) return;
        if (typeof kv.name === "string" && !/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(kv.name))
            p(`keyVaults[${i}].name '${kv.name}' must be 3-24 letters, digits and hyphens, starting with a letter`);
        for (const k of ["secrets", "keys"] as const) {
            const names = kv[k];
            if (
                names !== undefined &&
                !(Array.isArray(names) && names.every((n) => typeof n === "string" && /^[A-Za-z0-9-]{1,127}$/.test(n)))
            )
                p(`keyVaults[${i}].${k} must be an array of names (letters, digits, hyphens)`);
        }
    });
    located("userAssignedIdentities", list(seed.userAssignedIdentities));
    located("diskAccesses", list(seed.diskAccesses));
    located("diskEncryptionSets", list(seed.diskEncryptionSets));
    list(seed.diskEncryptionSets).forEach((des, i) => {
        if (!isObject(des)) return;
        if (des.encryptionType !== undefined && !DES_TYPES.includes(des.encryptionType))
            p(`diskEncryptionSets[${i}].encryptionType must be one of ${DES_TYPES.join(", ")}`);
        if (des.keyVault !== undefined) {
            const kv = findSeedItem(seed.subscriptionId, "Microsoft.KeyVault/vaults", list(seed.keyVaults), des.keyVault);
            if (!kv) p(`diskEncryptionSets[${i}].keyVault '${String(des.keyVault)}' is not in keyVaults`);
            else if (des.keyName !== undefined && !(kv.keys ?? []).includes(des.keyName))
                p(`diskEncryptionSets[${i}].keyName '${String(des.keyName)}' is not a key of key vault ${kv.name}`);
        }
    });
    list(seed.edgeZones).forEach((z, i) => {
        if (!isObject(z)) return p(`edgeZones[${i}] must be an object {name, location}`);
        str(z.name, `edgeZones[${i}].name`, p);
        str(z.location, `edgeZones[${i}].location`, p);
    });

    seed.vaults.forEach((v, i) => {
        if (!isObject(v)) return p(`vaults[${i}] must be an object`);
        str(v.name, `vaults[${i}].name`, p);
        str(v.location, `vaults[${i}].location`, p);
        inRg(v.resourceGroup, `vaults[${i}]`);
        for (const k of ["crossRegionRestore", "resourceGuardEnabled"] as const) {
            if (v[k] !== undefined && typeof v[k] !== "boolean") p(`vaults[${i}].${k} must be a boolean`);
        }
        if (v.secondaryRegion !== undefined) str(v.secondaryRegion, `vaults[${i}].secondaryRegion`, p);
        if (
            v.resourceGuardId !== undefined &&
            !(
                typeof v.resourceGuardId === "string" &&
                /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DataProtection\/resourceGuards\/[^/]+$/i.test(
                    v.resourceGuardId,
                )
            )
        ) {
            p(`vaults[${i}].resourceGuardId must be a Microsoft.DataProtection/resourceGuards resource ID`);
        }
        if (v.identity !== undefined) {
            if (!isObject(v.identity)) p(`vaults[${i}].identity must be {systemAssigned?, userAssigned?}`);
            else {
                if (v.identity.systemAssigned !== undefined && typeof v.identity.systemAssigned !== "boolean")
                    p(`vaults[${i}].identity.systemAssigned must be a boolean`);
                const ua = v.identity.userAssigned;
                if (ua !== undefined) {
                    if (!Array.isArray(ua)) p(`vaults[${i}].identity.userAssigned must be an array of identity names or IDs`);
                    else
                        ua.forEach((ref, j) => {
                            if (
                                !findSeedItem(
                                    seed.subscriptionId,
                                    "Microsoft.ManagedIdentity/userAssignedIdentities",
                                    list(seed.userAssignedIdentities),
                                    ref,
                                )
                            )
                                p(`vaults[${i}].identity.userAssigned[${j}] '${String(ref)}' is not in userAssignedIdentities`);
                        });
                }
            }
        }
    });
    unique("vault", seed.vaults);

    seed.virtualNetworks.forEach((n, i) => {
        if (!isObject(n)) return p(`virtualNetworks[${i}] must be an object`);
        str(n.name, `virtualNetworks[${i}].name`, p);
        str(n.location, `virtualNetworks[${i}].location`, p);
        str(n.addressPrefix, `virtualNetworks[${i}].addressPrefix`, p);
        inRg(n.resourceGroup, `virtualNetworks[${i}]`);
        if (!Array.isArray(n.subnets) || n.subnets.length === 0) p(`virtualNetworks[${i}].subnets must be a non-empty array`);
        else
            n.subnets.forEach((s, j) => {
                str(s?.name, `virtualNetworks[${i}].subnets[${j}].name`, p);
                str(s?.addressPrefix, `virtualNetworks[${i}].subnets[${j}].addressPrefix`, p);
            });
    });
    unique("virtual network", seed.virtualNetworks);

    const accountNames = new Set<string>();
    seed.storageAccounts.forEach((a, i) => {
        if (!isObject(a)) return p(`storageAccounts[${i}] must be an object`);
        str(a.name, `storageAccounts[${i}].name`, p);
        str(a.location, `storageAccounts[${i}].location`, p);
        str(a.sku, `storageAccounts[${i}].sku`, p);
        inRg(a.resourceGroup, `storageAccounts[${i}]`);
        if (typeof a.name === "string") {
            if (!/^[a-z0-9]{3,24}$/.test(a.name)) p(`storageAccounts[${i}].name '${a.name}' must be 3-24 lowercase letters and digits`);
            if (accountNames.has(a.name)) p(`storage account ${a.name} appears twice (names are global)`);
            accountNames.add(a.name);
        }
    });

    const vaultNames = new Set(seed.vaults.filter(isObject).map((v) => String(v.name).toLowerCase()));
    const vnetKeys = new Set(
        seed.virtualNetworks.filter(isObject).map((n) => `${String(n.resourceGroup)}/${String(n.name)}`.toLowerCase()),
    );
    const rpIds = new Set<string>();
    seed.virtualMachines.forEach((vm, i) => {
        const at = `virtualMachines[${i}]`;
        if (!isObject(vm)) return p(`${at} must be an object`);
        str(vm.name, `${at}.name`, p);
        str(vm.location, `${at}.location`, p);
        str(vm.vmSize, `${at}.vmSize`, p);
        inRg(vm.resourceGroup, at);
        if (vm.osType !== "Linux" && vm.osType !== "Windows") p(`${at}.osType must be Linux or Windows`);
        if (vm.zones !== undefined && !(Array.isArray(vm.zones) && vm.zones.every((z) => typeof z === "string")))
            p(`${at}.zones must be an array of strings`);
        disk(vm.osDisk, `${at}.osDisk`, p);
        const luns = new Set<number>();
        if (vm.dataDisks !== undefined) {
            if (!Array.isArray(vm.dataDisks)) p(`${at}.dataDisks must be an array`);
            else
                vm.dataDisks.forEach((d, j) => {
                    disk(d, `${at}.dataDisks[${j}]`, p);
                    if (!Number.isInteger(d?.lun) || d.lun < 0 || d.lun > 63) p(`${at}.dataDisks[${j}].lun must be an integer 0..63`);
                    else if (luns.has(d.lun)) p(`${at}: LUN ${d.lun} appears twice`);
                    else luns.add(d.lun);
                });
        }
        if (!isObject(vm.network)) p(`${at}.network must be {virtualNetwork, subnet}`);
        else {
            str(vm.network.virtualNetwork, `${at}.network.virtualNetwork`, p);
            str(vm.network.subnet, `${at}.network.subnet`, p);
            const vnet = String(vm.network.virtualNetwork);
            if (!vnet.startsWith("/") && !vnetKeys.has(`${String(vm.resourceGroup)}/${vnet}`.toLowerCase())) {
                p(`${at}.network.virtualNetwork '${vnet}' is not a virtual network in resource group ${String(vm.resourceGroup)}`);
            }
        }
        if (vm.isManagedVirtualMachine !== undefined && typeof vm.isManagedVirtualMachine !== "boolean")
            p(`${at}.isManagedVirtualMachine must be a boolean`);
        if (vm.isManagedVirtualMachine === false) {
            if (
                typeof vm.vhdStorageAccount !== "string" ||
                !seed.storageAccounts.some((a) => isObject(a) && a.name === vm.vhdStorageAccount)
            ) {
                p(`${at}.vhdStorageAccount must name a storage account of the seed (an unmanaged VM keeps its VHDs there)`);
            }
        }
        if (vm.securityType !== undefined && !SECURITY_TYPES.includes(vm.securityType))
            p(`${at}.securityType must be one of ${SECURITY_TYPES.join(", ")}`);
        if (
            vm.secureVMDiskEncryptionSet !== undefined &&
            !findSeedItem(
                seed.subscriptionId,
                "Microsoft.Compute/diskEncryptionSets",
                list(seed.diskEncryptionSets),
                vm.secureVMDiskEncryptionSet,
            )
        ) {
            p(`${at}.secureVMDiskEncryptionSet '${String(vm.secureVMDiskEncryptionSet)}' is not in diskEncryptionSets`);
        }
        if (vm.diskNetworkAccess !== undefined) {
            const dna = vm.diskNetworkAccess;
            if (!isObject(dna) || !NETWORK_ACCESS_POLICIES.includes(dna.policy))
                p(`${at}.diskNetworkAccess must be {policy: ${NETWORK_ACCESS_POLICIES.join(" | ")}, diskAccess?}`);
            else if (
                dna.policy === "AllowPrivate" &&
                !findSeedItem(seed.subscriptionId, "Microsoft.Compute/diskAccesses", list(seed.diskAccesses), dna.diskAccess)
            ) {
                p(
                    `${at}.diskNetworkAccess.diskAccess '${String(dna.diskAccess)}' must name a disk access of the seed (policy AllowPrivate)`,
                );
            }
        }
        if (vm.protection !== undefined) {
            if (!isObject(vm.protection) || typeof vm.protection.vault !== "string") p(`${at}.protection must be {vault, policy?}`);
            else if (!vaultNames.has(vm.protection.vault.toLowerCase()))
                p(`${at}.protection.vault '${vm.protection.vault}' is not in vaults`);
        }
        if (vm.recoveryPoints !== undefined) {
            if (!Array.isArray(vm.recoveryPoints)) p(`${at}.recoveryPoints must be an array`);
            else
                vm.recoveryPoints.forEach((rp, j) => {
                    const rat = `${at}.recoveryPoints[${j}]`;
                    if (!isObject(rp)) return p(`${rat} must be an object`);
                    if (typeof rp.id !== "string" || !/^\d{1,20}$/.test(rp.id)) p(`${rat}.id must be a numeric string`);
                    else if (rpIds.has(rp.id)) p(`recovery point id ${rp.id} appears twice`);
                    else rpIds.add(rp.id);
                    if (rp.hoursAgo === undefined && rp.time === undefined) p(`${rat} needs hoursAgo or time`);
                    if (rp.hoursAgo !== undefined && typeof rp.hoursAgo !== "number") p(`${rat}.hoursAgo must be a number`);
                    if (rp.time !== undefined && Number.isNaN(Date.parse(String(rp.time)))) p(`${rat}.time must be an ISO 8601 time`);
                    if (!["AppConsistent", "CrashConsistent", "FileSystemConsistent"].includes(String(rp.type))) {
                        p(`${rat}.type must be AppConsistent, CrashConsistent or FileSystemConsistent`);
                    }
                    if (rp.isSourceVMEncrypted !== undefined && typeof rp.isSourceVMEncrypted !== "boolean")
                        p(`${rat}.isSourceVMEncrypted must be a boolean`);
                    if (rp.keyAndSecret !== undefined) {
                        const ks = rp.keyAndSecret;
                        if (!isObject(ks) || typeof ks.secretUrl !== "string" || typeof ks.secretVaultId !== "string")
                            p(`${rat}.keyAndSecret must be {secretUrl, secretVaultId, kekUrl?, kekVaultId?}`);
                        else if ((ks.kekUrl === undefined) !== (ks.kekVaultId === undefined))
                            p(`${rat}.keyAndSecret: kekUrl and kekVaultId go together`);
                    }
                    if (rp.securityType !== undefined && !SECURITY_TYPES.includes(rp.securityType))
                        p(`${rat}.securityType must be one of ${SECURITY_TYPES.join(", ")}`);
                    if (!Array.isArray(rp.tiers) || rp.tiers.length === 0) p(`${rat}.tiers must be a non-empty array`);
                    else
                        rp.tiers.forEach((t, k) => {
                            const type = typeof t === "string" ? t : isObject(t) ? t.type : undefined;
                            const status = typeof t === "string" ? "Valid" : isObject(t) ? t.status : undefined;
                            if (!["InstantRP", "HardenedRP", "ArchivedRP"].includes(String(type)))
                                p(`${rat}.tiers[${k}] type must be InstantRP, HardenedRP or ArchivedRP`);
                            if (!["Valid", "Disabled", "Deleted", "Rehydrated"].includes(String(status)))
                                p(`${rat}.tiers[${k}] status must be Valid, Disabled, Deleted or Rehydrated`);
                        });
                });
        }
    });
    unique("virtual machine", seed.virtualMachines);

    if (seed.timing !== undefined) {
        if (!isObject(seed.timing)) p("timing must be an object");
        else
            for (const [k, v] of Object.entries(seed.timing)) {
                if (!(k in DEFAULT_TIMING)) p(`timing.${k} is not a known setting (${Object.keys(DEFAULT_TIMING).join(", ")})`);
                else if (typeof v !== "number" || !(v >= 0)) p(`timing.${k} must be a number >= 0`);
            }
    }
    if (seed.pageSize !== undefined && !(Number.isInteger(seed.pageSize) && seed.pageSize > 0)) p("pageSize must be a positive integer");
    if (
        seed.crrAccessTokenLifetimeSeconds !== undefined &&
        !(
            typeof seed.crrAccessTokenLifetimeSeconds === "number" &&
            seed.crrAccessTokenLifetimeSeconds > 0 &&
            Number.isFinite(seed.crrAccessTokenLifetimeSeconds)
        )
    ) {
        p("crrAccessTokenLifetimeSeconds must be a number > 0");
    }
    if (seed.wireFormat !== undefined && !isWireFormat(seed.wireFormat)) p('wireFormat must be "spec" or "live"');
    for (const problem of variantProblems(seed.variants)) p(problem);
    if (seed.rateLimits !== undefined) {
        if (!isObject(seed.rateLimits)) p("rateLimits must be an object {readsPerHour?, writesPerHour?, enforce?, timeScale?}");
        else {
            for (const k of ["readsPerHour", "writesPerHour"] as const) {
                const v = seed.rateLimits[k];
                if (v !== undefined && !(typeof v === "number" && v >= 1 && Number.isFinite(v))) p(`rateLimits.${k} must be a number >= 1`);
            }
            const ts = seed.rateLimits.timeScale;
            if (ts !== undefined && !(typeof ts === "number" && ts > 0 && Number.isFinite(ts)))
                p("rateLimits.timeScale must be a number > 0");
            if (seed.rateLimits.enforce !== undefined && typeof seed.rateLimits.enforce !== "boolean")
                p("rateLimits.enforce must be a boolean");
        }
    }
    if (seed.servicePrincipals !== undefined) {
        if (!Array.isArray(seed.servicePrincipals))
            p("servicePrincipals must be an array of {clientId, clientSecret, displayName?, objectId?}");
        else {
            const clientIds = new Set<string>();
            seed.servicePrincipals.forEach((sp, i) => {
                const at = `servicePrincipals[${i}]`;
                for (const problem of roleAssignmentProblems(
                    (sp as { roleAssignments?: unknown }).roleAssignments,
                    `${at}.roleAssignments`,
                ))
                    p(problem);
                if (!isObject(sp)) return p(`${at} must be an object {clientId, clientSecret, displayName?, objectId?}`);
                str(sp.clientId, `${at}.clientId`, p);
                str(sp.clientSecret, `${at}.clientSecret`, p);
                if (sp.displayName !== undefined) str(sp.displayName, `${at}.displayName`, p);
                if (sp.objectId !== undefined) str(sp.objectId, `${at}.objectId`, p);
                if (sp.federatedCredentials !== undefined) {
                    if (!Array.isArray(sp.federatedCredentials))
                        p(`${at}.federatedCredentials must be an array of {issuer, subject, audiences?}`);
                    else
                        sp.federatedCredentials.forEach((fc, j) => {
                            if (!isObject(fc)) return p(`${at}.federatedCredentials[${j}] must be an object {issuer, subject, audiences?}`);
                            str(fc.issuer, `${at}.federatedCredentials[${j}].issuer`, p);
                            str(fc.subject, `${at}.federatedCredentials[${j}].subject`, p);
                            if (
                                fc.audiences !== undefined &&
                                !(Array.isArray(fc.audiences) && fc.audiences.every((a) => typeof a === "string"))
                            )
                                p(`${at}.federatedCredentials[${j}].audiences must be an array of strings`);
                        });
                }
                if (typeof sp.clientId === "string") {
                    if (clientIds.has(sp.clientId.toLowerCase())) p(`${at}.clientId ${sp.clientId} appears twice`);
                    clientIds.add(sp.clientId.toLowerCase());
                }
            });
        }
    }
    if (problems.length > 0) throw new SeedError(problems);
    return JSON.parse(JSON.stringify(seed)) as Seed;
}

const SECURITY_TYPES: SecurityType[] = ["Standard", "TrustedLaunch", "ConfidentialVM"];
const DES_TYPES: DiskEncryptionSetType[] = [
    "EncryptionAtRestWithCustomerKey",
    "EncryptionAtRestWithPlatformAndCustomerKeys",
    "ConfidentialVmEncryptedWithCustomerKey",
];
const NETWORK_ACCESS_POLICIES: DiskNetworkAccessPolicy[] = ["AllowAll", "AllowPrivate", "DenyAll"];

/**
 * The seed item a reference names: a full resource ID (`/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{name}`,
 * case-insensitive) or a bare name (the first item of that name).
 */
export function findSeedItem<T extends { name: string; resourceGroup: string }>(
    subscriptionId: string,
    type: string,
    items: T[],
    ref: unknown,
): T | undefined {
    if (typeof ref !== "string" || ref.trim() === "") return undefined;
    const valid = items.filter((it) => isObject(it) && typeof it.name === "string");
    if (ref.startsWith("/")) {
        const want = ref.replace(/\/+$/, "").toLowerCase();
        return valid.find(
            (it) =>
                `/subscriptions/${subscriptionId}/resourceGroups/${it.resourceGroup}/providers/${type}/${it.name}`.toLowerCase() === want,
        );
    }
    return valid.find((it) => it.name.toLowerCase() === ref.toLowerCase());
}

function isObject(v: unknown): v is Record<string, any> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown, where: string, p: (m: string) => void): void {
    if (typeof v !== "string" || v.trim() === "") p(`${where} must be a non-empty string`);
}

function disk(d: unknown, where: string, p: (m: string) => void): void {
    if (!isObject(d)) return p(`${where} must be an object {sizeGB, sku, name?}`);
    if (typeof d.sizeGB !== "number" || !(d.sizeGB > 0)) p(`${where}.sizeGB must be a positive number`);
    str(d.sku, `${where}.sku`, p);
    if (d.name !== undefined) str(d.name, `${where}.name`, p);
}
