import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import {
    RG_RESTORE,
    SUB,
    STG_RESTORE,
    VNET_RESTORE,
    advance,
    alternateLocationBody,
    apiFor,
    call,
    RPS,
    runRestoreOnManualClock,
    useEmulator,
    vmId,
} from "../../support/emulator-helpers";
import { DataDiskJson, JsonAnswer, NamedJson } from "../../support/emulator-json";

describe("emulator: compute, network, storage and resource group routes", () => {
    describe("reads", () => {
        const emu = useEmulator();

        it("serves the subscription and resource groups", async () => {
            const e = emu.get();
            const sub = await call(`${e.url}/subscriptions/${SUB}?api-version=2022-12-01`);
            assert.equal(sub.body.subscriptionId, SUB);
            assert.equal(sub.body.tenantId, "00000000-0000-0000-0000-0000000000aa");
            const rg = await call(`${e.url}/subscriptions/${SUB}/resourcegroups/rg-dr?api-version=2021-04-01`);
            assert.equal(rg.status, 200);
            assert.equal(rg.body.location, "northeurope");
            assert.equal(rg.body.id, `/subscriptions/${SUB}/resourceGroups/rg-dr`);
            const missing = await call(`${e.url}/subscriptions/${SUB}/resourcegroups/rg-x?api-version=2021-04-01`);
            assert.equal(missing.status, 404);
            assert.equal(missing.body.error.code, "ResourceGroupNotFound");
        });

        it("serves the source VMs with their disks and NICs", async () => {
            const e = emu.get();
            const vm = await call(`${e.url}${vmId("vm-web01")}?${apiFor(`${vmId("vm-web01")}`)}`);
            assert.equal(vm.status, 200);
            assert.equal(vm.body.properties.hardwareProfile.vmSize, "Standard_D4s_v5");
            assert.equal(vm.body.properties.storageProfile.osDisk.osType, "Linux");
            assert.deepEqual(
                vm.body.properties.storageProfile.dataDisks.map((d: DataDiskJson) => d.lun),
                [0, 1],
            );
            const osDisk = await call(
                `${e.url}${vm.body.properties.storageProfile.osDisk.managedDisk.id}?${apiFor(vm.body.properties.storageProfile.osDisk.managedDisk.id)}`,
            );
            assert.equal(osDisk.body.managedBy, vmId("vm-web01"));
            const nic = await call(
                `${e.url}${vm.body.properties.networkProfile.networkInterfaces[0].id}?${apiFor(`${vm.body.properties.networkProfile.networkInterfaces[0].id}`)}`,
            );
            assert.match(nic.body.properties.ipConfigurations[0].properties.subnet.id, /virtualNetworks\/vnet-prod\/subnets\/default$/);
            const app = await call(`${e.url}${vmId("vm-app01")}?${apiFor(`${vmId("vm-app01")}`)}`);
            assert.deepEqual(app.body.properties.storageProfile.dataDisks, []);
            const db = await call(`${e.url}${vmId("vm-db01")}?${apiFor(`${vmId("vm-db01")}`)}`);
            assert.deepEqual(db.body.zones, ["2"]);
            const casing = await call(
                `${e.url}${vmId("vm-web01").toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")}?${apiFor(`${vmId("vm-web01").toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")}`)}`,
            );
            assert.equal(casing.status, 200);
        });

        it("serves storage accounts with the blob endpoint on the emulator", async () => {
            const e = emu.get();
            const expect: Array<[string, string, string, string]> = [
                [STG_RESTORE, "westeurope", "Standard_LRS", "StorageV2"],
                [`${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgzrs`, "westeurope", "Standard_ZRS", "StorageV2"],
                [
                    `/subscriptions/${SUB}/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/stgnorth`,
                    "northeurope",
                    "Standard_LRS",
                    "StorageV2",
                ],
            ];
            for (const [id, location, sku, kind] of expect) {
                const r = await call(`${e.url}${id}?api-version=2023-05-01`);
                assert.equal(r.status, 200, id);
                assert.equal(r.body.location, location);
                assert.deepEqual(r.body.sku, { name: sku, tier: "Standard" });
                assert.equal(r.body.kind, kind);
                assert.equal(r.body.properties.primaryEndpoints.blob, `${e.url}/blob/${r.body.name}/`);
            }
        });

        it("serves virtual networks and subnets", async () => {
            const e = emu.get();
            const vnet = await call(`${e.url}${VNET_RESTORE}?api-version=2023-09-01`);
            assert.deepEqual(
                vnet.body.properties.subnets.map((s: NamedJson) => s.name),
                ["default", "isolated"],
            );
            const subnet = await call(`${e.url}${VNET_RESTORE}/subnets/isolated?api-version=2023-09-01`);
            assert.equal(subnet.status, 200);
            assert.equal(subnet.body.id, `${VNET_RESTORE}/subnets/isolated`);
            assert.equal(subnet.body.properties.addressPrefix, "10.10.1.0/24");
            const none = await call(`${e.url}${VNET_RESTORE}/subnets/nope?api-version=2023-09-01`);
            assert.equal(none.status, 404);
            const dr = await call(
                `${e.url}/subscriptions/${SUB}/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr?api-version=2023-09-01`,
            );
            assert.equal(dr.body.location, "northeurope");
        });

        it("lists resources per resource group", async () => {
            const e = emu.get();
            const disks = await call(
                `${e.url}/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/disks?${apiFor(`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/disks`)}`,
            );
            assert.equal(disks.body.value.length, 9, "web01 3 + db01 2 + app01 1 + ade01 2 + cvm01 1 (legacy01's disks are VHD blobs)");
            const empty = await call(
                `${e.url}${RG_RESTORE}/providers/Microsoft.Compute/disks?${apiFor(`${RG_RESTORE}/providers/Microsoft.Compute/disks`)}`,
            );
            assert.deepEqual(empty.body.value, []);
        });
    });

    describe("deletion semantics (manual clock)", () => {
        const emu = useEmulator(() => ({ clock: manualClock() }));

        async function restoredAlternateVm(): Promise<{ vm: JsonAnswer; diskIds: string[]; nicId: string }> {
            const e = emu.get();
            const body = alternateLocationBody("vm-app01", RPS["vm-app01"][0], "vm-app01-drill");
            const job = await runRestoreOnManualClock(e, "vm-app01", RPS["vm-app01"][0], body, 5400);
            assert.equal(job.properties.status, "Completed");
            const vm = (
                await call(
                    `${e.url}${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-app01-drill?${apiFor(`${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-app01-drill`)}`,
                )
            ).body;
            return {
                vm,
                diskIds: [vm.properties.storageProfile.osDisk.managedDisk.id],
                nicId: vm.properties.networkProfile.networkInterfaces[0].id,
            };
        }

        it("refuses to delete an attached disk (409) and a NIC in use (400)", async () => {
            const e = emu.get();
            const { diskIds, nicId } = await restoredAlternateVm();
            const disk = await call(`${e.url}${diskIds[0]}?${apiFor(`${diskIds[0]}`)}`, { method: "DELETE" });
            assert.equal(disk.status, 409);
            assert.equal(disk.body.error.code, "OperationNotAllowed");
            assert.match(disk.body.error.message, /is attached to VM/);
            const nic = await call(`${e.url}${nicId}?api-version=2023-09-01`, { method: "DELETE" });
            assert.equal(nic.status, 400);
            assert.equal(nic.body.error.code, "NicInUse");
            const sourceDisk = (await call(`${e.url}${vmId("vm-web01")}?${apiFor(`${vmId("vm-web01")}`)}`)).body.properties.storageProfile
                .osDisk.managedDisk.id;
            assert.equal((await call(`${e.url}${sourceDisk}?${apiFor(sourceDisk)}`, { method: "DELETE" })).status, 409);
            const vnet = await call(`${e.url}${VNET_RESTORE}?api-version=2023-09-01`, { method: "DELETE" });
            assert.equal(vnet.status, 400);
            assert.equal(vnet.body.error.code, "InUseSubnetCannotBeDeleted");
        });

        it("deletes asynchronously: 202 with Azure-AsyncOperation and Location, then gone; 204 when already gone", async () => {
            const e = emu.get();
            const { vm, diskIds, nicId } = await restoredAlternateVm();
            const del = await call(`${e.url}${vm.id}?${apiFor(vm.id)}`, { method: "DELETE" });
            assert.equal(del.status, 202);
            const asyncUrl = del.headers.get("azure-asyncoperation")!;
            const location = del.headers.get("location")!;
            assert.ok(asyncUrl.startsWith(`${e.url}/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westeurope/operations/`));
            assert.match(location, /monitor=true/);
            assert.ok(Number(del.headers.get("retry-after")) >= 1);
            assert.equal((await call(asyncUrl)).body.status, "InProgress");
            assert.equal((await call(location)).status, 202);
            const during = await call(`${e.url}${vm.id}?${apiFor(vm.id)}`);
            assert.equal(during.status, 200);
            assert.equal(during.body.properties.provisioningState, "Deleting");
            assert.equal((await call(`${e.url}${vm.id}?${apiFor(vm.id)}`, { method: "DELETE" })).status, 202);

            await advance(e, 30);
            const done = await call(asyncUrl);
            assert.equal(done.body.status, "Succeeded");
            assert.ok(done.body.endTime);
            assert.equal((await call(location)).status, 204);
            const after = await call(`${e.url}${vm.id}?${apiFor(vm.id)}`);
            assert.equal(after.status, 404);
            assert.equal(after.body.error.code, "ResourceNotFound");
            assert.equal((await call(`${e.url}${vm.id}?${apiFor(vm.id)}`, { method: "DELETE" })).status, 204);

            // The VM is gone, so its disk and NIC can go now (network deletes poll operationResults).
            const disk = await call(`${e.url}${diskIds[0]}?${apiFor(`${diskIds[0]}`)}`, { method: "DELETE" });
            assert.equal(disk.status, 202);
            const nic = await call(`${e.url}${nicId}?api-version=2023-09-01`, { method: "DELETE" });
            assert.equal(nic.status, 202);
            assert.match(nic.headers.get("location")!, /\/providers\/Microsoft\.Network\/locations\/westeurope\/operationResults\//);
            await advance(e, 30);
            assert.equal((await call(nic.headers.get("location")!)).status, 204);
            assert.equal((await call(`${e.url}${diskIds[0]}?${apiFor(`${diskIds[0]}`)}`)).status, 404);
            assert.equal((await call(`${e.url}${nicId}?${apiFor(nicId)}`)).status, 404);
            assert.equal(
                (
                    await call(
                        `${e.url}${RG_RESTORE}/providers/Microsoft.Compute/disks/never-existed?${apiFor(`${RG_RESTORE}/providers/Microsoft.Compute/disks/never-existed`)}`,
                        { method: "DELETE" },
                    )
                ).status,
                204,
            );
        });

        it("deletes storage accounts synchronously and refuses vaults and resource groups", async () => {
            const e = emu.get();
            assert.equal(
                (
                    await call(`${e.url}${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgzrs?api-version=2023-05-01`, {
                        method: "DELETE",
                    })
                ).status,
                200,
            );
            assert.equal(
                (await call(`${e.url}${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgzrs?api-version=2023-05-01`)).status,
                404,
            );
            const vault = await call(
                `${e.url}/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod?api-version=2023-04-01`,
                { method: "DELETE" },
            );
            assert.equal(vault.status, 405);
        });
    });
});
