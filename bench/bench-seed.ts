/**
 * The benchmark's emulator world: one subscription and vault (as in the default seed) protecting
 * `vmCount` identical Linux VMs `vm-0001`…, each with the same recovery points, so every restore
 * of every strategy runs the same job timeline.
 */
import { defaultSeed, Seed, SeedVirtualMachine } from "../emulator/world/seed";

export const BENCH_SUB = "00000000-0000-0000-0000-000000000001";
export const RG_PROD = `/subscriptions/${BENCH_SUB}/resourceGroups/rg-prod`;
export const RG_RESTORE = `/subscriptions/${BENCH_SUB}/resourceGroups/rg-restore`;
export const VAULT_ID = `${RG_PROD}/providers/Microsoft.RecoveryServices/vaults/vault-prod`;
export const STAGING_ID = `${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgrestore`;

export const benchVmName = (i: number): string => `vm-${String(i).padStart(4, "0")}`;
export const benchVmId = (name: string): string => `${RG_PROD}/providers/Microsoft.Compute/virtualMachines/${name}`;

export interface BenchSeedOptions {
    vmCount: number;
    /** Simulated seconds of a RestoreDisks job. */
    restoreSeconds: number;
    /** Simulated seconds until the trigger's operation names the job (Azure: seconds to a minute). */
    operationAcceptSeconds?: number;
}

export function benchSeed(o: BenchSeedOptions): Seed {
    const base = defaultSeed();
    const vms: SeedVirtualMachine[] = [];
    for (let i = 1; i <= o.vmCount; i++) {
        const name = benchVmName(i);
        // Unique numeric recovery point IDs: 7 + VM number + point number.
        const rp = (k: number) => `7${String(i).padStart(6, "0")}${String(k).padStart(3, "0")}`;
        vms.push({
            name,
            resourceGroup: "rg-prod",
            location: "westeurope",
            vmSize: "Standard_D2s_v5",
            osType: "Linux",
            osDisk: { sizeGB: 30, sku: "Premium_LRS" },
            dataDisks: [{ lun: 0, sizeGB: 128, sku: "Premium_LRS" }],
            network: { virtualNetwork: "vnet-prod", subnet: "default" },
            protection: { vault: "vault-prod", policy: "DefaultPolicy" },
            recoveryPoints: [
                { id: rp(1), hoursAgo: 2, type: "AppConsistent", tiers: ["InstantRP", "HardenedRP"] },
                { id: rp(2), hoursAgo: 26, type: "CrashConsistent", tiers: ["HardenedRP"] },
            ],
        });
    }
    return {
        ...base,
        virtualMachines: vms,
        timing: {
            ...(base.timing ?? {}),
            restoreDisksSeconds: o.restoreSeconds,
            operationAcceptSeconds: o.operationAcceptSeconds ?? 30,
        },
    };
}
