import { strict as assert } from "assert";
import { mergeListedJob } from "../../../provider/restore/vault-job-board";
import { readRestoreJob } from "../../../provider/azure/backup/restore-job";

describe("a job seen in the vault's job list", () => {
    const own = readRestoreJob("j1", {
        properties: {
            status: "InProgress",
            duration: "PT10M",
            actionsInfo: ["Cancellable"],
            extendedInfo: {
                progressPercentage: 20,
                estimatedRemainingDuration: "PT40M",
                propertyBag: { "Job Type": "Recover disks" },
                tasksList: [{ taskId: "Transfer data from vault", status: "InProgress" }],
            },
        },
    });

    it("keeps what only the job's own read has, and ages its estimate by the time that passed", () => {
        const listed = readRestoreJob("j1", { properties: { status: "InProgress", duration: "PT25M" } });
        const merged = mergeListedJob(listed, own);
        assert.equal(merged.status, "InProgress");
        assert.equal(merged.durationMs, 25 * 60_000);
        assert.equal(merged.estimatedRemainingMs, 25 * 60_000, "40 min estimated, 15 min passed");
        assert.equal(merged.progressPercentage, undefined, "an old percentage is not passed off as new");
        assert.deepEqual(merged.propertyBag, own.propertyBag);
        assert.equal(merged.cancellable, true);
    });

    it("drops an estimate the job has already outlived", () => {
        const listed = readRestoreJob("j1", { properties: { status: "InProgress", duration: "PT55M" } });
        assert.equal(mergeListedJob(listed, own).estimatedRemainingMs, undefined);
    });
});
