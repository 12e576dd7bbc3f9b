// Real Azure: restore the disks of a production VM, then attach them to a fresh VM in an isolated
// network so the drill can log in and check the data. Type-checked in CI; it needs a real subscription.
//   pulumi config set sourceVmId /subscriptions/.../virtualMachines/vm-web01
//   pulumi config set vaultId /subscriptions/.../vaults/vault-prod
//   pulumi config set stagingStorageAccountId /subscriptions/.../storageAccounts/stgrestore
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as network from "@pulumi/azure-native/network";
import * as compute from "@pulumi/azure-native/compute";
import { VmRestore } from "../../provider";

const config = new pulumi.Config();
const location = config.get("location") ?? "westeurope";

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

const restore = new VmRestore("web01-disks", {
    vaultId: config.require("vaultId"),
    sourceVmId: config.require("sourceVmId"),
    recoveryPoint: config.get("recoveryPoint") ?? "latest",
    restoreType: "RestoreDisks",
    storageAccountId: config.require("stagingStorageAccountId"),
    targetResourceGroupId: drillGroup.id,
});

const nic = new network.NetworkInterface("check-vm", {
    resourceGroupName: drillGroup.name,
    location,
    ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id }, privateIPAllocationMethod: "Dynamic" }],
});

// A VM built from the restored disks: the OS disk is attached as-is, data disks keep their LUNs.
const checkVm = new compute.VirtualMachine("check-vm", {
    resourceGroupName: drillGroup.name,
    location,
    hardwareProfile: { vmSize: config.get("vmSize") ?? "Standard_B2s" },
    networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
    storageProfile: {
        osDisk: {
            createOption: compute.DiskCreateOptionTypes.Attach,
            osType: (config.get("osType") as compute.OperatingSystemTypes | undefined) ?? compute.OperatingSystemTypes.Linux,
            managedDisk: { id: restore.osDiskId.apply((id) => id ?? "") },
        },
        dataDisks: restore.dataDisks.apply((disks) => disks.map((d) => ({
            lun: d.lun,
            createOption: compute.DiskCreateOptionTypes.Attach,
            managedDisk: { id: d.diskId },
        }))),
    },
});

export const checkVmId = checkVm.id;
export const recoveryPointTime = restore.recoveryPointTime;
export const timeToRestoreSeconds = restore.timeToRestoreSeconds;
