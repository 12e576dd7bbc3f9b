/**
 * wireFormat "live": the variants the live service sends (test/spec-data/azure-backup/FACTS.md) — TimeSpan
 * durations, numeric actionsInfo and recovery point tiers, mixed-case polling URLs with an older
 * api-version, body-less 204 from operationResults — and how the format is chosen (option, seed,
 * POST /admin/wire-format, reset).
 */
import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import { defaultSeed } from "../../../emulator/world/seed";
import { timeSpanConstant, timeSpanGeneral } from "../../../emulator/backup/wire-format";
import { API, RPS, VAULT, advance, call, getJob, itemPath, triggerRestore, useEmulator } from "../../support/emulator-helpers";
import { validateDefinition } from "../../support/spec-validator";
import { JobJson, TaskJson } from "../../support/emulator-json";

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TIMESPAN_C = /^(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{7})?$/;
const TIMESPAN_G = /^(\d+:)?\d+:\d{2}:\d{2}(\.\d{1,7})?$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("emulator: wire formats", () => {
    it("formats .NET TimeSpans like the live service", () => {
        assert.equal(timeSpanConstant(1223.0896697), "00:20:23.0896697");
        assert.equal(timeSpanConstant(3600), "01:00:00");
        assert.equal(timeSpanConstant(0), "00:00:00");
        assert.equal(timeSpanConstant(90061.5), "1.01:01:01.5000000");
        assert.equal(timeSpanGeneral(1.78), "0:00:01.78");
        assert.equal(timeSpanGeneral(3600), "1:00:00");
        assert.equal(timeSpanGeneral(90061.25), "1:1:01:01.25");
    });

    describe("live (option)", () => {
        const emu = useEmulator(() => ({ clock: manualClock(), wireFormat: "live" }));

        it("hands out mixed-case polling URLs with an older api-version; operationResults ends in a body-less 204", async () => {
            const e = emu.get();
            const r = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            assert.equal(r.status, 202);
            const base = `${e.url}${VAULT}/backupFabrics/Azure/protectionContainers/iaasvmcontainer;iaasVMContainerV2;rg-prod;vm-web01/protectedItems/vm;iaasVMContainerV2;rg-prod;vm-web01`;
            assert.match(r.headers.get("location")!, new RegExp(`^${escape(base)}/operationResults/${GUID}\\?api-version=2020-09-01$`));
            assert.match(
                r.headers.get("azure-asyncoperation")!,
                new RegExp(`^${escape(base)}/operationsStatus/${GUID}\\?api-version=2020-09-01$`),
            );
            const pending = await call(r.headers.get("location")!);
            assert.equal(pending.status, 202);
            assert.equal(pending.headers.get("location"), r.headers.get("location"));
            await advance(e, 30);
            const done = await call(r.headers.get("location")!);
            assert.equal(done.status, 204);
            assert.equal(done.text, "");
            const opId = /operationsStatus\/([^?]+)/.exec(r.headers.get("azure-asyncoperation")!)![1];
            const vaultLevel = await call(`${e.url}${VAULT}/backupOperationResults/${opId}?${API}`);
            assert.equal(vaultLevel.status, 204);
            const jobId = (await call(r.headers.get("azure-asyncoperation")!)).body.properties.jobId;

            const cancel = await call(`${e.url}${VAULT}/backupJobs/${jobId}/cancel?${API}`, { method: "POST" });
            assert.match(cancel.headers.get("location")!, /\/operationResults\/[^?]+\?api-version=2017-07-01$/);
            await advance(e, 120);
            assert.equal((await call(cancel.headers.get("location")!)).status, 204);
        });

        it("renders job durations as TimeSpans, actionsInfo as numbers ([1] running, [2] failed)", async () => {
            const e = emu.get();
            await call(`${e.url}/admin/faults`, {
                method: "POST",
                body: { kind: "jobOutcome", outcome: "Failed", match: { pathContains: "vm-db01" } },
            });
            const running = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            const failing = await triggerRestore(e, "vm-db01", RPS["vm-db01"][0]);
            await advance(e, 30);
            const runningId = (await call(running.headers.get("azure-asyncoperation")!)).body.properties.jobId;
            const failingId = (await call(failing.headers.get("azure-asyncoperation")!)).body.properties.jobId;
            await advance(e, 1223.0896697);

            const job = (await getJob(e, runningId)).properties;
            assert.equal(job.status, "InProgress");
            assert.equal(job.duration, "00:20:53.0896697", "30 s acceptance + 1223.0896697 s");
            assert.match(job.duration, TIMESPAN_C);
            assert.deepEqual(job.actionsInfo, [1]);
            assert.match(job.extendedInfo.estimatedRemainingDuration, TIMESPAN_C);
            for (const t of job.extendedInfo.tasksList) assert.match(t.duration, TIMESPAN_G, t.taskId);
            assert.ok(job.extendedInfo.tasksList.some((t: TaskJson) => t.duration !== "0:00:00"));

            await advance(e, 3600);
            const failed = (await getJob(e, failingId)).properties;
            assert.equal(failed.status, "Failed");
            assert.deepEqual(failed.actionsInfo, [2]);
            assert.match(failed.duration, TIMESPAN_C);
            const completed = (await getJob(e, runningId)).properties;
            assert.equal(completed.status, "Completed");
            assert.deepEqual(completed.actionsInfo, []);
            assert.equal(completed.duration, "01:00:00");

            const list = (await call(`${e.url}${VAULT}/backupJobs?${API}`)).body.value;
            for (const j of list) assert.match(j.properties.duration, TIMESPAN_C);
            const backupJob = list.find((j: JobJson) => j.properties.operation === "Backup");
            const detail = (await call(`${e.url}${VAULT}/backupJobs/${backupJob.name}?${API}`)).body.properties;
            assert.equal(detail.extendedInfo.estimatedRemainingDuration, "00:00:00");
            for (const t of detail.extendedInfo.tasksList) assert.match(t.duration, TIMESPAN_G);

            // These are exactly what the spec does not allow: the validator notices.
            assert.ok(validateDefinition("JobResource", await getJob(e, runningId)).length > 0);
        });

        it("renders recovery point tiers as numbers", async () => {
            const e = emu.get();
            const latest = (await call(`${e.url}${itemPath("vm-web01")}/recoveryPoints/${RPS["vm-web01"][0]}?${API}`)).body;
            assert.deepEqual(latest.properties.recoveryPointTierDetails, [
                { type: 1, status: 1 },
                { type: 2, status: 1 },
            ]);
            const list = (await call(`${e.url}${itemPath("vm-web01")}/recoveryPoints?${API}`)).body.value;
            assert.deepEqual(list[4].properties.recoveryPointTierDetails, [{ type: 3, status: 1 }]);
            assert.ok(validateDefinition("RecoveryPointResource", latest).length > 0, "not spec-valid, on purpose");
        });
    });

    describe("switching", () => {
        const emu = useEmulator(() => ({ clock: manualClock() }));

        it("defaults to spec; POST /admin/wire-format switches at run time; reset returns to the start value; the seed can set it", async () => {
            const e = emu.get();
            const rpUrl = `${e.url}${itemPath("vm-web01")}/recoveryPoints/${RPS["vm-web01"][0]}?${API}`;
            assert.deepEqual((await call(`${e.url}/admin/wire-format`)).body, { wireFormat: "spec" });
            assert.equal((await call(rpUrl)).body.properties.recoveryPointTierDetails[0].type, "InstantRP");
            assert.equal((await call(`${e.url}/admin`)).body.wireFormat, "spec");

            const set = await call(`${e.url}/admin/wire-format`, { method: "POST", body: { wireFormat: "live" } });
            assert.deepEqual(set.body, { wireFormat: "live" });
            assert.equal((await call(rpUrl)).body.properties.recoveryPointTierDetails[0].type, 1);
            for (const bad of [{ wireFormat: "legacy" }, {}, undefined]) {
                const r = await call(`${e.url}/admin/wire-format`, { method: "POST", body: bad });
                assert.equal(r.status, 400);
                assert.equal(r.body.error.code, "InvalidWireFormat");
            }

            await call(`${e.url}/admin/reset`, { method: "POST" });
            assert.equal((await call(`${e.url}/admin/wire-format`)).body.wireFormat, "spec");

            const seed = { ...defaultSeed(), wireFormat: "live" };
            assert.equal((await call(`${e.url}/admin/seed`, { method: "PUT", body: seed })).status, 200);
            assert.equal((await call(`${e.url}/admin/wire-format`)).body.wireFormat, "live");
            assert.equal(
                (await call(`${e.url}/admin/seed`, { method: "PUT", body: { ...defaultSeed(), wireFormat: "weird" } })).status,
                400,
            );
        });
    });
});
