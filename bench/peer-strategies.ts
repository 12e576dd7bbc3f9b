/**
 * How peers wait for an Azure VM restore, re-created for the benchmark (no code of theirs is used,
 * only their polling behaviour as their sources show it; citations in bench/RESULTS.md):
 *
 * - `sdk`: the official @azure/arm-recoveryservicesbackup client. `restores.beginTrigger` and its
 *   @azure/core-lro poller with the defaults (first poll right after the 202, then every 2 s, or the
 *   poll answer's Retry-After); the job ID from `protectedItemOperationStatuses.get` (the poller
 *   resolves void); then `jobDetails.get` every 2 s. The SDK has no job poller: a user of the SDK
 *   writes this loop, and the SDK's own default interval (2 s) is what it would naturally use.
 * - `cli`: azure-cli. `az backup restore restore-disks` follows the vault-level
 *   `backupOperations/{id}` with time.sleep(5) (custom_help.track_backup_operation), ignoring
 *   Retry-After; then `az backup job wait` reads the job and sleeps 30 s between reads
 *   (custom_common.wait_for_job).
 * - `powershell`: Az.RecoveryServices. `Restore-AzRecoveryServicesBackupItem` follows the protected
 *   item's `operationsStatus/{id}` every 5 s and reads it once more when done
 *   (TrackingHelpers.GetOperationStatus, _defaultSleepForOperationTracking = 5); then
 *   `Wait-AzRecoveryServicesBackupJob` reads the job and sleeps 30 s between reads.
 * - `azapi`: Terraform azapi's `azapi_resource_action` follows the Azure-AsyncOperation URL with Go
 *   azcore's poller, PollUntilDone Frequency 10 s (a poll answer's Retry-After wins); Terraform has
 *   no job waiter, so the job is read every 10 s (the provider's own polling frequency) as a stand-in.
 *
 * Intervals are in SIMULATED time: a strategy sleeps interval / clockSpeed real ms. The plain-HTTP
 * loops measure the interval from one poll's send to the next (the loopback round trip, inflated
 * ×clockSpeed in simulated time, would otherwise thin their polling); the SDK's poller sleeps after
 * each answer, as it does against Azure.
 */
import fetch from "node-fetch";
import type { RestoreRequestResource } from "@azure/arm-recoveryservicesbackup";
import { BENCH_SUB, RG_RESTORE, STAGING_ID, VAULT_ID, benchVmId } from "./bench-seed";
import { retryHintMs, TraceEntry } from "./trace";

export type PeerName = "sdk" | "cli" | "powershell" | "azapi";

export interface PeerRunOptions {
    url: string;
    vm: string;
    tag: string;
    /** Simulated seconds per real second. */
    speed: number;
    trace: TraceEntry[];
}

export interface PeerRunResult {
    jobId: string;
    jobStatus: string;
    detectedAt: number;
}

const API = "2026-02-01";
const TERMINAL = ["completed", "completedwithwarnings", "failed", "cancelled", "canceled"];
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

function restoreBody(vm: string, rp: string) {
    return {
        properties: {
            objectType: "IaasVMRestoreRequest",
            recoveryPointId: rp,
            recoveryType: "RestoreDisks",
            sourceResourceId: benchVmId(vm),
            storageAccountId: STAGING_ID,
            targetResourceGroupId: RG_RESTORE,
            region: "westeurope",
            createNewCloudService: false,
            originalStorageAccountOption: false,
            encryptionDetails: { encryptionEnabled: false },
        },
    };
}

interface RecoveryPointJson {
    name: string;
    properties: { recoveryPointTime: string; recoveryPointTierDetails?: { type: unknown; status: unknown }[] };
}

/** The newest point with a snapshot or vault copy (what every peer's user would pick). */
function latestUsable(points: RecoveryPointJson[]): string {
    const usable = points.filter((p) =>
        (p.properties.recoveryPointTierDetails ?? []).some((t) => ["InstantRP", "HardenedRP", 1, 2, "1", "2"].includes(t.type as string)),
    );
    usable.sort((a, b) => b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime));
    if (!usable.length) throw new Error("no usable recovery point");
    return usable[0].name;
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP (azure-cli and azapi styles)

