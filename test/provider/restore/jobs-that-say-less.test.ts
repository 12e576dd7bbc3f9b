/**
 * Jobs that say less than the emulator's default: no progress, no estimate, an estimate wrong by
 * ×2 either way, task durations PT0S, and a property bag with only documented keys. The restore's
 * waiting and a re-run's adoption of a running job stay correct under each.
 */
import { strict as assert } from "assert";
import fetch from "node-fetch";
import { RG_RESTORE, STAGING, VAULT, VNET, vmId } from "../../support/emulator-fixture";
import { useProviderAgainstEmulator } from "../../support/provider-harness";

type Props = Record<string, any>;

describe("jobs that say less", function () {
    this.timeout(120_000);
    const { fx, provider } = useProviderAgainstEmulator();

    const restoreDisks = (): Props => ({
        resourceName: "terse",
        vaultId: VAULT,
        sourceVmId: vmId("vm-app01"),
        restoreType: "RestoreDisks",
        storageAccountId: STAGING,
        targetResourceGroupId: RG_RESTORE,
        armEndpoint: fx.url,
    });

    const variants: Record<string, string>[] = [
        { jobProgress: "absent" },
        { jobEstimate: "absent" },
        { jobEstimate: "half" },
        { jobEstimate: "double" },
        { taskDurations: "zero" },
        { jobProgress: "absent", jobEstimate: "absent", taskDurations: "zero", propertyBag: "documented" },
    ];
    for (const v of variants) {
        it(`waits the job out to its real end (${JSON.stringify(v)})`, async () => {
            await fx.admin("POST", "variants", v);
            const checked = await provider().check!({}, restoreDisks());
            const { outs } = await provider().create(checked.inputs);
            assert.equal(outs.jobStatus, "Completed");
            assert.equal(outs.restoredDiskIds.length, 1);
            assert.ok(
                Math.abs(outs.jobDurationSeconds - 3600) < 60,
                `the job's own duration (${outs.jobDurationSeconds} s), read at its end`,
            );
            assert.equal((await fx.restorePosts()).length, 1);
            const jobReads = (await fx.requests()).filter((r) => r.method === "GET" && /\/backupJobs\/[^/]+$/i.test(r.path));
            assert.ok(jobReads.length >= 1 && jobReads.length <= 30, `${jobReads.length} job reads`);
        });
    }
});

describe("adoption from documented fields", function () {
    this.timeout(120_000);
    // Its own emulator: a list of running jobs that another test's restore took moments ago (shared
    // reads are per URL) must not stand in for this one.
    const { fx, provider } = useProviderAgainstEmulator();

    it('a re-run adopts a running AlternateLocation job from documented fields only (no "Target VM Name")', async () => {
        await fx.admin("POST", "variants", { propertyBag: "documented" });
        const props: Props = {
            resourceName: "adopter",
            vaultId: VAULT,
            sourceVmId: vmId("vm-app01"),
            storageAccountId: STAGING,
            targetResourceGroupId: RG_RESTORE,
            armEndpoint: fx.url,
            restoreType: "AlternateLocation",
            targetVmName: "vm-app01-adopted",
            virtualNetworkId: VNET,
            subnetId: `${VNET}/subnets/isolated`,
        };
        // An earlier run on another machine started it; the clock stands still while it runs.
        await fx.admin("POST", "clock", { speed: 0 });
        const items = await fx.arm<{ value: { id: string }[] }>(`${VAULT}/backupProtectedItems`);
        const item = items.body.value.find((i) => i.id.toLowerCase().endsWith(";vm-app01"))!;
        const rps = await fx.arm<{ value: { name: string; properties: { recoveryPointTime: string } }[] }>(`${item.id}/recoveryPoints`);
        const latest = rps.body.value.sort((a, b) => b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime))[0];
        const res = await fetch(`${fx.url}${item.id}/recoveryPoints/${latest.name}/restore?api-version=2026-02-01`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
                properties: {
                    objectType: "IaasVMRestoreRequest",
                    recoveryPointId: latest.name,
                    recoveryType: "AlternateLocation",
                    sourceResourceId: vmId("vm-app01"),
                    storageAccountId: STAGING,
                    targetResourceGroupId: RG_RESTORE,
                    region: "westeurope",
                    targetVirtualMachineId: `${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-app01-adopted`,
                    virtualNetworkId: VNET,
                    subnetId: `${VNET}/subnets/isolated`,
                    createNewCloudService: false,
                    originalStorageAccountOption: false,
                    encryptionDetails: { encryptionEnabled: false },
                },
            }),
        });
        assert.equal(res.status, 202);
        await fx.admin("POST", "clock", { advanceSeconds: 120 });

        const checked = await provider().check!({}, props);
        const created = provider().create(checked.inputs);
        await fx.releaseClockOnceJobRead();
        const { outs } = await created;
        assert.equal(outs.jobStatus, "Completed");
        assert.match(outs.restoredVmId, /\/virtualMachines\/vm-app01-adopted$/);
        assert.equal((await fx.restorePosts()).length, 1, "only the earlier POST: the running job was adopted");
    });
});
