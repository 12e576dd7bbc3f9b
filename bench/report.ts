/**
 * Tables for stdout and bench/RESULTS.md.
 */
import { StrategyRow, STRATEGIES, JobLength } from "./compare";
import { ScaleRow } from "./engine-runs";
import { SweepRow } from "./virtual-sweep";

export const POLL_TARGET = 12;
export const latencyTargetS = (jobS: number) => Math.max(5, 0.02 * jobS);

function table(head: string[], rows: string[][], align?: ("l" | "r")[]): string {
    const a = align ?? head.map((_, i) => (i === 0 ? "l" : "r"));
    const lines = [`| ${head.join(" | ")} |`, `| ${a.map((x) => (x === "r" ? "---:" : ":---")).join(" | ")} |`];
    for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
    return lines.join("\n");
}

const f1 = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(1));
const f0 = (x: number | undefined) => (x === undefined ? "–" : Math.round(x).toLocaleString("en-US"));
const titleOf = (s: string) => STRATEGIES.find((x) => x.name === s)?.title ?? s;

/**
 * Polling GETs a fixed-interval peer makes at real speed (uncompressed): the operation accepted
 * after `acceptS`, Retry-After 60 s on the trigger, job length `jobS` from the trigger.
 */
export function nominalPolls(strategy: string, jobS: number, acceptS = 30, retryAfterS = 60): number | undefined {
    const jobFrom = (t0: number, every: number) => Math.ceil(Math.max(0, jobS - t0) / every) + 1;
    // SDK: a poll right after the 202, then every 2 s until accepted, the final Location GET, our status GET.
    if (strategy === "sdk") return 1 + Math.ceil(acceptS / 2) + 2 + jobFrom(acceptS, 2);
    if (strategy === "cli") return Math.ceil(acceptS / 5) + jobFrom(acceptS, 30);
    if (strategy === "powershell") return Math.ceil(acceptS / 5) + 2 + jobFrom(acceptS, 30);
    if (strategy === "azapi") return Math.ceil(acceptS / Math.max(10, retryAfterS)) + jobFrom(Math.max(10, retryAfterS), 10);
    return undefined;
}

export function comparisonMarkdown(rows: StrategyRow[], lengths: JobLength[]): string {
    const out: string[] = [];
    for (const len of lengths) {
        const target = latencyTargetS(len.seconds);
        out.push(
            `#### ${len.label} job (clock ×${len.speed}: ${(len.seconds / len.speed).toFixed(0)} s real; detection target ${f1(target)} s)\n`,
        );
        const body = rows
            .filter((r) => r.length.label === len.label)
            .map((r) => {
                if (!r.ok) return [titleOf(r.strategy), `FAILED: ${r.error ?? ""}`, "", "", "", "", "", "", "", ""];
                const ra = r.retryAfter!;
                const nominal = nominalPolls(r.strategy, len.seconds);
                return [
                    titleOf(r.strategy),
                    `${r.pollingGets} (${r.counts!.operationPolls} + ${r.counts!.jobPolls})`,
                    nominal !== undefined ? f0(nominal) : "–",
                    `${r.counts!.arm}${r.counts!.blob ? ` + ${r.counts!.blob} blob` : ""}`,
                    `${f1(r.detectionSimS)}`,
                    r.meanJobPollIntervalSimS !== undefined ? f1(r.meanJobPollIntervalSimS) : "–",
                    ra.hinted === 0
                        ? "no hint"
                        : ra.violations === 0
                          ? `yes (${ra.hinted})`
                          : `**no** (${ra.violations}/${ra.hinted}, ${(ra.worstEarlyMs / 1000).toFixed(2)} s early)`,
                    r.cpuSeconds!.toFixed(2),
                    `${f0(r.rssReadyMiB)} → ${f0(r.rssPeakMiB)}`,
                    r.learnedScale !== undefined ? `${f1(r.learnedScale)}×` : "–",
                ];
            });
        out.push(
            table(
                [
                    "strategy",
                    "polling GETs (op + job)",
                    "same loop at real speed",
                    "ARM requests",
                    "detection latency (sim s)",
                    "mean job-poll interval (sim s)",
                    "Retry-After honoured",
                    "CPU s",
                    "RSS MiB (ready → peak)",
                    "time scale learned",
                ],
                body,
            ),
        );
        out.push("");
    }
    return out.join("\n");
}

