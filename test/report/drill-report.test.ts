/**
 * Drill reports from a stack's state: the JSON, JUnit and Markdown files (with the SVG timeline),
 * merged shards, and the `npm run report` command's files and errors.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { mergeReports, reportFromStackExport, renderTimelineSvg, withCleanup, writeDrillReport, StackExport } from "../../provider/report";

const VM = (name: string) => `/subscriptions/s/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/${name}`;

function restoreState(name: string, vm: string, o: Record<string, unknown> = {}) {
    const t0 = Date.parse("2026-11-30T10:00:00Z");
    return {
        urn: `urn:pulumi:drill::vmrestore-drill::pulumi-nodejs:dynamic/vmrestore:VmRestore::${name}`,
        type: "pulumi-nodejs:dynamic/vmrestore:VmRestore",
        id: `/vault/backupJobs/job-${name}`,
        outputs: {
            __provider: "packed",
            resourceName: name,
            sourceVmId: VM(vm),
            restoreType: "RestoreDisks",
            recoveryPointId: "591835274016583",
            recoveryPointTime: new Date(t0 - 3 * 3600_000).toISOString(),
            recoveryPointType: "AppConsistent",
            recoveryPointAgeSeconds: 10800,
            restoreTriggeredAt: new Date(t0).toISOString(),
            restoreVerifiedAt: new Date(t0 + 1500_000).toISOString(),
            jobId: `job-${name}`,
            jobStatus: "Completed",
            jobStartTime: new Date(t0 + 30_000).toISOString(),
            jobEndTime: new Date(t0 + 1400_000).toISOString(),
            timeToRestoreSeconds: 1500,
            restoredDiskIds: ["/disks/os"],
            dataDisks: [],
            networkInterfaceIds: [],
            objectives: {
                rto: {
                    targetMinutes: 60,
                    actualMinutes: 25,
                    passed: true,
                    detail: "RTO met: time to restore 25 min, objective 60 min (35.00 min to spare)",
                },
            },
            checks: [
                {
                    name: "disk-attachable",
                    passed: true,
                    detail: "OS disk is Unattached: it can be attached to a VM",
                    resourceId: "/disks/os",
                },
            ],
            violations: [],
            ...o,
        },
    };
}

const stateOf = (...resources: unknown[]): StackExport => ({
    version: 3,
    deployment: {
        resources: [
            { urn: "urn:pulumi:drill::p::pulumi:pulumi:Stack::p-drill", type: "pulumi:pulumi:Stack", outputs: {} },
            ...resources,
        ] as never,
    },
});

describe("drill reports", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-report-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const failing = () =>
        restoreState("disks-vm-db01", "vm-db01", {
            restoreIncomplete: true,
            objectives: {
                rpo: {
                    targetMinutes: 60,
                    actualMinutes: 180,
                    passed: false,
                    detail: "RPO missed: recovery point age 180 min exceeds the objective of 60 min by 120.00 min",
                },
            },
            violations: ["RPO missed: recovery point age 180 min exceeds the objective of 60 min by 120.00 min"],
        });

    it("reads the VmRestore resources of a stack export and writes JSON, JUnit and Markdown", () => {
        const report = reportFromStackExport(stateOf(restoreState("disks-vm-web01", "vm-web01"), failing()), {
            stack: "drill",
            now: new Date("2026-11-30T11:00:00Z"),
        });
        const files = writeDrillReport(report, dir);
        assert.deepEqual(
            files.map((f) => path.basename(f)),
            ["drill-report.json", "drill-report.xml", "drill-report.md"],
        );

        const json = JSON.parse(fs.readFileSync(path.join(dir, "drill-report.json"), "utf8"));
        assert.equal(json.schema, "vmrestore.drill-report/v1");
        assert.deepEqual(json.summary, {
            restores: 2,
            passed: 1,
            failed: 1,
            longestTimeToRestoreSeconds: 1500,
            oldestRecoveryPointAgeSeconds: 10800,
        });
        const web = json.restores.find((r: { name: string }) => r.name === "disks-vm-web01");
        assert.equal(web.vm, "vm-web01");
        assert.equal(web.recoveryPointId, "591835274016583");
        assert.equal(web.recoveryPointAgeSeconds, 10800);
        assert.equal(web.triggeredAt, "2026-11-30T10:00:00.000Z");
        assert.equal(web.jobId, "job-disks-vm-web01");
        assert.equal(web.result, "passed");
        const db = json.restores.find((r: { name: string }) => r.name === "disks-vm-db01");
        assert.equal(db.result, "failed");
        assert.match(db.failures[0], /RPO missed.*by 120\.00 min/);

        const xml = fs.readFileSync(path.join(dir, "drill-report.xml"), "utf8");
        assert.match(xml, /<testsuites name="VmRestore DR drill" tests="2" failures="1"/);
        assert.equal((xml.match(/<testcase /g) ?? []).length, 2, "one test case per restore");
        assert.match(
            xml,
            /<testcase classname="vmrestore\.drill\.RestoreDisks" name="disks-vm-db01 \(vm-db01\)" time="1500\.0">\s*<failure message="RPO missed/,
        );
        assert.equal((xml.match(/<failure /g) ?? []).length, 1);

        const md = fs.readFileSync(path.join(dir, "drill-report.md"), "utf8");
        assert.match(md, /^# DR drill report: FAILED/);
        assert.match(
            md,
            /\| disks-vm-web01 \| vm-web01 \| RestoreDisks \| 591835274016583 .*\| 3\.0 h \| 25\.0 min \/ 60 min ✔ \| 1\/1 \| – \| ✔ passed \|/,
        );
        assert.match(md, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>/);
        assert.match(md, /\*\*failure\*\*: RPO missed/);
    });

    it("the timeline: a row per restore, bars in time order, the RTO objective as a tick", () => {
        const report = reportFromStackExport(
            stateOf(
                restoreState("a", "vm-a"),
                restoreState("b", "vm-b", {
                    restoreTriggeredAt: "2026-11-30T10:10:00.000Z",
                    restoreVerifiedAt: "2026-11-30T10:20:00.000Z",
                    jobStartTime: "2026-11-30T10:10:30.000Z",
                    jobEndTime: "2026-11-30T10:19:00.000Z",
                }),
            ),
            { stack: "drill" },
        );
        const svg = renderTimelineSvg(report);
        assert.equal((svg.match(/fill="#1e88e5"/g) ?? []).length, 3, "a job bar per restore, plus the legend's");
        const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="(\d+)" width="([\d.]+)" height="\d+" fill="#1e88e5"\/>/g)].map((m) => ({
            x: Number(m[1]),
            y: Number(m[2]),
            w: Number(m[3]),
        }));
        const jobs = bars.filter((b) => b.y > 20);
        assert.equal(jobs.length, 2);
        assert.ok(jobs[1].x > jobs[0].x, "b starts later than a");
        assert.equal((svg.match(/stroke="#e53935"/g) ?? []).length, 3, "an RTO tick per restore, plus the legend's");
    });

    it("merges shard reports into one; the same restore twice is refused", () => {
        const a = reportFromStackExport(stateOf(restoreState("disks-vm-web01", "vm-web01")), { stack: "drill-shard-1" });
        const b = reportFromStackExport(stateOf(failing()), { stack: "drill-shard-2" });
        const merged = mergeReports([a, b]);
        assert.deepEqual(merged.stacks, ["drill-shard-1", "drill-shard-2"]);
        assert.equal(merged.summary.restores, 2);
        assert.equal(merged.summary.failed, 1);
        assert.throws(() => mergeReports([a, a]), /both hold a restore named "disks-vm-web01"/);
    });

    it("a cleanup that left something fails the restore and names what is left", () => {
        const report = reportFromStackExport(stateOf(restoreState("disks-vm-web01", "vm-web01")), { stack: "drill" });
        const r = withCleanup(report.restores[0], { verified: false, remaining: ["/disks/os"], detail: "1 of 2 still exist: /disks/os" });
        assert.equal(r.result, "failed");
        assert.deepEqual(r.failures, ["cleanup: 1 of 2 still exist: /disks/os"]);
    });

    describe("npm run report", () => {
        const run = (...args: string[]) =>
            spawnSync(
                process.execPath,
                ["-r", "ts-node/register/transpile-only", path.join(__dirname, "..", "..", "provider", "report", "cli.ts"), ...args],
                { encoding: "utf8" },
            );

        it("writes the three files from a `pulumi stack export` file and exits non-zero for a failed drill", () => {
            const stateFile = path.join(dir, "state.json");
            fs.writeFileSync(stateFile, JSON.stringify(stateOf(restoreState("disks-vm-web01", "vm-web01"), failing())));
            const out = path.join(dir, "out");
            const res = run("--stack-state", stateFile, "--out", out);
            assert.equal(res.status, 1, res.stderr);
            assert.match(res.stdout, /passed {2}disks-vm-web01: RPO 3\.0 h, RTO 25\.0 min/);
            assert.match(res.stdout, /FAILED {2}disks-vm-db01/);
            assert.deepEqual(fs.readdirSync(out).sort(), ["drill-report.json", "drill-report.md", "drill-report.xml"]);
        });

        it("bad input: clear errors, nothing written", () => {
            const notJson = path.join(dir, "bad.json");
            fs.writeFileSync(notJson, "{ nope");
            let res = run("--stack-state", notJson, "--out", path.join(dir, "o1"));
            assert.equal(res.status, 2);
            assert.match(res.stderr, /not JSON .*give `pulumi stack export` output/);
            res = run("--stack-state", path.join(dir, "missing.json"), "--out", path.join(dir, "o2"));
            assert.match(res.stderr, /--stack-state .*missing\.json: cannot be read \(ENOENT\)/);
            const file = path.join(dir, "a-file");
            fs.writeFileSync(file, JSON.stringify(stateOf(restoreState("disks-vm-web01", "vm-web01"))));
            res = run("--stack-state", file, "--out", path.join(file, "reports"));
            assert.equal(res.status, 2);
            assert.match(res.stderr, /the report directory cannot be written \(ENOTDIR\)/);
            res = run("--out", path.join(dir, "o3"));
            assert.match(res.stderr, /give either --stack-state FILE or --stack NAME/);
            assert.deepEqual(fs.readdirSync(dir).sort(), ["a-file", "bad.json"]);
        });
    });
});
