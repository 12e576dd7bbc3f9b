/**
 * `npm run bench -- --only throttle`: a throttle storm in virtual time (issue 15).
 *
 * N restores in one process (shared lookups, one job board), the real workflow against the emulator
 * over HTTP, on one virtual clock (bench/virtual-time.ts; seeded randomness). Once every restore
 * has been triggered, the next K polling GETs (operation, job, the vault's job list) are answered
 * 429 with a hint of H in one of three forms: `Retry-After: <seconds>`, `Retry-After: <HTTP date>`,
 * `retry-after-ms`. For each restore:
 *
 * - *extra wait*: virtual time it spent waiting out 429s: after each 429 answer to one of its own
 *   requests until it sent the retry, and inside a shared look (the job board's list) that was
 *   being retried;
 * - *hints on its critical path*: the hints of those same 429s (its own, and the shared list's
 *   while it waited on it); the target is extra ≤ 1.25 × hints + 1 s × retries;
 * - *inside a window*: requests a client sent sooner after a hinted answer than the hint said.
 *
 * The same run without the storm gives the calm wall time; *storm − calm* is the whole batch's delay.
 */
import { startEmulator } from "../emulator/server/server";
import { ScaledClock } from "../emulator/world/job-clock";
import { nodeFetchTransport } from "../provider/azure/http-transport";
import { processSharedReads } from "../provider/azure/shared-reads";
import { VaultJobBoard } from "../provider/restore/vault-job-board";
import { RestoreJobView } from "../provider/azure/backup/restore-job";
import { benchSeed, benchVmName } from "./bench-seed";
import { admin } from "./emulator-log";
import { checkRetryAfter, TraceEntry } from "./trace";
import { VirtualTime } from "./virtual-time";
import { runVmRestore } from "./vmrestore-strategy";
import { seeded } from "./polling-limits";

export type HintFormat = "seconds" | "date" | "ms";

/** Answers that were only retried, not shared: the job list goes by its own column. */
const LIST = /\/backupJobs(\?|$)/i;
const STORM_PATHS = "/(operationsStatus|operationResults|backupOperations)/[^/]+$|/backupJobs(/[^/]+)?$";

/** A board that records when each restore waited on a shared look. */
class RecordingBoard extends VaultJobBoard {
    readonly waits: { jobId: string; from: number; to: number }[] = [];
    constructor(private readonly clock: () => number) {
        super();
    }
    override async sharedView(...args: Parameters<VaultJobBoard["sharedView"]>): Promise<RestoreJobView | undefined> {
        const from = this.clock();
        try {
            return await super.sharedView(...args);
        } finally {
            this.waits.push({ jobId: args[2].toLowerCase(), from, to: this.clock() });
        }
    }
}

export interface StormRestore {
    vm: string;
    ok: boolean;
    error?: string;
    extraMs: number;
    hintsMs: number;
    retries: number;
    /** The most 429s in a row one of its requests got (a peer's HTTP stack gives up after its retry count). */
    longestStreak: number;
}

export interface StormResult {
    restores: number;
    format: HintFormat;
    hintS: number;
    storm429s: number;
    perRestore: StormRestore[];
    /** Requests sent inside a Retry-After window, over all clients. */
    insideWindow: number;
    /** Virtual wall time of the whole batch, trigger of the first to the end of the last. */
    stormWallS: number;
    calmWallS: number;
}

