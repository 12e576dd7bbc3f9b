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
/** The vault protecting VM number `i` when the seed has `vaults` vaults: vault-prod, vault-prod-2, … in turn. */
export const benchVaultName = (i: number, vaults = 1): string => {
    const k = ((i - 1) % Math.max(1, vaults)) + 1;
    return k === 1 ? "vault-prod" : `vault-prod-${k}`;
};
export const benchVaultId = (name: string): string => `${RG_PROD}/providers/Microsoft.RecoveryServices/vaults/${name}`;
export const benchVmId = (name: string): string => `${RG_PROD}/providers/Microsoft.Compute/virtualMachines/${name}`;

export interface BenchSeedOptions {
    vmCount: number;
    /** Simulated seconds of a RestoreDisks job. */
    restoreSeconds: number;
    /** Simulated seconds until the trigger's operation names the job (Azure: seconds to a minute). */
    operationAcceptSeconds?: number;
    /** Vaults the VMs are spread over (default 1: vault-prod). */
    vaults?: number;
}

const subnetOf = (i: number): string => (i <= 200 ? "default" : `bench-${Math.floor((i - 1) / 200)}`);

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
            // 200 VMs per /24 subnet of vnet-prod (10.0.0.0/16): default, bench-1, bench-2, …
            network: { virtualNetwork: "vnet-prod", subnet: subnetOf(i) },
            protection: { vault: benchVaultName(i, o.vaults), policy: "DefaultPolicy" },
            recoveryPoints: [
                { id: rp(1), hoursAgo: 2, type: "AppConsistent", tiers: ["InstantRP", "HardenedRP"] },
                { id: rp(2), hoursAgo: 26, type: "CrashConsistent", tiers: ["HardenedRP"] },
            ],
        });
    }
    const extraSubnets = Array.from({ length: Math.floor((o.vmCount - 1) / 200) }, (_, k) => ({
        name: `bench-${k + 1}`,
        addressPrefix: `10.0.${k + 1}.0/24`,
    }));
    const virtualNetworks = base.virtualNetworks.map((n) =>
        n.name === "vnet-prod" ? { ...n, subnets: [...n.subnets, ...extraSubnets] } : n,
    );
    const template = base.vaults.find((v) => v.name === "vault-prod") ?? base.vaults[0];
    const extraVaults = Array.from({ length: Math.max(0, (o.vaults ?? 1) - 1) }, (_, k) => ({ ...template, name: `vault-prod-${k + 2}` }));
    return {
        ...base,
        vaults: [...base.vaults, ...extraVaults],
        virtualNetworks,
        virtualMachines: vms,
        timing: {
            ...(base.timing ?? {}),
            restoreDisksSeconds: o.restoreSeconds,
            operationAcceptSeconds: o.operationAcceptSeconds ?? 30,
        },
    };
}
