// Real Azure: restore the disks of a production VM, then attach them to a fresh VM in an isolated
// network so the drill can log in and check the data. It needs a real subscription (and the
// azure-native plugin); `npm test` type-checks it.
//   pulumi config set sourceVmId /subscriptions/.../virtualMachines/vm-web01
//   pulumi config set vaultId /subscriptions/.../vaults/vault-prod
//   pulumi config set stagingStorageAccountId /subscriptions/.../storageAccounts/stgrestore
//
// Everything that must match the source VM is read from Azure, not written here: the check VM
// lands in the region the disks were restored to (the restore's `restoreRegion`), in the source
// VM's availability zone, with its security type (e.g. Trusted Launch: secure boot and vTPM).
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as network from "@pulumi/azure-native/network";
import * as compute from "@pulumi/azure-native/compute";
import { VmRestore } from "vmrestore";

const config = new pulumi.Config();
const sourceVmId = config.require("sourceVmId");

// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}
const vmIdParts = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(sourceVmId);
if (!vmIdParts)
    throw new Error(
        `sourceVmId: "${sourceVmId}" is not a virtual machine resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/…)`,
    );
const sourceVm = compute.getVirtualMachineOutput({ resourceGroupName: vmIdParts[1], vmName: vmIdParts[2] });
const sourceZone = sourceVm.apply((vm) => vm.zones?.[0]);

const restore = new VmRestore("web01-disks", {
    vaultId: config.require("vaultId"),
    sourceVmId,
    recoveryPoint: config.get("recoveryPoint") ?? "latest",
    restoreType: "RestoreDisks",
    storageAccountId: config.require("stagingStorageAccountId"),
    // The restored disks land in the source VM's zone, where the check VM will be.
    targetZone: sourceZone,
    // A resource group of its own for the restored disks (in the vault's region, where Azure restores them).
    targetResourceGroupId: config.require("restoreResourceGroupId"),
});

const location = restore.restoreRegion;
const drillGroup = new resources.ResourceGroup("drill", { location });
const vnet = new network.VirtualNetwork("drill", {
    resourceGroupName: drillGroup.name,
    location,
    addressSpace: { addressPrefixes: ["10.250.0.0/24"] },
});
const subnet = new network.Subnet("isolated", {
    resourceGroupName: drillGroup.name,
    virtualNetworkName: vnet.name,
    addressPrefix: "10.250.0.0/26",
});

const nic = new network.NetworkInterface("check-vm", {
    resourceGroupName: drillGroup.name,
    location,
    ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id }, privateIPAllocationMethod: "Dynamic" }],
});

/** A restored disk ID, or a failed deployment that says why: never an empty ID. */
function requireOsDisk(id: string | undefined): string {
    if (!id)
        throw new Error("the restore produced no OS disk (see the VmRestore's jobId in the Azure portal); the check VM cannot be built");
    return id;
}

// A VM built from the restored disks: the OS disk is attached as-is, data disks keep their LUNs.
const checkVm = new compute.VirtualMachine("check-vm", {
    resourceGroupName: drillGroup.name,
    location,
    zones: sourceZone.apply((z) => (z ? [z] : [])),
    securityProfile: sourceVm.securityProfile,
    hardwareProfile: { vmSize: config.get("vmSize") ?? sourceVm.apply((vm) => vm.hardwareProfile?.vmSize ?? "Standard_B2s") },
    networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
    storageProfile: {
        osDisk: {
            createOption: compute.DiskCreateOptionTypes.Attach,
            osType: sourceVm.apply(
                (vm) =>
                    (vm.storageProfile?.osDisk?.osType as compute.OperatingSystemTypes | undefined) ?? compute.OperatingSystemTypes.Linux,
            ),
            managedDisk: { id: restore.osDiskId.apply(requireOsDisk) },
        },
        dataDisks: restore.dataDisks.apply((disks) =>
            disks.map((d) => ({
                lun: d.lun,
                createOption: compute.DiskCreateOptionTypes.Attach,
                managedDisk: { id: d.diskId },
            })),
        ),
    },
});

export const checkVmId = checkVm.id;
export const checkVmLocation = location;
export const recoveryPointTime = restore.recoveryPointTime;
export const timeToRestoreSeconds = restore.timeToRestoreSeconds;