async function runBatch(n: number, jobSeconds: number, storm?: { k: number; hintS: number; format: HintFormat }) {
    const vt = new VirtualTime(Math.floor(Date.now() / 1000) * 1000);
    const clock = new ScaledClock(1, vt.clock);
    const emu = await startEmulator({ port: 0, clock, seed: benchSeed({ vmCount: n, restoreSeconds: jobSeconds }) });
    const random = Math.random;
    Math.random = seeded(n * 7 + (storm?.k ?? 0));
    processSharedReads().clear();
    const board = new RecordingBoard(vt.clock);
    const traces: TraceEntry[][] = [];
    const inner = vt.transport(nodeFetchTransport);
    const transport: typeof nodeFetchTransport = async (req) => {
        const res = await inner(req);
        // The emulator's fault is fixed text; an HTTP date must be relative to the virtual clock.
        const inS = res.headers["x-bench-retry-after-in"];
        if (inS !== undefined) {
            const headers: Record<string, string> = { ...res.headers };
            delete headers["x-bench-retry-after-in"];
            headers["retry-after"] = new Date(Math.ceil((vt.now + Number(inS) * 1000) / 1000) * 1000).toUTCString();
            return { ...res, headers };
        }
        return res;
    };
    const started = vt.now;
    try {
        const runs = Array.from({ length: n }, (_, i) => {
            const trace: TraceEntry[] = [];
            traces.push(trace);
            return runVmRestore({
                url: emu.url,
                vm: benchVmName(i + 1),
                tag: `storm-${i + 1}`,
                trace,
                now: vt.clock,
                sleep: vt.sleep,
                transport,
                jobBoard: board,
                timeoutMinutes: Math.ceil(jobSeconds / 60) * 3 + 30,
            }).then(
                (r) => ({ ok: true as const, r, endedAt: vt.now }),
                (e: Error) => ({ ok: false as const, error: e.message, endedAt: vt.now }),
            );
        });
        let injected = !storm;
        const outcomes = await vt.drive(Promise.all(runs), async () => {
            if (injected || !traces.every((t) => t.some((e) => e.method === "POST" && e.status === 202))) return;
            injected = true;
            const hint =
                storm!.format === "seconds"
                    ? { retryAfter: String(storm!.hintS) }
                    : storm!.format === "ms"
                      ? { retryAfterMs: storm!.hintS * 1000 }
                      : { headers: { "x-bench-retry-after-in": String(storm!.hintS) } };
            await admin(emu.url, "POST", "faults", {
                kind: "http",
                status: 429,
                times: storm!.k,
                match: { method: "GET", pathRegex: STORM_PATHS },
                body: { error: { code: "TooManyRequests", message: "throttled (bench storm)" } },
                ...hint,
            });
        });
        return { outcomes, traces, board, wallMs: Math.max(...outcomes.map((o) => o.endedAt)) - started };
    } finally {
        Math.random = random;
        await emu.stop();
    }
}

export async function throttleStorm(n: number, k: number, hintS: number, format: HintFormat, jobSeconds = 600): Promise<StormResult> {
    const calm = await runBatch(n, jobSeconds);
    const { outcomes, traces, board, wallMs } = await runBatch(n, jobSeconds, { k, hintS, format });
    const list429s = traces.flat().filter((e) => LIST.test(e.url) && e.status === 429);
    const perRestore: StormRestore[] = outcomes.map((o, i) => {
        const own = [...traces[i]].sort((a, b) => a.sentAt - b.sentAt);
        let extraMs = 0;
        let hintsMs = 0;
        let retries = 0;
        own.forEach((e, j) => {
            if (e.status !== 429 || LIST.test(e.url) || j + 1 >= own.length) return;
            extraMs += own[j + 1].sentAt - e.doneAt;
            hintsMs += e.retryAfterMs ?? 0;
            retries++;
        });
        let longestStreak = 0;
        for (let j = 0, run = 0; j < own.length; j++) {
            run = own[j].status === 429 ? (j > 0 && own[j - 1].status === 429 && own[j - 1].url === own[j].url ? run + 1 : 1) : 0;
            longestStreak = Math.max(longestStreak, run);
        }
        const jobId = o.ok ? o.r.jobId.toLowerCase() : undefined;
        for (const w of board.waits.filter((x) => x.jobId === jobId)) {
            const during = list429s.filter((e) => e.doneAt >= w.from && e.doneAt <= w.to);
            if (!during.length) continue;
            extraMs += w.to - w.from;
            hintsMs += during.reduce((s, e) => s + (e.retryAfterMs ?? 0), 0);
            retries += during.length;
        }
        return { vm: benchVmName(i + 1), ok: o.ok, error: o.ok ? undefined : o.error, extraMs, hintsMs, retries, longestStreak };
    });
    return {
        restores: n,
        format,
        hintS,
        storm429s: traces.flat().filter((e) => e.status === 429).length,
        perRestore,
        insideWindow: traces.reduce((s, t) => s + checkRetryAfter(t).violations, 0),
        stormWallS: wallMs / 1000,
        calmWallS: calm.wallMs / 1000,
    };
}