class PlainClient {
    constructor(
        private readonly o: PeerRunOptions,
        private readonly userAgent: string,
    ) {}

    async call<T = unknown>(
        method: string,
        pathOrUrl: string,
        body?: unknown,
    ): Promise<{ status: number; body: T; headers: (n: string) => string | undefined }> {
        const url = /^https?:/.test(pathOrUrl)
            ? pathOrUrl
            : `${this.o.url}${pathOrUrl}${pathOrUrl.includes("?") ? "&" : "?"}api-version=${API}`;
        const entry: TraceEntry = { sentAt: Date.now(), doneAt: 0, method, url, status: 0 };
        this.o.trace.push(entry);
        try {
            const res = await fetch(url, {
                method,
                headers: {
                    authorization: "Bearer emulator-token",
                    "x-bench-strategy": this.o.tag,
                    "user-agent": this.userAgent,
                    ...(body !== undefined ? { "content-type": "application/json" } : {}),
                },
                body: body !== undefined ? JSON.stringify(body) : undefined,
            });
            const text = await res.text();
            entry.status = res.status;
            const get = (n: string) => res.headers.get(n) ?? undefined;
            entry.retryAfterMs = retryHintMs(get);
            if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
            return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: get };
        } finally {
            entry.doneAt = Date.now();
        }
    }

    /** Item path and latest recovery point, by listing (as `az backup item list` + `recoverypoint list`). */
    async resolve(): Promise<{ itemPath: string; rp: string }> {
        const filter = encodeURIComponent("backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'");
        let next: string | undefined = `${VAULT_ID}/backupProtectedItems?$filter=${filter}`;
        let itemId: string | undefined;
        while (next && !itemId) {
            const page: { body: { value: { id: string; properties: { sourceResourceId: string } }[]; nextLink?: string } } =
                await this.call("GET", next);
            itemId = page.body.value.find((i) => i.properties.sourceResourceId.toLowerCase() === benchVmId(this.o.vm).toLowerCase())?.id;
            next = page.body.nextLink;
        }
        if (!itemId) throw new Error(`${this.o.vm} is not protected`);
        const itemPath = itemId.replace(/^\/Subscriptions\//, "/subscriptions/");
        const rps = await this.call<{ value: RecoveryPointJson[] }>("GET", `${itemPath}/recoveryPoints`);
        return { itemPath, rp: latestUsable(rps.body.value) };
    }
}

/** Sleeps until `intervalSimS` simulated seconds after `lastSentAt`, and at least `hintMs` after `lastDoneAt`. */
async function waitSim(o: PeerRunOptions, intervalSimS: number, lastSentAt: number, lastDoneAt: number, hintMs?: number): Promise<void> {
    const byInterval = lastSentAt + (intervalSimS * 1000) / o.speed;
    const byHint = hintMs !== undefined ? lastDoneAt + hintMs : 0;
    await realSleep(Math.max(byInterval, byHint) - Date.now());
}

async function pollJob(
    client: PlainClient,
    o: PeerRunOptions,
    jobId: string,
    intervalSimS: number,
    honourHint: boolean,
): Promise<PeerRunResult> {
    for (;;) {
        const sentAt = Date.now();
        const res = await client.call<{ properties: { status: string } }>("GET", `${VAULT_ID}/backupJobs/${encodeURIComponent(jobId)}`);
        const status = res.body.properties.status;
        if (TERMINAL.includes(status.toLowerCase())) return { jobId, jobStatus: status, detectedAt: Date.now() };
        await waitSim(o, intervalSimS, sentAt, Date.now(), honourHint ? retryHintMs(res.headers) : undefined);
    }
}

