/**
 * Turns a Seed into the emulator's live world: ARM resources (resource groups, vault, virtual
 * networks, storage accounts, source VMs with their disks and NICs), the vault's catalog of
 * protected items and recovery points, and the history of completed backup jobs.
 */
import { createHash } from "crypto";
import { resourceId, sameName } from "./arm-ids";
import {
  diskBody, nicBody, resourceGroupBody, storageAccountBody, vaultBody, vmBody, vnetBody,
} from "./arm-resource-bodies";
import {
  BackupCatalog, DiskSnapshot, ProtectedItemRecord, RecoveryPointRecord, VaultRecord, VmSnapshot, containerNameFor, itemNameFor,
} from "./backup-catalog";
import { BackupHistoryJob } from "./backup-history-job";
import { BlobStore } from "./blob-store";
import { JobRecord } from "./job-record";
import { nextPrivateIp } from "./private-ip";
import { ResourceStore } from "./resource-store";
import { Seed, SeedTier, SeedVirtualMachine } from "./seed";

export interface World {
  resources: ResourceStore;
  blobs: BlobStore;
  catalog: BackupCatalog;
  historyJobs: JobRecord[];
}

export function buildWorld(seed: Seed, baseUrl: string, nowMs: number = Date.now()): World {
  const sub = seed.subscriptionId;
  const resources = new ResourceStore();
  const put = (type: string, rg: string, name: string, location: string, body: Record<string, any>) =>
    resources.put({ id: body.id, type, name, resourceGroup: rg, location, body, origin: "seed" });

  for (const rg of seed.resourceGroups) {
    put("Microsoft.Resources/resourceGroups", rg.name, rg.name, rg.location, resourceGroupBody(sub, rg.name, rg.location));
  }

  const vaults: VaultRecord[] = seed.vaults.map((v) => {
    const shape = {
      subscriptionId: sub,
      resourceGroup: v.resourceGroup,
      name: v.name,
      location: v.location,
      storageRedundancy: v.storageRedundancy ?? "GeoRedundant",
      crossRegionRestore: v.crossRegionRestore ?? false,
    };
    const body = vaultBody(shape);
    put("Microsoft.RecoveryServices/vaults", v.resourceGroup, v.name, v.location, body);
    return { id: body.id, ...shape };
  });

  for (const n of seed.virtualNetworks) {
    put("Microsoft.Network/virtualNetworks", n.resourceGroup, n.name, n.location, vnetBody(sub, n.resourceGroup, n.name, n.location, n.addressPrefix, n.subnets));
  }

  for (const a of seed.storageAccounts) {
    put("Microsoft.Storage/storageAccounts", a.resourceGroup, a.name, a.location, storageAccountBody(baseUrl, sub, a.resourceGroup, a.name, a.location, a.sku, a.kind ?? "StorageV2"));
  }

  const items: ProtectedItemRecord[] = [];
  const historyJobs: JobRecord[] = [];
  for (const vm of seed.virtualMachines) {
    const snapshot = createSourceVm(seed, vm, resources, nowMs);
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

  return { resources, blobs: new BlobStore(), catalog: new BackupCatalog(vaults, items), historyJobs };
}

/** Creates the VM, its disks and NIC as ARM resources; returns the VM snapshot recovery points refer to. */
function createSourceVm(seed: Seed, vm: SeedVirtualMachine, resources: ResourceStore, nowMs: number): VmSnapshot {
  const sub = seed.subscriptionId;
  const vmId = resourceId(sub, vm.resourceGroup, "Microsoft.Compute/virtualMachines", vm.name);
  const created = nowMs - 400 * 86400_000;

  const vnetId = vm.network.virtualNetwork.startsWith("/")
    ? vm.network.virtualNetwork
    : resourceId(sub, vm.resourceGroup, "Microsoft.Network/virtualNetworks", vm.network.virtualNetwork);
  const vnet = resources.get(vnetId);
  const subnet = (vnet?.body.properties.subnets as Array<Record<string, any>> | undefined)?.find((s) => sameName(s.name, vm.network.subnet));
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
  resources.put({ id: nic.id, type: "Microsoft.Network/networkInterfaces", name: nicName, resourceGroup: vm.resourceGroup, location: vm.location, body: nic, origin: "seed" });

  const disk = (lun: number, name: string, sizeGB: number, sku: string): DiskSnapshot => {
    const body = diskBody({
      subscriptionId: sub,
      resourceGroup: vm.resourceGroup,
      name,
      location: vm.location,
      sizeGB,
      sku,
      osType: lun < 0 ? vm.osType : undefined,
      zones: vm.zones,
      creationData: lun < 0 ? { createOption: "FromImage", imageReference: { id: imageId(vm.location, vm.osType) } } : { createOption: "Empty" },
      managedBy: vmId,
      createdMs: created,
    });
    resources.put({ id: body.id, type: "Microsoft.Compute/disks", name, resourceGroup: vm.resourceGroup, location: vm.location, body, origin: "seed" });
    return { lun, name, id: body.id, sizeGB, sku };
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
    osDisk: { ...osDisk, createOption: "FromImage" },
    dataDisks: dataDisks.map((d) => ({ ...d, createOption: "Empty" as const })),
    nicIds: [nic.id],
    withOsProfile: true,
    createdMs: created,
  });
  resources.put({ id: vmId, type: "Microsoft.Compute/virtualMachines", name: vm.name, resourceGroup: vm.resourceGroup, location: vm.location, body, origin: "seed" });

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
    config: JSON.parse(JSON.stringify(body)),
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
