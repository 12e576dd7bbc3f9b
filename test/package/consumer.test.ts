/**
 * A platform team's own Pulumi project, as a new user builds it: `npm install` of the packed
 * vmrestore and vmrestore-emulator tarballs into a folder outside the repository, a strict
 * TypeScript check, `require` from plain JavaScript, then plain `pulumi up` against the emulator
 * started from the installed package, a package upgrade, and `pulumi destroy`.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    InstalledEmulator,
    cliWithLanguageHostOrSkip,
    npmInstall,
    packedTarballs,
    PulumiCli,
    run,
    tempProjectDir,
    vmRestoresIn,
} from "../../scripts/npm-package";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VmRestore, VmRestoreArgs } from "vmrestore";

const config = new pulumi.Config();
const sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
const args: VmRestoreArgs = {
    vaultId: \`\${sub}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod\`,
    sourceVmId: \`\${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web01\`,
    restoreType: "RestoreDisks",
    storageAccountId: \`\${sub}/resourceGroups/rg-restore/providers/Microsoft.Storage/storageAccounts/stgrestore\`,
    targetResourceGroupId: \`\${sub}/resourceGroups/rg-restore\`,
    armEndpoint: config.require("armEndpoint"),
};
const restore = new VmRestore("web01", args);
export const jobId = restore.jobId;
export const jobStatus = restore.jobStatus;
export const recoveryPointId = restore.recoveryPointId;
export const osDiskId = restore.osDiskId;
export const restoredDiskIds = restore.restoredDiskIds;
`;

/** A tarball of the same package under another version (as `npm publish` of the next release would be). */
function nextVersionTarball(tarball: string, version: string): string {
    const dir = tempProjectDir("next-version");
    run("tar", ["-xzf", tarball, "-C", dir], dir);
    const pkgDir = path.join(dir, "package");
    const pkgFile = path.join(pkgDir, "package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
    pkg.version = version;
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    // New code, too: the version the provider reports in its User-Agent.
    const versionFile = path.join(pkgDir, "dist", "pulumi", "provider-version.js");
    fs.writeFileSync(versionFile, fs.readFileSync(versionFile, "utf8").replace(/version: "[^"]+"/, `version: "${version}"`));
    const out = run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], pkgDir).trim().split("\n").pop()!;
    return path.join(dir, out);
}

