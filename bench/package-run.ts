/**
 * VmRestore as an installed npm package: N restores in a user's Pulumi project (the packed
 * tarball installed into a folder outside the repository), run with the plain `pulumi` CLI against
 * the emulator; what the state holds per restore, and how long `up` and `destroy` take.
 */
import * as fs from "fs";
import * as path from "path";
import { benchSeed, benchVmId, benchVmName, RG_RESTORE, STAGING_ID, VAULT_ID } from "./bench-seed";
import {
    InstalledEmulator,
    languageHost,
    npmInstall,
    packedTarballs,
    PulumiCli,
    tempProjectDir,
    vmRestoresIn,
} from "../scripts/npm-package";

export interface PackageRow {
    count: number;
    ok: boolean;
    error?: string;
    upS: number;
    destroyS: number;
    stateBytes: number;
    bytesPerRestore: { mean: number; max: number };
    providerBytes: number;
    leftovers: number;
}

/** The goal per restore (issue: state stays small, as an installed package). */
export const STATE_GOAL_BYTES = 20_000;

function program(count: number): string {
    const vms = Array.from({ length: count }, (_, i) => ({ name: benchVmName(i + 1), id: benchVmId(benchVmName(i + 1)) }));
    return `import * as pulumi from "@pulumi/pulumi";
import { VmRestore } from "vmrestore";
const armEndpoint = new pulumi.Config().require("armEndpoint");
export const statuses = ${JSON.stringify(vms)}.map((vm) => new VmRestore(vm.name, {
    vaultId: ${JSON.stringify(VAULT_ID)},
    sourceVmId: vm.id,
    restoreType: "RestoreDisks",
    storageAccountId: ${JSON.stringify(STAGING_ID)},
    targetResourceGroupId: ${JSON.stringify(RG_RESTORE)},
    armEndpoint,
}).jobStatus);
`;
}

export async function packageRun(count: number, say: (l: string) => void): Promise<PackageRow> {
    const row: PackageRow = {
        count,
        ok: false,
        upS: 0,
        destroyS: 0,
        stateBytes: 0,
        bytesPerRestore: { mean: 0, max: 0 },
        providerBytes: 0,
        leftovers: 0,
    };
    const host = languageHost();
    if (host.missing) return { ...row, error: host.missing };
    const dir = tempProjectDir("bench-package");
    // In a process of its own: this one waits on the synchronous CLI.
    const seedFile = path.join(dir, "emulator-seed.json");
    fs.writeFileSync(seedFile, JSON.stringify(benchSeed({ vmCount: count, restoreSeconds: 1800 })));
    const emu = new InstalledEmulator();
    try {
        await emu.startFromSource(["--speed", "3600", "--seed", seedFile, "--variants", "strict"]);
        const tarballs = packedTarballs();
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify({
                name: "bench-installed-vmrestore",
                private: true,
                main: "index.ts",
                dependencies: { "@pulumi/pulumi": "3.248.0", vmrestore: `file:${tarballs.provider}` },
                devDependencies: { typescript: "^5.9.3", "ts-node": "^10.9.2", "@types/node": "^20.19.43" },
            }),
        );
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            "name: bench-installed-vmrestore\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
        );
        fs.writeFileSync(path.join(dir, "index.ts"), program(count));
        say(`  installing the packed vmrestore into ${dir}`);
        npmInstall(dir);
        const cli = new PulumiCli(dir, host.binDir, { PULUMI_SKIP_CHECKPOINTS: "true" });
        cli.run("stack", "init", "bench");
        cli.run("config", "set", "armEndpoint", emu.url);
        let t = Date.now();
        cli.run("up", "--yes", "--skip-preview", "--parallel", String(count));
        row.upS = (Date.now() - t) / 1000;
        const state = cli.exportedState();
        const restores = vmRestoresIn(state);
        row.stateBytes = Buffer.byteLength(state, "utf8");
        const sizes = restores.map((r) => r.bytes);
        row.bytesPerRestore = {
            mean: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)),
            max: Math.max(0, ...sizes),
        };
        row.providerBytes = Math.max(0, ...restores.map((r) => Buffer.byteLength(r.provider, "utf8")));
        t = Date.now();
        cli.run("destroy", "--yes", "--skip-preview", "--parallel", String(count));
        row.destroyS = (Date.now() - t) / 1000;
        row.leftovers = (await emu.leftovers()).length;
        row.ok = restores.length === count && row.leftovers === 0;
        if (restores.length !== count) row.error = `the state holds ${restores.length} VmRestore resources, not ${count}`;
    } catch (e) {
        row.error = (e as Error).message.slice(0, 600);
    } finally {
        await emu.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    say(
        `  N=${count} installed: up ${row.upS.toFixed(1)} s, destroy ${row.destroyS.toFixed(1)} s, ${row.bytesPerRestore.mean} bytes of state per restore${row.error ? `; FAILED: ${row.error}` : ""}`,
    );
    return row;
}

export function packageMarkdown(rows: PackageRow[]): string {
    const out = [
        `| restores | up | destroy | state | per restore (mean / max) | stored provider | goal ≤ ${STATE_GOAL_BYTES / 1000} KB per restore | leftovers |`,
        "| ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |",
    ];
    for (const r of rows) {
        if (r.error && !r.ok) {
            out.push(`| ${r.count} | — | — | — | — | — | ✗ | ${r.error.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`);
            continue;
        }
        const kb = (b: number) => `${(b / 1000).toFixed(1)} KB`;
        out.push(
            `| ${r.count} | ${r.upS.toFixed(1)} s | ${r.destroyS.toFixed(1)} s | ${kb(r.stateBytes)} | ${kb(r.bytesPerRestore.mean)} / ${kb(r.bytesPerRestore.max)} | ${r.providerBytes} B | ${r.bytesPerRestore.max <= STATE_GOAL_BYTES ? "✓" : "✗"} | ${r.leftovers} |`,
        );
    }
    return out.join("\n");
}
