/**
 * `import` through the real engine: a restore made by one stack is imported by another by its job ID
 * (outputs filled from Azure, nothing restored again); a made-up job ID fails with what to do.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { VmRestore } from "../../provider";
import { seededRestoreDisks, useEmulator, VAULT } from "../support/emulator-fixture";
import { useEngineStacks } from "../support/engine-harness";

describe("import of a restore through the engine", function () {
    this.timeout(5 * 60_000);
    const fx = useEmulator();
    const engineStack = useEngineStacks();

    const program =
        (opts: pulumi.CustomResourceOptions = {}) =>
        async () => {
            const r = new VmRestore("web01-drill", seededRestoreDisks(fx.url), opts);
            return { jobId: r.jobId, jobStatus: r.jobStatus, restoredDiskIds: r.restoredDiskIds, recoveryPointId: r.recoveryPointId };
        };
    const stack = (name: string, p: pulumi.automation.PulumiFn) =>
        engineStack({ projectName: "vmrestore-import", stackName: name, program: p });

    it("imports a finished restore by its job ID: outputs from Azure, no second restore", async () => {
        const origin = await stack("origin", program());
        const made = await origin.stack.up({ color: "never" });
        const id = (await origin.stack.exportStack()).deployment.resources.find((r: { type: string }) => r.type.endsWith("VmRestore"))
            .id as string;
        assert.match(id, /\/backupJobs\/[^/]+$/);
        const adopter = await stack("adopter", program({ import: id }));
        const imported = await adopter.stack.up({ color: "never" });
        assert.equal(imported.summary.result, "succeeded");
        // (Created in Pulumi's terms: the engine cannot read a dynamic resource it has no code for yet.)
        assert.equal(imported.summary.resourceChanges?.create, 2, "the stack and the imported restore");
        for (const k of ["jobId", "jobStatus", "restoredDiskIds", "recoveryPointId"])
            assert.deepEqual(imported.outputs[k].value, made.outputs[k].value, k);
        assert.equal((await fx.restorePosts()).length, 1, "nothing restored again");
        // A second up (import still set, as after a real import) changes nothing.
        const again = await adopter.stack.up({ color: "never" });
        assert.deepEqual(again.summary.resourceChanges, { same: 2 });
        await adopter.stack.destroy({ color: "never" });
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });

    it("refuses a made-up job ID, saying what ID to use", async () => {
        const made = await stack("made-up", program({ import: `${VAULT}/backupJobs/00000000-1111-2222-3333-444444444444` }));
        await assert.rejects(made.stack.up({ color: "never" }), (e: Error) => {
            assert.match(e.message, /import: there is no job '00000000-1111-2222-3333-444444444444' in vault/);
            assert.match(e.message, /--operation Restore/);
            return true;
        });
    });
});
