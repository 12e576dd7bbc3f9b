/**
 * The DR drill: start the emulator, `pulumi up` the drill program through the real engine, print the
 * outputs and a summary, `pulumi destroy`, and check nothing restored is left behind.
 *
 *   npm run drill                          # offline, on the emulator
 *   npm run drill -- --keep                # leave the stack up; the emulator serves until Ctrl-C
 *   npm run drill -- --speed 3600          # emulator clock: simulated seconds per real second
 *   npm run drill -- --azure --settings drill.json   # real Azure (credentials from the environment)
 */
import * as fs from "fs";
import { createEngineStack, EngineStack } from "./engine-workspace";
import { drillProgram } from "../examples/drill/drill-program";
import { readDrillSettings } from "../examples/drill/drill-settings";

interface DrillArgs {
    keep: boolean;
    azure: boolean;
    settings?: string;
    speed: number;
}

function parseArgs(argv: string[]): DrillArgs {
    const a: DrillArgs = { keep: false, azure: false, speed: 600 };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--keep") a.keep = true;
        else if (arg === "--azure") a.azure = true;
        else if (arg === "--settings") a.settings = argv[++i];
        else if (arg === "--speed") a.speed = Number(argv[++i]);
        else if (arg === "--help" || arg === "-h") {
            console.log("usage: npm run drill -- [--keep] [--speed N] [--azure --settings drill.json]");
            process.exit(0);
        } else throw new Error(`unknown option ${arg}; see --help`);
    }
    if (!Number.isFinite(a.speed) || a.speed <= 0) throw new Error("--speed takes a positive number (simulated seconds per real second)");
    if (a.azure && !a.settings) throw new Error("--azure needs --settings FILE: a JSON object of drill settings (see examples/drill/drill-settings.ts)");
    return a;
}

interface RestoreSummary {
    name: string;
    recoveryPointId: string;
    recoveryPointTime: string;
    jobStatus: string;
    jobDurationSeconds?: number;
    timeToRestoreSeconds: number;
    restoredDiskIds: string[];
    restoredVmId?: string;
    warnings: string[];
}

function printSummary(restores: RestoreSummary[]): void {
    const rows = restores.map((r) => [
        r.name, r.recoveryPointId, r.recoveryPointTime, `${r.timeToRestoreSeconds.toFixed(1)} s`,
        r.jobDurationSeconds !== undefined ? `${Math.round(r.jobDurationSeconds)} s` : "-",
        `${r.jobStatus}${r.warnings.length ? " (warnings)" : ""}`,
        r.restoredVmId ? `VM + ${r.restoredDiskIds.length} disks` : `${r.restoredDiskIds.length} disks`,
    ]);
    const head = ["restore", "recovery point", "point time", "time to restore", "job (Azure time)", "result", "restored"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
    console.log("\nDrill summary");
    console.log(line(head));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of rows) console.log(line(r));
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    let emulator: { url: string; stop(): Promise<void> } | undefined;
    let engine: EngineStack | undefined;
    let failed = false;
    try {
        const config: Record<string, string> = {};
        const envVars: Record<string, string> = {};
        if (args.azure) {
            const settings = JSON.parse(fs.readFileSync(args.settings!, "utf8")) as Record<string, unknown>;
            for (const [k, v] of Object.entries(settings)) config[`vmrestore-drill:${k}`] = Array.isArray(v) ? v.join(",") : String(v);
        } else {
            // HTTPS with the emulator's own CA and Entra ID-like tokens: the provider runs the real
            // DefaultAzureCredential chain, as it would against Azure.
            const { startEmulator } = await import("../emulator/server");
            const { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET, defaultSeed } = await import("../emulator/seed");
            // The strict variants (docs/azure-behaviour.md): the drill meets Azure's less forgiving answers.
            const started = await startEmulator({ port: 0, clockSpeed: args.speed, tls: true, auth: "entra", variants: "strict" });
            emulator = started;
            console.log(`emulator: ${started.url} (clock ×${args.speed}, TLS with CA ${started.caCertPath}, Entra ID tokens)`);
            config["vmrestore-drill:armEndpoint"] = started.url;
            Object.assign(envVars, {
                AZURE_CLIENT_ID: DRILL_CLIENT_ID,
                AZURE_CLIENT_SECRET: DRILL_CLIENT_SECRET,
                AZURE_TENANT_ID: defaultSeed().tenantId,
                AZURE_AUTHORITY_HOST: started.url,
                NODE_EXTRA_CA_CERTS: started.caCertPath!,
            });
        }
        engine = await createEngineStack({
            projectName: "vmrestore-drill",
            stackName: "drill",
            program: async () => drillProgram(readDrillSettings()),
            config,
            envVars,
        });
        console.log(`state: ${engine.stateDir}\n\n== pulumi up`);
        const up = await engine.stack.up({ onOutput: (s) => process.stdout.write(s), color: "never" });
        const restores = (up.outputs.restores?.value ?? []) as RestoreSummary[];
        console.log(`\n== outputs\n${JSON.stringify(restores, null, 2)}`);
        printSummary(restores);
        const bad = restores.filter((r) => !["Completed", "CompletedWithWarnings"].includes(r.jobStatus));
        if (bad.length) throw new Error(`restores that did not complete: ${bad.map((r) => r.name).join(", ")}`);

        if (args.keep) {
            console.log(`\n--keep: the stack stays up (backend ${engine.stateDir}).`);
            if (emulator) {
                console.log(`The emulator keeps serving at ${emulator.url}; press Ctrl-C to stop it.`);
                await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
            }
            return 0;
        }
        console.log("\n== pulumi destroy");
        await engine.stack.destroy({ onOutput: (s) => process.stdout.write(s), color: "never" });
        if (emulator) {
            const res = await (await import("node-fetch")).default(`${emulator.url}/admin/resources`);
            const left = ((await res.json()) as { resources: { id: string }[] }).resources;
            if (left.length) throw new Error(`destroy left restored resources behind in the emulator: ${left.map((r) => r.id).join(", ")}`);
            console.log("emulator: no restored resources left behind");
        }
        console.log(`\nDrill passed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${restores.length} restores up, checked and torn down.`);
        return 0;
    } catch (e) {
        failed = true;
        console.error(`\nDrill FAILED: ${(e as Error).message}`);
        return 1;
    } finally {
        if (engine && !args.keep) {
            if (failed) {
                // Best effort: do not leave a half-torn-down drill behind in the emulator or Azure.
                await engine.stack.destroy({ color: "never" }).catch((err: Error) => console.error(`cleanup destroy failed: ${err.message}`));
            }
            engine.cleanup();
        }
        await emulator?.stop();
    }
}

main().then((code) => process.exit(code), (e) => {
    console.error(e);
    process.exit(1);
});
