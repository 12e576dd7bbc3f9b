/**
 * The drill's evidence. Restore times an auditor can rely on: `restoreTriggeredAt` is the restore's
 * FIRST trigger, kept when a later run resumes or adopts it, and `timeToRestoreSeconds` counts from
 * there; `recoveryPointAgeSeconds` is the point's age at that trigger (the achieved RPO). And `verify` checks after the restore (a restored VM runs with a Ready agent,
 * restored disks are attachable and as the source's) and the rtoMinutes / rpoMinutes objectives —
 * each recorded in outputs; a failure fails the resource (keeping what was restored tracked) or,
 * with verify.failOnViolation: false, is recorded only.
 */
import { strict as assert } from "assert";
import { verifyCleanup } from "../../../provider/report";
import { vmId } from "../../support/emulator-fixture";
import { failureOf, latestPoint, Outputs, restoreStartedElsewhere, RestoreProps, useProviderWorld } from "../../support/provider-harness";

type Props = RestoreProps;
type Check = NonNullable<Outputs["checks"]>[number];
interface InstanceView {
    statuses: { code: string }[];
    vmAgent?: { statuses: { displayStatus: string }[] };
}

describe("drill evidence: truthful times, verify, rtoMinutes and rpoMinutes", function () {
    this.timeout(120_000);
    const world = useProviderWorld({ emulatorPerTest: true });
    const { fx } = world;
    const provider = () => world.provider();
    const disks = (extra: Props = {}) => world.restoreDisks({ resourceName: "verify", ...extra });
    const newVm = (extra: Props = {}) => world.alternateLocation({ resourceName: "verify", ...extra });
    const instanceViewReads = async () =>
        (await fx.requests()).filter((r) => r.method === "GET" && /\/virtualMachines\/vm-web01-drill\/instanceView$/i.test(r.path));

    it("a fresh restore: RPO is the point's age at the trigger, RTO runs from the trigger to verified outputs", async () => {
        const point = await latestPoint(fx);
        const before = Date.now();
        const { outs } = await provider().create(disks());
        const after = Date.now();
        const triggered = Date.parse(outs.restoreTriggeredAt);
        assert.ok(triggered >= before && triggered <= after);
        assert.equal(outs.recoveryPointAgeSeconds, Math.round((triggered - Date.parse(point.time)) / 100) / 10);
        assert.ok(
            Math.abs(outs.recoveryPointAgeSeconds - 3 * 3600) < 120,
            `vm-web01's latest point is about 3 h old, got ${outs.recoveryPointAgeSeconds} s`,
        );
        assert.ok(outs.timeToRestoreSeconds * 1000 <= after - triggered + 100);
    });

    it("a timed-out restore resumed by the next up keeps its first trigger; RTO spans both runs", async () => {
        await fx.admin("POST", "clock", { speed: 600 }); // an hour-long job takes 6 s: the first run times out
        const first = await failureOf(provider().create(disks({ timeoutMinutes: 0.03 })));
        assert.ok(first.properties.restoreIncomplete, "the first run recorded an incomplete restore");
        const firstTrigger = first.properties.restoreTriggeredAt as string;
        assert.ok(firstTrigger, "the incomplete restore records its trigger");
        const resumedAt = Date.now();
        const { outs } = await provider().update!(first.id, first.properties, disks());
        const done = Date.now();
        assert.equal(outs.jobId, first.properties.jobId, "the same job");
        assert.equal(outs.restoreTriggeredAt, firstTrigger, "restoreTriggeredAt is the first trigger, not the resume");
        assert.equal(outs.recoveryPointAgeSeconds, first.properties.recoveryPointAgeSeconds);
        const fromFirst = (done - Date.parse(firstTrigger)) / 1000;
        assert.ok(outs.timeToRestoreSeconds > (resumedAt - Date.parse(firstTrigger)) / 1000, "RTO includes the first, timed-out run");
        assert.ok(outs.timeToRestoreSeconds <= fromFirst + 0.1);
        // A later up with nothing to do keeps the times.
        const again = await provider().update!(first.id, outs, disks({ timeoutMinutes: 30 }));
        assert.equal(again.outs.restoreTriggeredAt, firstTrigger);
        assert.equal(again.outs.timeToRestoreSeconds, outs.timeToRestoreSeconds);
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("a job adopted from Azure's job list counts from the job's own start time", async () => {
        const point = await restoreStartedElsewhere(fx, "vm-web01"); // the job stands still until the provider runs
        const jobs = (await fx.admin<{ jobs: { jobId: string; startTime: string; status: string }[] }>("GET", "jobs")).jobs;
        assert.equal(jobs.length > 0, true);
        const started = jobs.find((j) => j.status === "InProgress")!;
        const createdAt = Date.now();
        // The job's clock runs again only once the provider has looked at the job: an hour-long job
        // ends in a tenth of a second at full speed, and a finished job is no longer one to adopt.
        const created = provider().create(disks());
        await fx.releaseClockOnceJobRead();
        const { outs } = await created;
        assert.equal(outs.jobId, started.jobId, "the running job was adopted");
        assert.equal((await fx.restorePosts()).length, 1, "only the earlier POST");
        assert.equal(Date.parse(outs.restoreTriggeredAt), Date.parse(started.startTime), "the job's start time in Azure");
        assert.ok(Date.parse(outs.restoreTriggeredAt) <= createdAt);
        assert.ok(outs.timeToRestoreSeconds * 1000 >= Date.now() - createdAt - 1000 + (createdAt - Date.parse(started.startTime)) - 100);
        assert.equal(outs.recoveryPointAgeSeconds, Math.round((Date.parse(started.startTime) - Date.parse(point.time)) / 100) / 10);
    });
    it("check: objectives must be positive numbers; verify's settings are named", async () => {
        for (const [props, property, reason] of [
            [{ rtoMinutes: 0 }, "rtoMinutes", /rtoMinutes must be a positive number of minutes \(the recovery time objective.*got 0/],
            [{ rpoMinutes: -5 }, "rpoMinutes", /rpoMinutes must be a positive number of minutes \(the recovery point objective.*got -5/],
            [{ rtoMinutes: "60" }, "rtoMinutes", /got "60"/],
            [{ verify: { windowMinutes: 0 } }, "verify.windowMinutes", /above 0 and at most 1440, got 0/],
            [
                { verify: { failOnViolaton: false } },
                "verify.failOnViolaton",
                /not a setting of verify; the settings are enabled, windowMinutes, vmAgent, failOnViolation/,
            ],
            [{ verify: true }, "verify", /verify must be an object/],
        ] as [Props, string, RegExp][]) {
            const { failures } = await provider().check!({}, disks({ preflight: false, ...props }));
            const f = failures!.find((x) => x.property === property);
            assert.ok(f, `a failure names ${property} (got ${JSON.stringify(failures)})`);
            assert.match(f.reason, reason);
        }
        const ok = await provider().check!({}, disks({ preflight: false, rtoMinutes: 0.5, rpoMinutes: 240, verify: { windowMinutes: 5 } }));
        assert.deepEqual(ok.failures, []);
    });

    it("the emulator's restored VM boots vmBootSeconds after its job ended, on the job clock", async () => {
        const seed = await fx.admin<{ timing: Props }>("GET", "seed");
        // 100 hours: ten real seconds at the clock's speed, so that the VM is still booting when the clock is stopped.
        await fx.admin("PUT", "seed", { ...seed, timing: { ...seed.timing, vmBootSeconds: 100 * 3600 } });
        const { outs } = await provider().create(newVm());
        await fx.admin("POST", "clock", { speed: 0 });
        const before = (await fx.arm<InstanceView>(`${outs.restoredVmId}/instanceView`)).body;
        assert.deepEqual(
            before.statuses.map((s) => s.code),
            ["ProvisioningState/succeeded", "PowerState/starting"],
        );
        assert.equal(before.vmAgent, undefined, "no agent status while it boots");
        await fx.admin("POST", "clock", { advanceSeconds: 100 * 3600 });
        const after = (await fx.arm<InstanceView>(`${outs.restoredVmId}/instanceView`)).body;
        assert.ok(after.statuses.some((s) => s.code === "PowerState/running"));
        assert.equal(after.vmAgent?.statuses[0].displayStatus, "Ready");
        const seeded = await fx.arm<InstanceView>(`${vmId("vm-web01")}/instanceView`);
        assert.ok(
            seeded.body.statuses.some((s) => s.code === "PowerState/running"),
            "a seeded VM runs",
        );
    });

    it("a restored VM: power state and VM agent from the instance view, recorded as passed checks", async () => {
        const { outs } = await provider().create(newVm({ verify: { windowMinutes: 5 }, rtoMinutes: 30, rpoMinutes: 240 }));
        const names = outs.checks.map((c: Check) => `${c.name}:${c.passed}`);
        assert.deepEqual(names, ["vm-running:true", "vm-agent-ready:true"]);
        assert.match(outs.checks[0].detail, /PowerState\/running/);
        assert.match(outs.checks[1].detail, /VM agent Ready \(version /);
        assert.ok((await instanceViewReads()).length >= 1, "the checks came from the compute instanceView");
        assert.equal(outs.objectives.rto.passed, true);
        assert.equal(outs.objectives.rto.targetMinutes, 30);
        assert.equal(outs.objectives.rpo.passed, true);
        assert.ok(outs.objectives.rpo.actualMinutes > 179 && outs.objectives.rpo.actualMinutes < 182, "vm-web01's latest point is 3 h old");
        assert.deepEqual(outs.violations, []);
        assert.ok(Date.parse(outs.restoreVerifiedAt) >= Date.parse(outs.restoreTriggeredAt));
        assert.equal(
            outs.timeToRestoreSeconds,
            Math.round((Date.parse(outs.restoreVerifiedAt) - Date.parse(outs.restoreTriggeredAt)) / 100) / 10,
        );
    });

    it("a VM that never boots fails the resource with which check and by how much; what was restored stays tracked", async () => {
        await fx.admin("POST", "faults", { kind: "vmBoot", outcome: "neverBoots" });
        const err = await failureOf(provider().create(newVm({ verify: { windowMinutes: 0.02 } })));
        assert.match(
            err.message,
            /did not pass its drill: vm-running \(vm-web01-drill\): not running within the 0\.0 min window: PowerState\/starting/,
        );
        assert.match(err.message, /vm-agent-ready \(vm-web01-drill\): VM agent not Ready within/);
        assert.match(err.id, /\/backupJobs\//);
        assert.equal(err.properties.restoreIncomplete, true);
        assert.match(String(err.properties.restoredVmId), /vm-web01-drill$/);
        assert.equal(err.properties.violations?.length, 2);
        assert.ok((await instanceViewReads()).length >= 2, "looked again within the window");
        await provider().delete!(err.id, err.properties);
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });

    it("record-only (failOnViolation: false) keeps up green; the next up checks again without a new restore", async () => {
        await fx.admin("POST", "faults", { kind: "vmBoot", outcome: "agentNotReady" });
        const failing = await failureOf(provider().create(newVm({ verify: { windowMinutes: 0.02 } })));
        assert.ok(failing.properties.restoreIncomplete);
        const { outs } = await provider().update!(
            failing.id,
            failing.properties,
            newVm({ verify: { windowMinutes: 0.02, failOnViolation: false } }),
        );
        assert.equal(outs.restoreIncomplete, undefined);
        assert.equal(outs.jobId, failing.properties.jobId, "the same job");
        assert.equal((await fx.restorePosts()).length, 1, "no second restore");
        const agent = outs.checks.find((c: Check) => c.name === "vm-agent-ready");
        assert.equal(agent.passed, false);
        assert.match(agent.detail, /Not Ready: VM Agent is unresponsive/);
        assert.equal(outs.checks.find((c: Check) => c.name === "vm-running").passed, true);
        assert.equal(outs.violations.length, 1);
        assert.equal(outs.restoreTriggeredAt, failing.properties.restoreTriggeredAt);
    });

    it("restored disks: attachable, as many and as large as the source VM's", async () => {
        const { outs } = await provider().create(disks({ verify: {} }));
        const byName = (n: string) => outs.checks.filter((c: Check) => c.name === n);
        assert.equal(byName("disk-count")[0].passed, true);
        assert.match(byName("disk-count")[0].detail, /^3 disk\(s\) restored/);
        assert.equal(byName("disk-attachable").length, 3);
        assert.ok(byName("disk-attachable").every((c: Check) => c.passed && /Unattached/.test(c.detail)));
        assert.deepEqual(
            byName("disk-size").map((c: Check) => c.detail.match(/is (\d+) GB/)?.[1]),
            ["30", "256", "512"],
        );
        assert.deepEqual(outs.violations, []);
    });

    it("selective restore: the expected count follows diskLuns", async () => {
        const { outs } = await provider().create(disks({ diskLuns: [1], verify: {} }));
        assert.equal(outs.checks.find((c: Check) => c.name === "disk-count").passed, true);
        assert.match(outs.checks.find((c: Check) => c.name === "disk-count").detail, /^2 disk/);
    });

    it("missed objectives fail with the miss: RPO by the point's age, RTO by the time to restore", async () => {
        const err = await failureOf(provider().create(disks({ rpoMinutes: 60, rtoMinutes: 0.001 })));
        assert.match(err.message, /RPO missed: recovery point age 18\d(\.\d+)? min exceeds the objective of 60 min by 12\d\.\d\d min/);
        assert.match(err.message, /RTO missed: time to restore [\d.]+ min exceeds the objective of 0\.001 min by [\d.]+ min/);
        assert.equal(err.properties.restoreIncomplete, true);
        assert.equal(err.properties.restoredDiskIds.length, 3, "the restored disks stay tracked");
        assert.equal(err.properties.objectives?.rpo?.passed, false);
        assert.deepEqual(err.properties.checks, [], "no verify: no checks, objectives only");
    });

    it("objectives changed later are weighed against the recorded times, without restoring again", async () => {
        const { id, outs } = await provider().create(disks({ rpoMinutes: 600 }));
        assert.equal(outs.objectives.rpo.passed, true);
        const d = await provider().diff!(id, outs, disks({ rpoMinutes: 60 }));
        assert.deepEqual(d.replaces, [], "an objective never restores again");
        const { outs: later } = await provider().update!(id, outs, disks({ rpoMinutes: 60 }));
        assert.equal(later.objectives.rpo.passed, false);
        assert.equal(later.objectives.rpo.targetMinutes, 60);
        assert.match(later.violations[0], /RPO missed/);
        assert.equal(later.timeToRestoreSeconds, outs.timeToRestoreSeconds);
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("cleanup is verified through ARM and the Blob service: what is left is named, and nothing once destroyed", async () => {
        const { id, outs } = await provider().create(newVm());
        const since = (await fx.requests()).length;
        const before = await verifyCleanup(outs);
        assert.equal(before.verified, false);
        assert.ok(before.remaining.includes(outs.restoredVmId));
        assert.ok(
            before.remaining.some((x) => x.endsWith(".json")),
            "the staging blobs",
        );
        assert.match(before.detail, /still exist/);
        const looked = (await fx.requests()).slice(since).filter((r) => r.method === "GET");
        assert.ok(
            looked.some((r) => /\/virtualMachines\/vm-web01-drill$/i.test(r.path)),
            "ARM GET of the VM",
        );
        assert.ok(
            looked.some((r) => /^\/blob\//.test(r.path)),
            "Blob service GET of a staging blob",
        );
        await provider().delete!(id, outs);
        const after = await verifyCleanup(outs);
        assert.deepEqual(after.remaining, []);
        assert.equal(after.verified, true);
        assert.match(after.detail, /^none of the \d+ restored resource\(s\) and staging blob\(s\) exist any more/);
    });
});
