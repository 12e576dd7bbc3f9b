/**
 * One restore by one strategy, in a process of its own so its CPU time and memory are its own.
 * Forked by bench/compare.ts:
 *
 *   parent → fork(strategy-worker.ts, [JSON WorkerTask])
 *   worker → {type: "ready", rssBytes}      (modules loaded)
 *   parent → {type: "go"}                   (all strategies start together)
 *   worker → {type: "result", result}       (or {type: "error", message})
 */
import { TraceEntry } from "./trace";
import type { SchedulerDecision } from "./vmrestore-strategy";

export type StrategyName = "vmrestore" | "sdk" | "cli" | "powershell" | "azapi";

export interface WorkerTask {
    strategy: StrategyName;
    url: string;
    vm: string;
    /** Simulated seconds per real second (the peers' sleeps are in simulated time). */
    speed: number;
    /** The header value that marks this strategy's requests in the emulator's log. */
    tag: string;
}

export interface WorkerResult {
    strategy: StrategyName;
    jobId: string;
    jobStatus: string;
    /** Client clock when the terminal job status arrived. */
    detectedAt: number;
    startedAt: number;
    endedAt: number;
    /** process.cpuUsage() from "go" to the end (user + system), seconds. */
    cpuSeconds: number;
    /** RSS when ready (modules loaded) and the highest RSS sampled during the restore, bytes. */
    rssReadyBytes: number;
    rssPeakBytes: number;
    trace: TraceEntry[];
    decisions?: SchedulerDecision[];
}

async function loadRunner(
    task: WorkerTask,
): Promise<(trace: TraceEntry[]) => Promise<{ jobId: string; jobStatus: string; detectedAt: number; decisions?: SchedulerDecision[] }>> {
    if (task.strategy === "vmrestore") {
        const { runVmRestore } = await import("./vmrestore-strategy");
        return (trace) => runVmRestore({ url: task.url, vm: task.vm, tag: task.tag, trace });
    }
    const { PEERS } = await import("./peer-strategies");
    if (task.strategy === "sdk") await import("@azure/arm-recoveryservicesbackup");
    const run = PEERS[task.strategy];
    return (trace) => run({ url: task.url, vm: task.vm, tag: task.tag, speed: task.speed, trace });
}

async function main(): Promise<void> {
    const task = JSON.parse(process.argv[2]) as WorkerTask;
    const runner = await loadRunner(task);
    // Warm the HTTP stack so that no strategy pays module loading inside its measured run.
    await import("node-fetch");
    const send = (msg: unknown) => new Promise<void>((r) => process.send!(msg, () => r()));
    const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
    await send({ type: "ready", rssBytes: process.memoryUsage().rss });
    await go;

    const trace: TraceEntry[] = [];
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const rssReadyBytes = peak;
    const cpu0 = process.cpuUsage();
    const startedAt = Date.now();
    try {
        const r = await runner(trace);
        const cpu = process.cpuUsage(cpu0);
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        const result: WorkerResult = {
            strategy: task.strategy,
            jobId: r.jobId,
            jobStatus: r.jobStatus,
            detectedAt: r.detectedAt,
            startedAt,
            endedAt: Date.now(),
            cpuSeconds: (cpu.user + cpu.system) / 1e6,
            rssReadyBytes,
            rssPeakBytes: peak,
            trace,
            decisions: r.decisions,
        };
        await send({ type: "result", result });
    } catch (e) {
        clearInterval(sampler);
        await send({ type: "error", message: (e as Error)?.stack ?? String(e) });
    }
    process.exit(0);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
