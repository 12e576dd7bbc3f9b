/**
 * The drill report as files: drill-report.json (machine-readable), drill-report.xml (JUnit: one
 * test case per restore, so every CI shows it) and drill-report.md (a human summary with an inline
 * SVG timeline of the restores).
 */
import * as fs from "fs";
import * as path from "path";
import { DrillReport, RestoreReport } from "./drill-report";

const xml = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function minutes(seconds: number | undefined): string {
    if (seconds === undefined) return "–";
    return seconds < 120
        ? `${seconds.toFixed(1)} s`
        : seconds < 7200
          ? `${(seconds / 60).toFixed(1)} min`
          : `${(seconds / 3600).toFixed(1)} h`;
}

export function renderJson(report: DrillReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
}

/** JUnit XML: a suite per drill, a test case per restore; failures carry each failed check/objective. */
export function renderJunit(report: DrillReport): string {
    const total = report.restores.reduce((t, r) => t + (r.timeToRestoreSeconds ?? 0), 0);
    const cases = report.restores.map((r) => {
        const out = [
            `vm ${r.vm} (${r.restoreType}) from recovery point ${r.recoveryPointId ?? "?"} (${r.recoveryPointTime ?? "?"}, age ${minutes(r.recoveryPointAgeSeconds)})`,
            `triggered ${r.triggeredAt ?? "?"}, verified ${r.verifiedAt ?? "?"}, time to restore ${minutes(r.timeToRestoreSeconds)}; job ${r.jobId ?? "?"} ${r.jobStatus ?? ""}`,
            ...[r.objectives.rto, r.objectives.rpo].filter((o) => o).map((o) => o!.detail),
            ...r.checks.map((c) => `check ${c.name}: ${c.passed ? "passed" : "FAILED"}: ${c.detail}`),
            ...(r.cleanup ? [`cleanup: ${r.cleanup.detail}`] : []),
        ].join("\n");
        const failure =
            r.result === "failed"
                ? `\n      <failure message="${xml(r.failures[0] ?? "failed")}" type="DrillFailure">${xml(r.failures.join("\n"))}</failure>`
                : "";
        return `    <testcase classname="vmrestore.drill.${xml(r.restoreType)}" name="${xml(r.name)} (${xml(r.vm)})" time="${(r.timeToRestoreSeconds ?? 0).toFixed(1)}">${failure}\n      <system-out>${xml(out)}</system-out>\n    </testcase>`;
    });
    return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<testsuites name="VmRestore DR drill" tests="${report.summary.restores}" failures="${report.summary.failed}" errors="0" time="${total.toFixed(1)}">`,
        `  <testsuite name="${xml(report.stacks.join(", ") || "drill")}" tests="${report.summary.restores}" failures="${report.summary.failed}" errors="0" skipped="0" time="${total.toFixed(1)}" timestamp="${report.generatedAt.replace(/\.\d+Z$/, "")}">`,
        ...cases,
        `  </testsuite>`,
        `</testsuites>`,
        ``,
    ].join("\n");
}

/**
 * The restores on one time axis: per restore, acceptance (trigger → job start), the Azure job
 * (start → end) and verification (end → verified), with its RTO objective as a tick.
 */
export function renderTimelineSvg(report: DrillReport): string {
    const rows = report.restores.filter((r) => r.triggeredAt);
    const t = (s?: string) => (s ? Date.parse(s) : NaN);
    const width = 760,
        label = 170,
        right = 20,
        rowH = 26,
        top = 34,
        axisH = 30;
    const height = top + Math.max(1, rows.length) * rowH + axisH;
    const starts = rows.map((r) => t(r.triggeredAt));
    const t0 = Math.min(...starts);
    // The axis spans the restores; an RTO objective far beyond them is named at the edge instead.
    const ends = rows.map((r) => (Number.isNaN(t(r.verifiedAt)) ? t(r.jobEndTime) : t(r.verifiedAt))).filter((x) => !Number.isNaN(x));
    const span = Math.max(1000, ...ends.map((e) => e - t0));
    const rtoEnds = rows
        .filter((r) => r.objectives.rto)
        .map((r) => t(r.triggeredAt) + r.objectives.rto!.targetMinutes * 60_000 - t0)
        .filter((e) => e <= 3 * span);
    const t1 = t0 + Math.max(span, ...rtoEnds) * 1.04;
    const x = (ms: number) => label + ((ms - t0) / (t1 - t0)) * (width - label - right);
    const parts: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
        `<title>Restore timeline</title>`,
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
        `<text x="${label}" y="16" fill="#333">acceptance</text><rect x="${label + 70}" y="7" width="14" height="10" fill="#b0bec5"/>`,
        `<text x="${label + 100}" y="16" fill="#333">restore job</text><rect x="${label + 172}" y="7" width="14" height="10" fill="#1e88e5"/>`,
        `<text x="${label + 202}" y="16" fill="#333">verify</text><rect x="${label + 244}" y="7" width="14" height="10" fill="#43a047"/>`,
        `<text x="${label + 274}" y="16" fill="#333">RTO objective</text><line x1="${label + 366}" y1="5" x2="${label + 366}" y2="19" stroke="#e53935" stroke-width="2"/>`,
    ];
    rows.forEach((r, i) => {
        const y = top + i * rowH;
        const trig = t(r.triggeredAt);
        const jobStart = Number.isNaN(t(r.jobStartTime)) ? trig : Math.max(trig, t(r.jobStartTime));
        const jobEnd = Number.isNaN(t(r.jobEndTime)) ? (Number.isNaN(t(r.verifiedAt)) ? jobStart : t(r.verifiedAt)) : t(r.jobEndTime);
        const verified = Number.isNaN(t(r.verifiedAt)) ? jobEnd : t(r.verifiedAt);
        const bar = (a: number, b: number, fill: string) =>
            `<rect x="${x(a).toFixed(1)}" y="${y + 4}" width="${Math.max(1, x(b) - x(a)).toFixed(1)}" height="${rowH - 10}" fill="${fill}"/>`;
        parts.push(
            `<text x="4" y="${y + rowH / 2 + 4}" fill="${r.result === "passed" ? "#1b5e20" : "#b71c1c"}">${xml(r.result === "passed" ? "✔" : "✘")} ${xml(r.name.slice(0, 24))}</text>`,
        );
        parts.push(
            bar(trig, jobStart, "#b0bec5"),
            bar(jobStart, Math.max(jobStart, Math.min(jobEnd, verified)), "#1e88e5"),
            bar(Math.min(jobEnd, verified), verified, "#43a047"),
        );
        let note = "";
        if (r.objectives.rto) {
            const due = trig + r.objectives.rto.targetMinutes * 60_000;
            if (due <= t1) {
                const xr = x(due).toFixed(1);
                parts.push(`<line x1="${xr}" y1="${y + 1}" x2="${xr}" y2="${y + rowH - 3}" stroke="#e53935" stroke-width="2"/>`);
            } else note = ` · RTO ${r.objectives.rto.targetMinutes} min ▸`;
        }
        const text = `${minutes(r.timeToRestoreSeconds)}${note}`;
        // Right of the bar, or inside the chart's right edge when the bar reaches it.
        const tx = Math.min(width - right - text.length * 6.5, x(verified) + 4);
        parts.push(`<text x="${tx.toFixed(1)}" y="${y + rowH / 2 + 4}" fill="#333">${xml(text)}</text>`);
    });
    const axisY = top + Math.max(1, rows.length) * rowH + 6;
    parts.push(`<line x1="${label}" y1="${axisY}" x2="${width - right}" y2="${axisY}" stroke="#666"/>`);
    for (let k = 0; k <= 4; k++) {
        const ms = t0 + ((t1 - t0) * k) / 4;
        const xx = x(ms).toFixed(1);
        parts.push(`<line x1="${xx}" y1="${axisY}" x2="${xx}" y2="${axisY + 5}" stroke="#666"/>`);
        parts.push(`<text x="${xx}" y="${axisY + 18}" fill="#333" text-anchor="middle">+${xml(minutes((ms - t0) / 1000))}</text>`);
    }
    parts.push(`</svg>`);
    return parts.join("\n");
}

