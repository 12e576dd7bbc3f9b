/**
 * Cross Region Restore as Azure runs it: points reach the secondary region hours late (latest is
 * picked there), the finished operation status may carry no properties, the job may answer 404
 * right after the trigger, and a CRR job cannot be cancelled (destroy waits for it instead).
 */
import { strict as assert } from "assert";
import fetch from "node-fetch";
import { SUB, VAULT, vmId } from "../../support/emulator-fixture";
import { useProviderWorld } from "../../support/provider-harness";
const DR = `/subscriptions/${SUB}/resourceGroups/rg-dr`;
const NORTH = `${DR}/providers/Microsoft.Storage/storageAccounts/stgnorth`;
const LOC = `/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/locations/northeurope`;
const CRR = "api-version=2023-01-15";
/** vm-app01's points, newest first: 4 h, 28 h, 52 h old. */
const APP01 = ["763019452287410", "763019366385163", "763019280483725"];

describe("Cross Region Restore as Azure runs it", function () {
    this.timeout(120_000);
    const { fx, provider, restoreDisks, create } = useProviderWorld();
    const crrDisks = () =>
        restoreDisks({ resourceName: "crr", crossRegion: true, storageAccountId: NORTH, targetResourceGroupId: DR }, "vm-app01");

    it("latest is the newest point the secondary region holds (RecoveryPointsCrr), not the primary's", async () => {
        await fx.admin("POST", "variants", { crrReplicationLagHours: 12 });
        const { id, outs } = await create(crrDisks());
        assert.equal(outs.recoveryPointId, APP01[1], "the 4-hour-old point has not reached northeurope yet");
        assert.equal(outs.jobStatus, "Completed");
        const lists = (await fx.requests()).filter((r) => r.method === "GET" && /\/recoveryPoints$/i.test(r.path));
        assert.ok(
            lists.length > 0 && lists.every((r) => r.query["api-version"] === "2023-01-15"),
            "the points were listed on the CRR line",
        );
        await provider().delete!(id, outs);
    });

    it("follows an operation status without properties and a job that answers 404 at first", async () => {
        // A slower clock, so that the provider's first look comes while the job still answers 404.
        await fx.admin("POST", "clock", { speed: 600 });
        await fx.admin("POST", "variants", { crrOperationProperties: "absent", crrJobVisibleAfterSeconds: 1800 });
        const { id, outs } = await create(crrDisks());
        await fx.admin("POST", "clock", { speed: 36_000 });
        assert.equal(outs.jobStatus, "Completed");
        assert.ok(outs.restoredDiskIds.length >= 1);
        const log = await fx.requests();
        assert.equal(log.filter((r) => /\/backupcrossregionrestore$/i.test(r.path)).length, 1, "one trigger");
        assert.ok(
            log.some((r) => /\/backupCrrJobs$/i.test(r.path)),
            "the job was looked up in the secondary region's list",
        );
        assert.ok(
            log.some((r) => /\/backupCrrJob$/i.test(r.path) && r.status === 404) ||
                log.filter((r) => /\/backupCrrJobs$/i.test(r.path)).length > 1,
            "the job was not visible at first",
        );
        await provider().delete!(id, outs);
    });

    it("destroy of an unfinished cross-region job never POSTs a cancel: it waits for the job, then removes what it made", async () => {
        // A CRR job started by an earlier, interrupted `up` (its state: restoreIncomplete with the job ID).
        await fx.admin("POST", "clock", { speed: 0 });
        const aad = (await (await fetch(`${fx.url}${LOC}/backupAadProperties?${CRR}`)).json()) as { properties: unknown };
        const itemId = `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-app01/protectedItems/VM;iaasvmcontainerv2;rg-prod;vm-app01`;
        const token = (await (
            await fetch(`${fx.url}${itemId}/recoveryPoints/${APP01[0]}/accessToken?${CRR}`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ properties: aad.properties }),
            })
        ).json()) as { properties: unknown };
        const trigger = await fetch(`${fx.url}${LOC}/backupCrossRegionRestore?${CRR}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
                crossRegionRestoreAccessDetails: token.properties,
                restoreRequest: {
                    objectType: "IaasVMRestoreRequest",
                    recoveryType: "RestoreDisks",
                    recoveryPointId: APP01[0],
                    sourceResourceId: vmId("vm-app01"),
                    storageAccountId: NORTH,
                    targetResourceGroupId: DR,
                    region: "northeurope",
                    createNewCloudService: false,
                    originalStorageAccountOption: false,
                    encryptionDetails: { encryptionEnabled: false },
                },
            }),
        });
        assert.equal(trigger.status, 202);
        await fx.admin("POST", "clock", { advanceSeconds: 60 });
        const status = (await (await fetch(trigger.headers.get("azure-asyncoperation")!)).json()) as { properties: { jobId: string } };
        const jobId = status.properties.jobId;
        const checked = await provider().check!({}, crrDisks());
        const state = {
            ...checked.inputs,
            jobId,
            restoreIncomplete: true,
            restoreRegion: "northeurope",
            jobStatus: "InProgress",
            warnings: [],
        };

        const destroyed = provider().delete!(`${VAULT}/backupJobs/${jobId}`, state);
        // Once destroy has looked at the (frozen) job, let the clock run: the job ends, destroy goes on.
        for (let seen = false; !seen;) {
            seen = (await fx.requests()).some((r) => r.method === "POST" && /\/backupCrrJob$/i.test(r.path));
        }
        await fx.admin("POST", "clock", { speed: 36_000 });
        await destroyed;

        const log = await fx.requests();
        assert.deepEqual(
            log.filter((r) => /\/cancel$/i.test(r.path)).map((r) => r.path),
            [],
            "no cancel was sent anywhere",
        );
        assert.deepEqual(
            (await fx.restoredLeftovers()).filter((r) => /\/disks\//i.test(r)),
            [],
            "the disks the job made were removed",
        );
        assert.ok(log.some((r) => r.method === "DELETE" && /\/disks\//i.test(r.path)));
    });
});
