/**
 * The JSON bodies of the ARM resources the emulator serves (what a GET answers), shaped like
 * the real Microsoft.Resources / Compute / Network / Storage / RecoveryServices responses.
 */
import { createHash, randomUUID } from "crypto";
import { pairedRegion, resourceGroupId, resourceId } from "./arm-ids";
import { armTimestamp } from "../backup/time-format";
import { JsonObject } from "../server/json";
import { ArmResourceBody, SubnetBody } from "./resource-store";

export function resourceGroupBody(subscriptionId: string, name: string, location: string): ArmResourceBody {
    return {
        id: resourceGroupId(subscriptionId, name),
        name,
        type: "Microsoft.Resources/resourceGroups",
        location,
        properties: { provisioningState: "Succeeded" },
    };
}

export interface VaultShape {
    subscriptionId: string;
    tenantId?: string;
    resourceGroup: string;
    name: string;
    location: string;
    storageRedundancy: string;
    crossRegionRestore: boolean;
    resourceGuardEnabled?: boolean;
    systemAssignedIdentity?: boolean;
    userAssignedIdentityIds?: string[];
}

export function vaultBody(v: VaultShape): ArmResourceBody {
    const id = resourceId(v.subscriptionId, v.resourceGroup, "Microsoft.RecoveryServices/vaults", v.name);
    const ua = v.userAssignedIdentityIds ?? [];
    const identityType =
        [v.systemAssignedIdentity ? "SystemAssigned" : "", ua.length > 0 ? "UserAssigned" : ""].filter(Boolean).join(", ") || "None";
    return {
        id,
        name: v.name,
        type: "Microsoft.RecoveryServices/vaults",
        location: v.location,
        tags: {},
        etag: `W/"datetime'${encodeURIComponent(new Date().toISOString())}'"`,
        sku: { name: "RS0", tier: "Standard" },
        identity: {
            type: identityType,
            ...(v.systemAssignedIdentity ? { principalId: guidFor(`${id}/system`), tenantId: v.tenantId } : {}),
            ...(ua.length > 0
                ? {
                      userAssignedIdentities: Object.fromEntries(
                          ua.map((u) => [u, { principalId: guidFor(`${u}/principal`), clientId: guidFor(`${u}/client`) }]),
                      ),
                  }
                : {}),
        },
        properties: {
            provisioningState: "Succeeded",
            privateEndpointStateForBackup: "None",
            privateEndpointStateForSiteRecovery: "None",
            publicNetworkAccess: "Enabled",
            redundancySettings: {
                standardTierStorageRedundancy: v.storageRedundancy,
                crossRegionRestore: v.crossRegionRestore ? "Enabled" : "Disabled",
            },
            securitySettings: {
                softDeleteSettings: { softDeleteState: "Enabled", softDeleteRetentionPeriodInDays: 14 },
                multiUserAuthorization: v.resourceGuardEnabled ? "Enabled" : "Disabled",
            },
        },
    };
}

export interface SubnetShape {
    name: string;
    addressPrefix: string;
}

export function vnetBody(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    location: string,
    addressPrefix: string,
    subnets: SubnetShape[],
): ArmResourceBody {
    const id = resourceId(subscriptionId, resourceGroup, "Microsoft.Network/virtualNetworks", name);
    return {
        id,
        name,
        type: "Microsoft.Network/virtualNetworks",
        location,
        etag: `W/"${randomUUID()}"`,
        properties: {
            provisioningState: "Succeeded",
            resourceGuid: randomUUID(),
            addressSpace: { addressPrefixes: [addressPrefix] },
            subnets: subnets.map((s) => subnetBody(id, s)),
            virtualNetworkPeerings: [],
            enableDdosProtection: false,
        },
    };
}

function subnetBody(vnetId: string, s: SubnetShape): SubnetBody {
    return {
        id: `${vnetId}/subnets/${s.name}`,
        name: s.name,
        type: "Microsoft.Network/virtualNetworks/subnets",
        etag: `W/"${randomUUID()}"`,
        properties: {
            provisioningState: "Succeeded",
            addressPrefix: s.addressPrefix,
            delegations: [],
            privateEndpointNetworkPolicies: "Disabled",
            privateLinkServiceNetworkPolicies: "Enabled",
        },
    };
}

