/**
 * The strategy comparison: for each job length, the same seed and the same job timeline, one
 * restore per strategy, all started together against one emulator whose clock runs `speed`
 * simulated seconds per real second. Each strategy runs in its own process (bench/strategy-worker.ts)
 * and restores its own identical VM; its requests are told apart in the emulator's log by a header.
 */
import { fork } from "child_process";
import * as path from "path";
import { benchSeed, benchVmName } from "./bench-seed";
import {
    admin,
    AdminJob,
    countRequests,
    isJobPoll,
    isRestorePost,
    LogEntry,
    RequestCounts,
    requestsSince,
    restoreJobs,
} from "./emulator-log";
import { checkRetryAfter, RetryAfterCheck } from "./trace";
import { StrategyName, WorkerResult, WorkerTask } from "./strategy-worker";

export interface JobLength {
    label: string;
    seconds: number;
    /** Emulator clock: simulated seconds per real second. */
    speed: number;
}

export const JOB_LENGTHS: JobLength[] = [
    { label: "1 min", seconds: 60, speed: 10 },
    { label: "10 min", seconds: 600, speed: 60 },
    { label: "1 h", seconds: 3600, speed: 240 },
    { label: "6 h", seconds: 21600, speed: 1080 },
];

export const STRATEGIES: { name: StrategyName; title: string; polls: string }[] = [
    { name: "vmrestore", title: "VmRestore", polls: "adaptive (Retry-After, job estimate)" },
    { name: "sdk", title: "Azure SDK (JS)", polls: "poller 2 s, then job 2 s" },
    { name: "cli", title: "azure-cli", polls: "op 5 s, `az backup job wait` 30 s, no Retry-After" },
    { name: "powershell", title: "Az PowerShell", polls: "op 5 s (+1 read), Wait-AzRecoveryServicesBackupJob 30 s, no Retry-After" },
    { name: "azapi", title: "azapi (job loop: stand-in)", polls: "op 10 s (Retry-After wins); job 10 s" },
];

export interface StrategyRow {
    strategy: StrategyName;
    length: JobLength;
    ok: boolean;
    error?: string;
    jobStatus?: string;
    counts?: RequestCounts;
    /** Operation + job polls. */
    pollingGets?: number;
    /** Simulated seconds from the job's end (endTime) to the terminal poll reaching the emulator. */
    detectionSimS?: number;
    /** The same, measured at the client (answer received). */
    detectionClientSimS?: number;
    /** Simulated job length (endTime − startTime), s. */
    jobSimS?: number;
    cpuSeconds?: number;
    rssReadyMiB?: number;
    rssPeakMiB?: number;
    retryAfter?: RetryAfterCheck;
    /** Mean simulated interval between job polls (fidelity of fixed-interval loops under compression). */
    meanJobPollIntervalSimS?: number;
    /** VmRestore: the time scale its scheduler inferred (median over job polls), and the clock's. */
    learnedScale?: number;
    realSeconds?: number;
    /** Cumulative requests over simulated time since the strategy's trigger (for the plot). */
    series?: { simS: number; n: number }[];
}

