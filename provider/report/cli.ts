#!/usr/bin/env node
/**
 * The drill report of any stack that uses VmRestore: `vmrestore-report` (the installed package's
 * bin), or `npm run report --` in this repository.
 *
 *   npm run report -- --stack-state state.json --out reports/    # `pulumi stack export --show-secrets > state.json`
 *   npm run report -- --stack org/project/dev --out reports/     # runs `pulumi stack export` (current backend, PULUMI_* env)
 *   pulumi stack export | npm run --silent report -- --stack-state - --out reports/
 *
 * Writes drill-report.json, drill-report.xml (JUnit) and drill-report.md into --out.
 */
import * as fs from "fs";
import { execFileSync } from "child_process";
import { optionValue } from "./cli-args";
import { ensureWritableReportDir, reportFromStackExport, StackExport, summaryLine, writeDrillReport } from ".";

const USAGE = "usage: vmrestore-report (--stack-state FILE|- | --stack NAME [--cwd DIR]) --out DIR";

interface ReportArgs {
    stackState?: string;
    stack?: string;
    cwd?: string;
    out?: string;
}

function parseArgs(argv: string[]): ReportArgs {
    const a: ReportArgs = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => optionValue(argv, i++, USAGE);
        if (arg === "--stack-state") a.stackState = value();
        else if (arg === "--stack") a.stack = value();
        else if (arg === "--cwd") a.cwd = value();
        else if (arg === "--out") a.out = value();
        else if (arg === "--help" || arg === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw new Error(`unknown option ${arg}; ${USAGE}`);
    }
    if (!a.out) throw new Error(`--out DIR is required; ${USAGE}`);
    if (!!a.stackState === !!a.stack) throw new Error(`give either --stack-state FILE or --stack NAME; ${USAGE}`);
    return a;
}

function readState(a: ReportArgs): { state: StackExport; stack: string } {
    let text: string;
    if (a.stackState) {
        try {
            text = fs.readFileSync(a.stackState === "-" ? 0 : a.stackState, "utf8");
        } catch (e) {
            throw new Error(
                `--stack-state ${a.stackState}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
                {
                    cause: e,
                },
            );
        }
    } else {
        try {
            text = execFileSync("pulumi", ["stack", "export", "--show-secrets", "--stack", a.stack!], {
                cwd: a.cwd,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                maxBuffer: 1 << 30,
            });
        } catch (e) {
            const err = e as { stderr?: string; message: string };
            throw new Error(`pulumi stack export --stack ${a.stack} failed: ${(err.stderr || err.message).trim()}`, { cause: e });
        }
    }
    let state: StackExport;
    try {
        state = JSON.parse(text) as StackExport;
    } catch (e) {
        throw new Error(`${a.stackState ?? `stack ${a.stack}`}: not JSON (${(e as Error).message}); give \`pulumi stack export\` output`, {
            cause: e,
        });
    }
    const fromManifest = a.stack ?? (a.stackState === "-" ? "stdin" : a.stackState!);
    return { state, stack: fromManifest };
}

function main(): number {
    const a = parseArgs(process.argv.slice(2));
    const { state, stack } = readState(a);
    ensureWritableReportDir(a.out!);
    const report = reportFromStackExport(state, { stack });
    if (report.restores.length === 0) console.error(`warning: ${stack} holds no VmRestore resources; the report is empty`);
    for (const r of report.restores) console.log(summaryLine(r));
    for (const f of writeDrillReport(report, a.out!)) console.log(`wrote ${f}`);
    return report.summary.failed === 0 ? 0 : 1;
}

try {
    process.exit(main());
} catch (e) {
    console.error(`report FAILED: ${(e as Error).message}`);
    process.exit(2);
}
