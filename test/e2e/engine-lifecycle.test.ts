/**
 * End to end through the real Pulumi engine (Automation API, local file backend): up, a second up,
 * refresh after an out-of-band delete, replace, a provider upgrade, destroy, retainOnDelete,
 * preview-time checks, and what the state file holds.
 */
import type { VmRestoreOutputs } from "../../provider/restore/restore-inputs";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { VmRestore } from "../../provider";
import { PROVIDER_BUILD } from "../../provider/pulumi/provider-version";
import { PACKED_PREFIX, readableProviderCode } from "../../provider/pulumi/packed-provider";
import { createEngineStack, EngineStack } from "../../scripts/engine-workspace";
import { useEmulator, RG_RESTORE, STAGING, VAULT, vmId } from "../support/emulator-fixture";

interface Scenario {
    recoveryPoint: string;
    sourceVm: string;
    retainOnDelete: boolean;
    /** Extra inputs, e.g. invalid ones for preview. */
    extra: Record<string, unknown>;
}

/** Every state and history file the file backend wrote. */
function stateFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? stateFiles(p) : e.name.endsWith(".json") ? [p] : [];
    });
}

/** A VmRestore as the engine's state holds it: its outputs, with secrets as the engine stores them. */
type StateResource = {
    type: string;
    urn: string;
    inputs?: Record<string, unknown>;
    outputs?: Omit<VmRestoreOutputs, "templateBlobUri"> & { templateBlobUri: Record<string, string> };
};

