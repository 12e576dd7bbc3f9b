/**
 * Every example is a Pulumi project of its own: copied out of the repository, installed with npm
 * (the packed vmrestore tarball standing in for the published release), and run with the plain
 * `pulumi` CLI against the emulator — stack init, config, up, a second up that must change nothing,
 * destroy, and no leftovers. The repository's root Pulumi.yaml (the drill) runs the same way.
 */
import type { VmRestoreOutputs } from "../../provider/restore/restore-inputs";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/engine-workspace";
import {
    InstalledEmulator,
    cliWithLanguageHostOrSkip,
    npmInstall,
    packedTarballs,
    PulumiCli,
    run,
    tempProjectDir,
} from "../../scripts/npm-package";

const DISK = /\/resourceGroups\/rg-restore\/providers\/Microsoft\.Compute\/disks\/[^/]+$/i;

/**
 * What the examples export: outputs of their VmRestore, as `pulumi stack output --json` prints them
 * (an example exports those its checks below read).
 */
type ExampleOutputs = { [K in keyof VmRestoreOutputs]-?: NonNullable<VmRestoreOutputs[K]> };

/** What each example's outputs must show after `pulumi up`. */
const EXPECTED: Record<string, (outs: ExampleOutputs) => void> = {
    "restore-disks": (o) => {
        assert.match(o.osDiskId, DISK);
        assert.ok(Array.isArray(o.dataDisks) && o.dataDisks.every((d) => DISK.test(d.diskId)));
        assert.match(o.jobDuration, /^P/);
    },
    "restore-as-new-vm": (o) => {
        assert.match(o.restoredVmId, /\/virtualMachines\/vm-app01-drill$/i);
        assert.ok(o.networkInterfaceIds.length >= 1 && o.restoredDiskIds.length >= 1);
    },
    "selective-disks": (o) => {
        assert.equal(o.recoveryPointType, "AppConsistent");
        assert.match(o.osDiskId, DISK);
        assert.deepEqual(
            o.dataDisks.map((d) => d.lun),
            [1],
        );
    },
    "cross-region": (o) => {
        assert.equal(o.restoreRegion, "northeurope");
        assert.match(o.restoredVmId, /\/resourceGroups\/rg-dr\/providers\/Microsoft\.Compute\/virtualMachines\/vm-app01-dr$/i);
    },
};

/** Examples that need real Azure and the azure-native plugin: type-checked here, not run. */
const AZURE_ONLY = new Set(["azure-vm-from-restored-disks"]);

function exampleNames(): string[] {
    const root = path.join(REPO_ROOT, "examples");
    return fs
        .readdirSync(root)
        .filter((d) => fs.existsSync(path.join(root, d, "Pulumi.yaml")))
        .sort();
}

/** A copy of a project folder without installed modules or local state. */
function copyProject(from: string, to: string): void {
    fs.cpSync(from, to, { recursive: true, filter: (src) => !/[\\/](node_modules|\.state|\.pulumi-home)$/.test(src) });
}