export function targetsMarkdown(rows: StrategyRow[], lengths: JobLength[], strategy = "vmrestore"): string {
    const body = lengths.map((len) => {
        const r = rows.find((x) => x.length.label === len.label && x.strategy === strategy);
        if (!r?.ok) return [len.label, "failed", "", "", ""];
        const t = latencyTargetS(len.seconds);
        const pollsOk = r.pollingGets! <= POLL_TARGET;
        const latOk = (r.detectionSimS ?? Infinity) <= t;
        const raOk = r.retryAfter!.violations === 0;
        return [
            len.label,
            `${r.pollingGets} ${pollsOk ? "✓" : `✗ (+${r.pollingGets! - POLL_TARGET})`}`,
            `${r.counts!.arm + r.counts!.blob}`,
            `${f1(r.detectionSimS)} / ${f1(t)} ${latOk ? "✓" : `✗ (+${f1(r.detectionSimS! - t)} s)`}`,
            raOk ? "✓" : "✗",
        ];
    });
    return table(
        ["job", `polling GETs (target ≤ ${POLL_TARGET})`, "total requests (ARM + blob)", "detection s / target", "Retry-After"],
        body,
    );
}

export function sweepMarkdown(rows: SweepRow[]): string {
    const body = rows.map((r) => [
        r.seconds < 3600 ? `${r.seconds / 60} min` : `${r.seconds / 3600} h`,
        `${r.minPollingGets === r.maxPollingGets ? r.maxPollingGets : `${r.minPollingGets}–${r.maxPollingGets}`} ${r.maxPollingGets <= POLL_TARGET ? "✓" : "✗"}`,
        `${r.maxTotalRequests}`,
        `${f1(r.meanDetectionS)} / ${f1(r.maxDetectionS)}`,
        `${f1(r.latencyTargetS)} ${r.maxDetectionS <= r.latencyTargetS ? "✓" : "✗"}`,
    ]);
    return table(["job", `polling GETs (≤ ${POLL_TARGET})`, "total requests (max)", "detection s (mean / worst)", "target s"], body);
}

/** Issue 6: a whole `up` within 1.1 × its longest job. */
const WALL_TARGET = 1.1;
const mark = (ratio: number) => (ratio <= WALL_TARGET ? "✓" : "✗");

export function scaleMarkdown(rows: ScaleRow[]): string {
    const body = rows.map((r) => {
        const ratio = r.longestJobS > 0 ? r.upWallS / r.longestJobS : undefined;
        const spanRatio = r.longestJobS > 0 ? r.restoreSpanS / r.longestJobS : undefined;
        const projected = r.longestJobSimS > 0 ? (r.upWallS - r.longestJobS + r.longestJobSimS) / r.longestJobSimS : undefined;
        const reqs = r.upRequests.arm + r.upRequests.blob;
        const n = r.stacks * r.perStack;
        return [
            `${r.label}${r.skipCheckpoints ? " (no checkpoints)" : ""}`,
            r.parallel === undefined ? "default" : String(r.parallel),
            `${r.failures}${r.leftovers ? ` (+${r.leftovers} left over)` : ""}${r.failureText ? " ⚠" : ""} ${r.failures === 0 && !r.leftovers ? "✓" : "✗"}`,
            `${f1(r.upWallS)} s`,
            `${f1(r.longestJobS)} s`,
            ratio !== undefined ? `${ratio.toFixed(2)}× ${mark(ratio)} (${projected!.toFixed(3)}× ${mark(projected!)} at real speed)` : "–",
            spanRatio !== undefined ? `${spanRatio.toFixed(2)}×` : "–",
            `${f1(r.engineStartS)} / ${f1(r.triggerSpreadS)} / ${f1(r.tailS)}`,
            `${reqs.toLocaleString("en-US")} (${(reqs / Math.max(1, n)).toFixed(1)}/restore)`,
            `${r.upRequests.throttled + r.destroyRequests.throttled}${r.retryNotices ? ` (${r.retryNotices} retries logged)` : ""}`,
            r.providerPeakRssMiB.length ? r.providerPeakRssMiB.map((x) => `${x}`).join(", ") : "–",
            r.stateBytes.map((b) => (b / 2 ** 20).toFixed(1)).join(", "),
            `${f1(r.destroyWallS)} s (${(r.destroyRequests.arm + r.destroyRequests.blob).toLocaleString("en-US")} req)`,
        ];
    });
    return table(
        [
            "run",
            "--parallel",
            "failures",
            "up wall",
            "longest job (real)",
            "up / longest job",
            "restore span / longest job",
            "engine start / trigger spread / tail (s)",
            "up requests (ARM + blob)",
            "429s",
            "provider peak RSS MiB",
            "state file MiB",
            "destroy",
        ],
        body,
    );
}

export function cpuMarkdown(rows: ScaleRow[]): string {
    const roles = Object.keys(rows[0]?.cpuByRole ?? {});
    return table(
        ["run", ...roles.map((r) => `${r} CPU s`)],
        rows.map((r) => [r.label, ...roles.map((k) => f1((r.cpuByRole as Record<string, number>)[k]))]),
    );
}

/** The plain-text version for stdout: the markdown tables read fine in a terminal. */
export function plain(md: string): string {
    return md;
}