export async function runCliStyle(o: PeerRunOptions): Promise<PeerRunResult> {
    const client = new PlainClient(o, "bench-azure-cli-style");
    const { itemPath, rp } = await client.resolve();
    let sentAt = Date.now();
    const post = await client.call("POST", `${itemPath}/recoveryPoints/${rp}/restore`, restoreBody(o.vm, rp));
    const opId =
        /operationsStatus\/([^?]+)/.exec(post.headers("azure-asyncoperation") ?? "")?.[1] ??
        /operationResults\/([^?]+)/.exec(post.headers("location") ?? "")?.[1];
    if (!opId) throw new Error("no operation to follow");
    let jobId: string | undefined;
    while (!jobId) {
        await waitSim(o, 5, sentAt, 0); // time.sleep(5): Retry-After ignored
        sentAt = Date.now();
        const op = await client.call<{ status: string; properties?: { jobId?: string } }>("GET", `${VAULT_ID}/backupOperations/${opId}`);
        if (op.body.status === "Failed") throw new Error("restore operation failed");
        if (op.body.status === "Succeeded") jobId = op.body.properties?.jobId;
    }
    return pollJob(client, o, jobId, 30, false);
}

export async function runPowerShellStyle(o: PeerRunOptions): Promise<PeerRunResult> {
    const client = new PlainClient(o, "bench-az-powershell-style");
    const { itemPath, rp } = await client.resolve();
    let sentAt = Date.now();
    const post = await client.call("POST", `${itemPath}/recoveryPoints/${rp}/restore`, restoreBody(o.vm, rp));
    const opId = /operationsStatus\/([^?]+)/.exec(post.headers("azure-asyncoperation") ?? "")?.[1];
    if (!opId) throw new Error("no Azure-AsyncOperation to follow");
    const read = () => client.call<{ status: string; properties?: { jobId?: string } }>("GET", `${itemPath}/operationsStatus/${opId}`);
    let op = await read();
    while (op.body.status === "InProgress") {
        await waitSim(o, 5, sentAt, 0); // TestMockSupport.Delay(5 * 1000): Retry-After ignored
        sentAt = Date.now();
        op = await read();
    }
    op = await read(); // TrackingHelpers reads the operation once more after the loop
    if (op.body.status !== "Succeeded" || !op.body.properties?.jobId) throw new Error(`restore operation ended ${op.body.status}`);
    return pollJob(client, o, op.body.properties.jobId, 30, false);
}

export async function runAzapiStyle(o: PeerRunOptions): Promise<PeerRunResult> {
    const client = new PlainClient(o, "bench-azapi-style");
    const { itemPath, rp } = await client.resolve();
    let sentAt = Date.now();
    const post = await client.call("POST", `${itemPath}/recoveryPoints/${rp}/restore`, restoreBody(o.vm, rp));
    const pollUrl = post.headers("azure-asyncoperation");
    if (!pollUrl) throw new Error("no Azure-AsyncOperation to follow");
    let hint = retryHintMs(post.headers);
    let doneAt = Date.now();
    let jobId: string | undefined;
    while (!jobId) {
        await waitSim(o, 10, sentAt, doneAt, hint);
        sentAt = Date.now();
        const op = await client.call<{ status: string; properties?: { jobId?: string } }>("GET", pollUrl);
        doneAt = Date.now();
        hint = retryHintMs(op.headers);
        if (op.body.status === "Failed") throw new Error("restore operation failed");
        if (op.body.status === "Succeeded") jobId = op.body.properties?.jobId;
    }
    return pollJob(client, o, jobId, 10, true);
}

// ---------------------------------------------------------------------------------------------
// The official SDK

