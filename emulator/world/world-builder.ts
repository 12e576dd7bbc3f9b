/**
 * Turns a Seed into the emulator's live world: ARM resources (resource groups, vault, virtual
 * networks, storage accounts, source VMs with their disks and NICs), the vault's catalog of
 * protected items and recovery points, and the history of completed backup jobs.
 */
import { JsonObject } from "../server/json";
import { createHash } from "crypto";
import { pairedRegion, resourceGroupId, resourceId, sameName } from "./arm-ids";
import {
    diskAccessBody,
    diskBody,
    diskEncryptionSetBody,
    keyVaultBody,
    nicBody,
    resourceGroupBody,
    storageAccountBody,
    userAssignedIdentityBody,
    vaultBody,
    vmBody,
    vnetBody,
} from "./arm-resource-bodies";
import {
    BackupCatalog,
    DiskSnapshot,
    ProtectedItemRecord,
    RecoveryPointRecord,
    VaultRecord,
    VmSnapshot,
    containerNameFor,
    itemNameFor,
} from "../backup/backup-catalog";
import { BackupHistoryJob } from "../backup/backup-history-job";
import { BlobStore, blobUrl } from "./blob-store";
import { JobRecord } from "../backup/job-record";
import { nextPrivateIp } from "./private-ip";
import { ArmResourceBody, ResourceStore } from "./resource-store";
import { findSeedItem, keyVaultItemUrl, Seed, SeedKeyAndSecret, SeedTier, SeedVirtualMachine } from "./seed";

export interface World {
    resources: ResourceStore;
    blobs: BlobStore;
    catalog: BackupCatalog;
    historyJobs: JobRecord[];
}

