/**
 * Jobs that say less than the emulator's default: no progress, no estimate, an estimate wrong by
 * ×2 either way, task durations PT0S, and a property bag with only documented keys. The restore's
 * waiting and a re-run's adoption of a running job stay correct under each.
 */
import { strict as assert } from "assert";
import { RG_RESTORE, VNET } from "../../support/emulator-fixture";
import { restoreStartedElsewhere, useProviderWorld } from "../../support/provider-harness";

describe("jobs that say less", function () {
    this.timeout(120_000);
    const { fx, restoreDisks, create } = useProviderWorld();

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
            const { outs } = await create(restoreDisks({ resourceName: "terse" }, "vm-app01"));
            assert.equal(outs.jobStatus, "Completed");
            assert.equal(outs.restoredDiskIds.length, 1);
            assert.ok(
                Math.abs(Number(outs.jobDurationSeconds) - 3600) < 60,
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
    const { fx, alternateLocation, create } = useProviderWorld();

    it('a re-run adopts a running AlternateLocation job from documented fields only (no "Target VM Name")', async () => {
        await fx.admin("POST", "variants", { propertyBag: "documented" });
        // An earlier run on another machine started it; the clock stands still while it runs.
        await restoreStartedElsewhere(fx, "vm-app01", {
            recoveryType: "AlternateLocation",
            targetVirtualMachineId: `${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-app01-adopted`,
            virtualNetworkId: VNET,
            subnetId: `${VNET}/subnets/isolated`,
        });
        await fx.admin("POST", "clock", { advanceSeconds: 120 });

        const created = create(alternateLocation({ resourceName: "adopter", targetVmName: "vm-app01-adopted" }, "vm-app01"));
        await fx.releaseClockOnceJobRead();
        const { outs } = await created;
        assert.equal(outs.jobStatus, "Completed");
        assert.match(String(outs.restoredVmId), /\/virtualMachines\/vm-app01-adopted$/);
        assert.equal((await fx.restorePosts()).length, 1, "only the earlier POST: the running job was adopted");
    });
});
