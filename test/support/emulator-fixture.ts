/**
 * Test fixture: a private emulator on a free port, and helpers to read what it received.
 */
import fetch from "node-fetch";
import { startEmulator, RunningEmulator, EmulatorOptions } from "../../emulator/server/server";

export const SUB = "00000000-0000-0000-0000-000000000001";
export const RG_PROD = `/subscriptions/${SUB}/resourceGroups/rg-prod`;
export const RG_RESTORE = `/subscriptions/${SUB}/resourceGroups/rg-restore`;
export const VAULT = `${RG_PROD}/providers/Microsoft.RecoveryServices/vaults/vault-prod`;
export const vmId = (name: string) => `${RG_PROD}/providers/Microsoft.Compute/virtualMachines/${name}`;
export const STAGING = `${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgrestore`;
export const VNET = `${RG_RESTORE}/providers/Microsoft.Network/virtualNetworks/vnet-restore`;

export interface LoggedRequest {
    seq: number;
    method: string;
    path: string;
    query: Record<string, string>;
    status: number;
    requestBody: unknown;
}

export class EmulatorFixture {
    emulator!: RunningEmulator;

    get url(): string {
        return this.emulator.url;
    }

    async start(clockSpeed = 36_000, options: EmulatorOptions = {}): Promise<void> {
        this.emulator = await startEmulator({ port: 0, clockSpeed, ...options });
    }

    async stop(): Promise<void> {
        await this.emulator?.stop();
    }

    async admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
        const res = await fetch(`${this.url}/admin/${path}`, {
            method,
            headers: body === undefined ? {} : { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
        const text = await res.text();
        return (text ? JSON.parse(text) : undefined) as T;
    }

    /**
     * For a test that holds the emulator's clock still: once the provider has read a restore job (or
     * posted another restore), lets the clock run at `speed`.
     */
    async releaseClockOnceJobRead(speed = 36_000): Promise<void> {
        for (let seen = false; !seen;) {
            const log = await this.requests();
            seen =
                log.some((r) => r.method === "GET" && /\/backupJobs\/[0-9a-f-]{36}$/i.test(r.path)) ||
                log.filter((r) => /\/restore$/i.test(r.path)).length > 1;
        }
        await this.admin("POST", "clock", { speed });
    }

    async reset(): Promise<void> {
        await this.admin("POST", "reset");
    }

    async requests(): Promise<LoggedRequest[]> {
        return (await this.admin<{ requests: LoggedRequest[] }>("GET", "requests")).requests;
    }

    async restorePosts(): Promise<LoggedRequest[]> {
        return (await this.requests()).filter((r) => r.method === "POST" && /\/recoveryPoints\/[^/]+\/restore$/i.test(r.path));
    }

    /** IDs of resources that restores created and that still exist. */
    async restoredLeftovers(): Promise<string[]> {
        return (await this.admin<{ resources: { id: string }[] }>("GET", "resources")).resources.map((r) => r.id);
    }

    async deleteOutOfBand(id: string): Promise<void> {
        await this.admin("DELETE", `resources?id=${encodeURIComponent(id)}`);
    }

    /** Reads an ARM path on the emulator (with an api-version its resource type registers). */
    async arm<T = unknown>(path: string): Promise<{ status: number; body: T }> {
        const res = await fetch(`${this.url}${path}${path.includes("?") ? "&" : "?"}api-version=${apiVersionFor(path)}`, {
            headers: { authorization: "Bearer test" },
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    }
}

/**
 * A suite's emulator: started before the suite with its job clock at `clockSpeed` (server seconds per
 * real second; 0 holds it still), stopped after; with `resetEachTest`, reset to its seed before each
 * test and the clock set to `clockSpeed` again.
 */
export function useEmulator(clockSpeed = 36_000, options: EmulatorOptions = {}, resetEachTest = false): EmulatorFixture {
    const fx = new EmulatorFixture();
    before(() => fx.start(clockSpeed, options));
    after(() => fx.stop());
    if (resetEachTest) {
        beforeEach(async () => {
            await fx.reset();
            await fx.admin("POST", "clock", { speed: clockSpeed });
        });
    }
    return fx;
}

/**
 * For suites over TLS: this process must trust the emulator's CA, which Node reads only at its start
 * (`npm test` sets NODE_EXTRA_CA_CERTS); without it the suite fails at once, saying so.
 */
export function requireEmulatorCa(): void {
    before(() => {
        if (!process.env.NODE_EXTRA_CA_CERTS) {
            throw new Error("NODE_EXTRA_CA_CERTS is not set: run the suite with `npm test`, which trusts the emulator's CA");
        }
    });
}

/**
 * The seed's RestoreDisks of a VM: from rg-prod's vault into rg-restore, staged in stgrestore, against
 * `armEndpoint` (none: the endpoint comes from the azure-native settings).
 */
export function seededRestoreDisks(armEndpoint: string | undefined, vm = "vm-web01") {
    return {
        vaultId: VAULT,
        sourceVmId: vmId(vm),
        restoreType: "RestoreDisks" as const,
        storageAccountId: STAGING,
        targetResourceGroupId: RG_RESTORE,
        ...(armEndpoint === undefined ? {} : { armEndpoint }),
    };
}

/** An api-version the emulator registers for the path's resource type (it refuses others, as ARM does). */
export function apiVersionFor(path: string): string {
    if (/\/providers\/Microsoft\.Compute\/(disks|snapshots|diskEncryptionSets|diskAccesses)\//i.test(path)) return "2024-03-02";
    if (/\/providers\/Microsoft\.Compute\//i.test(path)) return "2024-07-01";
    if (/\/providers\/Microsoft\.Network\//i.test(path)) return "2024-05-01";
    if (/\/providers\/Microsoft\.Storage\//i.test(path)) return "2023-05-01";
    if (/\/providers\//i.test(path)) return "2026-02-01";
    return "2021-04-01";
}

/**
 * Forgets the provider's per-process shared reads and job lists, as a new provider process would:
 * for tests that give each case a fresh emulator, which may come back on a port an earlier one used
 * (whose answers would otherwise still be shared under the same URLs).
 */
export function forgetProviderProcessState(): void {
    const store = globalThis as unknown as Record<symbol, unknown>;
    for (const name of ["vmrestore.sharedReads", "vmrestore.jobBoard"]) delete store[Symbol.for(name)];
}
