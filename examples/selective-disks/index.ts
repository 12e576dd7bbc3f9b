// Restores vm-web01's OS disk and the data disk at LUN 1 only, from the newest application-
// consistent point (taken before `notAfter`, when set), as managed disks in zone 1 with a
// customer-managed key. The point it resolves to is pinned in state: a later `up` never restores again
// because newer points exist (change `notAfter`, or replace the resource, to move to another point).
import * as pulumi from "@pulumi/pulumi";
import { VmRestore } from "vmrestore";

const config = new pulumi.Config();
const sub = `/subscriptions/${config.get("subscriptionId") ?? "00000000-0000-0000-0000-000000000001"}`;

const restore = new VmRestore("web01-lun1", {
    vaultId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
    sourceVmId: `${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web01`,
    recoveryPointSelector: {
        consistency: "AppConsistent",
        notAfter: config.get("notAfter"), // e.g. 2026-11-30T00:00:00Z; unset: the newest matching point
    },
    restoreType: "RestoreDisks",
    diskLuns: [1],
    targetZone: "1",
    diskEncryptionSetId: `${sub}/resourceGroups/rg-restore/providers/Microsoft.Compute/diskEncryptionSets/des-restore`,
    storageAccountId: `${sub}/resourceGroups/rg-restore/providers/Microsoft.Storage/storageAccounts/stgrestore`,
    targetResourceGroupId: `${sub}/resourceGroups/rg-restore`,
    armEndpoint: config.get("armEndpoint"),
});

export const recoveryPointId = restore.recoveryPointId;
export const recoveryPointType = restore.recoveryPointType;
export const osDiskId = restore.osDiskId;
export const dataDisks = restore.dataDisks;