describe("through the real Pulumi engine", function () {
    this.timeout(10 * 60_000);
    const fx = useEmulator(36_000, { variants: "strict" });
    const SECRET = "s3cr3t-" + Math.random().toString(36).slice(2);
    let scenario: Scenario;
    let engine: EngineStack;
    const originalVersion = PROVIDER_BUILD.version;

    const program = async () => {
        const r = new VmRestore(
            "drill-web01",
            {
                vaultId: VAULT,
                sourceVmId: vmId(scenario.sourceVm),
                recoveryPoint: scenario.recoveryPoint,
                restoreType: "RestoreDisks",
                storageAccountId: STAGING,
                targetResourceGroupId: RG_RESTORE,
                armEndpoint: fx.url,
                ...scenario.extra,
            },
            { retainOnDelete: scenario.retainOnDelete },
        );
        return {
            jobId: r.jobId,
            jobStatus: r.jobStatus,
            recoveryPointId: r.recoveryPointId,
            restoredDiskIds: r.restoredDiskIds,
            osDiskId: r.osDiskId,
            dataDisks: r.dataDisks,
            jobDurationSeconds: r.jobDurationSeconds,
            templateBlobUri: r.templateBlobUri,
        };
    };

    const restoreResources = async (): Promise<StateResource[]> =>
        (((await engine.stack.exportStack()).deployment.resources as StateResource[]) ?? []).filter((r) => r.type.endsWith("VmRestore"));

    before(async () => {
        // Serialize the provider afresh for every run (inline programs otherwise cache it per process),
        // so that the upgrade test below really runs changed provider code.
        process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS = "false";
        scenario = { recoveryPoint: "latest", sourceVm: "vm-web01", retainOnDelete: false, extra: {} };
        engine = await createEngineStack({
            projectName: "vmrestore-e2e",
            stackName: "e2e",
            program,
            // A service principal secret in the provider's environment must never reach the state.
            // (No AZURE_CLIENT_ID: the emulator endpoint then needs no credential.)
            envVars: { AZURE_CLIENT_SECRET: SECRET, AZURE_TENANT_ID: "00000000-0000-0000-0000-0000000000aa" },
        });
    });
    after(async () => {
        PROVIDER_BUILD.version = originalVersion;
        engine?.cleanup();
    });

    it("preview with invalid inputs fails in check, naming the property, and sends no restore", async () => {
        scenario.extra = { subnetId: "not-an-id", timeoutMinutes: -1 };
        await assert.rejects(engine.stack.preview({ color: "never" }), (e: Error) => {
            assert.match(e.message, /subnetId is only used with restoreType "AlternateLocation"/);
            assert.match(e.message, /timeoutMinutes must be above 0/);
            return true;
        });
        scenario.extra = {};
        assert.equal((await fx.restorePosts()).length, 0);
    });

    it("preview of a valid program sends no restore", async () => {
        const preview = await engine.stack.preview({ color: "never" });
        assert.equal(preview.changeSummary.create, 2, "the stack and the VmRestore");
        assert.equal((await fx.restorePosts()).length, 0);
    });

    it("up restores once and exposes typed outputs", async () => {
        const up = await engine.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.equal((await fx.restorePosts()).length, 1, "exactly one restore POST");
        assert.equal(up.outputs.jobStatus.value, "Completed");
        assert.match(up.outputs.recoveryPointId.value, /^\d+$/);
        assert.equal(typeof up.outputs.jobDurationSeconds.value, "number");
        assert.equal(up.outputs.restoredDiskIds.value.length, 3);
        assert.deepEqual(
            up.outputs.dataDisks.value.map((d: { lun: number }) => d.lun),
            [0, 1],
        );
        assert.equal(up.outputs.templateBlobUri.secret, true, "the template blob URI is a secret output");
    });

    it("the state file holds no credential, token or secret in clear text", async () => {
        // The file the backend wrote, not `stack export` (which decrypts secrets for display).
        const files = stateFiles(engine.stateDir)
            .map((f) => fs.readFileSync(f, "utf8"))
            .join("\n");
        // The provider code is stored packed: read what is inside as well.
        assert.ok(files.includes(PACKED_PREFIX), "the stored provider is packed");
        const state = readableProviderCode(files);
        assert.ok(state.includes("drill-web01") && state.includes("backupJobs"), "read the stack's state and the provider code in it");
        assert.ok(!state.includes(SECRET), "the client secret is not in state");
        assert.ok(!/Bearer [A-Za-z0-9._~+/-]{8,}|eyJ[A-Za-z0-9_-]{10,}\./.test(state), "no bearer token in state");
        const current = JSON.parse(
            fs.readFileSync(
                stateFiles(engine.stateDir).find((f) => /stacks\/.*e2e\.json$/.test(f))!,
                "utf8",
            ),
        );
        const res = (current.checkpoint.latest.resources as StateResource[]).find((r) => r.type.endsWith("VmRestore"))!;
        const blob = res.outputs!.templateBlobUri;
        assert.equal(blob["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "stored as a secret");
        const leak = state.indexOf("azuredeploy");
        assert.ok(
            blob.ciphertext && leak < 0,
            `the template URI is only stored encrypted (found: ${state.slice(Math.max(0, leak - 300), leak + 50)})`,
        );
    });

    it("a second up changes nothing and restores nothing", async () => {
        const up = await engine.stack.up({ color: "never" });
        assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}).sort(), ["same"]);
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("an upgraded provider (changed code) neither replaces nor loses outputs", async () => {
        const before = (await restoreResources())[0];
        PROVIDER_BUILD.version = "0.1.0-upgrade-test";
        const up = await engine.stack.up({ color: "never" });
        PROVIDER_BUILD.version = originalVersion;
        assert.equal(up.summary.resourceChanges?.replace ?? 0, 0);
        assert.equal(up.summary.resourceChanges?.create ?? 0, 0);
        assert.equal((await fx.restorePosts()).length, 1, "no second restore");
        const after = (await restoreResources())[0];
        assert.ok(
            readableProviderCode(String(after.inputs!.__provider)).includes("0.1.0-upgrade-test"),
            "the new provider code is what the engine recorded",
        );
        assert.equal(after.outputs!.jobId, before.outputs!.jobId);
        assert.deepEqual(after.outputs!.restoredDiskIds, before.outputs!.restoredDiskIds);
    });

    it("refresh drops the resource when everything restored was deleted; the next up restores again", async () => {
        assert.ok((await restoreResources()).length > 0, "the restore is in state before the cleanup");
        // Someone cleaned up the drill by hand: the disks and the staging blobs are gone.
        for (const id of await fx.restoredLeftovers()) await fx.deleteOutOfBand(id);
        await engine.stack.refresh({ color: "never" });
        assert.equal((await restoreResources()).length, 0, "refresh removed the restore from state");
        const up = await engine.stack.up({ color: "never" });
        assert.equal(up.summary.resourceChanges?.create, 1);
        assert.equal((await fx.restorePosts()).length, 2);
    });

    it("refresh after one restored disk was deleted: the next up restores again and leaves nothing behind", async () => {
        const [res] = await restoreResources();
        const [gone, ...survivors] = [res.outputs!.dataDisks[1].diskId, String(res.outputs!.osDiskId), res.outputs!.dataDisks[0].diskId];
        await fx.deleteOutOfBand(gone);
        await engine.stack.refresh({ color: "never" });
        assert.deepEqual((await restoreResources())[0].outputs!.missingResourceIds, [gone]);
        const up = await engine.stack.up({ color: "never" });
        assert.equal(up.summary.resourceChanges?.replace, 1);
        assert.equal((await fx.restorePosts()).length, 3);
        for (const id of survivors) assert.equal((await fx.arm(id)).status, 404, `${id} was deleted with the old restore`);
    });

    it("changing the recovery point replaces: a new restore, and the old restored disks are deleted", async () => {
        const [old] = await restoreResources();
        const rps = await fx.arm<{ value: { name: string }[] }>(`${old.outputs!.protectedItemId}/recoveryPoints`);
        const other = rps.body.value.map((r) => r.name).find((n) => n !== old.outputs!.recoveryPointId && !n.endsWith("8730"))!;
        scenario.recoveryPoint = other;
        const up = await engine.stack.up({ color: "never" });
        assert.equal(up.summary.resourceChanges?.replace, 1);
        assert.equal(up.outputs.recoveryPointId.value, other);
        assert.equal((await fx.restorePosts()).length, 4);
        for (const id of old.outputs!.restoredDiskIds as string[]) assert.equal((await fx.arm(id)).status, 404, `${id} was deleted`);
    });

    it("destroy deletes the restored resources", async () => {
        await engine.stack.destroy({ color: "never" });
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });

    it("with retainOnDelete, destroy keeps the restored resources", async () => {
        scenario.retainOnDelete = true;
        const up = await engine.stack.up({ color: "never" });
        const disks = up.outputs.restoredDiskIds.value as string[];
        await engine.stack.destroy({ color: "never" });
        for (const id of disks) assert.equal((await fx.arm(id)).status, 200, `${id} is kept`);
    });
});
