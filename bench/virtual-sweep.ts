/**
 * VmRestore's polling over many job lengths in VIRTUAL time: the emulator's clock and the workflow's
 * `now`/`sleep` read one counter that only sleeping moves, so a 6-hour restore takes milliseconds,
 * no timing noise enters, and the real code path runs unchanged (resolveRestoreSource → startRestore
 * → waitForRestore → collectOutputs, default scheduler, the emulator over HTTP). The clock runs at
 * speed 1 (server time = client time), as against Azure; Retry-After is the emulator's 60 s.
 * Complements the compressed-real-time comparison, which is limited to a few lengths.
 */
import { startEmulator } from "../emulator/server/server";
import { ScaledClock } from "../emulator/world/job-clock";
import { benchSeed } from "./bench-seed";
import { admin, restoreJobs } from "./emulator-log";
import { PollScheduler } from "../provider/polling/poll-scheduler";
import { TraceEntry } from "./trace";
import { runVmRestore } from "./vmrestore-strategy";
import { processSharedReads } from "../provider/azure/shared-reads";

export const SWEEP_SECONDS = [60, 120, 300, 600, 1200, 1800, 3600, 2 * 3600, 3 * 3600, 4 * 3600, 5 * 3600, 6 * 3600];

export interface SweepRow {
    seconds: number;
    runs: number;
    /** Over the runs (the scheduler jitters its waits): the most polling GETs and the worst detection latency. */
    maxPollingGets: number;
    minPollingGets: number;
    maxDetectionS: number;
    meanDetectionS: number;
    /** max(5 s, 2 % of the job). */
    latencyTargetS: number;
    maxTotalRequests: number;
}

export interface SweepOptions {
    /** Emulator variants set after each seed (e.g. jobs without progress or estimate). */
    variants?: Record<string, string>;
    /** Restore the VM once before each measured run, so the vault has an earlier restore of it (a prior). */
    earlierRestore?: boolean;
}

export async function runVirtualSweep(
    seconds: number[] = SWEEP_SECONDS,
    runs = 5,
    scheduler?: () => PollScheduler,
    opts: SweepOptions = {},
): Promise<SweepRow[]> {
    let virtualNow = Date.now();
    const clock = new ScaledClock(1, () => virtualNow);
    const emu = await startEmulator({ port: 0, clock, seed: benchSeed({ vmCount: 1, restoreSeconds: 60 }) });
    const rows: SweepRow[] = [];
    try {
        for (const s of seconds) {
            const polls: number[] = [];
            const latencies: number[] = [];
            const totals: number[] = [];
            for (let i = 0; i < runs; i++) {
                await admin(emu.url, "PUT", "seed", benchSeed({ vmCount: 1, restoreSeconds: s }));
                if (opts.variants) await admin(emu.url, "POST", "variants", opts.variants);
                const one = (tag: string, trace: TraceEntry[]) =>
                    runVmRestore({
                        url: emu.url,
                        vm: "vm-0001",
                        tag: `${tag}-${s}-${i}`,
                        trace,
                        now: () => virtualNow,
                        sleep: async (ms: number) => void (virtualNow += ms),
                        timeoutMinutes: Math.ceil(s / 60) * 2 + 10,
                        scheduler: scheduler?.(),
                    });
                if (opts.earlierRestore) {
                    processSharedReads().clear();
                    await one("earlier", []);
                }
                // Each run counts a restore's own lookups, as a deployment of one restore makes them.
                processSharedReads().clear();
                const trace: TraceEntry[] = [];
                const r = await one("sweep", trace);
                const post = trace.find((t) => t.method === "POST");
                const job = (await restoreJobs(emu.url)).find((j) => j.jobId === r.jobId);
                if (!post || !job?.endTime) throw new Error(`sweep ${s} s: no trigger or no job end`);
                // Simulated job start = virtual time of the trigger (speed 1), end = start + its length.
                const jobMs = Date.parse(job.endTime) - Date.parse(job.startTime);
                latencies.push((r.detectedAt - (post.sentAt + jobMs)) / 1000);
                polls.push(
                    trace.filter(
                        (t) =>
                            t.method === "GET" &&
                            /\/(operationsStatus|operationResults|backupOperations)\/[^/?]+(\?|$)|\/backupJobs\/[^/?]+(\?|$)/i.test(t.url),
                    ).length,
                );
                totals.push(trace.length);
            }
            rows.push({
                seconds: s,
                runs,
                maxPollingGets: Math.max(...polls),
                minPollingGets: Math.min(...polls),
                maxDetectionS: Math.max(...latencies),
                meanDetectionS: latencies.reduce((a, b) => a + b, 0) / latencies.length,
                latencyTargetS: Math.max(5, 0.02 * s),
                maxTotalRequests: Math.max(...totals),
            });
        }
    } finally {
        await emu.stop();
    }
    return rows;
}
