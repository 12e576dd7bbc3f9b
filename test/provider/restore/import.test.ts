/**
 * `import` of a restore job: the engine calls `read` with the ID and the program's inputs only.
 * A real, finished restore job gets every output from Azure; anything else is refused with what to
 * do (a made-up job ID, a wrong ID shape, a job still running).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { parseUsDateTime } from "../../../provider/restore/restore-import";
import { createRuntime } from "../../../provider/pulumi/provider-runtime";
import { resolveRestoreSource, startRestore, waitForRestore } from "../../../provider/restore/restore-workflow";
import { fileCheckpointStore } from "../../../provider/restore/restore-checkpoint";
import { VmRestoreInputs } from "../../../provider/restore/restore-inputs";
import { RG_RESTORE, STAGING, VAULT, vmId } from "../../support/emulator-fixture";
import { useProviderWorld } from "../../support/provider-harness";

describe("import of a restore job", function () {
    this.timeout(120_000);
    const world = useProviderWorld();
    const { fx } = world;
    const provider = () => world.provider();
    const inputs = () => world.restoreDisks({ resourceName: "imported", preflight: false });

    it("reads the real job and its restored resources into the outputs", async () => {
        const created = await provider().create((await provider().check!({}, inputs())).inputs);
        const posts = (await fx.restorePosts()).length;
        const read = await provider().read!(created.id, inputs());
        assert.equal(read.id, created.id);
        for (const k of [
            "jobId",
            "jobStatus",
            "restoredDiskIds",
            "osDiskId",
            "dataDisks",
            "recoveryPointId",
            "recoveryPointTime",
            "protectedItemId",
            "vaultLocation",
            "templateBlobUri",
        ]) {
            assert.deepEqual(read.props[k], created.outs[k], k);
        }
        assert.equal(read.props.timeToRestoreSeconds, created.outs.jobDurationSeconds, "Azure's measure of the job");
        assert.deepEqual(read.inputs, inputs(), "the program's inputs are recorded for the next diff");
        assert.equal((await fx.restorePosts()).length, posts, "nothing restored again");
        await provider().delete!(created.id, created.outs);
    });

    it("refuses a made-up job ID, naming the job and what ID to use", async () => {
        const madeUp = `${VAULT}/backupJobs/00000000-1111-2222-3333-444444444444`;
        await assert.rejects(provider().read!(madeUp, inputs()), (e: Error) => {
            assert.match(
                e.message,
                /^import: there is no job '00000000-1111-2222-3333-444444444444' in vault .*vault-prod \(Azure answered 404/,
            );
            assert.match(e.message, /az backup job list --vault-name <vault> -g <rg> --operation Restore/);
            return true;
        });
    });

    it("refuses an ID that is not a restore job's, and a job of another vault", async () => {
        await assert.rejects(provider().read!("web01-restore", inputs()), /^Error: import: 'web01-restore' is not the ID of a restore job/);
        const other = `${VAULT.replace("vault-prod", "vault-other")}/backupJobs/x`;
        await assert.rejects(
            provider().read!(other, inputs()),
            /import: the job is in vault .*vault-other, but the resource's inputs name .*vault-prod/,
        );
    });

    it("refuses a job still running, pointing at `pulumi up`", async () => {
        // A frozen job clock that moves only by what the restore sleeps, until Azure names the job.
        await fx.admin("POST", "clock", { speed: 0 });
        const rt = await createRuntime(
            { armEndpoint: fx.url },
            {
                sleep: async (ms) => void (await fx.admin("POST", "clock", { advanceSeconds: ms / 1000 })),
                write: () => undefined,
            },
        );
        const plain: VmRestoreInputs = {
            vaultId: VAULT,
            sourceVmId: vmId("vm-web01"),
            restoreType: "RestoreDisks",
            storageAccountId: STAGING,
            targetResourceGroupId: RG_RESTORE,
        };
        const t = await startRestore(rt, plain, await resolveRestoreSource(rt, plain), {
            checkpoints: fileCheckpointStore(path.join(process.env.PULUMI_HOME!, "vmrestore", "restores")),
            checkpointKey: "import-running",
        });
        let jobId: string | undefined;
        await waitForRestore(rt, t, plain, (id) => {
            jobId = id;
            throw new Error("stop: the job is known");
        }).catch(() => undefined);
        assert.ok(jobId, "Azure named the job");
        await assert.rejects(
            provider().read!(`${VAULT}/backupJobs/${jobId}`, inputs()),
            /import: restore job .* is still InProgress\. Import it once it has finished; or remove the `import` option and run `pulumi up`/,
        );
    });

    it("reads Azure's recovery point time (UTC, 12-hour clock)", () => {
        assert.equal(parseUsDateTime("11/20/2026 3:04:05 AM"), Date.UTC(2026, 10, 20, 3, 4, 5));
        assert.equal(parseUsDateTime("1/2/2026 12:00:00 PM"), Date.UTC(2026, 0, 2, 12, 0, 0));
        assert.equal(parseUsDateTime("1/2/2026 12:30:00 AM"), Date.UTC(2026, 0, 2, 0, 30, 0));
        assert.equal(parseUsDateTime("soon"), undefined);
    });
});
