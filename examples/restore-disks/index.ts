// Restores vm-web01's disks from its latest recovery point as managed disks in rg-restore.
//   pulumi config set armEndpoint http://127.0.0.1:8443   # the emulator (leave unset for Azure)
import * as pulumi from "@pulumi/pulumi";
import { VmRestore } from "vmrestore";

const config = new pulumi.Config();
const sub = `/subscriptions/${config.get("subscriptionId") ?? "00000000-0000-0000-0000-000000000001"}`;

const restore = new VmRestore("web01-disks", {
    vaultResourceGroupName: "rg-prod",
    vaultName: "vault-prod",
    sourceVmId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web01`,
    recoveryPoint: config.get("recoveryPoint") ?? "latest",
    restoreType: "RestoreDisks",
    storageAccountId: `${sub}/resourceGroups/rg-restore/providers/Microsoft.Storage/storageAccounts/stgrestore`,
    targetResourceGroupId: `${sub}/resourceGroups/rg-restore`,
    armEndpoint: config.get("armEndpoint"),
});

export const recoveryPointId = restore.recoveryPointId;
export const osDiskId = restore.osDiskId;
export const dataDisks = restore.dataDisks;
export const jobDuration = restore.jobDuration;