describe("vmrestore installed from npm into a user's Pulumi project", function () {
    this.timeout(15 * 60_000);
    const emulator = new InstalledEmulator();
    let project: string;

    before(function () {
        const tarballs = packedTarballs();
        project = tempProjectDir("consumer");
        fs.writeFileSync(
            path.join(project, "package.json"),
            JSON.stringify(
                {
                    name: "platform-dr-drill",
                    private: true,
                    main: "index.ts",
                    dependencies: { "@pulumi/pulumi": "3.248.0", vmrestore: `file:${tarballs.provider}` },
                    devDependencies: {
                        "vmrestore-emulator": `file:${tarballs.emulator}`,
                        typescript: "^5.9.3",
                        "ts-node": "^10.9.2",
                        "@types/node": "^20.19.43",
                    },
                },
                null,
                2,
            ),
        );
        fs.writeFileSync(
            path.join(project, "tsconfig.json"),
            JSON.stringify(
                {
                    compilerOptions: {
                        strict: true,
                        noImplicitAny: true,
                        skipLibCheck: false,
                        target: "ES2022",
                        module: "commonjs",
                        moduleResolution: "node",
                        esModuleInterop: true,
                        types: ["node"],
                        noEmit: true,
                    },
                    files: ["index.ts"],
                },
                null,
                2,
            ),
        );
        fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
        fs.writeFileSync(
            path.join(project, "Pulumi.yaml"),
            "name: platform-dr-drill\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
        );
        npmInstall(project);
    });
    after(async () => {
        await emulator.stop();
        if (project) fs.rmSync(project, { recursive: true, force: true });
    });

    it("installs only what the resource loads: compiled JavaScript and types, no sources, tests or emulator", () => {
        const pkgDir = path.join(project, "node_modules", "vmrestore");
        const files = run("find", [".", "-type", "f"], pkgDir).split("\n").filter(Boolean);
        assert.ok(files.includes("./dist/index.js") && files.includes("./dist/index.d.ts") && files.includes("./dist/provider-host.js"));
        assert.deepEqual(
            files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
            [],
            "no TypeScript sources",
        );
        assert.deepEqual(
            files.filter((f) => /(^|\/)(test|bench|emulator|examples|scripts)\//.test(f)),
            [],
            "no tests, bench, emulator, examples or scripts",
        );
        const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
        assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@azure/identity", "http-proxy-agent", "https-proxy-agent", "node-fetch"]);
        assert.ok(pkg.peerDependencies["@pulumi/pulumi"], "@pulumi/pulumi is a peer dependency");
        // node-forge comes with the emulator package (a devDependency here), never with vmrestore.
        const lock = JSON.parse(fs.readFileSync(path.join(project, "package-lock.json"), "utf8"));
        assert.equal(lock.packages["node_modules/node-forge"]?.dev, true, "node-forge is installed only for the emulator (dev)");
        assert.equal(lock.packages["node_modules/@pulumi/azure-native"], undefined);
    });

    it("type-checks in a strict TypeScript project (skipLibCheck off)", () => {
        run(path.join(project, "node_modules", ".bin", "tsc"), ["-p", "."], project);
        assert.ok(true, "tsc exited 0");
    });

    it("loads from plain JavaScript with require()", () => {
        const out = run(
            "node",
            [
                "-e",
                [
                    "const v = require('vmrestore');",
                    "const host = require('vmrestore/provider-host');",
                    "const sameHost = require('vmrestore/dist/provider-host.js') === host;",
                    "const report = typeof require('vmrestore/report').reportFromStackExport;",
                    "console.log(JSON.stringify({ resource: typeof v.VmRestore, sameHost, report, host: ['configure','check','diff','create','read','update','delete'].map((m) => typeof host[m]) }));",
                ].join("\n"),
            ],
            project,
        );
        assert.deepEqual(JSON.parse(out), { resource: "function", sameHost: true, report: "function", host: Array(7).fill("function") });
    });

    it("runs with plain `pulumi up` against the installed emulator, stores ~1 KB of provider per restore, survives an upgrade, and destroys everything", async function () {
        const binDir = cliWithLanguageHostOrSkip(this);
        const url = await emulator.start(project, ["--speed", "36000", "--variants", "strict"]);
        const cli = new PulumiCli(project, binDir);
        cli.run("stack", "init", "dev");
        cli.run("config", "set", "armEndpoint", url);
        cli.run("up", "--yes");

        const outs = cli.outputs<{ jobStatus: string; jobId: string; osDiskId: string; restoredDiskIds: string[] }>();
        assert.equal(outs.jobStatus, "Completed");
        assert.match(outs.osDiskId, /\/resourceGroups\/rg-restore\/providers\/Microsoft\.Compute\/disks\//i);
        assert.ok(outs.restoredDiskIds.length >= 1);
        assert.equal(await emulator.restorePosts(), 1);

        // The drill report of this (any) stack, from the installed package's command.
        const stateFile = path.join(project, "state.json");
        fs.writeFileSync(stateFile, cli.exportedState());
        const reports = path.join(project, "reports");
        run(path.join(project, "node_modules", ".bin", "vmrestore-report"), ["--stack-state", stateFile, "--out", reports], project);
        assert.deepEqual(fs.readdirSync(reports).sort(), ["drill-report.json", "drill-report.md", "drill-report.xml"]);
        assert.equal(JSON.parse(fs.readFileSync(path.join(reports, "drill-report.json"), "utf8")).restores[0].jobId, outs.jobId);

        const [restore] = vmRestoresIn(fs.readFileSync(stateFile, "utf8"));
        assert.ok(restore, "the state holds the VmRestore");
        // (This project's folder is named vmrestore-consumer-…: the serializer then names the module by
        // its file rather than through the exports map; both names are the package's contract.)
        assert.match(
            restore.provider,
            /require\("vmrestore\/(provider-host|dist\/provider-host\.js)"\)/,
            "the provider is stored as a reference to the installed package",
        );
        assert.ok(restore.bytes <= 20_000, `one VmRestore takes ${restore.bytes} bytes of state (goal: at most 20 KB)`);

        // The next release of the package: installing it neither restores again nor loses outputs.
        const next = nextVersionTarball(packedTarballs().provider, "0.2.1-upgrade-test");
        npmInstall(project, [`vmrestore@file:${next}`]);
        assert.equal(
            JSON.parse(fs.readFileSync(path.join(project, "node_modules", "vmrestore", "package.json"), "utf8")).version,
            "0.2.1-upgrade-test",
        );
        cli.run("preview", "--expect-no-changes");
        cli.run("up", "--yes", "--expect-no-changes");
        assert.deepEqual(cli.outputs(), outs);
        assert.equal(await emulator.restorePosts(), 1, "no second restore after the upgrade");
        // A refresh reads the job and the restored disks through the state's stored provider, which
        // is a reference to the package: it is the new version's code that runs, and nothing changes.
        cli.run("refresh", "--yes");
        assert.deepEqual(cli.outputs(), outs);
        const userAgents = (
            await emulator.admin<{ requests: { headers: Record<string, string> }[] }>("GET", "/admin/requests?kind=arm")
        ).requests.map((r) => r.headers["user-agent"] ?? "");
        assert.ok(
            userAgents.some((ua) => ua.includes("vmrestore-pulumi/0.2.1-upgrade-test")),
            "the upgraded provider code ran",
        );
        cli.run("destroy", "--yes");
        assert.deepEqual(await emulator.leftovers(), []);
    });
});