export function buildWorld(seed: Seed, baseUrl: string, nowMs: number = Date.now()): World {
    const sub = seed.subscriptionId;
    const resources = new ResourceStore();
    const put = (type: string, rg: string, name: string, location: string, body: ArmResourceBody) =>
        resources.put({ id: body.id, type, name, resourceGroup: rg, location, body, origin: "seed" });

    for (const rg of seed.resourceGroups) {
        put("Microsoft.Resources/resourceGroups", rg.name, rg.name, rg.location, resourceGroupBody(sub, rg.name, rg.location));
    }

    const tenantId = seed.tenantId;
    for (const kv of seed.keyVaults ?? []) {
        put(
            "Microsoft.KeyVault/vaults",
            kv.resourceGroup,
            kv.name,
            kv.location,
            keyVaultBody({ subscriptionId: sub, resourceGroup: kv.resourceGroup, name: kv.name, location: kv.location, tenantId }),
        );
    }
    for (const des of seed.diskEncryptionSets ?? []) {
        const kv =
            des.keyVault !== undefined
                ? findSeedItem(sub, "Microsoft.KeyVault/vaults", seed.keyVaults ?? [], des.keyVault)
                : seed.keyVaults?.[0];
        const keyName = des.keyName ?? kv?.keys?.[0];
        const body = diskEncryptionSetBody({
            subscriptionId: sub,
            resourceGroup: des.resourceGroup,
            name: des.name,
            location: des.location,
            tenantId,
            encryptionType: des.encryptionType ?? "EncryptionAtRestWithCustomerKey",
            keyUrl: kv && keyName ? keyVaultItemUrl(kv.name, "keys", keyName) : undefined,
            keyVaultId: kv ? resourceId(sub, kv.resourceGroup, "Microsoft.KeyVault/vaults", kv.name) : undefined,
        });
        put("Microsoft.Compute/diskEncryptionSets", des.resourceGroup, des.name, des.location, body);
    }
    for (const u of seed.userAssignedIdentities ?? []) {
        put(
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            u.resourceGroup,
            u.name,
            u.location,
            userAssignedIdentityBody({ subscriptionId: sub, resourceGroup: u.resourceGroup, name: u.name, location: u.location, tenantId }),
        );
    }
    for (const a of seed.diskAccesses ?? []) {
        put(
            "Microsoft.Compute/diskAccesses",
            a.resourceGroup,
            a.name,
            a.location,
            diskAccessBody({ subscriptionId: sub, resourceGroup: a.resourceGroup, name: a.name, location: a.location }),
        );
    }

    const vaults: VaultRecord[] = seed.vaults.map((v) => {
        const userAssignedIdentityIds = (v.identity?.userAssigned ?? [])
            .map((ref) => findSeedItem(sub, "Microsoft.ManagedIdentity/userAssignedIdentities", seed.userAssignedIdentities ?? [], ref))
            .filter((u): u is NonNullable<typeof u> => u !== undefined)
            .map((u) => resourceId(sub, u.resourceGroup, "Microsoft.ManagedIdentity/userAssignedIdentities", u.name));
        const shape = {
            subscriptionId: sub,
            tenantId,
            resourceGroup: v.resourceGroup,
            name: v.name,
            location: v.location,
            storageRedundancy: v.storageRedundancy ?? "GeoRedundant",
            crossRegionRestore: v.crossRegionRestore ?? false,
            resourceGuardEnabled: v.resourceGuardEnabled ?? false,
            systemAssignedIdentity: v.identity?.systemAssigned ?? true,
            userAssignedIdentityIds,
        };
        const body = vaultBody(shape);
        put("Microsoft.RecoveryServices/vaults", v.resourceGroup, v.name, v.location, body);
        return {
            id: body.id,
            subscriptionId: sub,
            resourceGroup: v.resourceGroup,
            name: v.name,
            location: v.location,
            storageRedundancy: shape.storageRedundancy,
            crossRegionRestore: shape.crossRegionRestore,
            secondaryRegion: v.secondaryRegion ?? pairedRegion(v.location),
            resourceGuardEnabled: shape.resourceGuardEnabled,
            resourceGuardId:
                v.resourceGuardId ??
                `${resourceGroupId(sub, v.resourceGroup)}/providers/Microsoft.DataProtection/resourceGuards/${v.name}-guard`,
            systemAssignedIdentity: shape.systemAssignedIdentity,
            userAssignedIdentityIds,
        };
    });

    for (const n of seed.virtualNetworks) {
        put(
            "Microsoft.Network/virtualNetworks",
            n.resourceGroup,
            n.name,
            n.location,
            vnetBody(sub, n.resourceGroup, n.name, n.location, n.addressPrefix, n.subnets),
        );
    }

    for (const a of seed.storageAccounts) {
        put(
            "Microsoft.Storage/storageAccounts",
            a.resourceGroup,
            a.name,
            a.location,
            storageAccountBody(baseUrl, sub, a.resourceGroup, a.name, a.location, a.sku, a.kind ?? "StorageV2"),
        );
    }

    const blobs = new BlobStore();
    const items: ProtectedItemRecord[] = [];
    const historyJobs: JobRecord[] = [];
    for (const vm of seed.virtualMachines) {
        const snapshot = createSourceVm(seed, vm, resources, blobs, baseUrl, nowMs);
        if (!vm.protection) continue;
        const vault = vaults.find((v) => sameName(v.name, vm.protection?.vault));
        if (!vault) continue;
        const containerName = containerNameFor(vm.resourceGroup, vm.name);
        const itemName = itemNameFor(vm.resourceGroup, vm.name);
        const recoveryPoints: RecoveryPointRecord[] = (vm.recoveryPoints ?? [])
            .map((rp) => ({
                name: rp.id,
                timeMs: rp.time !== undefined ? Date.parse(rp.time) : nowMs - (rp.hoursAgo ?? 0) * 3600_000,
                type: rp.type,
                tiers: rp.tiers.map((t): SeedTier => (typeof t === "string" ? { type: t, status: "Valid" } : { ...t })),
                vm: snapshot,
                isSourceVMEncrypted: rp.isSourceVMEncrypted ?? false,
                ...(rp.keyAndSecret ? { keyAndSecret: { ...rp.keyAndSecret } } : {}),
                securityType: rp.securityType ?? snapshot.securityType,
            }))
            .sort((a, b) => b.timeMs - a.timeMs);
        const item: ProtectedItemRecord = {
            id: `${vault.id}/backupFabrics/Azure/protectionContainers/${containerName}/protectedItems/${itemName}`,
            vault,
            containerName,
            itemName,
            sourceResourceId: snapshot.id,
            friendlyName: vm.name,
            policyName: vm.protection.policy ?? "DefaultPolicy",
            protectedItemDataId: digits(`${vault.id}/${snapshot.id}`, 15),
            recoveryPoints,
            vm: snapshot,
        };
        items.push(item);
        recoveryPoints
            .filter((rp) => nowMs - rp.timeMs <= 10 * 86400_000 && nowMs >= rp.timeMs)
            .forEach((rp, i) => historyJobs.push(new BackupHistoryJob(item, rp.timeMs - 60_000, 1500 + ((i * 379) % 900))));
    }

    return { resources, blobs, catalog: new BackupCatalog(vaults, items), historyJobs };
}

