/**
 * The DR drill: start the emulator, `pulumi up` the drill program through the real engine, report
 * each restore (recovery point and its age, times, RTO/RPO objectives, checks, cleanup),
 * `pulumi destroy`, and verify through ARM and the Blob service that nothing restored is left.
 *
 *   npm run drill                          # offline, on the emulator
 *   npm run drill -- --report DIR          # also write DIR/drill-report.{json,xml,md}
 *   npm run drill -- --backend URL         # state in any Pulumi backend (file://, azblob://, s3://, …)
 *   npm run drill -- --shards N            # N stacks run by N processes on one backend, one merged report
 *   npm run drill -- --keep                # leave the stack up; the emulator serves until Ctrl-C
 *   npm run drill -- --speed 3600          # emulator clock: simulated seconds per real second
 *   npm run drill -- --azure --settings drill.json   # real Azure (credentials from the environment)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { createEngineStack, EngineStack, REPO_ROOT } from "./engine-workspace";
import { optionValue } from "../provider/report/cli-args";
import { drillProgram } from "../examples/drill/drill-program";
import { EMULATOR_DEFAULTS, readDrillSettings } from "../examples/drill/drill-settings";
import {
    DrillReport,
    ensureWritableReportDir,
    mergeReports,
    restoreReportOf,
    StackExport,
    summaryLine,
    verifyCleanup,
    vmRestoresIn,
    withCleanup,
    writeDrillReport,
    REPORT_FILES,
    drillReport,
} from "../provider/report";

const USAGE =
    "usage: npm run drill -- [--report DIR] [--backend URL] [--shards N] [--stack NAME] [--keep] [--speed N] [--azure --settings drill.json]";

interface DrillArgs {
    keep: boolean;
    azure: boolean;
    settings?: string;
    speed: number;
    report?: string;
    backend?: string;
    shards: number;
    stack: string;
    /** Use this running emulator instead of starting one (shards, tests). */
    emulatorUrl?: string;
    /** This runner's VMs (shards): comma lists, "" for none. */
    diskVms?: string[];
    newVms?: string[];
}