export function storageAccountBody(
    baseUrl: string,
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    location: string,
    sku: string,
    kind: string,
): ArmResourceBody {
    const geo = /GRS$/i.test(sku);
    return {
        id: resourceId(subscriptionId, resourceGroup, "Microsoft.Storage/storageAccounts", name),
        name,
        type: "Microsoft.Storage/storageAccounts",
        location,
        sku: { name: sku, tier: sku.toLowerCase().startsWith("premium") ? "Premium" : "Standard" },
        kind,
        tags: {},
        properties: {
            provisioningState: "Succeeded",
            creationTime: armTimestamp(Date.now() - 90 * 86400_000),
            primaryLocation: location,
            statusOfPrimary: "available",
            ...(geo ? { secondaryLocation: pairedRegion(location), statusOfSecondary: "available" } : {}),
            primaryEndpoints: {
                blob: `${baseUrl}/blob/${name}/`,
                dfs: `https://${name}.dfs.core.windows.net/`,
                file: `https://${name}.file.core.windows.net/`,
                queue: `https://${name}.queue.core.windows.net/`,
                table: `https://${name}.table.core.windows.net/`,
                web: `https://${name}.z6.web.core.windows.net/`,
            },
            accessTier: "Hot",
            supportsHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] },
            encryption: {
                keySource: "Microsoft.Storage",
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
            },
        },
    };
}

/** A GUID derived from a text (stable principal/client IDs for identities). */
export function guidFor(text: string): string {
    const h = createHash("sha256").update(text.toLowerCase()).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface DiskShape {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
    sizeGB: number;
    sku: string;
    osType?: string;
    zones?: string[];
    creationData: JsonObject;
    managedBy?: string;
    createdMs: number;
    tags?: Record<string, string>;
    /** Default {type: "EncryptionAtRestWithPlatformKey"}. */
    encryption?: JsonObject;
    /** Azure Disk Encryption settings (ADE). */
    encryptionSettingsCollection?: JsonObject;
    /** AllowAll (default) | AllowPrivate | DenyAll. */
    networkAccessPolicy?: string;
    diskAccessId?: string;
    /** Confidential VM OS disks: {securityType, secureVMDiskEncryptionSetId?}. */
    securityProfile?: JsonObject;
    extendedLocation?: { name: string; type: string };
}

export function diskBody(d: DiskShape): ArmResourceBody {
    const policy = d.networkAccessPolicy ?? "AllowAll";
    const body: ArmResourceBody = {
        id: resourceId(d.subscriptionId, d.resourceGroup, "Microsoft.Compute/disks", d.name),
        name: d.name,
        type: "Microsoft.Compute/disks",
        location: d.location,
        tags: d.tags ?? {},
        sku: { name: d.sku, tier: d.sku.toLowerCase().startsWith("premium") ? "Premium" : "Standard" },
        properties: {
            ...(d.osType ? { osType: d.osType, hyperVGeneration: "V2" } : {}),
            creationData: d.creationData,
            diskSizeGB: d.sizeGB,
            diskSizeBytes: d.sizeGB * 1024 * 1024 * 1024,
            uniqueId: randomUUID(),
            encryption: d.encryption ?? { type: "EncryptionAtRestWithPlatformKey" },
            ...(d.encryptionSettingsCollection ? { encryptionSettingsCollection: d.encryptionSettingsCollection } : {}),
            ...(d.securityProfile ? { securityProfile: d.securityProfile } : {}),
            networkAccessPolicy: policy,
            ...(policy === "AllowPrivate" && d.diskAccessId ? { diskAccessId: d.diskAccessId } : {}),
            publicNetworkAccess: policy === "AllowAll" ? "Enabled" : "Disabled",
            timeCreated: armTimestamp(d.createdMs),
            provisioningState: "Succeeded",
            diskState: d.managedBy ? "Attached" : "Unattached",
            ...(d.sku.toLowerCase().startsWith("premium") ? { tier: premiumTier(d.sizeGB) } : {}),
        },
    };
    if (d.zones && d.zones.length > 0) body.zones = [...d.zones];
    if (d.extendedLocation) body.extendedLocation = { ...d.extendedLocation };
    if (d.managedBy) body.managedBy = d.managedBy;
    return body;
}

function premiumTier(sizeGB: number): string {
    const tiers: Array<[number, string]> = [
        [4, "P1"],
        [8, "P2"],
        [16, "P3"],
        [32, "P4"],
        [64, "P6"],
        [128, "P10"],
        [256, "P15"],
        [512, "P20"],
        [1024, "P30"],
        [2048, "P40"],
        [4096, "P50"],
    ];
    return tiers.find(([max]) => sizeGB <= max)?.[1] ?? "P60";
}

export interface NicShape {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
    subnetId: string;
    privateIp: string;
    virtualMachineId?: string;
    extendedLocation?: { name: string; type: string };
}

export function nicBody(n: NicShape): ArmResourceBody {
    const id = resourceId(n.subscriptionId, n.resourceGroup, "Microsoft.Network/networkInterfaces", n.name);
    return {
        id,
        name: n.name,
        type: "Microsoft.Network/networkInterfaces",
        location: n.location,
        ...(n.extendedLocation ? { extendedLocation: { ...n.extendedLocation } } : {}),
        etag: `W/"${randomUUID()}"`,
        properties: {
            provisioningState: "Succeeded",
            resourceGuid: randomUUID(),
            ipConfigurations: [
                {
                    id: `${id}/ipConfigurations/ipconfig1`,
                    name: "ipconfig1",
                    type: "Microsoft.Network/networkInterfaces/ipConfigurations",
                    properties: {
                        provisioningState: "Succeeded",
                        privateIPAddress: n.privateIp,
                        privateIPAllocationMethod: "Dynamic",
                        subnet: { id: n.subnetId },
                        primary: true,
                        privateIPAddressVersion: "IPv4",
                    },
                },
            ],
            dnsSettings: { dnsServers: [], appliedDnsServers: [] },
            macAddress: macFor(id),
            enableAcceleratedNetworking: false,
            enableIPForwarding: false,
            primary: true,
            nicType: "Standard",
            ...(n.virtualMachineId ? { virtualMachine: { id: n.virtualMachineId } } : {}),
        },
    };
}

function macFor(id: string): string {
    const h = createHash("sha256").update(id.toLowerCase()).digest("hex").toUpperCase();
    return `00-0D-3A-${h.slice(0, 2)}-${h.slice(2, 4)}-${h.slice(4, 6)}`;
}

export interface VmDiskRef {
    name: string;
    id?: string;
    /** For unmanaged (VHD) disks. */
    vhdUri?: string;
    sku: string;
    sizeGB: number;
    createOption: "FromImage" | "Empty" | "Attach";
    /** managedDisk.diskEncryptionSet.id */
    diskEncryptionSetId?: string;
    /** managedDisk.securityProfile (confidential OS disks). */
    securityProfile?: JsonObject;
}

export interface VmShape {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
    vmSize: string;
    osType: string;
    zones?: string[];
    osDisk: VmDiskRef;
    dataDisks: Array<VmDiskRef & { lun: number }>;
    nicIds: string[];
    /** Source VMs have an OS profile; VMs built from attached disks do not. */
    withOsProfile: boolean;
    createdMs: number;
    tags?: Record<string, string>;
    /** Standard (none), TrustedLaunch, ConfidentialVM. */
    securityType?: string;
    extendedLocation?: { name: string; type: string };
}

/** properties.securityProfile of a VM of this security type (undefined for Standard). */
export function vmSecurityProfile(securityType: string | undefined): JsonObject | undefined {
    if (securityType !== "TrustedLaunch" && securityType !== "ConfidentialVM") return undefined;
    return { securityType, uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } };
}

