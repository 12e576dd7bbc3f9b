/**
 * Where a drill restores from and to. Defaults match the emulator's default seed; on real Azure set
 * the `vmrestore-drill:*` config keys (see README).
 */
import * as pulumi from "@pulumi/pulumi";

export interface DrillSettings {
    armEndpoint?: string;
    subscriptionId: string;
    vaultResourceGroup: string;
    vaultName: string;
    sourceResourceGroup: string;
    /** VMs whose disks are restored into the restore resource group. */
    diskRestoreVms: string[];
    /** VMs restored as new VMs into the isolated subnet. */
    newVmRestoreVms: string[];
    restoreResourceGroup: string;
    stagingStorageAccount: string;
    virtualNetwork: string;
    subnet: string;
    recoveryPoint: string;
    timeoutMinutes: number;
    /** Recovery time objective of each restore, minutes (first trigger → verified). */
    rtoMinutes: number;
    /** Recovery point objective, minutes (the point's age at the trigger). */
    rpoMinutes: number;
    /** How long a restored VM may take to run with a Ready agent, minutes. */
    verifyWindowMinutes: number;
    /** false: record failed checks and objectives in the report without failing `up`. */
    failOnViolation: boolean;
}

export const EMULATOR_DEFAULTS: Omit<DrillSettings, "armEndpoint"> = {
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    vaultResourceGroup: "rg-prod",
    vaultName: "vault-prod",
    sourceResourceGroup: "rg-prod",
    diskRestoreVms: ["vm-web01", "vm-db01"],
    newVmRestoreVms: ["vm-app01"],
    restoreResourceGroup: "rg-restore",
    stagingStorageAccount: "stgrestore",
    virtualNetwork: "vnet-restore",
    subnet: "isolated",
    recoveryPoint: "latest",
    timeoutMinutes: 360,
    rtoMinutes: 60,
    rpoMinutes: 1440,
    verifyWindowMinutes: 15,
    failOnViolation: true,
};

/** Reads the drill's settings from stack config, falling back to the emulator's seed. */
export function readDrillSettings(): DrillSettings {
    const c = new pulumi.Config("vmrestore-drill");
    const list = (k: string, d: string[]) =>
        c.get(k) !== undefined
            ? c
                  .get(k)!
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean)
            : d;
    const d = EMULATOR_DEFAULTS;
    return {
        armEndpoint: c.get("armEndpoint"),
        subscriptionId: c.get("subscriptionId") ?? d.subscriptionId,
        vaultResourceGroup: c.get("vaultResourceGroup") ?? d.vaultResourceGroup,
        vaultName: c.get("vaultName") ?? d.vaultName,
        sourceResourceGroup: c.get("sourceResourceGroup") ?? d.sourceResourceGroup,
        diskRestoreVms: list("diskRestoreVms", d.diskRestoreVms),
        newVmRestoreVms: list("newVmRestoreVms", d.newVmRestoreVms),
        restoreResourceGroup: c.get("restoreResourceGroup") ?? d.restoreResourceGroup,
        stagingStorageAccount: c.get("stagingStorageAccount") ?? d.stagingStorageAccount,
        virtualNetwork: c.get("virtualNetwork") ?? d.virtualNetwork,
        subnet: c.get("subnet") ?? d.subnet,
        recoveryPoint: c.get("recoveryPoint") ?? d.recoveryPoint,
        timeoutMinutes: c.getNumber("timeoutMinutes") ?? d.timeoutMinutes,
        rtoMinutes: c.getNumber("rtoMinutes") ?? d.rtoMinutes,
        rpoMinutes: c.getNumber("rpoMinutes") ?? d.rpoMinutes,
        verifyWindowMinutes: c.getNumber("verifyWindowMinutes") ?? d.verifyWindowMinutes,
        failOnViolation: c.getBoolean("failOnViolation") ?? d.failOnViolation,
    };
}
