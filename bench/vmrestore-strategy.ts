/**
 * VmRestore's own code path, as the provider's `create` runs it (provider/pulumi/restore-provider.ts):
 * resolveRestoreSource → startRestore → waitForRestore → collectOutputs from
 * provider/restore/restore-workflow.ts, with the default AdaptivePollScheduler. The only differences from
 * `createRuntime`: the ARM client's transport records every attempt (and tags it for the emulator's
 * request log), the scheduler is observed (what it was told and what it chose), and the restore
 * checkpoint lives in memory instead of ~/.pulumi.
 *
 * This file is the one place the benchmark depends on the workflow's function names.
 */
import { ArmClient, realSleep } from "../provider/azure/arm-client";
import { armScope, createTokenSource } from "../provider/azure/credentials";
import { HttpTransport, nodeFetchTransport } from "../provider/azure/http-transport";
import { AdaptivePollScheduler, observedTimeScale, PollObservation, PollScheduler } from "../provider/polling/poll-scheduler";
import { ProgressReporter } from "../provider/restore/progress-reporter";
import { RestoreCheckpoint } from "../provider/restore/restore-checkpoint";
import { VaultJobBoard } from "../provider/restore/vault-job-board";
import { VmRestoreInputs } from "../provider/restore/restore-inputs";
import { collectOutputs, resolveRestoreSource, startRestore, waitForRestore, WorkflowDeps } from "../provider/restore/restore-workflow";
import { RG_RESTORE, STAGING_ID, VAULT_ID, benchVmId } from "./bench-seed";
import { retryHintMs, TraceEntry } from "./trace";

export interface SchedulerDecision {
    phase: "operation" | "job";
    polls: number;
    /** The time scale the scheduler inferred: server ms per local ms (the clock speed, against the emulator; 1 = not compressed). */
    learnedScale?: number;
    delayMs: number;
    serverRemainingMs?: number;
    progressPercentage?: number;
}

/** Wraps the scheduler the provider would use, recording each decision. */
export class ObservedScheduler implements PollScheduler {
    readonly decisions: SchedulerDecision[] = [];
    constructor(private readonly inner: PollScheduler) {}
    nextDelayMs(o: PollObservation): number {
        const delayMs = this.inner.nextDelayMs(o);
        this.decisions.push({
            phase: o.phase,
            polls: o.polls,
            learnedScale: observedTimeScale(o),
            delayMs,
            serverRemainingMs: o.serverRemainingMs,
            progressPercentage: o.progressPercentage,
        });
        return delayMs;
    }
}

/** A transport that records every attempt and adds the strategy's tag header. */
export function recordingTransport(inner: HttpTransport, trace: TraceEntry[], tag: string, now: () => number = Date.now): HttpTransport {
    return async (req) => {
        const sentAt = now();
        const entry: TraceEntry = { sentAt, doneAt: sentAt, method: req.method, url: req.url, status: 0 };
        trace.push(entry);
        try {
            const res = await inner({ ...req, headers: { ...req.headers, "x-bench-strategy": tag } });
            entry.status = res.status;
            entry.retryAfterMs = retryHintMs((n) => res.headers[n], now());
            return res;
        } finally {
            entry.doneAt = now();
        }
    };
}

export interface VmRestoreRunOptions {
    url: string;
    vm: string;
    tag: string;
    trace: TraceEntry[];
    /** Default: the provider's default scheduler. */
    scheduler?: PollScheduler;
    /** Virtual time (bench/virtual-sweep.ts); default real time. */
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
    transport?: HttpTransport;
    write?: (line: string) => void;
    timeoutMinutes?: number;
    /** The job board shared by the restores of one process (default: none, each restore reads its own job). */
    jobBoard?: VaultJobBoard;
}

export interface VmRestoreRunResult {
    jobId: string;
    jobStatus: string;
    /** When the terminal job status arrived (client clock). */
    detectedAt: number;
    decisions: SchedulerDecision[];
    restoredDiskIds: string[];
}

export function benchInputs(url: string, vm: string, timeoutMinutes?: number): VmRestoreInputs {
    return {
        vaultId: VAULT_ID,
        sourceVmId: benchVmId(vm),
        restoreType: "RestoreDisks",
        storageAccountId: STAGING_ID,
        targetResourceGroupId: RG_RESTORE,
        armEndpoint: url,
        ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
    };
}

export async function runVmRestore(o: VmRestoreRunOptions): Promise<VmRestoreRunResult> {
    const inputs = benchInputs(o.url, o.vm, o.timeoutMinutes);
    const now = o.now ?? Date.now;
    const sleep = o.sleep ?? realSleep;
    const progress = new ProgressReporter(`vmrestore ${o.vm}`, o.write ?? (() => undefined));
    const arm = new ArmClient({
        endpoint: o.url,
        armScope: armScope(o.url),
        tokens: createTokenSource(o.url),
        transport: recordingTransport(o.transport ?? nodeFetchTransport, o.trace, o.tag, now),
        sleep,
        now,
        log: (line) => progress.say(line),
    });
    const scheduler = new ObservedScheduler(o.scheduler ?? new AdaptivePollScheduler());
    const deps: WorkflowDeps = { arm, scheduler, sleep, now, progress, jobBoard: o.jobBoard };
    const saved = new Map<string, RestoreCheckpoint>();
    const checkpoints = {
        load: (k: string) => saved.get(k),
        save: (k: string, c: RestoreCheckpoint) => void saved.set(k, c),
        remove: (k: string) => void saved.delete(k),
    };
    const src = await resolveRestoreSource(deps, inputs);
    const t = await startRestore(deps, inputs, src, { checkpoints, checkpointKey: o.tag });
    const job = await waitForRestore(deps, t, inputs);
    const detectedAt = now();
    const outs = await collectOutputs(deps, t, job, inputs);
    return { jobId: job.jobId, jobStatus: job.status, detectedAt, decisions: scheduler.decisions, restoredDiskIds: outs.restoredDiskIds };
}