/** The storms of the report: 1, 8 and 50 restores, hints of 2 s in each form, 5 × N (at least 10) 429s in a row. */
export async function stormRows(counts = [1, 8, 50], formats: HintFormat[] = ["seconds", "date", "ms"], hintS = 2): Promise<StormResult[]> {
    const rows: StormResult[] = [];
    for (const n of counts) for (const f of formats) rows.push(await throttleStorm(n, Math.max(10, 5 * n), hintS, f));
    return rows;
}

/**
 * The official JS SDK under the same storm: core-rest-pipeline's throttlingRetryPolicy waits the
 * hint exactly and gives up after DEFAULT_RETRY_POLICY_COUNT = 3 retries (node_modules/@azure/
 * core-rest-pipeline), so a request answered 429 four times in a row fails the SDK's call.
 */
export const SDK_THROTTLING_RETRIES = 3;

const ok = (b: boolean) => (b ? "✓" : "✗");

export function stormMarkdown(rows: StormResult[]): string {
    const out = [
        "| restores | hint form | 429s answered | failed restores | worst restore: extra wait s / hints on its path s (retries) | worst extra / (1.25 × hints + 1 s × retries) | requests inside a Retry-After window | batch wall: calm → storm s | JS SDK (3 retries, exact hint): restores whose call would fail |",
        "| ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const r of rows) {
        const failed = r.perRestore.filter((p) => !p.ok);
        const ratio = (p: StormRestore) => (p.retries ? p.extraMs / (1.25 * p.hintsMs + 1000 * p.retries) : 0);
        const worst = [...r.perRestore].sort((a, b) => ratio(b) - ratio(a))[0];
        const worstRatio = worst ? ratio(worst) : 0;
        out.push(
            `| ${r.restores} | ${r.format === "seconds" ? `Retry-After: ${r.hintS}` : r.format === "date" ? "Retry-After: HTTP date" : `retry-after-ms: ${r.hintS * 1000}`} | ${r.storm429s} | ${failed.length} ${ok(failed.length === 0)} | ${(worst.extraMs / 1000).toFixed(1)} / ${(worst.hintsMs / 1000).toFixed(1)} (${worst.retries}) | ${worstRatio.toFixed(2)} ${ok(worstRatio <= 1)} | ${r.insideWindow} ${ok(r.insideWindow === 0)} | ${r.calmWallS.toFixed(0)} → ${r.stormWallS.toFixed(0)} | ${r.perRestore.filter((p) => p.longestStreak > SDK_THROTTLING_RETRIES).length} of ${r.restores} |`,
        );
    }
    for (const r of rows)
        for (const p of r.perRestore.filter((x) => !x.ok)) out.push(`\n⚠ ${r.restores} restores, ${r.format}: ${p.vm} failed: ${p.error}`);
    return out.join("\n");
}

export const STORM_TEXT =
    "N restores in one provider process (shared lookups, one job board) run the real workflow against the emulator over HTTP on one virtual clock (bench/virtual-time.ts), with seeded randomness. Once every restore has been triggered, the next max(10, 5 × N) polling GETs (operation, job, the vault's job list) are answered 429 with a 2 s hint as `Retry-After: 2`, as an HTTP date 2 s ahead (whole seconds, so 2-3 s), or as `retry-after-ms: 2000`. *Extra wait* is the virtual time a restore spent waiting out 429s (its own, and a shared list being retried while it waited on it); *hints on its path* are those 429s' hints; the target is extra ≤ 1.25 × hints + 1 s × retries. *Inside a Retry-After window*: requests sent sooner after a hinted answer than the hint said (per client, every hinted answer, the trigger's 202 included). *Batch wall* is the whole batch's virtual time without and with the storm (the runs jitter differently, so the storm can end sooner). The last column applies the official JS SDK's throttling policy to the same storm: it waits the hint exactly but retries a request at most 3 times (core-rest-pipeline DEFAULT_RETRY_POLICY_COUNT), so a request answered 429 four times in a row fails the SDK's call.";