export function vmBody(v: VmShape): ArmResourceBody {
    const diskJson = (d: VmDiskRef) => ({
        name: d.name,
        createOption: d.createOption,
        diskSizeGB: d.sizeGB,
        ...(d.id
            ? {
                  managedDisk: {
                      storageAccountType: d.sku,
                      id: d.id,
                      ...(d.diskEncryptionSetId ? { diskEncryptionSet: { id: d.diskEncryptionSetId } } : {}),
                      ...(d.securityProfile ? { securityProfile: d.securityProfile } : {}),
                  },
              }
            : {}),
        ...(d.vhdUri ? { vhd: { uri: d.vhdUri } } : {}),
        deleteOption: "Detach",
    });
    const body: ArmResourceBody = {
        id: resourceId(v.subscriptionId, v.resourceGroup, "Microsoft.Compute/virtualMachines", v.name),
        name: v.name,
        type: "Microsoft.Compute/virtualMachines",
        location: v.location,
        ...(v.extendedLocation ? { extendedLocation: { ...v.extendedLocation } } : {}),
        tags: v.tags ?? {},
        properties: {
            vmId: randomUUID(),
            hardwareProfile: { vmSize: v.vmSize },
            ...(vmSecurityProfile(v.securityType) ? { securityProfile: vmSecurityProfile(v.securityType) } : {}),
            storageProfile: {
                ...(v.osDisk.createOption === "FromImage"
                    ? {
                          imageReference:
                              v.osType === "Windows"
                                  ? {
                                        publisher: "MicrosoftWindowsServer",
                                        offer: "WindowsServer",
                                        sku: "2022-datacenter-azure-edition",
                                        version: "latest",
                                    }
                                  : {
                                        publisher: "Canonical",
                                        offer: "0001-com-ubuntu-server-jammy",
                                        sku: "22_04-lts-gen2",
                                        version: "latest",
                                    },
                      }
                    : {}),
                osDisk: { osType: v.osType, ...diskJson(v.osDisk), caching: "ReadWrite" },
                dataDisks: v.dataDisks.map((d) => ({ lun: d.lun, ...diskJson(d), caching: "None", toBeDetached: false })),
                diskControllerType: "SCSI",
            },
            ...(v.withOsProfile
                ? {
                      osProfile: {
                          computerName: v.name,
                          adminUsername: "azureadmin",
                          ...(v.osType === "Windows"
                              ? { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } }
                              : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true } }),
                          secrets: [],
                          allowExtensionOperations: true,
                      },
                  }
                : {}),
            networkProfile: {
                networkInterfaces: v.nicIds.map((id, i) => ({ id, properties: { primary: i === 0, deleteOption: "Detach" } })),
            },
            diagnosticsProfile: { bootDiagnostics: { enabled: true } },
            provisioningState: "Succeeded",
            timeCreated: armTimestamp(v.createdMs),
        },
    };
    if (v.zones && v.zones.length > 0) body.zones = [...v.zones];
    return body;
}