export function renderMarkdown(report: DrillReport): string {
    const s = report.summary;
    const verdict = s.failed === 0 ? "PASSED" : "FAILED";
    const objective = (o?: { targetMinutes: number; passed: boolean }) => (o ? ` / ${o.targetMinutes} min ${o.passed ? "✔" : "✘"}` : "");
    const lines = [
        `# DR drill report: ${verdict}`,
        ``,
        `${s.restores} restore(s): ${s.passed} passed, ${s.failed} failed` +
            (s.cleanupVerified !== undefined ? `; cleanup ${s.cleanupVerified ? "verified (nothing left behind)" : "NOT verified"}` : "") +
            `. Stack(s): ${report.stacks.join(", ") || "–"}. Generated ${report.generatedAt}.`,
        ``,
        `| restore | VM | type | recovery point | RPO achieved / objective | RTO achieved / objective | checks | cleanup | result |`,
        `|---|---|---|---|---|---|---|---|---|`,
        ...report.restores.map(
            (r) =>
                `| ${md(r.name)} | ${md(r.vm)} | ${md(r.restoreType)} | ${md(r.recoveryPointId ?? "–")} (${md(r.recoveryPointTime ?? "?")}) | ${minutes(r.recoveryPointAgeSeconds)}${objective(r.objectives.rpo)} | ${minutes(r.timeToRestoreSeconds)}${objective(r.objectives.rto)} | ${r.checks.filter((c) => c.passed).length}/${r.checks.length} | ${r.cleanup ? (r.cleanup.verified ? "✔" : "✘") : "–"} | ${r.result === "passed" ? "✔ passed" : "✘ failed"} |`,
        ),
        ``,
        `## Timeline`,
        ``,
        `From each restore's first trigger: acceptance by Azure, the restore job, verification; the red tick is the RTO objective.`,
        ``,
        renderTimelineSvg(report),
        ``,
        `## Details`,
        ``,
    ];
    for (const r of report.restores) {
        lines.push(`### ${md(r.name)} — ${r.result === "passed" ? "passed" : "FAILED"}`, ``);
        lines.push(`- source VM \`${r.sourceVmId}\`, ${r.restoreType}`);
        lines.push(
            `- recovery point ${r.recoveryPointId ?? "?"} (${r.recoveryPointType ?? "?"}, ${r.recoveryPointTime ?? "?"}), age at trigger ${minutes(r.recoveryPointAgeSeconds)}`,
        );
        lines.push(
            `- triggered ${r.triggeredAt ?? "?"}, job ${r.jobId ?? "?"} ${r.jobStatus ?? ""} (${r.jobStartTime ?? "?"} → ${r.jobEndTime ?? "?"}), verified ${r.verifiedAt ?? "–"}: time to restore ${minutes(r.timeToRestoreSeconds)}`,
        );
        for (const o of [r.objectives.rto, r.objectives.rpo]) if (o) lines.push(`- ${o.passed ? "✔" : "✘"} ${o.detail}`);
        for (const c of r.checks)
            lines.push(
                `- ${c.passed ? "✔" : "✘"} check \`${c.name}\`${c.resourceId ? ` (${c.resourceId.split("/").pop()})` : ""}: ${c.detail}`,
            );
        if (r.cleanup) lines.push(`- ${r.cleanup.verified ? "✔" : "✘"} cleanup: ${r.cleanup.detail}`);
        for (const f of r.failures) lines.push(`- **failure**: ${f}`);
        lines.push(``);
    }
    return lines.join("\n");
}

