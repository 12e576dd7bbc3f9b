import { strict as assert } from "assert";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { validateDefinition } from "../../support/spec-validator";
import { RG_RESTORE, STAGING, VAULT, VNET, vmId } from "../../support/emulator-fixture";
import { RestoreProps, useProviderWorld } from "../../support/provider-harness";

/** The restore request as the emulator received it (the body of the POST). */
type RestoreRequestBody = { properties: Record<string, unknown> };

/** The engine receives outputs as a protobuf Struct; anything it cannot carry fails the whole create. */
function assertWireSafe(outs: unknown): void {
    assert.doesNotThrow(
        () => Struct.fromJavaScript(outs as Parameters<typeof Struct.fromJavaScript>[0]),
        "outputs convert to the engine's wire format",
    );
}

describe("VmRestore provider (serialized as Pulumi stores it) against the emulator", function () {
    this.timeout(120_000);
    const world = useProviderWorld();
    const { fx } = world;
    const restoreProvider = world.provider;
    const restoreDisks = (vm = "vm-web01") => world.restoreDisks({}, vm);
    const alternateLocation = () => world.alternateLocation();

    async function create(props: RestoreProps) {
        const result = await world.create(props);
        assertWireSafe(result.outs);
        return result;
    }

    async function latestPoint(vm: string): Promise<{ name: string; properties: { recoveryPointTime: string } }> {
        const items = await fx.arm<{ value: { id: string; properties: { sourceResourceId: string } }[] }>(`${VAULT}/backupProtectedItems`);
        const item = items.body.value.find((i) => i.properties.sourceResourceId.toLowerCase() === vmId(vm).toLowerCase())!;
        const rps = await fx.arm<{
            value: { name: string; properties: { recoveryPointTime: string; recoveryPointTierDetails: { type: unknown }[] } }[];
        }>(`${item.id}/recoveryPoints`);
        const usable = rps.body.value.filter((r) =>
            r.properties.recoveryPointTierDetails.some((t) => ["InstantRP", "HardenedRP", 1, 2, "1", "2"].includes(t.type as string)),
        );
        return usable.sort((a, b) => b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime))[0];
    }

    it("RestoreDisks: restores managed disks into the resource group from the latest point", async () => {
        const latest = await latestPoint("vm-web01");
        const { id, outs } = await create(restoreDisks());

        const posts = await fx.restorePosts();
        assert.equal(posts.length, 1, "exactly one restore POST");
        assert.ok(posts[0].path.toLowerCase().includes(`/recoverypoints/${latest.name}/restore`));
        assert.deepEqual(validateDefinition("RestoreRequestResource", posts[0].requestBody), []);
        const body = (posts[0].requestBody as RestoreRequestBody).properties;
        assert.equal(body.objectType, "IaasVMRestoreRequest");
        assert.equal(body.recoveryType, "RestoreDisks");
        assert.equal(body.recoveryPointId, latest.name);
        assert.equal(body.sourceResourceId, vmId("vm-web01"));
        assert.equal(body.storageAccountId, STAGING);
        assert.equal(body.targetResourceGroupId, RG_RESTORE);
        assert.equal(body.region, "westeurope");
        assert.equal(body.targetVirtualMachineId, undefined);

        assert.match(id, new RegExp(`^${VAULT}/backupJobs/.+`));
        assert.equal(outs.jobStatus, "Completed");
        assert.equal(outs.recoveryPointId, latest.name);
        assert.equal(outs.recoveryPointTime, new Date(latest.properties.recoveryPointTime).toISOString());
        assert.equal(outs.recoveryPoint, "latest", "the input is kept as given");
        assert.equal(outs.restoredDiskIds.length, 3, "OS disk and two data disks");
        assert.equal(outs.restoredDiskIds[0], outs.osDiskId);
        assert.deepEqual(
            outs.dataDisks.map((d) => d.lun),
            [0, 1],
        );
        for (const diskId of outs.restoredDiskIds) {
            assert.ok(diskId.toLowerCase().startsWith(`${RG_RESTORE}/providers/Microsoft.Compute/disks/`.toLowerCase()), diskId);
            assert.equal((await fx.arm(diskId)).status, 200, `${diskId} exists`);
        }
        assert.ok(outs.templateBlobUri && outs.configBlobUri);
        assert.ok(Number(outs.jobDurationSeconds) > 0);
        assert.match(String(outs.jobDuration), /^PT/);
        assert.equal(outs.restoredVmId, undefined);
        assert.deepEqual(outs.warnings, []);
    });

    it("AlternateLocation: creates a new VM with its NIC in the chosen subnet", async () => {
        const { outs } = await create(alternateLocation());
        const body = ((await fx.restorePosts())[0].requestBody as RestoreRequestBody).properties;
        assert.deepEqual(validateDefinition("RestoreRequestResource", { properties: body }), []);
        assert.equal(body.recoveryType, "AlternateLocation");
        assert.equal(body.targetVirtualMachineId, `${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-web01-drill`);
        assert.equal(body.virtualNetworkId, VNET);
        assert.equal(body.subnetId, `${VNET}/subnets/isolated`);

        assert.equal(outs.restoredVmId, body.targetVirtualMachineId);
        assert.equal(outs.networkInterfaceIds.length, 1);
        const nic = await fx.arm<{ properties: { ipConfigurations: { properties: { subnet: { id: string } } }[] } }>(
            outs.networkInterfaceIds[0],
        );
        assert.equal(nic.body.properties.ipConfigurations[0].properties.subnet.id.toLowerCase(), `${VNET}/subnets/isolated`.toLowerCase());
        assert.equal(outs.restoredDiskIds.length, 3);
        assert.equal((await fx.arm(outs.restoredVmId)).status, 200);
    });

    it("read: reports the restore gone once everything it restored was deleted", async () => {
        const { id, outs } = await create(restoreDisks("vm-db01"));
        const fresh = await restoreProvider().read!(id, outs);
        assert.equal(fresh.id, id);
        assert.equal(fresh.props!.jobStatus, "Completed");
        assert.equal(fresh.props!.missingResourceIds, undefined);

        for (const disk of outs.restoredDiskIds) await fx.deleteOutOfBand(disk);
        const blobsLeft = await restoreProvider().read!(id, outs);
        assert.equal(blobsLeft.id, id, "the staging blobs are still there: keep tracking them so they get deleted");
        assert.equal(blobsLeft.props!.missingResourceIds.length, 2);
        for (const left of await fx.restoredLeftovers()) await fx.deleteOutOfBand(left);
        const gone = await restoreProvider().read!(id, outs);
        assert.equal(gone.id, "", "an empty ID tells the engine the resource is gone");
    });

    it("read: a partly deleted restore stays tracked, marked for replacement, so nothing is orphaned", async () => {
        const { id, outs } = await create(restoreDisks("vm-db01"));
        await fx.deleteOutOfBand(outs.dataDisks[0].diskId);
        const partial = await restoreProvider().read!(id, outs);
        assert.equal(partial.id, id);
        assert.deepEqual(partial.props!.missingResourceIds, [outs.dataDisks[0].diskId]);
        const d = await restoreProvider().diff!(id, partial.props!, { ...outs });
        assert.deepEqual([d.changes, d.replaces], [true, ["restoredDiskIds"]]);
    });

    it("delete: removes the restored VM, its NIC and disks, and the staging blobs", async () => {
        const { id, outs } = await create(alternateLocation());
        assert.ok((await fx.restoredLeftovers()).length >= 5);
        await restoreProvider().delete!(id, outs);
        assert.deepEqual(await fx.restoredLeftovers(), []);
        const deletes = (await fx.requests()).filter((r) => r.method === "DELETE").map((r) => r.path.toLowerCase());
        assert.ok(deletes[0].includes("/virtualmachines/vm-web01-drill"), "the VM goes first, while its disks are attached");
        assert.equal((await fx.arm(String(outs.restoredVmId))).status, 404);
    });

    it("delete: a restore that never created anything deletes nothing", async () => {
        await restoreProvider().delete!("", { ...restoreDisks() });
        assert.deepEqual(
            (await fx.requests()).filter((r) => r.method === "DELETE"),
            [],
        );
    });

    it("a failed job fails the create with Azure's error code, text and recommendations", async () => {
        await fx.admin("POST", "faults", {
            kind: "jobOutcome",
            outcome: "Failed",
            errorCode: 400034,
            errorString: "Recovery Services vault and target storage account are in two different regions",
            recommendations: ["Choose a storage account in the vault's region."],
            times: 1,
        });
        await assert.rejects(create(restoreDisks()), (e: Error) => {
            assert.match(e.message, /ended Failed/);
            assert.match(e.message, /400034/);
            assert.match(e.message, /two different regions/);
            assert.match(e.message, /Choose a storage account in the vault's region/);
            return true;
        });
    });

    it("an unknown recovery point names the input and suggests existing points", async () => {
        await assert.rejects(
            create({ ...restoreDisks(), recoveryPoint: "999999", preflight: false }),
            /recoveryPoint.*"999999" does not exist/,
        );
        assert.equal((await fx.restorePosts()).length, 0);
    });

    it("a VM the vault does not protect names sourceVmId", async () => {
        await assert.rejects(
            create({ ...restoreDisks(), sourceVmId: vmId("vm-unknown"), preflight: false }),
            /sourceVmId: the VM .* is not protected by the vault/,
        );
    });
});