/**
 * Creates the VM, its disks (managed disks, or VHD blobs for an unmanaged VM) and NIC; returns the
 * VM snapshot recovery points refer to.
 */
function createSourceVm(
    seed: Seed,
    vm: SeedVirtualMachine,
    resources: ResourceStore,
    blobs: BlobStore,
    baseUrl: string,
    nowMs: number,
): VmSnapshot {
    const sub = seed.subscriptionId;
    const vmId = resourceId(sub, vm.resourceGroup, "Microsoft.Compute/virtualMachines", vm.name);
    const created = nowMs - 400 * 86400_000;

    const vnetId = vm.network.virtualNetwork.startsWith("/")
        ? vm.network.virtualNetwork
        : resourceId(sub, vm.resourceGroup, "Microsoft.Network/virtualNetworks", vm.network.virtualNetwork);
    const vnet = resources.get(vnetId);
    const subnet = vnet?.body.properties.subnets?.find((s) => sameName(s.name, vm.network.subnet));
    if (!vnet || !subnet) throw new Error(`seed: VM ${vm.name}: subnet ${vm.network.subnet} of ${vnetId} not found`);

    const nicName = `${vm.name}-nic`;
    const nic = nicBody({
        subscriptionId: sub,
        resourceGroup: vm.resourceGroup,
        name: nicName,
        location: vm.location,
        subnetId: subnet.id,
        privateIp: nextPrivateIp(resources, subnet.id, subnet.properties.addressPrefix),
        virtualMachineId: vmId,
    });
    resources.put({
        id: nic.id,
        type: "Microsoft.Network/networkInterfaces",
        name: nicName,
        resourceGroup: vm.resourceGroup,
        location: vm.location,
        body: nic,
        origin: "seed",
    });

    const managed = vm.isManagedVirtualMachine !== false;
    const securityType = vm.securityType ?? "Standard";
    const policy = vm.diskNetworkAccess?.policy ?? "AllowAll";
    const access =
        policy === "AllowPrivate"
            ? findSeedItem(sub, "Microsoft.Compute/diskAccesses", seed.diskAccesses ?? [], vm.diskNetworkAccess?.diskAccess)
            : undefined;
    const diskAccessId = access ? resourceId(sub, access.resourceGroup, "Microsoft.Compute/diskAccesses", access.name) : undefined;
    const secureDes =
        vm.secureVMDiskEncryptionSet !== undefined
            ? findSeedItem(sub, "Microsoft.Compute/diskEncryptionSets", seed.diskEncryptionSets ?? [], vm.secureVMDiskEncryptionSet)
            : undefined;
    const secureDesId = secureDes
        ? resourceId(sub, secureDes.resourceGroup, "Microsoft.Compute/diskEncryptionSets", secureDes.name)
        : undefined;
    const cvmDiskProfile =
        securityType === "ConfidentialVM"
            ? {
                  securityType: secureDesId ? "ConfidentialVM_DiskEncryptedWithCustomerKey" : "ConfidentialVM_DiskEncryptedWithPlatformKey",
                  ...(secureDesId ? { secureVMDiskEncryptionSetId: secureDesId } : {}),
              }
            : undefined;
    const keys = (vm.recoveryPoints ?? []).find((rp) => rp.isSourceVMEncrypted && rp.keyAndSecret)?.keyAndSecret;

    const vhdAccount = managed ? undefined : seed.storageAccounts.find((a) => a.name === vm.vhdStorageAccount);
    const vhd = (lun: number, name: string, sizeGB: number, sku: string): DiskSnapshot => {
        const account = vhdAccount!.name.toLowerCase();
        const blobName = `${vm.name.toLowerCase()}-${lun < 0 ? "osdisk" : `datadisk-${lun}`}.vhd`;
        blobs.put({
            account,
            container: "vhds",
            name: blobName,
            content: JSON.stringify({ kind: "PageBlob", description: `VHD of ${vm.name}`, sizeGB }),
            contentType: "application/octet-stream",
            createdMs: created,
            origin: "seed",
        });
        const uri = blobUrl(baseUrl, account, "vhds", blobName);
        return { lun, name, id: uri, vhdUri: uri, sizeGB, sku, networkAccessPolicy: "AllowAll" };
    };

    const disk = (lun: number, name: string, sizeGB: number, sku: string): DiskSnapshot => {
        if (!managed) return vhd(lun, name, sizeGB, sku);
        const body = diskBody({
            subscriptionId: sub,
            resourceGroup: vm.resourceGroup,
            name,
            location: vm.location,
            sizeGB,
            sku,
            osType: lun < 0 ? vm.osType : undefined,
            zones: vm.zones,
            creationData:
                lun < 0
                    ? { createOption: "FromImage", imageReference: { id: imageId(vm.location, vm.osType) } }
                    : { createOption: "Empty" },
            managedBy: vmId,
            createdMs: created,
            networkAccessPolicy: policy,
            diskAccessId,
            securityProfile: lun < 0 ? cvmDiskProfile : undefined,
            encryptionSettingsCollection: keys ? adeSettings(keys) : undefined,
        });
        resources.put({
            id: body.id,
            type: "Microsoft.Compute/disks",
            name,
            resourceGroup: vm.resourceGroup,
            location: vm.location,
            body,
            origin: "seed",
        });
        return { lun, name, id: body.id, sizeGB, sku, networkAccessPolicy: policy, ...(diskAccessId ? { diskAccessId } : {}) };
    };
    const osDisk = disk(-1, vm.osDisk.name ?? `${vm.name}_OsDisk_1_${hex(vmId, 32)}`, vm.osDisk.sizeGB, vm.osDisk.sku);
    const dataDisks = (vm.dataDisks ?? [])
        .slice()
        .sort((a, b) => a.lun - b.lun)
        .map((d) => disk(d.lun, d.name ?? `${vm.name}_DataDisk_${d.lun}`, d.sizeGB, d.sku));

    const body = vmBody({
        subscriptionId: sub,
        resourceGroup: vm.resourceGroup,
        name: vm.name,
        location: vm.location,
        vmSize: vm.vmSize,
        osType: vm.osType,
        zones: vm.zones,
        osDisk: {
            ...osDisk,
            id: managed ? osDisk.id : undefined,
            createOption: "FromImage",
            securityProfile: cvmDiskProfile
                ? { securityEncryptionType: "DiskWithVMGuestState", ...(secureDesId ? { diskEncryptionSet: { id: secureDesId } } : {}) }
                : undefined,
        },
        dataDisks: dataDisks.map((d) => ({ ...d, id: managed ? d.id : undefined, createOption: "Empty" as const })),
        nicIds: [nic.id],
        withOsProfile: true,
        createdMs: created,
        securityType,
    });
    resources.put({
        id: vmId,
        type: "Microsoft.Compute/virtualMachines",
        name: vm.name,
        resourceGroup: vm.resourceGroup,
        location: vm.location,
        body,
        origin: "seed",
    });

    return {
        id: vmId,
        name: vm.name,
        resourceGroup: vm.resourceGroup,
        location: vm.location,
        vmSize: vm.vmSize,
        osType: vm.osType,
        zones: vm.zones ? [...vm.zones] : undefined,
        osDisk,
        dataDisks,
        nicId: nic.id,
        subnetId: subnet.id,
        isManaged: managed,
        securityType,
        config: JSON.parse(JSON.stringify(body)),
    };
}

