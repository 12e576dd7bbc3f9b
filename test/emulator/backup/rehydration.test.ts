/**
 * Archive tier: an archive-only point is restored with IaasVMRestoreWithRehydrationRequest; the job
 * first rehydrates it (hours of simulated time, a task of its own), the point then shows a
 * Rehydrated ArchivedRP until the retention duration passes.
 */
import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import { API, RPS, advance, call, getJob, itemPath, restoreDisksBody, triggerRestore, useEmulator } from "../../support/emulator-helpers";
import { validateDefinition } from "../../support/spec-validator";
import { TierJson } from "../../support/emulator-json";

const REHYDRATE = "Rehydrate the recovery point from the archive tier";

describe("emulator: archive tier and rehydration", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));
    const archived = RPS["vm-web01"][4];
    const withRehydration = (priority: string, retention?: string) =>
        restoreDisksBody("vm-web01", archived, {
            objectType: "IaasVMRestoreWithRehydrationRequest",
            recoveryPointRehydrationInfo: {
                rehydrationPriority: priority,
                ...(retention ? { rehydrationRetentionDuration: retention } : {}),
            },
        });
    const point = async () => (await call(`${emu.get().url}${itemPath("vm-web01")}/recoveryPoints/${archived}?${API}`)).body;
    const archivedTier = async () => (await point()).properties.recoveryPointTierDetails.find((t: TierJson) => t.type === "ArchivedRP");

    async function start(body: Record<string, unknown>): Promise<string> {
        const e = emu.get();
        const r = await triggerRestore(e, "vm-web01", archived, body);
        assert.equal(r.status, 202, r.text);
        await advance(e, 30);
        return (await call(r.headers.get("azure-asyncoperation")!)).body.properties.jobId;
    }

    it("refuses an archive-only point without rehydration (UserErrorRecoveryPointNotInValidTier)", async () => {
        const r = await triggerRestore(emu.get(), "vm-web01", archived, restoreDisksBody("vm-web01", archived));
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, "UserErrorRecoveryPointNotInValidTier");
        assert.match(r.body.error.message, /IaasVMRestoreWithRehydrationRequest/);
    });

    it("Standard: rehydrates for hours first (a task of its own), marks the point Rehydrated, then restores", async () => {
        const e = emu.get();
        assert.deepEqual(await archivedTier(), { type: "ArchivedRP", status: "Valid" });
        const jobId = await start(withRehydration("Standard", "P10D"));

        await advance(e, 3600);
        let job = await getJob(e, jobId);
        const tasks = job.properties.extendedInfo.tasksList;
        assert.equal(tasks[0].taskId, REHYDRATE);
        assert.equal(tasks[0].status, "InProgress");
        assert.equal(tasks[1].status, "NotStarted");
        assert.equal(job.properties.extendedInfo.propertyBag["Rehydration Priority"], "Standard");
        assert.equal(job.properties.extendedInfo.propertyBag["Rehydration Retention Duration"], "P10D");
        assert.ok(job.properties.extendedInfo.progressPercentage < 20);
        assert.deepEqual(await archivedTier(), { type: "ArchivedRP", status: "Valid" }, "not rehydrated yet");

        await advance(e, 21600 - 3600 - 30 + 60); // just past the 6 h of Standard rehydration
        job = await getJob(e, jobId);
        assert.equal(job.properties.status, "InProgress");
        assert.equal(job.properties.extendedInfo.tasksList[0].status, "Completed");
        const tier = await archivedTier();
        assert.equal(tier.status, "Rehydrated");
        const expiry = Date.parse(tier.extendedInfo.RehydratedRPExpiryTime);
        const started = Date.parse(job.properties.startTime);
        assert.ok(
            Math.abs(expiry - (started + 6 * 3600_000 + 10 * 86400_000)) < 2000,
            `expiry ${tier.extendedInfo.RehydratedRPExpiryTime}`,
        );
        assert.deepEqual(validateDefinition("RecoveryPointResource", await point()), []);

        await advance(e, 3600);
        job = await getJob(e, jobId);
        assert.equal(job.properties.status, "Completed");
        assert.equal(job.properties.duration, "PT7H");

        // While rehydrated, a plain restore of the point works; after the retention it is archive-only again.
        assert.equal((await triggerRestore(e, "vm-web01", archived, restoreDisksBody("vm-web01", archived))).status, 202);
        await advance(e, 10 * 86400);
        assert.deepEqual(await archivedTier(), { type: "ArchivedRP", status: "Valid" });
        assert.equal((await triggerRestore(e, "vm-web01", archived, restoreDisksBody("vm-web01", archived))).status, 400);
    });

    it("High: about an hour of rehydration; live wire format numbers the Rehydrated tier", async () => {
        const e = emu.get();
        const jobId = await start(withRehydration("High"));
        await advance(e, 3600 + 60);
        const job = await getJob(e, jobId);
        assert.equal(job.properties.extendedInfo.tasksList[0].status, "Completed");
        assert.equal(job.properties.extendedInfo.propertyBag["Rehydration Retention Duration"], "P15D", "default retention");
        assert.equal((await archivedTier()).status, "Rehydrated");
        await call(`${e.url}/admin/wire-format`, { method: "POST", body: { wireFormat: "live" } });
        const live = (await point()).properties.recoveryPointTierDetails.find((t: TierJson) => t.type === 3);
        assert.equal(live.status, 4);
    });

    it("a job that fails during rehydration leaves the point archive-only", async () => {
        const e = emu.get();
        await call(`${e.url}/admin/faults`, { method: "POST", body: { kind: "jobOutcome", outcome: "Failed" } });
        const jobId = await start(withRehydration("Standard"));
        await advance(e, 30000);
        assert.equal((await getJob(e, jobId)).properties.status, "Failed");
        assert.equal((await archivedTier()).status, "Valid");
    });

    it("refuses a retention outside 10 to 30 days and a priority other than Standard or High", async () => {
        const e = emu.get();
        for (const [body, target] of [
            [withRehydration("Standard", "P7D"), "rehydrationRetentionDuration"],
            [withRehydration("Standard", "P31D"), "rehydrationRetentionDuration"],
            [withRehydration("Standard", "PT10H"), "rehydrationRetentionDuration"],
            [withRehydration("Urgent", "P10D"), "rehydrationPriority"],
        ] as const) {
            const r = await triggerRestore(e, "vm-web01", archived, body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.body.error.target, `properties.recoveryPointRehydrationInfo.${target}`);
        }
        assert.equal((await triggerRestore(e, "vm-web01", archived, withRehydration("High", "P2W"))).status, 202);
    });
});