export const REPORT_FILES = { json: "drill-report.json", junit: "drill-report.xml", markdown: "drill-report.md" } as const;

/**
 * Checks that a report can be written to `dir` (creating it), before a drill starts: a drill is not
 * run only to lose its evidence at the end.
 */
export function ensureWritableReportDir(dir: string): void {
    try {
        fs.mkdirSync(dir, { recursive: true });
        const probe = path.join(dir, `.vmrestore-write-test-${process.pid}`);
        fs.writeFileSync(probe, "");
        fs.rmSync(probe);
    } catch (e) {
        throw new Error(
            `--report ${dir}: the report directory cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a directory you can write to`,
            { cause: e },
        );
    }
}

/** Writes the three report files; answers their paths. */
export function writeDrillReport(report: DrillReport, dir: string): string[] {
    ensureWritableReportDir(dir);
    const files: [string, string][] = [
        [REPORT_FILES.json, renderJson(report)],
        [REPORT_FILES.junit, renderJunit(report)],
        [REPORT_FILES.markdown, renderMarkdown(report)],
    ];
    return files.map(([name, text]) => {
        const file = path.join(dir, name);
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
        return file;
    });
}

/** A report entry's one-line summary, for consoles. */
export function summaryLine(r: RestoreReport): string {
    return `${r.result === "passed" ? "passed" : "FAILED"}  ${r.name}: RPO ${minutes(r.recoveryPointAgeSeconds)}, RTO ${minutes(r.timeToRestoreSeconds)}, checks ${r.checks.filter((c) => c.passed).length}/${r.checks.length}${r.failures.length ? ` — ${r.failures.join("; ")}` : ""}`;
}
