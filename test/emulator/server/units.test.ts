import { strict as assert } from "assert";
import { FaultRegistry } from "../../../emulator/server/faults";
import { manualClock, retryAfterSeconds, ScaledClock } from "../../../emulator/world/job-clock";
import { parseFilter, parseFilterTime } from "../../../emulator/server/odata-filter";
import { defaultSeed, DiskEncryptionSetType, parseSeed, SeedError } from "../../../emulator/world/seed";
import { armTimestamp, isoDuration, nameStamp, usDateTime } from "../../../emulator/backup/time-format";

describe("emulator units", () => {
    it("formats ISO 8601 durations and the propertyBag/disk-name times", () => {
        assert.equal(isoDuration(0), "PT0S");
        assert.equal(isoDuration(3723.5), "PT1H2M3.5S");
        assert.equal(isoDuration(3600), "PT1H");
        assert.equal(isoDuration(90000), "P1DT1H");
        assert.equal(isoDuration(0.1234567), "PT0.1234567S");
        const t = Date.UTC(2026, 10, 27, 0, 5, 9, 120);
        assert.equal(armTimestamp(t), "2026-11-27T00:05:09.1200000Z");
        assert.equal(usDateTime(t), "11/27/2026 12:05:09 AM");
        assert.equal(usDateTime(Date.UTC(2026, 0, 2, 13, 0, 0)), "1/2/2026 1:00:00 PM");
        assert.equal(nameStamp(t), "20261127-000509");
    });

    it("parses the $filter dialect and its times", () => {
        assert.deepEqual(parseFilter("backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'"), [
            { field: "backupManagementType", op: "eq", value: "AzureIaasVM" },
            { field: "itemType", op: "eq", value: "VM" },
        ]);
        assert.deepEqual(parseFilter("name eq 'it''s'"), [{ field: "name", op: "eq", value: "it's" }]);
        assert.deepEqual(parseFilter(undefined), []);
        assert.throws(() => parseFilter("a eq"));
        assert.throws(() => parseFilter("a eq 'x' or b eq 'y'"));
        assert.throws(() => parseFilter("a eq 'x"));
        assert.equal(parseFilterTime("2026-11-01 12:00:00 AM"), Date.UTC(2026, 10, 1, 0, 0, 0));
        assert.equal(parseFilterTime("2026-11-01 12:30:00 PM"), Date.UTC(2026, 10, 1, 12, 30, 0));
        assert.equal(parseFilterTime("2016-01-01 00:00:00 AM"), Date.UTC(2016, 0, 1));
        assert.equal(parseFilterTime("2017-11-29 05:00:00 PM"), Date.UTC(2017, 10, 29, 17));
        assert.equal(parseFilterTime("2026-11-01T10:00:00Z"), Date.UTC(2026, 10, 1, 10));
        assert.equal(parseFilterTime("not a time"), undefined);
    });

    it("runs the clock at its speed, freezes it, and compresses Retry-After", () => {
        let real = 1000;
        const clock = new ScaledClock(600, () => real);
        const t0 = clock.now();
        real += 1000;
        assert.equal(clock.now() - t0, 600_000);
        clock.setSpeed(0);
        real += 5000;
        assert.equal(clock.now() - t0, 600_000);
        clock.advance(60);
        assert.equal(clock.now() - t0, 660_000);
        assert.equal(retryAfterSeconds(clock), 1);
        clock.setSpeed(1);
        assert.equal(retryAfterSeconds(clock), 60);
        clock.setSpeed(7);
        assert.equal(retryAfterSeconds(clock), 9);
        clock.setSpeed(36000);
        assert.equal(retryAfterSeconds(clock), 1);
        assert.throws(() => clock.setSpeed(-1));
        const manual = manualClock();
        const m0 = manual.now();
        manual.advance(5);
        assert.equal(manual.now() - m0, 5000);
    });

    it("schedules faults: times, nth, after, always, match, kinds", () => {
        const reg = new FaultRegistry();
        const ctx = { method: "GET", path: "/subscriptions/x/vaults/v" };
        reg.add({ kind: "http", status: 500, nth: 2 });
        assert.equal(reg.take("request", ctx), undefined);
        assert.equal(reg.take("request", ctx)?.spec.status, 500);
        assert.equal(reg.take("request", ctx), undefined);
        reg.add({ kind: "http", status: 503, times: 2, match: { method: "POST" } });
        assert.equal(reg.take("request", ctx), undefined);
        assert.equal(reg.take("request", { ...ctx, method: "post" })?.spec.status, 503);
        assert.equal(reg.take("request", { ...ctx, method: "POST" })?.spec.status, 503);
        assert.equal(reg.take("request", { ...ctx, method: "POST" }), undefined);
        reg.add({ kind: "jobOutcome", outcome: "Failed", always: true, after: 1 });
        assert.equal(reg.take("request", ctx), undefined, "restore-stage faults do not fire on requests");
        assert.equal(reg.take("restore", ctx, ["jobOutcome"]), undefined);
        for (let i = 0; i < 5; i++) assert.equal(reg.take("restore", ctx, ["jobOutcome"])?.spec.outcome, "Failed");
        assert.equal(reg.take("restore", ctx, ["jobNeverFinishes"]), undefined);
        assert.equal(reg.list().length, 1);
        assert.throws(() => reg.add({ kind: "http", status: 99 }), /status/);
        assert.throws(() => reg.add({ kind: "jobOutcome", outcome: "Failed", errorCode: "x" }), /errorCode/);
        assert.throws(() => reg.add({ kind: "operationFailed" }), /code/);
    });

    it("checks seeds and lists every problem", () => {
        assert.doesNotThrow(() => parseSeed(defaultSeed()));
        assert.doesNotThrow(() => parseSeed(JSON.parse(JSON.stringify(defaultSeed()))));
        const seed = defaultSeed();
        seed.virtualMachines[0].dataDisks!.push({ lun: 0, sizeGB: 1, sku: "Standard_LRS" });
        seed.virtualMachines[1].recoveryPoints![0].id = seed.virtualMachines[0].recoveryPoints![0].id;
        seed.virtualMachines[2].protection!.vault = "nope";
        Object.assign(seed.timing!, { bogus: 1 });
        assert.throws(
            () => parseSeed(seed),
            (e) => {
                assert.ok(e instanceof SeedError);
                const text = e.problems.join("\n");
                assert.match(text, /LUN 0 appears twice/);
                assert.match(text, /appears twice/);
                assert.match(text, /'nope' is not in vaults/);
                assert.match(text, /timing.bogus/);
                return true;
            },
        );
        assert.throws(() => parseSeed([]), SeedError);
    });

    it("checks the restore-option resources of a seed and what refers to them", () => {
        const seed = defaultSeed();
        const vm = (name: string) => seed.virtualMachines.find((v) => v.name === name)!;
        seed.diskEncryptionSets!.push(
            {
                name: "des-x",
                resourceGroup: "rg-restore",
                location: "westeurope",
                encryptionType: "Bogus" as DiskEncryptionSetType,
                keyVault: "kv-nope",
            },
            {
                name: "des-y",
                resourceGroup: "rg-restore",
                location: "westeurope",
                keyVault: "kv-restore",
                keyName: "no-such-key",
            },
        );
        seed.keyVaults!.push({ name: "k", resourceGroup: "rg-restore", location: "westeurope" });
        seed.vaults[0].identity!.userAssigned!.push("id-nope");
        Object.assign(seed.vaults[0], { crossRegionRestore: "yes" });
        seed.vaults[0].resourceGuardId = "/subscriptions/x/resourceGroups/y/providers/Microsoft.Other/things/z";
        delete vm("vm-legacy01").vhdStorageAccount;
        const ade = vm("vm-ade01");
        ade.diskNetworkAccess = { policy: "AllowPrivate" };
        ade.recoveryPoints![0].keyAndSecret = {
            secretUrl: "https://kv-restore.vault.azure.net/secrets/s",
            secretVaultId: "/x",
            kekUrl: "https://kv-restore.vault.azure.net/keys/k",
        };
        Object.assign(vm("vm-cvm01"), { securityType: "Secret", secureVMDiskEncryptionSet: "des-nope" });
        seed.crrAccessTokenLifetimeSeconds = -1;
        seed.timing!.validateOperationSeconds = 5;
        assert.throws(
            () => parseSeed(seed),
            (e) => {
                assert.ok(e instanceof SeedError);
                const text = e.problems.join("\n");
                for (const re of [
                    /diskEncryptionSets\[2\]\.encryptionType/,
                    /diskEncryptionSets\[2\]\.keyVault 'kv-nope'/,
                    /keyName 'no-such-key'/,
                    /keyVaults\[1\]\.name 'k'/,
                    /userAssigned\[1\] 'id-nope'/,
                    /vaults\[0\]\.crossRegionRestore must be a boolean/,
                    /resourceGuardId/,
                    /vhdStorageAccount/,
                    /diskNetworkAccess\.diskAccess/,
                    /kekUrl and kekVaultId go together/,
                    /securityType must be one of/,
                    /secureVMDiskEncryptionSet 'des-nope'/,
                    /crrAccessTokenLifetimeSeconds/,
                ])
                    assert.match(text, re);
                assert.doesNotMatch(text, /timing/);
                return true;
            },
        );
    });

    it("the default seed has the documented names", () => {
        const s = defaultSeed();
        assert.equal(s.subscriptionId, "00000000-0000-0000-0000-000000000001");
        assert.equal(s.tenantId, "00000000-0000-0000-0000-0000000000aa");
        assert.deepEqual(
            s.resourceGroups.map((r) => `${r.name}@${r.location}`),
            ["rg-prod@westeurope", "rg-restore@westeurope", "rg-dr@northeurope"],
        );
        assert.deepEqual(
            s.storageAccounts.map((a) => `${a.name}:${a.sku}`),
            ["stgrestore:Standard_LRS", "stgzrs:Standard_ZRS", "stgnorth:Standard_LRS", "stglegacy:Standard_LRS"],
        );
        assert.deepEqual(
            s.virtualMachines.map((v) => [v.name, (v.dataDisks ?? []).map((d) => d.lun)]),
            [
                ["vm-web01", [0, 1]],
                ["vm-db01", [0]],
                ["vm-app01", []],
                ["vm-legacy01", [0]],
                ["vm-ade01", [0]],
                ["vm-cvm01", []],
            ],
        );
        assert.deepEqual(
            s.vaults.map((v) => [v.name, v.crossRegionRestore, v.secondaryRegion, v.resourceGuardEnabled]),
            [["vault-prod", true, "northeurope", false]],
        );
        assert.deepEqual(
            (s.diskEncryptionSets ?? []).map((d) => `${d.name}:${d.encryptionType}`),
            ["des-restore:EncryptionAtRestWithCustomerKey", "des-cvm:ConfidentialVmEncryptedWithCustomerKey"],
        );
        assert.deepEqual(
            (s.userAssignedIdentities ?? []).map((u) => u.name),
            ["id-restore"],
        );
        assert.deepEqual(
            (s.diskAccesses ?? []).map((a) => a.name),
            ["da-restore"],
        );
        assert.deepEqual(
            (s.keyVaults ?? []).map((k) => [k.name, k.secrets, k.keys]),
            [["kv-restore", ["vm-ade01-bek"], ["ade-kek", "des-key", "cvm-key"]]],
        );
        const vm = (name: string) => s.virtualMachines.find((v) => v.name === name)!;
        assert.equal(vm("vm-legacy01").isManagedVirtualMachine, false);
        assert.ok((vm("vm-ade01").recoveryPoints ?? []).every((rp) => rp.isSourceVMEncrypted && rp.keyAndSecret?.kekUrl));
        assert.ok((vm("vm-cvm01").recoveryPoints ?? []).every((rp) => rp.securityType === "ConfidentialVM"));
        assert.doesNotThrow(() => parseSeed(JSON.parse(JSON.stringify(s))));
        for (const vm of s.virtualMachines) {
            const rps = vm.recoveryPoints ?? [];
            assert.ok(rps.length >= 4);
            const tiers = rps.map((r) => r.tiers.map((t) => (typeof t === "string" ? t : t.type)).join("+"));
            assert.ok(tiers.includes("InstantRP+HardenedRP") && tiers.includes("HardenedRP") && tiers.includes("ArchivedRP"));
            assert.equal(new Set(rps.map((r) => r.hoursAgo)).size, rps.length);
        }
    });
});
