// Restores vm-app01 as a new VM "vm-app01-drill" into the isolated subnet of vnet-restore.
import * as pulumi from "@pulumi/pulumi";
import { VmRestore } from "vmrestore";

const config = new pulumi.Config();
const sub = `/subscriptions/${config.get("subscriptionId") ?? "00000000-0000-0000-0000-000000000001"}`;
const vnet = `${sub}/resourceGroups/rg-restore/providers/Microsoft.Network/virtualNetworks/vnet-restore`;

const restore = new VmRestore("app01-new-vm", {
    vaultId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
    sourceVmId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-app01`,
    restoreType: "AlternateLocation",
    storageAccountId: `${sub}/resourceGroups/rg-restore/providers/Microsoft.Storage/storageAccounts/stgrestore`,
    targetResourceGroupId: `${sub}/resourceGroups/rg-restore`,
    targetVmName: "vm-app01-drill",
    virtualNetworkId: vnet,
    subnetId: `${vnet}/subnets/isolated`,
    armEndpoint: config.get("armEndpoint"),
    timeoutMinutes: 240,
});

export const restoredVmId = restore.restoredVmId;
export const networkInterfaceIds = restore.networkInterfaceIds;
export const restoredDiskIds = restore.restoredDiskIds;
