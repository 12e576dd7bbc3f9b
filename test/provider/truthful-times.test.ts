/**
 * Restore times an auditor can rely on: `restoreTriggeredAt` is the restore's FIRST trigger, kept
 * when a later run resumes or adopts it, and `timeToRestoreSeconds` counts from there;
 * `recoveryPointAgeSeconds` is the recovery point's age at that trigger (the achieved RPO).
 */
import { strict as assert } from "assert";
import fetch from "node-fetch";
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "./serialized-provider";
import { EmulatorFixture, RG_RESTORE, STAGING, VAULT, usePrivatePulumiHome, vmId } from "./emulator-fixture";

type Props = Record<string, any>;

describe("truthful restore times (RTO from the first trigger, RPO at the trigger)", function () {
    this.timeout(120_000);
    const fx = new EmulatorFixture();
    let provider: pulumi.dynamic.ResourceProvider;
    usePrivatePulumiHome();
    before(async () => {
        provider = (await serializedProvider()).provider;
    });
    beforeEach(() => fx.start());
    afterEach(() => fx.stop());

    const inputs = (extra: Props = {}): Props => ({
        resourceName: "times",
        vaultId: VAULT,
        sourceVmId: vmId("vm-web01"),
        restoreType: "RestoreDisks",
        storageAccountId: STAGING,
        targetResourceGroupId: RG_RESTORE,
        armEndpoint: fx.url,
        ...extra,
    });

    async function latestPoint(): Promise<{ id: string; name: string; time: string }> {
        const items = await fx.arm<{ value: { id: string }[] }>(`${VAULT}/backupProtectedItems`);
        const item = items.body.value.find((i) => i.id.toLowerCase().includes(";vm-web01"))!;
        const rps = await fx.arm<{ value: { name: string; properties: { recoveryPointTime: string } }[] }>(`${item.id}/recoveryPoints`);
        const latest = rps.body.value.sort((a, b) => b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime))[0];
        return { id: item.id, name: latest.name, time: latest.properties.recoveryPointTime };
    }

    it("a fresh restore: RPO is the point's age at the trigger, RTO runs from the trigger to verified outputs", async () => {
        const point = await latestPoint();
        const before = Date.now();
        const { outs } = await provider.create(inputs());
        const after = Date.now();
        const triggered = Date.parse(outs.restoreTriggeredAt);
        assert.ok(triggered >= before && triggered <= after);
        assert.equal(outs.recoveryPointAgeSeconds, Math.round((triggered - Date.parse(point.time)) / 100) / 10);
        assert.ok(Math.abs(outs.recoveryPointAgeSeconds - 3 * 3600) < 120, `vm-web01's latest point is about 3 h old, got ${outs.recoveryPointAgeSeconds} s`);
        assert.ok(outs.timeToRestoreSeconds * 1000 <= after - triggered + 100);
    });

    it("a timed-out restore resumed by the next up keeps its first trigger; RTO spans both runs", async () => {
        await fx.admin("POST", "clock", { speed: 600 }); // an hour-long job takes 6 s: the first run times out
        const first = await provider.create(inputs({ timeoutMinutes: 0.03 })).then(() => undefined, (e: Props) => e);
        assert.ok(first?.properties?.restoreIncomplete, "the first run recorded an incomplete restore");
        const firstTrigger = first.properties.restoreTriggeredAt as string;
        assert.ok(firstTrigger, "the incomplete restore records its trigger");
        const resumedAt = Date.now();
        const { outs } = await provider.update!(first.id, first.properties, inputs());
        const done = Date.now();
        assert.equal(outs.jobId, first.properties.jobId, "the same job");
        assert.equal(outs.restoreTriggeredAt, firstTrigger, "restoreTriggeredAt is the first trigger, not the resume");
        assert.equal(outs.recoveryPointAgeSeconds, first.properties.recoveryPointAgeSeconds);
        const fromFirst = (done - Date.parse(firstTrigger)) / 1000;
        assert.ok(outs.timeToRestoreSeconds > (resumedAt - Date.parse(firstTrigger)) / 1000, "RTO includes the first, timed-out run");
        assert.ok(outs.timeToRestoreSeconds <= fromFirst + 0.1);
        // A later up with nothing to do keeps the times.
        const again = await provider.update!(first.id, outs, inputs({ timeoutMinutes: 30 }));
        assert.equal(again.outs.restoreTriggeredAt, firstTrigger);
        assert.equal(again.outs.timeToRestoreSeconds, outs.timeToRestoreSeconds);
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("a job adopted from Azure's job list counts from the job's own start time", async () => {
        const point = await latestPoint();
        await fx.admin("POST", "clock", { speed: 0 }); // the job stands still until the provider runs
        const res = await fetch(`${fx.url}${point.id}/recoveryPoints/${point.name}/restore?api-version=2026-02-01`, {
            method: "POST", headers: { "content-type": "application/json", authorization: "Bearer x" },
            body: JSON.stringify({ properties: { objectType: "IaasVMRestoreRequest", recoveryPointId: point.name, recoveryType: "RestoreDisks",
                sourceResourceId: vmId("vm-web01"), storageAccountId: STAGING, targetResourceGroupId: RG_RESTORE, region: "westeurope",
                createNewCloudService: false, originalStorageAccountOption: false, encryptionDetails: { encryptionEnabled: false } } }),
        });
        assert.equal(res.status, 202);
        const jobs = (await fx.admin<{ jobs: { jobId: string; startTime: string; status: string }[] }>("GET", "jobs")).jobs;
        assert.equal(jobs.length > 0, true);
        const started = jobs.find((j) => j.status === "InProgress")!;
        await fx.admin("POST", "clock", { speed: 36_000 });
        const createdAt = Date.now();
        const { outs } = await provider.create(inputs());
        assert.equal(outs.jobId, started.jobId, "the running job was adopted");
        assert.equal((await fx.restorePosts()).length, 1, "only the earlier POST");
        assert.equal(Date.parse(outs.restoreTriggeredAt), Date.parse(started.startTime), "the job's start time in Azure");
        assert.ok(Date.parse(outs.restoreTriggeredAt) <= createdAt);
        assert.ok(outs.timeToRestoreSeconds * 1000 >= Date.now() - createdAt - 1000 + (createdAt - Date.parse(started.startTime)) - 100);
        assert.equal(outs.recoveryPointAgeSeconds, Math.round((Date.parse(started.startTime) - Date.parse(point.time)) / 100) / 10);
    });
});
