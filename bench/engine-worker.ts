/**
 * One Pulumi stack through the real engine (Automation API, scripts/engine-workspace.ts): `pulumi up`
 * of N VmRestore resources against the emulator, then `pulumi destroy`. Runs as its own Node process
 * (forked by bench/engine-runs.ts) because inline programs in one process share runtime state; the
 * result goes back to the parent over IPC.
 *
 *   node -r ts-node/register/transpile-only bench/engine-worker.ts '<EngineJob JSON>'
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { createEngineStack, EngineStack } from "../scripts/engine-workspace";
import { benchVaultId, benchVaultName, benchVmId, benchVmName, RG_RESTORE, STAGING_ID, VAULT_ID } from "./bench-seed";

export interface EngineJob {
    url: string;
    stackName: string;
    /** Resources in the stack: VMs firstVm … firstVm+count-1, named `{stackName}-{vm}` (unique per run, so no local restore checkpoint of an earlier run is ever adopted). */
    count: number;
    firstVm: number;
    /** `pulumi up --parallel`; undefined = the CLI's default. */
    parallel?: number;
    timeoutMinutes?: number;
    /**
     * Set PULUMI_SKIP_CHECKPOINTS for the CLI: state is written once at the end instead of before and
     * after every step (each write is the whole stack, ~0.25 MB per VmRestore with its serialized provider).
     */
    skipCheckpoints?: boolean;
    /** Vaults the seed spreads the VMs over (bench-seed.ts); default 1. */
    vaults?: number;
}

export interface RestoreRow {
    name: string;
    jobStatus: string;
    jobDurationSeconds?: number;
    timeToRestoreSeconds: number;
    restoreTriggeredAt: string;
}

export interface EngineResult {
    stackName: string;
    count: number;
    parallel?: number;
    /** Wall time of `pulumi up` as seen by the Automation API, ms (engine start to finish). */
    upMs: number;
    destroyMs: number;
    /** Resources whose create (or delete) failed, by URN. */
    failedUp: string[];
    failedDestroy: string[];
    upError?: string;
    destroyError?: string;
    created: number;
    deleted: number;
    restores: RestoreRow[];
    /** Epoch ms: when `up` was called, when it returned, when destroy returned. */
    upStartedAt: number;
    upEndedAt: number;
    destroyEndedAt: number;
    /** The provider's retry notices ("retrying … (429 …)") seen in the engine output. */
    retryNotices: number;
    /** Size of the stack's state file after `up`, bytes. */
    stateBytes?: number;
}

function program(job: EngineJob) {
    return async () => {
        // Loaded inside the program, so the engine's language host sees this process's @pulumi/pulumi.
        const { VmRestore } = await import("../provider");
        const rows = [];
        for (let i = job.firstVm; i < job.firstVm + job.count; i++) {
            const vm = benchVmName(i);
            const r = new VmRestore(`${job.stackName}-${vm}`, {
                vaultId: job.vaults && job.vaults > 1 ? benchVaultId(benchVaultName(i, job.vaults)) : VAULT_ID,
                sourceVmId: benchVmId(vm),
                restoreType: "RestoreDisks",
                storageAccountId: STAGING_ID,
                targetResourceGroupId: RG_RESTORE,
                armEndpoint: job.url,
                ...(job.timeoutMinutes !== undefined ? { timeoutMinutes: job.timeoutMinutes } : {}),
            });
            rows.push({
                name: vm,
                jobStatus: r.jobStatus,
                jobDurationSeconds: r.jobDurationSeconds,
                timeToRestoreSeconds: r.timeToRestoreSeconds,
                restoreTriggeredAt: r.restoreTriggeredAt,
            });
        }
        return { restores: rows };
    };
}