/** A managed disk's encryptionSettingsCollection for Azure Disk Encryption with these keys. */
export function adeSettings(keys: SeedKeyAndSecret): JsonObject {
    return {
        enabled: true,
        encryptionSettingsVersion: "1.1",
        encryptionSettings: [
            {
                diskEncryptionKey: { secretUrl: keys.secretUrl, sourceVault: { id: keys.secretVaultId } },
                ...(keys.kekUrl ? { keyEncryptionKey: { keyUrl: keys.kekUrl, sourceVault: { id: keys.kekVaultId } } } : {}),
            },
        ],
    };
}

function imageId(location: string, osType: string): string {
    return osType === "Windows"
        ? `/Subscriptions/00000000-0000-0000-0000-000000000000/Providers/Microsoft.Compute/Locations/${location}/Publishers/MicrosoftWindowsServer/ArtifactTypes/VMImage/Offers/WindowsServer/Skus/2022-datacenter-azure-edition/Versions/20348.2340.240303`
        : `/Subscriptions/00000000-0000-0000-0000-000000000000/Providers/Microsoft.Compute/Locations/${location}/Publishers/canonical/ArtifactTypes/VMImage/Offers/0001-com-ubuntu-server-jammy/Skus/22_04-lts-gen2/Versions/22.04.202403280`;
}

function hex(seedText: string, length: number): string {
    return createHash("sha256").update(seedText.toLowerCase()).digest("hex").slice(0, length);
}

function digits(seedText: string, length: number): string {
    const h = createHash("sha256").update(seedText.toLowerCase()).digest();
    let out = "";
    for (let i = 0; out.length < length; i++) out += String(h[i % h.length] % 10);
    return out.replace(/^0/, "1");
}
