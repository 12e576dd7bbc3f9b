/**
 * `npm run drill` on a shared team backend: Azure Blob Storage state (azblob://) served by Azurite,
 * sharded across separate runner processes with one merged report, and a second runner on the same
 * stack refused by the backend's lock without touching anything.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { useEmulator } from "../support/emulator-fixture";
import { RunningAzurite, startAzurite } from "../support/azurite";

const DRILL = path.join(__dirname, "..", "..", "scripts", "drill.ts");

interface Run {
    code: number;
    output: string;
}

function drill(args: string[], env: Record<string, string>, onOutput?: (all: string) => void): { done: Promise<Run> } {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", DRILL, ...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const add = (d: Buffer) => {
        output += d;
        onOutput?.(output);
    };
    child.stdout.on("data", add);
    child.stderr.on("data", add);
    return { done: new Promise((resolve) => child.on("exit", (code) => resolve({ code: code ?? 1, output }))) };
}

describe("drills on a shared Azure Blob backend (Azurite), across runners", function () {
    this.timeout(10 * 60_000);
    const fx = useEmulator(36_000, {}, true);
    let azurite: RunningAzurite;
    let dir: string;
    before(async () => {
        azurite = await startAzurite();
        await azurite.createContainer("drill-state");
    });
    after(() => azurite?.stop());
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-drill-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const env = () => ({ ...azurite.env, PULUMI_HOME: path.join(dir, "home") });
    const readReport = (d: string) => JSON.parse(fs.readFileSync(path.join(d, "drill-report.json"), "utf8"));

    it("keeps the state in azblob:// and writes the report", async () => {
        const report = path.join(dir, "report");
        const run = await drill(
            ["--backend", azurite.backendUrl("drill-state"), "--emulator-url", fx.url, "--stack", "azblob", "--report", report],
            env(),
        ).done;
        assert.equal(run.code, 0, run.output.slice(-4000));
        assert.ok(
            (await azurite.listBlobs("drill-state")).includes(".pulumi/stacks/vmrestore-drill/azblob.json"),
            "the stack's state lives in the blob container",
        );
        const r = readReport(report);
        assert.equal(r.summary.restores, 3);
        assert.equal(r.summary.passed, 3);
        assert.equal(r.summary.cleanupVerified, true);
        assert.deepEqual(fs.readdirSync(report).sort(), ["drill-report.json", "drill-report.md", "drill-report.xml"]);
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });

    it("--shards 3: three runner processes, three stacks on the backend, one merged report", async () => {
        const report = path.join(dir, "report");
        const run = await drill(
            [
                "--shards",
                "3",
                "--backend",
                azurite.backendUrl("drill-state"),
                "--emulator-url",
                fx.url,
                "--stack",
                "sharded",
                "--report",
                report,
            ],
            env(),
        ).done;
        assert.equal(run.code, 0, run.output.slice(-4000));
        const r = readReport(report);
        assert.deepEqual(r.stacks, ["sharded-shard-1", "sharded-shard-2", "sharded-shard-3"]);
        assert.deepEqual(r.restores.map((x: { vm: string }) => x.vm).sort(), ["vm-app01", "vm-db01", "vm-web01"]);
        assert.equal(r.summary.passed, 3);
        const blobs = await azurite.listBlobs("drill-state");
        for (const i of [1, 2, 3])
            assert.ok(blobs.includes(`.pulumi/stacks/vmrestore-drill/sharded-shard-${i}.json`), `shard ${i}'s stack`);
        assert.equal((await fx.restorePosts()).length, 3, "each VM restored once");
        const xml = fs.readFileSync(path.join(report, "drill-report.xml"), "utf8");
        assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
    });

    it("a second runner on the same stack is refused by the lock; the first finishes, nothing corrupted", async () => {
        await fx.admin("POST", "clock", { speed: 60 }); // slow enough that the restore is still running when it is accepted
        const args = [
            "--backend",
            azurite.backendUrl("drill-state"),
            "--emulator-url",
            fx.url,
            "--stack",
            "shared",
            "--disk-vms",
            "vm-web01",
            "--new-vms",
            "",
        ];
        let accepted!: () => void;
        const jobRunning = new Promise<void>((resolve) => (accepted = resolve));
        const first = drill([...args, "--report", path.join(dir, "first")], env(), (out) => {
            if (/restore accepted: job/.test(out)) accepted();
        });
        await jobRunning;
        // The job's clock is held until the second runner has been refused: the first runner holds the
        // lock meanwhile, however long the second one takes to start.
        await fx.admin("POST", "clock", { speed: 0 });
        const second = await drill([...args, "--report", path.join(dir, "second")], env()).done;
        assert.equal(second.code, 1, second.output.slice(-3000));
        assert.match(
            second.output,
            /stack shared in azblob:\/\/drill-state\?\S+ is locked by another runner: this runner stops without touching it/,
        );
        assert.equal((await fx.restorePosts()).length, 1, "the second runner restored nothing");
        await fx.admin("POST", "clock", { speed: 36_000 });
        const one = await first.done;
        assert.equal(one.code, 0, one.output.slice(-4000));
        const r = readReport(path.join(dir, "first"));
        assert.equal(r.summary.passed, 1);
        assert.equal(r.summary.cleanupVerified, true);
        assert.equal(
            fs.existsSync(path.join(dir, "second", "drill-report.json")),
            false,
            "the refused runner reports nothing of the other's stack",
        );
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("bad input fails before anything is restored", async () => {
        const file = path.join(dir, "a-file");
        fs.writeFileSync(file, "");
        for (const [args, message] of [
            [["--shards", "4"], /--shards 4: only 3 VM\(s\) to restore \(vm-web01, vm-db01, vm-app01\); use at most 3 shards/],
            [["--report", path.join(file, "reports")], /--report .*: the report directory cannot be written \(ENOTDIR\)/],
            [["--backend", "ftp://x"], /--backend ftp:\/\/x: not a Pulumi backend URL/],
            [["--backend", `file://${path.join(file, "state")}`], /the state directory cannot be written \(ENOTDIR\)/],
        ] as [string[], RegExp][]) {
            const run = await drill([...args, "--emulator-url", fx.url], env()).done;
            assert.equal(run.code, 2, run.output);
            assert.match(run.output, message);
        }
        const unreachable = await drill(
            [
                "--backend",
                "azblob://nowhere?domain=127.0.0.1:1&protocol=http&localemu=true",
                "--emulator-url",
                fx.url,
                "--report",
                path.join(dir, "r"),
            ],
            env(),
        ).done;
        assert.equal(unreachable.code, 1);
        assert.match(unreachable.output, /--backend azblob:\/\/nowhere\S*: cannot open stack drill there: .*Nothing was restored/);
        assert.deepEqual(await fx.restorePosts(), []);
    });

    it("a drill whose checks fail still writes its report, names the failure, and cleans up", async () => {
        await fx.admin("POST", "faults", { kind: "vmBoot", outcome: "neverBoots" });
        const settings = path.join(dir, "drill.json");
        fs.writeFileSync(settings, JSON.stringify({ diskRestoreVms: [], newVmRestoreVms: ["vm-app01"], verifyWindowMinutes: 0.02 }));
        const report = path.join(dir, "report");
        const run = await drill(["--settings", settings, "--emulator-url", fx.url, "--report", report], env()).done;
        assert.equal(run.code, 1, run.output.slice(-3000));
        const r = readReport(report);
        assert.equal(r.summary.failed, 1);
        const vm = r.restores[0];
        assert.equal(vm.vm, "vm-app01");
        assert.match(vm.failures.join("\n"), /vm-running \(vm-app01-drill\): not running within the 0\.0 min window/);
        assert.equal(vm.cleanup.verified, true, "torn down although it failed");
        assert.match(fs.readFileSync(path.join(report, "drill-report.xml"), "utf8"), /<failure message="vm-running/);
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });
});