function failureTracker() {
    const failed = new Set<string>();
    const messages: string[] = [];
    let retries = 0;
    const onEvent = (e: EngineEvent) => {
        if (e.resOpFailedEvent) failed.add(e.resOpFailedEvent.metadata.urn);
        const d = e.diagnosticEvent;
        if (d?.severity === "error" && d.urn && !/::pulumi:pulumi:Stack::/.test(d.urn)) {
            failed.add(d.urn);
            if (messages.length < 3) messages.push(`${d.urn.split("::").pop()}: ${d.message.trim().slice(0, 400)}`);
        }
        if (d?.message && /retrying (GET|POST|DELETE|PUT)/.test(d.message))
            retries += (d.message.match(/retrying (GET|POST|DELETE|PUT)/g) ?? []).length;
    };
    return { failed, messages, onEvent, retries: () => retries };
}

function stateFileBytes(stateDir: string, stackName: string): number | undefined {
    try {
        return fs.statSync(path.join(stateDir, ".pulumi", "stacks", "vmrestore-bench", `${stackName}.json`)).size;
    } catch {
        return undefined;
    }
}

function errText(e: unknown): string {
    const s = (e as Error)?.message ?? String(e);
    // The CLI's stderr is long; keep the lines that say what failed.
    const lines = s
        .split("\n")
        .filter((l) => /error|failed|Error/.test(l))
        .slice(0, 8);
    return (lines.length ? lines.join("\n") : s).slice(0, 2000);
}

/** A stack's result before anything has run (all counts zero). */
export function emptyEngineResult(job: Pick<EngineJob, "stackName" | "count" | "parallel">): EngineResult {
    return {
        stackName: job.stackName,
        count: job.count,
        parallel: job.parallel,
        upMs: 0,
        destroyMs: 0,
        failedUp: [],
        failedDestroy: [],
        created: 0,
        deleted: 0,
        restores: [],
        upStartedAt: 0,
        upEndedAt: 0,
        destroyEndedAt: 0,
        retryNotices: 0,
    };
}

export async function runEngineJob(job: EngineJob): Promise<EngineResult> {
    let engine: EngineStack | undefined;
    const result = emptyEngineResult(job);
    try {
        engine = await createEngineStack({
            projectName: "vmrestore-bench",
            stackName: job.stackName,
            program: program(job),
            envVars: job.skipCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : undefined,
        });
        const up = failureTracker();
        result.upStartedAt = Date.now();
        try {
            const res = await engine.stack.up({ color: "never", parallel: job.parallel, onEvent: up.onEvent });
            result.created = res.summary.resourceChanges?.create ?? 0;
            result.restores = (res.outputs.restores?.value ?? []) as RestoreRow[];
        } catch (e) {
            result.upError = errText(e);
        }
        result.upEndedAt = Date.now();
        result.upMs = result.upEndedAt - result.upStartedAt;
        result.stateBytes = stateFileBytes(engine.stateDir, job.stackName);
        result.failedUp = [...up.failed];
        if (result.upError && up.messages.length) result.upError = up.messages.join(" | ");
        result.retryNotices += up.retries();

        const down = failureTracker();
        const t0 = Date.now();
        try {
            const res = await engine.stack.destroy({ color: "never", parallel: job.parallel, onEvent: down.onEvent });
            result.deleted = res.summary.resourceChanges?.delete ?? 0;
        } catch (e) {
            result.destroyError = errText(e);
        }
        result.destroyEndedAt = Date.now();
        result.destroyMs = result.destroyEndedAt - t0;
        result.failedDestroy = [...down.failed];
        if (result.destroyError && down.messages.length) result.destroyError = down.messages.join(" | ");
        result.retryNotices += down.retries();
    } finally {
        engine?.cleanup();
    }
    return result;
}

if (require.main === module) {
    const job = JSON.parse(process.argv[2]) as EngineJob;
    runEngineJob(job).then(
        (r) => {
            if (process.send) process.send({ type: "result", result: r }, () => process.exit(0));
            else {
                console.log(JSON.stringify(r));
                process.exit(0);
            }
        },
        (e) => {
            console.error(e);
            process.exit(1);
        },
    );
}
