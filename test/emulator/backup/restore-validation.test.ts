import { strict as assert } from "assert";
import {
    RG_DR,
    RG_RESTORE,
    RPS,
    STG_NORTH,
    STG_ZRS,
    VNET_DR,
    VNET_RESTORE,
    alternateLocationBody,
    call,
    restoreDisksBody,
    triggerRestore,
    useEmulator,
    vmId,
    adminJobs,
} from "../../support/emulator-helpers";

describe("emulator: restore request validation (400 before any job)", () => {
    const emu = useEmulator();
    const rp = RPS["vm-web01"][0];

    const cases: Array<{ name: string; body: Record<string, unknown>; code?: string; field: string; message?: RegExp }> = [
        { name: "no properties", body: {}, field: "properties" },
        {
            name: "unknown objectType",
            body: restoreDisksBody("vm-web01", rp, { objectType: "AzureFileShareRestoreRequest" }),
            field: "objectType",
        },
        { name: "unknown recoveryType", body: restoreDisksBody("vm-web01", rp, { recoveryType: "Offline" }), field: "recoveryType" },
        {
            name: "recoveryPointId differs from the URL",
            body: restoreDisksBody("vm-web01", rp, { recoveryPointId: RPS["vm-web01"][1] }),
            field: "recoveryPointId",
        },
        {
            name: "missing sourceResourceId",
            body: restoreDisksBody("vm-web01", rp, { sourceResourceId: undefined }),
            field: "sourceResourceId",
        },
        {
            name: "sourceResourceId of another VM",
            body: restoreDisksBody("vm-web01", rp, { sourceResourceId: vmId("vm-db01") }),
            field: "sourceResourceId",
        },
        {
            name: "missing storageAccountId",
            body: restoreDisksBody("vm-web01", rp, { storageAccountId: undefined }),
            field: "storageAccountId",
        },
        {
            name: "storage account that does not exist",
            body: restoreDisksBody("vm-web01", rp, { storageAccountId: `${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/nope` }),
            field: "storageAccountId",
            message: /does not exist/,
        },
        {
            name: "storage account in another region",
            body: restoreDisksBody("vm-web01", rp, { storageAccountId: STG_NORTH }),
            field: "storageAccountId",
            message: /Recovery Services vault and target storage account are in two different regions/,
        },
        {
            name: "zone-redundant storage account",
            body: restoreDisksBody("vm-web01", rp, { storageAccountId: STG_ZRS }),
            field: "storageAccountId",
            message: /zone-redundant/,
        },
        {
            name: "target resource group that does not exist",
            body: restoreDisksBody("vm-web01", rp, {
                targetResourceGroupId: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-nope",
            }),
            field: "targetResourceGroupId",
        },
        { name: "region other than the vault's", body: restoreDisksBody("vm-web01", rp, { region: "northeurope" }), field: "region" },
        {
            name: "a LUN the VM does not have",
            body: restoreDisksBody("vm-web01", rp, { restoreDiskLunList: [0, 7] }),
            field: "restoreDiskLunList",
        },
        { name: "bad zones", body: restoreDisksBody("vm-web01", rp, { zones: ["4"] }), field: "zones" },
        {
            name: "AlternateLocation without targetVirtualMachineId",
            body: alternateLocationBody("vm-web01", rp, "x", { targetVirtualMachineId: undefined }),
            field: "targetVirtualMachineId",
        },
        {
            name: "AlternateLocation onto an existing VM",
            body: alternateLocationBody("vm-web01", rp, "x", {
                targetResourceGroupId: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod",
                targetVirtualMachineId: vmId("vm-app01"),
            }),
            field: "targetVirtualMachineId",
            message: /already exists/,
        },
        {
            name: "AlternateLocation VM outside the target resource group",
            body: alternateLocationBody("vm-web01", rp, "x", { targetResourceGroupId: RG_DR }),
            field: "targetVirtualMachineId",
        },
        {
            name: "AlternateLocation without virtualNetworkId",
            body: alternateLocationBody("vm-web01", rp, "x", { virtualNetworkId: undefined }),
            field: "virtualNetworkId",
        },
        {
            name: "AlternateLocation into a vnet of another region",
            body: alternateLocationBody("vm-web01", rp, "x", { virtualNetworkId: VNET_DR, subnetId: `${VNET_DR}/subnets/default` }),
            field: "virtualNetworkId",
            message: /region/,
        },
        {
            name: "AlternateLocation with a subnet of another vnet",
            body: alternateLocationBody("vm-web01", rp, "x", { subnetId: `${VNET_DR}/subnets/default` }),
            field: "subnetId",
        },
        {
            name: "AlternateLocation with a subnet that does not exist",
            body: alternateLocationBody("vm-web01", rp, "x", { subnetId: `${VNET_RESTORE}/subnets/nope` }),
            field: "subnetId",
        },
        {
            name: "rehydration request without rehydration info",
            body: restoreDisksBody("vm-web01", rp, { objectType: "IaasVMRestoreWithRehydrationRequest" }),
            field: "recoveryPointRehydrationInfo",
        },
    ];

    for (const c of cases) {
        it(`rejects ${c.name}`, async () => {
            const e = emu.get();
            const r = await triggerRestore(e, "vm-web01", rp, c.body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.body.error.code, c.code ?? "BMSUserErrorInvalidInput");
            assert.ok(r.body.error.message.includes(c.field), `message names ${c.field}: ${r.body.error.message}`);
            assert.ok(String(r.body.error.target).includes(c.field), `target: ${r.body.error.target}`);
            if (c.message) assert.match(r.body.error.message, c.message);
            assert.equal(adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore").length, 0);
        });
    }

    it("rejects an empty body", async () => {
        const r = await call(
            `${emu.get().url}/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-web01/protectedItems/VM;iaasvmcontainerv2;rg-prod;vm-web01/recoveryPoints/${rp}/restore?api-version=2026-02-01`,
            { method: "POST" },
        );
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, "BMSUserErrorInvalidInput");
    });

    it("accepts the restore once the body is right", async () => {
        assert.equal((await triggerRestore(emu.get(), "vm-web01", rp)).status, 202);
    });
});
