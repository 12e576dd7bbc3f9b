import { strict as assert } from "assert";
import { defaultSeed } from "../../../emulator/world/seed";
import { API, RPS, SUB, VAULT, call, cliTime, itemPath, useEmulator, vmId } from "../../support/emulator-helpers";
import { NamedJson, ProtectedItemJson, RecoveryPointJson } from "../../support/emulator-json";

describe("emulator: vault, protected items and recovery points", () => {
    const emu = useEmulator();

    it("serves the vault", async () => {
        const r = await call(`${emu.get().url}${VAULT}?${API}`);
        assert.equal(r.status, 200);
        assert.equal(r.body.name, "vault-prod");
        assert.equal(r.body.location, "westeurope");
        assert.equal(r.body.type, "Microsoft.RecoveryServices/vaults");
        assert.equal(r.body.sku.name, "RS0");
        assert.equal(r.body.properties.provisioningState, "Succeeded");
    });

    it("lists protected items with the AzureIaasVM/VM filter, shaped like the examples", async () => {
        const filter = encodeURIComponent("backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'");
        const r = await call(`${emu.get().url}${VAULT}/backupProtectedItems?${API}&$filter=${filter}`);
        assert.equal(r.status, 200);
        assert.deepEqual(
            r.body.value.map((i: ProtectedItemJson) => i.properties.friendlyName),
            ["vm-web01", "vm-db01", "vm-app01", "vm-legacy01", "vm-ade01", "vm-cvm01"],
        );
        const web = r.body.value[0];
        assert.equal(web.id, itemPath("vm-web01"));
        assert.equal(web.name, "VM;iaasvmcontainerv2;rg-prod;vm-web01");
        assert.equal(web.properties.protectedItemType, "Microsoft.Compute/virtualMachines");
        assert.equal(web.properties.containerName, "iaasvmcontainerv2;rg-prod;vm-web01");
        assert.equal(web.properties.sourceResourceId, vmId("vm-web01"));
        assert.equal(web.properties.virtualMachineId, vmId("vm-web01"));
        assert.equal(web.properties.backupManagementType, "AzureIaasVM");
        assert.equal(web.properties.workloadType, "VM");
        assert.ok(r.body.nextLink === undefined);
    });

    it("applies the filter (no match, friendlyName) and rejects filters it cannot parse", async () => {
        const url = (f: string) => `${emu.get().url}${VAULT}/backupProtectedItems?${API}&$filter=${encodeURIComponent(f)}`;
        assert.equal((await call(url("backupManagementType eq 'AzureSql'"))).body.value.length, 0);
        const one = await call(url("backupManagementType eq 'AzureIaasVM' and friendlyName eq 'VM-DB01'"));
        assert.deepEqual(
            one.body.value.map((i: ProtectedItemJson) => i.properties.friendlyName),
            ["vm-db01"],
        );
        const bad = await call(url("backupManagementType eq 'AzureIaasVM' or itemType eq 'VM'"));
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error.code, "BMSUserErrorInvalidInput");
    });

    it("pages long lists with nextLink/$skipToken", async () => {
        const e = emu.get();
        const seed = { ...defaultSeed(), pageSize: 2 };
        await call(`${e.url}/admin/seed`, { method: "PUT", body: seed });
        const first = await call(`${e.url}${VAULT}/backupProtectedItems?${API}`);
        assert.equal(first.body.value.length, 2);
        assert.ok(first.body.nextLink.startsWith(`${e.url}/subscriptions/`));
        assert.match(first.body.nextLink, /(\$|%24)skipToken=/i);
        assert.match(first.body.nextLink, /api-version=2026-02-01/);
        const second = await call(first.body.nextLink);
        assert.equal(second.status, 200);
        assert.deepEqual(
            second.body.value.map((i: ProtectedItemJson) => i.properties.friendlyName),
            ["vm-app01", "vm-legacy01"],
        );
        const third = await call(second.body.nextLink);
        assert.deepEqual(
            third.body.value.map((i: ProtectedItemJson) => i.properties.friendlyName),
            ["vm-ade01", "vm-cvm01"],
        );
        assert.equal(third.body.nextLink, undefined);
    });

    it("gets an item under every casing of container and item names", async () => {
        const e = emu.get();
        const variants = [
            itemPath("vm-db01"),
            `${VAULT}/backupFabrics/Azure/protectionContainers/iaasvmcontainer;iaasVMContainerV2;rg-prod;vm-db01/protectedItems/vm;iaasVMContainerV2;rg-prod;vm-db01`,
            `${VAULT.toLowerCase()}/BACKUPFABRICS/azure/protectionContainers/IAASVMCONTAINER;IAASVMCONTAINERV2;RG-PROD;VM-DB01/protectedItems/VM;IAASVMCONTAINERV2;RG-PROD;VM-DB01`,
            `${VAULT}/backupFabrics/Azure/protectionContainers/${encodeURIComponent("IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-db01")}/protectedItems/${encodeURIComponent("VM;iaasvmcontainerv2;rg-prod;vm-db01")}`,
        ];
        for (const p of variants) {
            const r = await call(`${e.url}${p}?${API}`);
            assert.equal(r.status, 200, p);
            assert.equal(r.body.properties.friendlyName, "vm-db01");
        }
    });

    it("accepts the api-versions the vault type registers, refuses others as ARM does, and requires one", async () => {
        const e = emu.get();
        for (const v of ["2016-12-01", "2020-09-01", "2026-02-01"]) {
            assert.equal((await call(`${e.url}${VAULT}?api-version=${v}`)).status, 200, v);
        }
        const unknown = await call(`${e.url}${VAULT}?api-version=1999-01-01-preview`);
        assert.equal(unknown.status, 400);
        assert.equal(unknown.body.error.code, "NoRegisteredProviderFound");
        const missing = await call(`${e.url}${VAULT}`);
        assert.equal(missing.status, 400);
        assert.equal(missing.body.error.code, "MissingApiVersionParameter");
    });

    it("lists recovery points newest first with the IaasVMRecoveryPoint shape", async () => {
        const r = await call(`${emu.get().url}${itemPath("vm-web01")}/recoveryPoints?${API}`);
        assert.equal(r.status, 200);
        assert.deepEqual(
            r.body.value.map((p: NamedJson) => p.name),
            [...RPS["vm-web01"]],
        );
        const times = r.body.value.map((p: RecoveryPointJson) => Date.parse(p.properties.recoveryPointTime));
        assert.deepEqual(
            [...times].sort((a, b) => b - a),
            times,
        );
        const latest = r.body.value[0];
        assert.equal(latest.id, `${itemPath("vm-web01")}/recoveryPoints/${RPS["vm-web01"][0]}`);
        assert.equal(latest.type, "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints");
        const p = latest.properties;
        assert.equal(p.objectType, "IaasVMRecoveryPoint");
        assert.equal(p.recoveryPointType, "AppConsistent");
        assert.deepEqual(p.recoveryPointTierDetails, [
            { type: "InstantRP", status: "Valid" },
            { type: "HardenedRP", status: "Valid" },
        ]);
        assert.equal(p.osType, "Linux");
        assert.equal(p.isManagedVirtualMachine, true);
        assert.equal(p.originalStorageAccountOption, false);
        assert.equal(p.virtualMachineSize, "Standard_D4s_v5");
        assert.equal(p.recoveryPointDiskConfiguration.numberOfDisksIncludedInBackup, 3);
        assert.deepEqual(
            p.recoveryPointDiskConfiguration.includedDiskList.map((d: { lun: number }) => d.lun),
            [-1, 0, 1],
        );
        const types = new Set(r.body.value.map((x: RecoveryPointJson) => x.properties.recoveryPointType));
        assert.deepEqual([...types].sort(), ["AppConsistent", "CrashConsistent", "FileSystemConsistent"]);
        assert.deepEqual(r.body.value[2].properties.recoveryPointTierDetails, [{ type: "HardenedRP", status: "Valid" }]);
        assert.deepEqual(r.body.value[4].properties.recoveryPointTierDetails, [{ type: "ArchivedRP", status: "Valid" }]);
    });

    it("filters recovery points by startDate/endDate (azure-cli format)", async () => {
        const e = emu.get();
        const all = (await call(`${e.url}${itemPath("vm-db01")}/recoveryPoints?${API}`)).body.value;
        const fmt = cliTime;
        const from = Date.parse(all[2].properties.recoveryPointTime) - 1000;
        const to = Date.parse(all[1].properties.recoveryPointTime) + 1000;
        const filter = encodeURIComponent(`startDate eq '${fmt(from)}' and endDate eq '${fmt(to)}'`);
        const r = await call(`${e.url}${itemPath("vm-db01")}/recoveryPoints?${API}&$filter=${filter}`);
        assert.equal(r.status, 200);
        assert.deepEqual(
            r.body.value.map((p: NamedJson) => p.name),
            [RPS["vm-db01"][1], RPS["vm-db01"][2]],
        );
    });

    it("gets one recovery point (zones of a zonal VM included)", async () => {
        const r = await call(`${emu.get().url}${itemPath("vm-db01")}/recoveryPoints/${RPS["vm-db01"][0]}?${API}`);
        assert.equal(r.status, 200);
        assert.equal(r.body.name, RPS["vm-db01"][0]);
        assert.equal(r.body.properties.osType, "Windows");
        assert.deepEqual(r.body.properties.zones, ["2"]);
    });

    it("answers ARM error envelopes for what does not exist", async () => {
        const e = emu.get();
        const cases: Array<[string, number, string]> = [
            [
                `/subscriptions/00000000-0000-0000-0000-0000000000ff/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
                404,
                "SubscriptionNotFound",
            ],
            [
                `/subscriptions/${SUB}/resourceGroups/rg-nope/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
                404,
                "ResourceGroupNotFound",
            ],
            [
                `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-nope`,
                404,
                "ResourceNotFound",
            ],
            [itemPath("vm-nope"), 404, "BMSUserErrorDataSourceObjectNotFound"],
            [`${itemPath("vm-web01")}/recoveryPoints/123456`, 404, "UserErrorRecoveryPointNotFound"],
            [`${VAULT}/backupJobs/00000000-0000-0000-0000-000000000000`, 404, "ResourceNotFound"],
            [`${itemPath("vm-web01")}/operationsStatus/00000000-0000-0000-0000-000000000000`, 404, "ResourceNotFound"],
            [`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Nope/things/x`, 404, "InvalidResourceType"],
        ];
        for (const [p, status, code] of cases) {
            const r = await call(`${e.url}${p}?${API}`);
            assert.equal(r.status, status, p);
            assert.equal(r.body.error.code, code, p);
            assert.equal(typeof r.body.error.message, "string");
        }
        const wrongMethod = await call(`${e.url}${VAULT}/backupProtectedItems?${API}`, { method: "PUT", body: {} });
        assert.equal(wrongMethod.status, 405);
    });

    it("answers 400 InvalidRequestContent to a malformed JSON body", async () => {
        const r = await call(`${emu.get().url}${itemPath("vm-web01")}/recoveryPoints/${RPS["vm-web01"][0]}/restore?${API}`, {
            method: "POST",
            rawBody: '{"properties": {',
        });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, "InvalidRequestContent");
    });

    it("adds the ARM request, correlation and rate-limit headers", async () => {
        const e = emu.get();
        const r1 = await call(`${e.url}${VAULT}?${API}`, {
            headers: { "x-ms-correlation-request-id": "corr-1", "x-ms-client-request-id": "client-1" },
        });
        assert.match(r1.headers.get("x-ms-request-id") ?? "", /^[0-9a-f-]{36}$/);
        assert.equal(r1.headers.get("x-ms-correlation-request-id"), "corr-1");
        assert.equal(r1.headers.get("x-ms-client-request-id"), "client-1");
        const reads1 = Number(r1.headers.get("x-ms-ratelimit-remaining-subscription-reads"));
        const r2 = await call(`${e.url}${VAULT}?${API}`);
        assert.equal(Number(r2.headers.get("x-ms-ratelimit-remaining-subscription-reads")), reads1 - 1);
        const w = await call(`${e.url}${VAULT}/backupJobs/x/cancel?${API}`, { method: "POST" });
        assert.ok(Number(w.headers.get("x-ms-ratelimit-remaining-subscription-writes")) > 0);
    });
});