export interface LocatedShape {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
}

export function diskEncryptionSetBody(
    d: LocatedShape & { tenantId: string; encryptionType: string; keyUrl?: string; keyVaultId?: string },
): ArmResourceBody {
    const id = resourceId(d.subscriptionId, d.resourceGroup, "Microsoft.Compute/diskEncryptionSets", d.name);
    return {
        id,
        name: d.name,
        type: "Microsoft.Compute/diskEncryptionSets",
        location: d.location,
        tags: {},
        identity: { type: "SystemAssigned", principalId: guidFor(`${id}/principal`), tenantId: d.tenantId },
        properties: {
            encryptionType: d.encryptionType,
            ...(d.keyUrl ? { activeKey: { keyUrl: d.keyUrl, ...(d.keyVaultId ? { sourceVault: { id: d.keyVaultId } } : {}) } } : {}),
            rotationToLatestKeyVersionEnabled: false,
            provisioningState: "Succeeded",
        },
    };
}

export function userAssignedIdentityBody(u: LocatedShape & { tenantId: string }): ArmResourceBody {
    const id = resourceId(u.subscriptionId, u.resourceGroup, "Microsoft.ManagedIdentity/userAssignedIdentities", u.name);
    return {
        id,
        name: u.name,
        type: "Microsoft.ManagedIdentity/userAssignedIdentities",
        location: u.location,
        tags: {},
        properties: { tenantId: u.tenantId, principalId: guidFor(`${id}/principal`), clientId: guidFor(`${id}/client`) },
    };
}

export function diskAccessBody(a: LocatedShape): ArmResourceBody {
    return {
        id: resourceId(a.subscriptionId, a.resourceGroup, "Microsoft.Compute/diskAccesses", a.name),
        name: a.name,
        type: "Microsoft.Compute/diskAccesses",
        location: a.location,
        tags: {},
        properties: {
            provisioningState: "Succeeded",
            privateEndpointConnections: [],
            timeCreated: armTimestamp(Date.now() - 120 * 86400_000),
        },
    };
}

export function keyVaultBody(k: LocatedShape & { tenantId: string }): ArmResourceBody {
    return {
        id: resourceId(k.subscriptionId, k.resourceGroup, "Microsoft.KeyVault/vaults", k.name),
        name: k.name,
        type: "Microsoft.KeyVault/vaults",
        location: k.location,
        tags: {},
        properties: {
            tenantId: k.tenantId,
            sku: { family: "A", name: "standard" },
            vaultUri: `https://${k.name.toLowerCase()}.vault.azure.net/`,
            enabledForDeployment: false,
            enabledForDiskEncryption: true,
            enabledForTemplateDeployment: false,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            enableRbacAuthorization: true,
            enablePurgeProtection: true,
            publicNetworkAccess: "Enabled",
            provisioningState: "Succeeded",
        },
    };
}