function parseArgs(argv: string[]): DrillArgs {
    const a: DrillArgs = { keep: false, azure: false, speed: 600, shards: 1, stack: "drill" };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => optionValue(argv, i++, USAGE);
        const list = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${arg} needs a comma-separated list of VM names ("" for none)`);
            return v
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
        };
        if (arg === "--keep") a.keep = true;
        else if (arg === "--azure") a.azure = true;
        else if (arg === "--settings") a.settings = value();
        else if (arg === "--speed") a.speed = Number(value());
        else if (arg === "--report") a.report = value();
        else if (arg === "--backend") a.backend = value();
        else if (arg === "--shards") a.shards = Number(value());
        else if (arg === "--stack") a.stack = value();
        else if (arg === "--emulator-url") a.emulatorUrl = value();
        else if (arg === "--disk-vms") a.diskVms = list();
        else if (arg === "--new-vms") a.newVms = list();
        else if (arg === "--help" || arg === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw new Error(`unknown option ${arg}; ${USAGE}`);
    }
    if (!Number.isFinite(a.speed) || a.speed <= 0) throw new Error("--speed takes a positive number (simulated seconds per real second)");
    if (!Number.isInteger(a.shards) || a.shards < 1)
        throw new Error(`--shards takes a whole number of runners, 1 or more; got ${JSON.stringify(a.shards)}`);
    if (a.azure && !a.settings)
        throw new Error("--azure needs --settings FILE: a JSON object of drill settings (see examples/drill/drill-settings.ts)");
    if (a.shards > 1 && a.keep) throw new Error("--keep runs one stack; it cannot be combined with --shards");
    if (!/^[A-Za-z0-9_.-]+$/.test(a.stack)) throw new Error(`--stack ${a.stack}: a stack name is letters, digits, "-", "_" or "."`);
    if (a.backend) checkBackendUrl(a.backend);
    return a;
}

/** The shape of a backend URL, checked before anything runs (whether it is reachable shows at login). */
function checkBackendUrl(url: string): void {
    const m = /^([a-z0-9+]+):\/\//i.exec(url);
    if (!m || !["file", "azblob", "s3", "gs", "http", "https"].includes(m[1].toLowerCase())) {
        throw new Error(
            `--backend ${url}: not a Pulumi backend URL; use file://DIR, azblob://CONTAINER, s3://BUCKET, gs://BUCKET or https://api.pulumi.com`,
        );
    }
    if (m[1].toLowerCase() === "file") {
        const dir = url.slice("file://".length).replace(/\?.*$/, "");
        try {
            fs.mkdirSync(dir, { recursive: true });
            fs.accessSync(dir, fs.constants.W_OK);
        } catch (e) {
            throw new Error(
                `--backend ${url}: the state directory cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
                { cause: e },
            );
        }
    }
}

/** Settings as `vmrestore-drill:*` config: from --settings (Azure) and this runner's VMs. */
function drillConfig(a: DrillArgs): { config: Record<string, string>; diskVms: string[]; newVms: string[] } {
    const config: Record<string, string> = {};
    let settings: Record<string, unknown> = {};
    if (a.settings) {
        try {
            settings = JSON.parse(fs.readFileSync(a.settings, "utf8")) as Record<string, unknown>;
        } catch (e) {
            throw new Error(`--settings ${a.settings}: cannot be read as JSON (${(e as Error).message})`, { cause: e });
        }
    }
    for (const [k, v] of Object.entries(settings)) config[`vmrestore-drill:${k}`] = Array.isArray(v) ? v.join(",") : String(v);
    const asList = (v: unknown, d: string[]) =>
        Array.isArray(v)
            ? v.map(String)
            : typeof v === "string"
              ? v
                    .split(",")
                    .map((s) => s.trim())
                    .filter(Boolean)
              : d;
    const diskVms = a.diskVms ?? asList(settings.diskRestoreVms, EMULATOR_DEFAULTS.diskRestoreVms);
    const newVms = a.newVms ?? asList(settings.newVmRestoreVms, EMULATOR_DEFAULTS.newVmRestoreVms);
    config["vmrestore-drill:diskRestoreVms"] = diskVms.join(",");
    config["vmrestore-drill:newVmRestoreVms"] = newVms.join(",");
    return { config, diskVms, newVms };
}

interface Emulator {
    url: string;
    env: Record<string, string>;
    stop(): Promise<void>;
}

/** Starts the emulator (HTTPS, Entra ID-like tokens: the provider runs the real DefaultAzureCredential chain). */
async function startDrillEmulator(speed: number): Promise<Emulator> {
    const { startEmulator } = await import("../emulator/server/server");
    // The strict variants (docs/azure-behaviour.md): the drill meets Azure's less forgiving answers.
    const started = await startEmulator({ port: 0, clockSpeed: speed, tls: true, auth: "entra", variants: "strict" });
    console.log(`emulator: ${started.url} (clock ×${speed}, TLS with CA ${started.caCertPath}, Entra ID tokens)`);
    return { url: started.url, env: await emulatorEnv(started.url, started.caCertPath), stop: () => started.stop() };
}

/** The environment the provider needs for an emulator at this URL. */
async function emulatorEnv(url: string, caCertPath?: string): Promise<Record<string, string>> {
    if (!url.startsWith("https:")) return {}; // plain http on loopback: no credential at all
    const { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET, defaultSeed } = await import("../emulator/world/seed");
    return {
        AZURE_CLIENT_ID: DRILL_CLIENT_ID,
        AZURE_CLIENT_SECRET: DRILL_CLIENT_SECRET,
        AZURE_TENANT_ID: defaultSeed().tenantId,
        AZURE_AUTHORITY_HOST: url,
        ...((caCertPath ?? process.env.NODE_EXTRA_CA_CERTS)
            ? { NODE_EXTRA_CA_CERTS: (caCertPath ?? process.env.NODE_EXTRA_CA_CERTS)! }
            : {}),
    };
}

const isLockConflict = (e: unknown) => /currently locked by/i.test(String((e as Error)?.message ?? e));

/** One runner: one stack, up → report → destroy → cleanup verified. */
async function runStack(a: DrillArgs, emulator: Emulator | undefined): Promise<DrillReport> {
    const { config } = drillConfig(a);
    if (emulator) config["vmrestore-drill:armEndpoint"] = emulator.url;
    let engine: EngineStack;
    try {
        engine = await createEngineStack({
            projectName: "vmrestore-drill",
            stackName: a.stack,
            program: async () => drillProgram(readDrillSettings()),
            config,
            envVars: emulator?.env ?? {},
            backendUrl: a.backend,
        });
    } catch (e) {
        throw new Error(
            `--backend ${a.backend ?? "(temp file backend)"}: cannot open stack ${a.stack} there: ${firstLines((e as Error).message)}. Nothing was restored.`,
            { cause: e },
        );
    }
    console.log(`stack ${a.stack} in ${engine.backendUrl}\n\n== pulumi up (${a.stack})`);
    let upError: Error | undefined;
    let destroyed = false;
    try {
        try {
            await engine.stack.up({ onOutput: (s) => process.stdout.write(s), color: "never" });
        } catch (e) {
            if (isLockConflict(e)) {
                throw new Error(
                    `stack ${a.stack} in ${engine.backendUrl} is locked by another runner: this runner stops without touching it. ` +
                        "Give each runner its own --stack (or --shards), or wait for the other one; if it was killed, `pulumi cancel` releases the lock.",
                    { cause: e },
                );
            }
            upError = e as Error;
        }
        const recorded = vmRestoresIn((await engine.stack.exportStack()) as unknown as StackExport);
        let restores = recorded.map((r) => restoreReportOf(r.outputs, r.urn));
        if (a.keep) {
            console.log(`\n--keep: the stack stays up (backend ${engine.backendUrl}).`);
        } else {
            console.log(`\n== pulumi destroy (${a.stack})`);
            await engine.stack.destroy({ onOutput: (s) => process.stdout.write(s), color: "never" });
            destroyed = true;
            // Through ARM and the Blob service, as the provider reaches them: it holds on Azure too.
            restores = await Promise.all(
                recorded.map(async (r, i) => withCleanup(restores[i], await verifyCleanup(r.outputs, (l) => console.log(l)))),
            );
        }
        // An up that failed where no restore shows why (a program error, a failed pre-flight) still fails the drill.
        if (upError && restores.every((r) => r.result === "passed")) restores.push(failedRun(a.stack, upError));
        return drillReport(restores, { stacks: [a.stack], project: "vmrestore-drill" });
    } finally {
        if (!destroyed && !a.keep && upError) {
            await engine.stack
                .destroy({ color: "never" })
                .catch((err: Error) => console.error(`cleanup destroy failed: ${firstLines(err.message)}`));
        }
        // The temp workspace (and, without --backend, the temp file backend) goes; a named backend keeps its state.
        if (!a.keep) engine.cleanup();
    }
}

/** A run that failed before any restore was recorded still shows in the report. */
function failedRun(stack: string, e: Error) {
    return {
        ...restoreReportOf({ resourceName: `${stack} (pulumi up)`, sourceVmId: "-", restoreType: "-", jobStatus: "NotRecorded" }),
        failures: [`pulumi up failed: ${firstLines(e.message)}`],
    };
}

function firstLines(text: string, n = 12): string {
    const lines = text.split("\n").filter((l) => l.trim());
    const important = lines.filter((l) => /error|failed|locked|refused|cannot/i.test(l));
    return (important.length ? important : lines).slice(0, n).join(" | ");
}

/** Splits the VMs into N runners' lists, as evenly as possible, keeping each VM's restore type. */
export function shardVms(diskVms: string[], newVms: string[], shards: number): { diskVms: string[]; newVms: string[] }[] {
    const all = [...diskVms.map((vm) => ({ vm, kind: "disk" as const })), ...newVms.map((vm) => ({ vm, kind: "new" as const }))];
    if (shards > all.length)
        throw new Error(
            `--shards ${shards}: only ${all.length} VM(s) to restore (${all.map((x) => x.vm).join(", ")}); use at most ${all.length} shards`,
        );
    const out = Array.from({ length: shards }, () => ({ diskVms: [] as string[], newVms: [] as string[] }));
    all.forEach((x, i) => (x.kind === "disk" ? out[i % shards].diskVms : out[i % shards].newVms).push(x.vm));
    return out;
}

/** N runners (separate processes, as CI matrix jobs would be) on one backend; their reports merged. */
async function runShards(a: DrillArgs, emulator: Emulator | undefined): Promise<DrillReport> {
    const { diskVms, newVms } = drillConfig(a);
    const split = shardVms(diskVms, newVms, a.shards);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-shards-"));
    const backend = a.backend ?? `file://${path.join(work, "state")}`;
    try {
        const runs = split.map((s, i) => {
            const stack = `${a.stack}-shard-${i + 1}`;
            const dir = path.join(work, stack);
            const args = [
                "-r",
                "ts-node/register/transpile-only",
                __filename,
                "--stack",
                stack,
                "--backend",
                backend,
                "--report",
                dir,
                "--disk-vms",
                s.diskVms.join(","),
                "--new-vms",
                s.newVms.join(","),
                ...(emulator ? ["--emulator-url", emulator.url] : []),
                ...(a.azure ? ["--azure", "--settings", a.settings!] : []),
            ];
            console.log(`shard ${i + 1}/${a.shards}: stack ${stack}: ${[...s.diskVms, ...s.newVms].join(", ")}`);
            const child = spawn(process.execPath, args, {
                cwd: REPO_ROOT,
                env: { ...process.env, ...(emulator?.env ?? {}) },
                stdio: ["ignore", "pipe", "pipe"],
            });
            const prefix = (chunk: Buffer) =>
                chunk
                    .toString()
                    .split("\n")
                    .filter((l) => l)
                    .map((l) => `[${stack}] ${l}\n`)
                    .join("");
            child.stdout.on("data", (d: Buffer) => process.stdout.write(prefix(d)));
            child.stderr.on("data", (d: Buffer) => process.stderr.write(prefix(d)));
            return new Promise<{ stack: string; code: number; dir: string }>((resolve) =>
                child.on("exit", (code) => resolve({ stack, code: code ?? 1, dir })),
            );
        });
        const done = await Promise.all(runs);
        const reports: DrillReport[] = [];
        for (const d of done) {
            const file = path.join(d.dir, REPORT_FILES.json);
            if (fs.existsSync(file)) reports.push(JSON.parse(fs.readFileSync(file, "utf8")) as DrillReport);
            else
                reports.push(
                    drillReport([failedRun(d.stack, new Error(`runner exited ${d.code} without a report`))], {
                        stacks: [d.stack],
                        project: "vmrestore-drill",
                    }),
                );
        }
        return mergeReports(reports);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Whatever a restore created that the emulator still holds (its admin view: a second opinion). */
async function emulatorLeftovers(url: string): Promise<string[]> {
    const res = await (await import("node-fetch")).default(`${url}/admin/resources`);
    return ((await res.json()) as { resources: { id: string }[] }).resources.map((r) => r.id);
}

async function main(): Promise<number> {
    let a: DrillArgs;
    try {
        a = parseArgs(process.argv.slice(2));
        // Checked first: a drill is not run only to lose its evidence.
        if (a.report) ensureWritableReportDir(a.report);
        if (a.shards > 1) {
            const { diskVms, newVms } = drillConfig(a);
            shardVms(diskVms, newVms, a.shards);
        }
    } catch (e) {
        console.error(`drill: ${(e as Error).message}`);
        return 2;
    }
    const started = Date.now();
    let emulator: Emulator | undefined;
    try {
        if (a.emulatorUrl) emulator = { url: a.emulatorUrl, env: await emulatorEnv(a.emulatorUrl), stop: async () => undefined };
        else if (!a.azure) emulator = await startDrillEmulator(a.speed);
        // The cleanup check in this process signs in as the provider does.
        if (emulator) for (const [k, v] of Object.entries(emulator.env)) if (k !== "NODE_EXTRA_CA_CERTS") process.env[k] = v;
        const report = a.shards > 1 ? await runShards(a, emulator) : await runStack(a, emulator);
        if (emulator && !a.emulatorUrl && !a.keep) {
            const left = await emulatorLeftovers(emulator.url);
            if (left.length) throw new Error(`destroy left restored resources behind in the emulator: ${left.join(", ")}`);
        }
        console.log(`\nDrill report (${report.stacks.join(", ")})`);
        for (const r of report.restores) console.log(`  ${summaryLine(r)}`);
        if (a.report) for (const f of writeDrillReport(report, a.report)) console.log(`wrote ${f}`);
        if (a.keep && emulator && !a.emulatorUrl) {
            console.log(`The emulator keeps serving at ${emulator.url}; press Ctrl-C to stop it.`);
            await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
        }
        if (report.summary.failed > 0) {
            console.error(`\nDrill FAILED: ${report.summary.failed} of ${report.summary.restores} restore(s) failed`);
            return 1;
        }
        console.log(
            `\nDrill passed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.summary.restores} restores up, verified${a.keep ? "" : " and torn down (cleanup verified)"}.`,
        );
        return 0;
    } catch (e) {
        console.error(`\nDrill FAILED: ${(e as Error).message}`);
        return 1;
    } finally {
        await emulator?.stop();
    }
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e) => {
            console.error(e);
            process.exit(1);
        },
    );
}
