// Cross Region Restore: vm-app01 (protected in westeurope) restored as a new VM in northeurope,
// the paired region, through a staging account and network there. The vault must have Cross
// Region Restore enabled (the emulator's default seed does).
import * as pulumi from "@pulumi/pulumi";
import { VmRestore } from "vmrestore";

const config = new pulumi.Config();
const sub = `/subscriptions/${config.get("subscriptionId") ?? "00000000-0000-0000-0000-000000000001"}`;
const vnet = `${sub}/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr`;

const restore = new VmRestore("app01-in-northeurope", {
    vaultId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
    sourceVmId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-app01`,
    crossRegion: true,
    secondaryRegion: "northeurope",
    restoreType: "AlternateLocation",
    storageAccountId: `${sub}/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/stgnorth`,
    targetResourceGroupId: `${sub}/resourceGroups/rg-dr`,
    targetVmName: "vm-app01-dr",
    virtualNetworkId: vnet,
    subnetId: `${vnet}/subnets/default`,
    armEndpoint: config.get("armEndpoint"),
});

export const restoredVmId = restore.restoredVmId;
export const restoreRegion = restore.restoreRegion;
export const timeToRestoreSeconds = restore.timeToRestoreSeconds;
