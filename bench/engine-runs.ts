/**
 * Scale runs through the real Pulumi engine: N VmRestore resources in one `pulumi up` against an
 * emulator with ARM-like throttling, then `pulumi destroy`; and several stacks at once (separate
 * Node processes) against one emulated subscription. Each stack runs in bench/engine-worker.ts;
 * this process hosts nothing but the emulator and samples /proc.
 */
import { fork } from "child_process";
import * as path from "path";
import { benchSeed } from "./bench-seed";
import { admin, countRequests, LogEntry, RequestCounts, requestsSince } from "./emulator-log";
import { emptyEngineResult, EngineJob, EngineResult } from "./engine-worker";
import { Role, sampleProcessTree } from "./proc-sampler";

export interface ScaleSettings {
    jobSeconds: number;
    speed: number;
    /** VMs in the seed (enough for every run). */
    vmCount: number;
    /** Vaults the VMs are spread over (default 1). */
    vaults?: number;
}

export interface ScaleRow {
    label: string;
    stacks: number;
    perStack: number;
    parallel?: number;
    ok: boolean;
    failures: number;
    failureText?: string;
    leftovers: number;
    upWallS: number;
    destroyWallS: number;
    /** Longest job (its simulated duration) in real seconds at this clock speed, and in simulated seconds. */
    longestJobS: number;
    longestJobSimS: number;
    skipCheckpoints: boolean;
    /** From `up` called to the first restore triggered, the spread of the triggers, and from the last restore's verified outputs to `up` returning. */
    engineStartS: number;
    triggerSpreadS: number;
    tailS: number;
    /** First trigger → last verified outputs. */
    restoreSpanS: number;
    upRequests: RequestCounts;
    destroyRequests: RequestCounts;
    /** Highest RSS of the dynamic provider process during `up` (MiB), per stack. */
    providerPeakRssMiB: number[];
    cpuByRole: Record<Role, number>;
    retryNotices: number;
    /** Size of each stack's state file after `up`, bytes. */
    stateBytes: number[];
}

