/**
 * The DR drill: restores the disks of some VMs and restores others as new VMs in an isolated subnet,
 * all from their latest recovery points, and exports what was restored.
 */
import { VmRestore } from "../../provider";
import { DrillSettings } from "./drill-settings";

export function drillProgram(s: DrillSettings) {
    const sub = `/subscriptions/${s.subscriptionId}`;
    const rg = (name: string) => `${sub}/resourceGroups/${name}`;
    const common = {
        vaultId: `${rg(s.vaultResourceGroup)}/providers/Microsoft.RecoveryServices/vaults/${s.vaultName}`,
        recoveryPoint: s.recoveryPoint,
        storageAccountId: `${rg(s.restoreResourceGroup)}/providers/Microsoft.Storage/storageAccounts/${s.stagingStorageAccount}`,
        targetResourceGroupId: rg(s.restoreResourceGroup),
        armEndpoint: s.armEndpoint,
        timeoutMinutes: s.timeoutMinutes,
        rtoMinutes: s.rtoMinutes,
        rpoMinutes: s.rpoMinutes,
        verify: { windowMinutes: s.verifyWindowMinutes, failOnViolation: s.failOnViolation },
    };
    const vnet = `${rg(s.restoreResourceGroup)}/providers/Microsoft.Network/virtualNetworks/${s.virtualNetwork}`;
    const restores: VmRestore[] = [
        ...s.diskRestoreVms.map(
            (vm) =>
                new VmRestore(`disks-${vm}`, {
                    ...common,
                    sourceVmId: `${rg(s.sourceResourceGroup)}/providers/Microsoft.Compute/virtualMachines/${vm}`,
                    restoreType: "RestoreDisks",
                }),
        ),
        ...s.newVmRestoreVms.map(
            (vm) =>
                new VmRestore(`newvm-${vm}`, {
                    ...common,
                    sourceVmId: `${rg(s.sourceResourceGroup)}/providers/Microsoft.Compute/virtualMachines/${vm}`,
                    restoreType: "AlternateLocation",
                    targetVmName: `${vm}-drill`,
                    virtualNetworkId: vnet,
                    subnetId: `${vnet}/subnets/${s.subnet}`,
                }),
        ),
    ];
    return {
        restores: restores.map((r) => ({
            name: r.urn.apply((u) => u.split("::").pop()!),
            recoveryPointId: r.recoveryPointId,
            recoveryPointTime: r.recoveryPointTime,
            jobId: r.jobId,
            jobStatus: r.jobStatus,
            jobDurationSeconds: r.jobDurationSeconds,
            timeToRestoreSeconds: r.timeToRestoreSeconds,
            recoveryPointAgeSeconds: r.recoveryPointAgeSeconds,
            violations: r.violations,
            restoredDiskIds: r.restoredDiskIds,
            restoredVmId: r.restoredVmId,
            warnings: r.warnings,
        })),
    };
}
