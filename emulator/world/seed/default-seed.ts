/** `defaultSeed()`: the world the project's tests and drills use, with its well-known drill application (TEST credentials, emulator only). */
import { drillRoleAssignments } from "../../server/role-assignments";
import { keyVaultItemUrl } from "./lookup";
import { RecoveryPointType, Seed, SeedKeyAndSecret, SeedRecoveryPoint, SeedServicePrincipal, SeedTiming } from "./types";

/** The default seed's application: a well-known TEST credential for offline drills against the emulator only. */
export const DRILL_CLIENT_ID = "00000000-0000-0000-0000-00000000c1d0";
/** Published on purpose (docs/emulator.md): it opens nothing but a local emulator. Never use it anywhere else. */
export const DRILL_CLIENT_SECRET = "vmrestore-emulator-drill-secret~NOT-A-REAL-SECRET";
/** The subject of the drill application's federated credential (the emulator's OIDC issuer issues it). */
const DRILL_OIDC_SUBJECT = "repo:vmrestore/drill:environment:dr-drill";
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
