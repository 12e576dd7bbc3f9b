import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import { API, RPS, VAULT, advance, call, getJob, itemPath, triggerRestore, useEmulator } from "../../support/emulator-helpers";
import { TaskJson } from "../../support/emulator-json";

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

describe("emulator: restore trigger and operation tracking (manual clock)", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));
    const rp = RPS["vm-web01"][0];

    it("answers only 202, with absolute polling URLs on its own base URL, cased like the item ID, with the request's api-version (spec mode)", async () => {
        const e = emu.get();
        const r = await triggerRestore(e, "vm-web01", rp);
        assert.equal(r.status, 202);
        assert.equal(r.text, "");
        const base = `${e.url}${itemPath("vm-web01")}`;
        const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        assert.match(r.headers.get("location")!, new RegExp(`^${escape(base)}/operationResults/${GUID}\\?api-version=2026-02-01$`));
        assert.match(
            r.headers.get("azure-asyncoperation")!,
            new RegExp(`^${escape(base)}/operationsStatus/${GUID}\\?api-version=2026-02-01$`),
        );
        assert.equal(r.headers.get("retry-after"), "1");
        const opId = /operationsStatus\/([^?]+)/.exec(r.headers.get("azure-asyncoperation")!)![1];
        assert.ok(r.headers.get("location")!.includes(opId));
    });

    it("compresses Retry-After with the clock speed", async () => {
        const e = emu.get();
        const speeds: Array<[number, string]> = [
            [1, "60"],
            [30, "2"],
            [600, "1"],
            [36000, "1"],
        ];
        for (const [speed, expected] of speeds) {
            await call(`${e.url}/admin/clock`, { method: "POST", body: { speed } });
            const r = await triggerRestore(e, "vm-web01", rp);
            assert.equal(r.headers.get("retry-after"), expected, `speed ${speed}`);
        }
    });

    it("reports the operation InProgress until the acceptance delay passes, then Succeeded with the jobId", async () => {
        const e = emu.get();
        const r = await triggerRestore(e, "vm-web01", rp);
        const statusUrl = r.headers.get("azure-asyncoperation")!;
        const resultUrl = r.headers.get("location")!;
        const opId = /operationsStatus\/([^?]+)/.exec(statusUrl)![1];

        const s1 = await call(statusUrl);
        assert.equal(s1.status, 200);
        assert.deepEqual(Object.keys(s1.body).sort(), ["id", "name", "startTime", "status"]);
        assert.equal(s1.body.status, "InProgress");
        assert.equal(s1.body.id, opId);
        const res1 = await call(resultUrl);
        assert.equal(res1.status, 202);
        assert.equal(res1.headers.get("location"), resultUrl);
        assert.equal(res1.headers.get("retry-after"), "1");
        const vaultOp1 = await call(`${e.url}${VAULT}/backupOperations/${opId}?api-version=2016-12-01`);
        assert.equal(vaultOp1.body.status, "InProgress");

        await advance(e, 29);
        assert.equal((await call(statusUrl)).body.status, "InProgress");
        await advance(e, 1);
        const s2 = await call(statusUrl);
        assert.equal(s2.body.status, "Succeeded");
        assert.equal(s2.body.properties.objectType, "OperationStatusJobExtendedInfo");
        assert.match(s2.body.properties.jobId, new RegExp(`^${GUID}$`));
        assert.equal(Date.parse(s2.body.endTime) - Date.parse(s2.body.startTime), 30_000);
        const res2 = await call(resultUrl);
        assert.equal(res2.status, 200, "spec mode: 200 with the protected item, like the official example (live mode: 204)");
        assert.equal(res2.body.id, itemPath("vm-web01"));
        const vaultOp2 = await call(`${e.url}${VAULT}/backupOperations/${opId}?api-version=2016-12-01`);
        assert.deepEqual(vaultOp2.body, s2.body);
        const job = await getJob(e, s2.body.properties.jobId);
        assert.equal(job.properties.operation, "Restore");
    });

    it("serves the operation status under any casing of the item path", async () => {
        const e = emu.get();
        const r = await triggerRestore(e, "vm-web01", rp);
        const opId = /operationsStatus\/([^?]+)/.exec(r.headers.get("azure-asyncoperation")!)![1];
        const s = await call(`${e.url}${itemPath("vm-web01")}/operationsStatus/${opId}?api-version=2026-02-01`);
        assert.equal(s.status, 200);
        assert.equal(s.body.id, opId);
    });

    it("moves the job through uneven progress to Completed, filling in the propertyBag", async () => {
        const e = emu.get();
        const r = await triggerRestore(e, "vm-web01", rp);
        await advance(e, 30);
        const jobId = (await call(r.headers.get("azure-asyncoperation")!)).body.properties.jobId;

        let job = await getJob(e, jobId);
        assert.equal(job.properties.status, "InProgress");
        assert.deepEqual(job.properties.actionsInfo, ["Cancellable"]);
        assert.equal(job.properties.jobType, "AzureIaaSVMJob");
        assert.equal(job.properties.entityFriendlyName, "vm-web01");
        assert.equal(job.properties.backupManagementType, "AzureIaasVM");
        assert.equal(job.properties.virtualMachineVersion, "Compute");
        assert.equal(job.properties.endTime, undefined);
        assert.equal(job.properties.extendedInfo.propertyBag["Job Type"], "Recover disks");
        assert.ok("Recovery point time " in job.properties.extendedInfo.propertyBag, "trailing-space key");
        assert.equal(job.properties.extendedInfo.propertyBag["Template Blob Uri"], undefined);
        assert.match(job.properties.extendedInfo.estimatedRemainingDuration, /^PT/);
        assert.equal(job.properties.extendedInfo.tasksList[0].status, "InProgress");
        assert.equal(job.properties.extendedInfo.tasksList[1].status, "NotStarted");

        const progress: number[] = [job.properties.extendedInfo.progressPercentage];
        for (let i = 0; i < 12; i++) {
            await advance(e, 300);
            job = await getJob(e, jobId);
            progress.push(job.properties.extendedInfo.progressPercentage);
            if (job.properties.status !== "InProgress") break;
            assert.equal((await call(`${e.url}/admin/resources`)).body.resources.length, 0, "no artefacts before completion");
        }
        assert.equal(job.properties.status, "Completed");
        for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], `progress went back: ${progress}`);
        const steps = progress
            .slice(1)
            .map((p, i) => p - progress[i])
            .slice(0, -1);
        assert.ok(new Set(steps).size > 2, `progress should be uneven: ${progress}`);
        assert.equal(progress[progress.length - 1], 100);

        const p = job.properties;
        assert.deepEqual(p.actionsInfo, []);
        assert.equal(p.duration, "PT1H");
        assert.equal(Date.parse(p.endTime) - Date.parse(p.startTime), 3600_000);
        assert.ok(
            p.extendedInfo.tasksList.every(
                (t: TaskJson) => t.status === "Completed" && t.progressPercentage === 100 && t.startTime && t.endTime,
            ),
        );
        assert.equal(p.extendedInfo.estimatedRemainingDuration, undefined);
        assert.deepEqual(Object.keys(p.extendedInfo.propertyBag).sort(), [
            "Config Blob Container Name",
            "Config Blob Name",
            "Config Blob Uri",
            "Job Type",
            "Recovery point time ",
            "Target Storage Account Name",
            "Target resource group",
            "Template Blob Uri",
        ]);
        assert.equal(p.extendedInfo.propertyBag["Target Storage Account Name"], "stgrestore");
        assert.equal(p.extendedInfo.propertyBag["Target resource group"], "rg-restore");
        assert.match(p.extendedInfo.propertyBag["Recovery point time "], /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/);
        assert.ok(p.extendedInfo.propertyBag["Template Blob Uri"].startsWith(`${e.url}/blob/stgrestore/`));
    });

    it("cancels a running job: Cancelling, then Cancelled, the Location URL 202 then 200, nothing restored", async () => {
        const e = emu.get();
        const r = await triggerRestore(e, "vm-web01", rp);
        await advance(e, 600);
        const jobId = (await call(r.headers.get("azure-asyncoperation")!)).body.properties.jobId;
        const cancel = await call(`${e.url}${VAULT}/backupJobs/${jobId}/cancel?${API}`, { method: "POST" });
        assert.equal(cancel.status, 202);
        assert.equal(cancel.headers.get("retry-after"), "1");
        const location = cancel.headers.get("location")!;
        assert.match(
            location,
            new RegExp(`^${e.url}${VAULT}/backupJobs/${jobId}/operationResults/${GUID}\\?api-version=2026-02-01$`.replace(/\./g, "\\.")),
        );
        let job = await getJob(e, jobId);
        assert.equal(job.properties.status, "Cancelling");
        assert.deepEqual(job.properties.actionsInfo, []);
        assert.equal((await call(location)).status, 202);
        await advance(e, 120);
        job = await getJob(e, jobId);
        assert.equal(job.properties.status, "Cancelled");
        assert.ok(job.properties.endTime);
        assert.ok(job.properties.extendedInfo.tasksList.some((t: TaskJson) => t.status === "Cancelled"));
        const done = await call(location);
        assert.equal(done.status, 200);
        assert.equal(done.text, "");
        await advance(e, 7200);
        assert.equal((await getJob(e, jobId)).properties.status, "Cancelled");
        assert.equal((await call(`${e.url}/admin/resources`)).body.resources.length, 0);
        const again = await call(`${e.url}${VAULT}/backupJobs/${jobId}/cancel?${API}`, { method: "POST" });
        assert.equal(again.status, 400);
        assert.equal(again.body.error.code, "BMSUserErrorJobNotCancellable");
    });
});