function forkEngine(job: EngineJob): { pid: number; result: Promise<EngineResult> } {
    const child = fork(path.join(__dirname, "engine-worker.ts"), [JSON.stringify(job)], {
        execArgv: ["-r", "ts-node/register/transpile-only"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const result = new Promise<EngineResult>((resolve, reject) => {
        child.on("message", (m: { type: string; result: EngineResult }) => m.type === "result" && resolve(m.result));
        child.on("exit", (code) => reject(new Error(`engine worker for ${job.stackName} exited with ${code} before reporting`)));
    });
    return { pid: child.pid!, result };
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Runs `stacks` stacks of `perStack` restores each, at once; one row. */
export async function scaleRun(
    url: string,
    s: ScaleSettings,
    label: string,
    stacks: number,
    perStack: number,
    parallel: number | undefined,
    log: (l: string) => void,
    skipCheckpoints = false,
): Promise<ScaleRow> {
    await admin(url, "POST", "clock", { speed: s.speed });
    await admin(url, "PUT", "seed", benchSeed({ vmCount: s.vmCount, restoreSeconds: s.jobSeconds, vaults: s.vaults }));
    const stamp = Date.now().toString(36);
    const jobs: EngineJob[] = Array.from({ length: stacks }, (_, i) => ({
        url,
        stackName: `b${stamp}s${i + 1}`,
        count: perStack,
        firstVm: 1 + i * perStack,
        parallel,
        skipCheckpoints,
        vaults: s.vaults,
    }));
    const forks = jobs.map(forkEngine);
    const sampler = sampleProcessTree(() => forks.map((f) => f.pid));
    const settled = await Promise.allSettled(forks.map((f) => f.result));
    const sample = sampler.stop();
    const results = settled.map((x, i): EngineResult =>
        x.status === "fulfilled"
            ? x.value
            : {
                  ...emptyEngineResult({ stackName: jobs[i].stackName, count: perStack }),
                  upError: String((x.reason as Error)?.message ?? x.reason),
              },
    );

    const entries = await requestsSince(url, 0);
    const upEnd = Math.max(...results.map((r) => r.upEndedAt));
    const upEntries = entries.filter((e) => Date.parse(e.time) <= upEnd);
    const downEntries = entries.filter((e) => Date.parse(e.time) > upEnd);
    const leftovers = (await admin<{ resources: unknown[] }>(url, "GET", "resources")).resources.length;

    const restores = results.flatMap((r) => r.restores);
    const completed = restores.filter((r) => r.jobStatus === "Completed" || r.jobStatus === "CompletedWithWarnings");
    // A failed `up` returns no outputs: count the resources the engine reported failed instead.
    const failures = results.reduce(
        (a, r) =>
            a + (r.upError ? r.failedUp.length : r.count - r.restores.filter((x) => completed.includes(x)).length) + r.failedDestroy.length,
        0,
    );
    const upStart = Math.min(...results.map((r) => r.upStartedAt).filter((x) => x > 0));
    const triggers = restores.map((r) => Date.parse(r.restoreTriggeredAt));
    const ends = restores.map((r) => Date.parse(r.restoreTriggeredAt) + r.timeToRestoreSeconds * 1000);
    const longestJobS = Math.max(0, ...restores.map((r) => (r.jobDurationSeconds ?? 0) / s.speed));
    const errors = results.map((r) => [r.upError, r.destroyError].filter(Boolean).join(" | ")).filter(Boolean);
    const row: ScaleRow = {
        label,
        stacks,
        perStack,
        parallel,
        ok: failures === 0 && leftovers === 0 && errors.length === 0,
        failures,
        failureText: errors.length ? errors.join(" || ").slice(0, 600) : undefined,
        leftovers,
        upWallS: seconds(Math.max(...results.map((r) => r.upEndedAt)) - upStart),
        destroyWallS: seconds(Math.max(...results.map((r) => r.destroyEndedAt)) - upEnd),
        longestJobS: Math.round(longestJobS * 10) / 10,
        longestJobSimS: Math.max(0, ...restores.map((r) => r.jobDurationSeconds ?? 0)),
        skipCheckpoints,
        engineStartS: triggers.length ? seconds(Math.min(...triggers) - upStart) : 0,
        triggerSpreadS: triggers.length ? seconds(Math.max(...triggers) - Math.min(...triggers)) : 0,
        tailS: ends.length ? seconds(upEnd - Math.max(...ends)) : 0,
        restoreSpanS: triggers.length ? seconds(Math.max(...ends) - Math.min(...triggers)) : 0,
        upRequests: countRequests(upEntries),
        destroyRequests: countRequests(downEntries),
        // The provider process(es) of `up` (destroy starts its own).
        providerPeakRssMiB: forks.map((f, i) =>
            Math.round(
                Math.max(
                    0,
                    ...sample.providers
                        .filter((p) => p.root === f.pid && p.firstSeen <= results[i].upEndedAt)
                        .map((p) => Math.max(p.peakRssKb, p.hwmKb)),
                ) / 1024,
            ),
        ),
        cpuByRole: sample.cpuByRole,
        retryNotices: results.reduce((a, r) => a + r.retryNotices, 0),
        stateBytes: results.map((r) => r.stateBytes ?? 0),
    };
    if (process.env.BENCH_DEBUG) log(`  other processes' CPU: ${JSON.stringify(sample.others)}`);
    log(
        `  ${label}: up ${row.upWallS} s (longest job ${row.longestJobS} s), destroy ${row.destroyWallS} s, ${row.upRequests.arm + row.destroyRequests.arm} ARM requests, ${row.upRequests.throttled + row.destroyRequests.throttled} × 429, failures ${failures}, leftovers ${leftovers}`,
    );
    return row;
}

export function requestMix(entries: LogEntry[]): Record<string, number> {
    const mix: Record<string, number> = {};
    for (const e of entries) {
        const k = `${e.method} ${e.path
            .replace(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\//i, "")
            .replace(/vm-\d{4}[^/]*/g, "{vm}")
            .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "{id}")
            .replace(/\/\d{6,}\//g, "/{rp}/")}`;
        mix[k] = (mix[k] ?? 0) + 1;
    }
    return mix;
}
