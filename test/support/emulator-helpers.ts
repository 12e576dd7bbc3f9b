/**
 * Shared helpers of the emulator tests: seed names, paths, a small fetch wrapper and restore
 * request builders.
 */
import { request as httpsRequest } from "https";
import { startEmulator, EmulatorOptions, RunningEmulator } from "../../emulator/server/server";
import { JsonAnswer } from "./emulator-json";

export const SUB = "00000000-0000-0000-0000-000000000001";
export const API = "api-version=2026-02-01";

/** `api-version=…` that the emulator registers for the resource type of an ARM path (it refuses others, as ARM does). */
export function apiFor(path: string): string {
    if (/\/providers\/Microsoft\.Compute\/(disks|snapshots|diskEncryptionSets|diskAccesses)\b/i.test(path)) return "api-version=2024-03-02";
    if (/\/providers\/Microsoft\.Compute\//i.test(path)) return "api-version=2024-07-01";
    if (/\/providers\/Microsoft\.Network\//i.test(path)) return "api-version=2024-05-01";
    if (/\/providers\/Microsoft\.Storage\//i.test(path)) return "api-version=2023-05-01";
    if (/\/providers\/Microsoft\.KeyVault\//i.test(path)) return "api-version=2023-07-01";
    if (/\/providers\/Microsoft\.ManagedIdentity\//i.test(path)) return "api-version=2023-01-31";
    if (/\/providers\//i.test(path)) return API;
    return "api-version=2021-04-01";
}
export const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`;
export const RG_RESTORE = `/subscriptions/${SUB}/resourceGroups/rg-restore`;
export const RG_DR = `/subscriptions/${SUB}/resourceGroups/rg-dr`;
export const STG_RESTORE = `${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgrestore`;
export const STG_ZRS = `${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgzrs`;
export const STG_NORTH = `${RG_DR}/providers/Microsoft.Storage/storageAccounts/stgnorth`;
export const VNET_RESTORE = `${RG_RESTORE}/providers/Microsoft.Network/virtualNetworks/vnet-restore`;
export const VNET_DR = `${RG_DR}/providers/Microsoft.Network/virtualNetworks/vnet-dr`;
export const DES_RESTORE = `${RG_RESTORE}/providers/Microsoft.Compute/diskEncryptionSets/des-restore`;
export const DES_CVM = `${RG_RESTORE}/providers/Microsoft.Compute/diskEncryptionSets/des-cvm`;
export const ID_RESTORE = `${RG_RESTORE}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-restore`;
export const DA_RESTORE = `${RG_RESTORE}/providers/Microsoft.Compute/diskAccesses/da-restore`;
export const KV_RESTORE = `${RG_RESTORE}/providers/Microsoft.KeyVault/vaults/kv-restore`;

/** Recovery point IDs of the default seed, newest first; the last one is archive-only. */
export const RPS = {
    "vm-web01": ["591835274016583", "591835188104275", "591835102206741", "591834843911322", "591828630518730"],
    "vm-db01": ["284710593362148", "284710507460937", "284710421559286", "284710163854419", "284703950470892"],
    "vm-app01": ["763019452287410", "763019366385163", "763019280483725", "763019022778164", "763012809393608"],
    /** Unmanaged disks (VHDs in stglegacy). */
    "vm-legacy01": ["418263950174621", "418263864272390", "418263778370159", "418263520664448", "418257307179902"],
    /** Azure Disk Encryption (isSourceVMEncrypted); private disks (da-restore). */
    "vm-ade01": ["526374019283746", "526373933381515", "526373847479284", "526373589773573", "526367376289027"],
    /** Confidential VM (securityType ConfidentialVM). */
    "vm-cvm01": ["637485120394857", "637485034492626", "637484948590395", "637484690884684", "637478477400138"],
} as const;

export type VmName = keyof typeof RPS;

export function vmId(vm: string): string {
    return `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/${vm}`;
}

export function itemPath(vm: string): string {
    return `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-prod;${vm}/protectedItems/VM;iaasvmcontainerv2;rg-prod;${vm}`;
}

export interface CallResult {
    status: number;
    headers: Headers;
    body: JsonAnswer;
    text: string;
}

/**
 * The CA that `call` trusts for https:// URLs (set by useEmulator for a tls emulator). The test
 * process has no NODE_EXTRA_CA_CERTS (it is read at process start), so https calls go through
 * node:https with this explicit `ca` — TLS verification stays on.
 */
let trustedCa: string | undefined;
export function trustEmulatorCa(pem: string | undefined): void {
    trustedCa = pem;
}

/** An Authorization header value `call` sends when the call sets none (auth "entra" tests); reset after each test. */
let defaultAuthorization: string | undefined;
export function useAuthorization(value: string | undefined): void {
    defaultAuthorization = value;
}

export interface CallInit {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    rawBody?: string;
    /** CA to trust for this https call (default: the one set by trustEmulatorCa). */
    ca?: string;
}

export async function call(url: string, init: CallInit = {}): Promise<CallResult> {
    if (
        defaultAuthorization &&
        !Object.keys(init.headers ?? {}).some((k) => k.toLowerCase() === "authorization") &&
        !new URL(url).pathname.startsWith("/admin")
    ) {
        init = { ...init, headers: { ...(init.headers ?? {}), Authorization: defaultAuthorization } };
    }
    if (url.startsWith("https:")) return httpsCall(url, init);
    const res = await fetch(url, {
        method: init.method ?? "GET",
        headers: {
            ...(init.body !== undefined || init.rawBody !== undefined ? { "Content-Type": "application/json" } : {}),
            ...(init.headers ?? {}),
        },
        body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
    const text = await res.text();
    let body: JsonAnswer;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
}

function httpsCall(url: string, init: CallInit): Promise<CallResult> {
    const payload = init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
    const headers: Record<string, string> = {
        ...(payload !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(init.headers ?? {}),
    };
    if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
    return new Promise((resolve, reject) => {
        const req = httpsRequest(url, { method: init.method ?? "GET", headers, ca: init.ca ?? trustedCa, agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                let body: JsonAnswer;
                try {
                    body = text ? JSON.parse(text) : undefined;
                } catch {
                    body = undefined;
                }
                const h = new Headers();
                for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
                resolve({ status: res.statusCode ?? 0, headers: h, body, text });
            });
        });
        req.on("error", reject);
        req.end(payload);
    });
}

export function restoreDisksBody(vm: string, rp: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        properties: {
            objectType: "IaasVMRestoreRequest",
            recoveryType: "RestoreDisks",
            recoveryPointId: rp,
            sourceResourceId: vmId(vm),
            storageAccountId: STG_RESTORE,
            targetResourceGroupId: RG_RESTORE,
            region: "westeurope",
            createNewCloudService: true,
            originalStorageAccountOption: false,
            encryptionDetails: { encryptionEnabled: false },
            ...overrides,
        },
    };
}

export function alternateLocationBody(
    vm: string,
    rp: string,
    targetVm: string,
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    return restoreDisksBody(vm, rp, {
        recoveryType: "AlternateLocation",
        targetVirtualMachineId: `${RG_RESTORE}/providers/Microsoft.Compute/virtualmachines/${targetVm}`,
        virtualNetworkId: VNET_RESTORE,
        subnetId: `${VNET_RESTORE}/subnets/default`,
        ...overrides,
    });
}

export async function triggerRestore(
    emu: RunningEmulator,
    vm: string,
    rp: string,
    body: Record<string, unknown> = restoreDisksBody(vm, rp),
): Promise<CallResult> {
    return call(`${emu.url}${itemPath(vm)}/recoveryPoints/${rp}/restore?${API}`, { method: "POST", body });
}

/** A job as GET /admin/jobs lists it (restore jobs also carry what they restored and created). */
export interface AdminJob {
    jobId: string;
    id: string;
    operation: string;
    status: string;
    entityFriendlyName: string;
    startTime?: string;
    endTime?: string;
    progressPercentage?: number;
    recoveryType?: string;
    recoveryPointId?: string;
    sourceResourceId?: string;
    createdResources?: string[];
    propertyBag?: Record<string, string>;
}

/** The jobs of a GET /admin/jobs answer. */
export function adminJobs(r: CallResult): AdminJob[] {
    return (r.body as { jobs: AdminJob[] }).jobs;
}

/**
 * Asks `fn` until it returns a value that is not undefined, moving the emulator's simulated clock
 * ahead by `stepSeconds` between two asks (POST /admin/clock): no real time is waited for, and
 * after `maxSteps` steps (a day of simulated time by default) it gives up.
 */
export async function untilEmulator<T>(
    emu: RunningEmulator,
    fn: () => Promise<T | undefined>,
    stepSeconds = 60,
    maxSteps = 1440,
): Promise<T> {
    for (let step = 0; ; step++) {
        const v = await fn();
        if (v !== undefined) return v;
        if (step >= maxSteps) throw new Error(`untilEmulator: still waiting after ${maxSteps * stepSeconds} simulated seconds`);
        await advance(emu, stepSeconds);
    }
}

/** Triggers a restore and returns the jobId once the operation has Succeeded. */
export async function restoreAndGetJobId(emu: RunningEmulator, vm: string, rp: string, body?: Record<string, unknown>): Promise<string> {
    const trigger = await triggerRestore(emu, vm, rp, body);
    if (trigger.status !== 202) throw new Error(`restore answered ${trigger.status}: ${trigger.text}`);
    return untilEmulator(emu, async () => {
        const op = await call(trigger.headers.get("azure-asyncoperation")!);
        if (op.body.status === "Failed") throw new Error(`operation failed: ${op.text}`);
        return op.body.status === "Succeeded" ? (op.body.properties.jobId as string) : undefined;
    });
}

export async function getJob(emu: RunningEmulator, jobId: string): Promise<JsonAnswer> {
    return (await call(`${emu.url}${VAULT}/backupJobs/${jobId}?${API}`)).body;
}

export async function waitForJob(
    emu: RunningEmulator,
    jobId: string,
    statuses: string[] = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"],
): Promise<JsonAnswer> {
    return untilEmulator(emu, async () => {
        const job = await getJob(emu, jobId);
        return statuses.includes(job.properties.status) ? job : undefined;
    });
}

export async function advance(emu: RunningEmulator, seconds: number): Promise<void> {
    const r = await call(`${emu.url}/admin/clock`, { method: "POST", body: { advanceSeconds: seconds } });
    if (r.status !== 200) throw new Error(`clock advance failed: ${r.text}`);
}

/** Starts an emulator for each test of the calling suite (fast clock unless told otherwise). */
export function useEmulator(opts: EmulatorOptions | (() => EmulatorOptions) = {}): { get(): RunningEmulator } {
    let emu: RunningEmulator | undefined;
    beforeEach(async () => {
        emu = await startEmulator({ clockSpeed: 36000, ...(typeof opts === "function" ? opts() : opts) });
        trustEmulatorCa(emu.caCertPem);
    });
    afterEach(async () => {
        await emu?.stop();
        emu = undefined;
        trustEmulatorCa(undefined);
        useAuthorization(undefined);
    });
    return {
        get() {
            if (!emu) throw new Error("emulator not started");
            return emu;
        },
    };
}

/** A time as azure-cli writes it into $filter: "2026-11-01 12:00:00 AM" (UTC). */
export function cliTime(ms: number): string {
    const d = new Date(ms);
    const h = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(h)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
}

/** With a manual clock: triggers a restore, advances past acceptance and the job, returns the finished job. */
export async function runRestoreOnManualClock(
    emu: RunningEmulator,
    vm: string,
    rp: string,
    body: Record<string, unknown>,
    jobSeconds: number,
): Promise<JsonAnswer> {
    const trigger = await triggerRestore(emu, vm, rp, body);
    if (trigger.status !== 202) throw new Error(`restore answered ${trigger.status}: ${trigger.text}`);
    await advance(emu, 30);
    const op = await call(trigger.headers.get("azure-asyncoperation")!);
    if (op.body.status !== "Succeeded") throw new Error(`operation is ${op.body.status}`);
    await advance(emu, jobSeconds);
    return getJob(emu, op.body.properties.jobId);
}