function forkWorker(task: WorkerTask): { ready: Promise<void>; result: Promise<WorkerResult>; go(): void } {
    const child = fork(path.join(__dirname, "strategy-worker.ts"), [JSON.stringify(task)], {
        execArgv: ["-r", "ts-node/register/transpile-only"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let onReady!: () => void;
    const ready = new Promise<void>((r) => (onReady = r));
    const result = new Promise<WorkerResult>((resolve, reject) => {
        child.on("message", (m: { type: string; result?: WorkerResult; message?: string }) => {
            if (m.type === "ready") onReady();
            else if (m.type === "result") resolve(m.result!);
            else if (m.type === "error") reject(new Error(m.message));
        });
        child.on("exit", (code) => reject(new Error(`${task.strategy} worker exited with ${code} before reporting`)));
    });
    // A worker that dies before "ready" must not hang the run.
    result.catch(() => onReady());
    return { ready, result, go: () => child.connected && child.send({ type: "go" }) };
}

const median = (xs: number[]) => {
    if (!xs.length) return undefined;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
};

/**
 * One job length. Strategies run in `groups`: each group alone on the emulator (reset to the same
 * seed, so the same job timeline), its strategies started together. VmRestore runs alone so that
 * no busy peer's CPU use (the SDK polls every 2 s: hundreds of requests per real second at high
 * clock speeds) delays its requests and blurs its timing.
 */
export async function compareAtLength(
    url: string,
    length: JobLength,
    groups: StrategyName[][],
    log: (line: string) => void,
): Promise<StrategyRow[]> {
    const rows: StrategyRow[] = [];
    await admin(url, "POST", "clock", { speed: length.speed });
    for (const group of groups) {
        await admin(url, "PUT", "seed", benchSeed({ vmCount: group.length, restoreSeconds: length.seconds }));
        const tasks: WorkerTask[] = group.map((s, i) => ({
            strategy: s,
            url,
            vm: benchVmName(i + 1),
            speed: length.speed,
            tag: `${s}-${length.seconds}`,
        }));
        const workers = tasks.map(forkWorker);
        await Promise.all(workers.map((w) => w.ready));
        const t0 = Date.now();
        for (const w of workers) w.go();
        const settled = await Promise.allSettled(workers.map((w) => w.result));
        log(`  ${length.label} job at ${length.speed}×, ${group.join(" + ")}: ${((Date.now() - t0) / 1000).toFixed(1)} s real`);
        const entries = await requestsSince(url, 0);
        const jobs = await restoreJobs(url);
        rows.push(...tasks.map((task, i) => rowOf(task, settled[i], entries, jobs, length)));
    }
    return rows;
}

function rowOf(
    task: WorkerTask,
    s: PromiseSettledResult<WorkerResult>,
    entries: LogEntry[],
    jobs: AdminJob[],
    length: JobLength,
): StrategyRow {
    if (s.status === "rejected")
        return { strategy: task.strategy, length, ok: false, error: String(s.reason?.message ?? s.reason).split("\n")[0] };
    const r = s.value;
    const mine = entries.filter((e) => e.headers["x-bench-strategy"] === task.tag);
    const counts = countRequests(mine);
    const job = jobs.find((j) => j.jobId === r.jobId);
    const row: StrategyRow = {
        strategy: task.strategy,
        length,
        ok: true,
        jobStatus: r.jobStatus,
        counts,
        pollingGets: counts.operationPolls + counts.jobPolls,
        cpuSeconds: r.cpuSeconds,
        rssReadyMiB: r.rssReadyBytes / 2 ** 20,
        rssPeakMiB: r.rssPeakBytes / 2 ** 20,
        retryAfter: checkRetryAfter(r.trace),
        realSeconds: (r.endedAt - r.startedAt) / 1000,
    };
    const jobPolls = mine.filter((e) => isJobPoll(e) && e.path.toLowerCase().endsWith(`/${r.jobId.toLowerCase()}`));
    if (job?.endTime && jobPolls.length) {
        const start = Date.parse(job.startTime);
        const jobSimMs = Date.parse(job.endTime) - start;
        const terminal = jobPolls[jobPolls.length - 1];
        row.jobSimS = jobSimMs / 1000;
        row.detectionSimS = ((Date.parse(terminal.time) - start) * length.speed - jobSimMs) / 1000;
        row.detectionClientSimS = ((r.detectedAt - start) * length.speed - jobSimMs) / 1000;
        const times = jobPolls.map((e) => Date.parse(e.time));
        if (times.length > 1)
            row.meanJobPollIntervalSimS = ((times[times.length - 1] - times[0]) * length.speed) / (times.length - 1) / 1000;
    }
    if (r.decisions)
        row.learnedScale = median(r.decisions.filter((d) => d.phase === "job" && d.learnedScale !== undefined).map((d) => d.learnedScale!));
    row.series = seriesOf(mine, length.speed);
    return row;
}

/** Cumulative request count over simulated seconds since the restore's trigger (POST). */
function seriesOf(entries: LogEntry[], speed: number): { simS: number; n: number }[] {
    const post = entries.find(isRestorePost);
    const origin = Date.parse((post ?? entries[0])?.time ?? new Date().toISOString());
    return entries.map((e, i) => ({ simS: Math.max(0, ((Date.parse(e.time) - origin) * speed) / 1000), n: i + 1 }));
}

export const DEFAULT_GROUPS: StrategyName[][] = [["vmrestore"], ["sdk", "cli", "powershell", "azapi"]];

export async function runComparison(
    url: string,
    lengths: JobLength[],
    groups: StrategyName[][],
    log: (line: string) => void,
): Promise<StrategyRow[]> {
    const rows: StrategyRow[] = [];
    for (const length of lengths) rows.push(...(await compareAtLength(url, length, groups, log)));
    return rows;
}