export async function runSdk(o: PeerRunOptions): Promise<PeerRunResult> {
    const { RecoveryServicesBackupClient } = await import("@azure/arm-recoveryservicesbackup");
    const credential = { getToken: async () => ({ token: "emulator-token", expiresOnTimestamp: Date.now() + 3600_000 }) };
    const client = new RecoveryServicesBackupClient(credential, BENCH_SUB, { endpoint: o.url, $host: o.url });
    // Plain http to the loopback emulator (see test/emulator/server/sdk-contract.test.ts): no bearer policy
    // (it refuses http), a dummy token, insecure connections allowed. Recorded per attempt (after the
    // retry policy), tagged for the emulator's log.
    client.pipeline.removePolicy({ name: "bearerTokenAuthenticationPolicy" });
    client.pipeline.addPolicy(
        {
            name: "benchEmulatorHttp",
            async sendRequest(request, next) {
                request.allowInsecureConnection = true;
                request.headers.set("Authorization", "Bearer emulator-token");
                request.headers.set("x-bench-strategy", o.tag);
                const entry: TraceEntry = { sentAt: Date.now(), doneAt: 0, method: request.method, url: request.url, status: 0 };
                o.trace.push(entry);
                try {
                    const res = await next(request);
                    entry.status = res.status;
                    entry.retryAfterMs = retryHintMs((n) => res.headers.get(n));
                    return res;
                } finally {
                    entry.doneAt = Date.now();
                }
            },
        },
        { afterPolicies: ["retryPolicy"] },
    );

    const vault = "vault-prod";
    const rg = "rg-prod";
    let item: { id?: string } | undefined;
    for await (const i of client.backupProtectedItems.list(vault, rg, {
        filter: "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'",
    })) {
        const src = (i.properties as { sourceResourceId?: string } | undefined)?.sourceResourceId;
        if (src?.toLowerCase() === benchVmId(o.vm).toLowerCase()) {
            item = i;
            break;
        }
    }
    const m = item?.id ? /\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)$/i.exec(item.id) : null;
    if (!m) throw new Error(`${o.vm} is not protected`);
    const [container, itemName] = [m[1], m[2]];
    const points: RecoveryPointJson[] = [];
    for await (const p of client.recoveryPoints.list(vault, rg, "Azure", container, itemName)) {
        const props = p.properties as
            { recoveryPointTime?: Date; recoveryPointTierDetails?: { type?: unknown; status?: unknown }[] } | undefined;
        points.push({
            name: p.name!,
            properties: {
                recoveryPointTime: props?.recoveryPointTime?.toISOString() ?? "",
                recoveryPointTierDetails: (props?.recoveryPointTierDetails ?? []).map((t) => ({ type: t.type, status: t.status })),
            },
        });
    }
    const rp = latestUsable(points);

    let asyncOperation: string | undefined;
    const parameters: RestoreRequestResource = { properties: restoreBody(o.vm, rp).properties as RestoreRequestResource["properties"] };
    const poller = await client.restores.beginTrigger(vault, rg, "Azure", container, itemName, rp, parameters, {
        // The SDK's default interval (2000 ms) in simulated time.
        updateIntervalInMs: 2000 / o.speed,
        onResponse: (raw) => {
            if (raw.status === 202 && !asyncOperation) asyncOperation = raw.headers.get("azure-asyncoperation") ?? undefined;
        },
    });
    await poller.pollUntilDone();
    const opId = /operationsStatus\/([^?]+)/.exec(asyncOperation ?? "")?.[1];
    if (!opId) throw new Error("the 202 carried no Azure-AsyncOperation");
    const status = await client.protectedItemOperationStatuses.get(vault, rg, "Azure", container, itemName, opId);
    const jobId = (status.properties as { jobId?: string } | undefined)?.jobId;
    if (!jobId) throw new Error("the operation named no job");
    for (;;) {
        const sentAt = Date.now();
        const job = await client.jobDetails.get(vault, rg, jobId);
        const s = String((job.properties as { status?: string } | undefined)?.status ?? "");
        if (TERMINAL.includes(s.toLowerCase())) return { jobId, jobStatus: s, detectedAt: Date.now() };
        await realSleep(sentAt + 2000 / o.speed - Date.now());
    }
}

export const PEERS: Record<PeerName, (o: PeerRunOptions) => Promise<PeerRunResult>> = {
    sdk: runSdk,
    cli: runCliStyle,
    powershell: runPowerShellStyle,
    azapi: runAzapiStyle,
};