describe("the examples, each as its own Pulumi project through the plain CLI", function () {
    this.timeout(20 * 60_000);
    const emulator = new InstalledEmulator();
    let emulatorHome: string;

    before(async () => {
        // The emulator as users get it: the vmrestore-emulator package's bin.
        emulatorHome = tempProjectDir("emulator");
        fs.writeFileSync(path.join(emulatorHome, "package.json"), JSON.stringify({ name: "emulator-home", private: true }));
        npmInstall(emulatorHome, [`vmrestore-emulator@file:${packedTarballs().emulator}`]);
        await emulator.start(emulatorHome, ["--speed", "36000", "--variants", "strict"]);
    });
    after(async () => {
        await emulator.stop();
        if (emulatorHome) fs.rmSync(emulatorHome, { recursive: true, force: true });
    });

    it("has a package.json, tsconfig.json and Pulumi.yaml in every example, and a check for each that runs here", () => {
        for (const name of exampleNames()) {
            if (name === "drill") continue; // the repository's own program: run from the root Pulumi.yaml below
            const dir = path.join(REPO_ROOT, "examples", name);
            for (const f of ["package.json", "tsconfig.json", "Pulumi.yaml", "index.ts"])
                assert.ok(fs.existsSync(path.join(dir, f)), `examples/${name}/${f}`);
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            assert.equal(pkg.main, "index.ts");
            assert.ok(pkg.dependencies.vmrestore, `examples/${name} depends on vmrestore`);
            assert.ok(EXPECTED[name] || AZURE_ONLY.has(name), `examples/${name} has expectations in this test`);
        }
    });

    for (const name of exampleNames().filter((n) => n !== "drill")) {
        if (AZURE_ONLY.has(name)) {
            it(`${name}: installs and type-checks as its own project (running it needs real Azure and the azure-native plugin)`, () => {
                const dir = tempProjectDir(name);
                try {
                    copyProject(path.join(REPO_ROOT, "examples", name), dir);
                    npmInstall(dir, [`vmrestore@file:${packedTarballs().provider}`]);
                    run(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", ".", "--noEmit"], dir);
                    assert.ok(fs.existsSync(path.join(dir, "node_modules", "vmrestore", "dist", "index.d.ts")));
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            });
            continue;
        }
        it(`${name}: pulumi up, a second up changes nothing, pulumi destroy leaves nothing`, async function () {
            const binDir = cliWithLanguageHostOrSkip(this);
            await emulator.admin("POST", "/admin/reset");
            const dir = tempProjectDir(name);
            try {
                copyProject(path.join(REPO_ROOT, "examples", name), dir);
                npmInstall(dir, [`vmrestore@file:${packedTarballs().provider}`]);
                const cli = new PulumiCli(dir, binDir);
                cli.run("stack", "init", "dev");
                cli.run("config", "set", "armEndpoint", emulator.url);
                cli.run("up", "--yes");
                const outs = cli.outputs<ExampleOutputs>();
                EXPECTED[name](outs);
                assert.equal(await emulator.restorePosts(), 1, "one restore");
                cli.run("up", "--yes", "--expect-no-changes");
                assert.deepEqual(cli.outputs(), outs);
                assert.equal(await emulator.restorePosts(), 1, "a second up restores nothing again");
                cli.run("destroy", "--yes");
                assert.deepEqual(await emulator.leftovers(), []);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }

    it("the repository's root Pulumi.yaml runs the drill with plain `pulumi up` and `pulumi destroy`", async function () {
        const binDir = cliWithLanguageHostOrSkip(this);
        await emulator.admin("POST", "/admin/reset");
        // A checkout's copy (the CLI writes stack config beside Pulumi.yaml; the repository stays clean).
        const dir = tempProjectDir("root-drill");
        try {
            for (const p of ["Pulumi.yaml", "package.json", "tsconfig.json", "provider", path.join("examples", "drill")]) {
                fs.cpSync(path.join(REPO_ROOT, p), path.join(dir, p), { recursive: true });
            }
            fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
            const cli = new PulumiCli(dir, binDir);
            cli.run("stack", "init", "drill");
            cli.run("config", "set", "vmrestore-drill:armEndpoint", emulator.url);
            cli.run("up", "--yes");
            const restores = cli.outputs().restores as { name: string; jobStatus: string; restoredDiskIds: string[] }[];
            assert.deepEqual(restores.map((r) => r.name).sort(), ["disks-vm-db01", "disks-vm-web01", "newvm-vm-app01"]);
            assert.ok(restores.every((r) => r.jobStatus === "Completed" && r.restoredDiskIds.length > 0));
            assert.equal(await emulator.restorePosts(), 3);
            cli.run("destroy", "--yes");
            assert.deepEqual(await emulator.leftovers(), []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
