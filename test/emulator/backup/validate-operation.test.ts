/**
 * backupValidateOperation (synchronous) and backupTriggerValidateOperation (asynchronous): the
 * restore trigger's checks, answered as validation results instead of a 400; nothing is restored.
 */
import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import { defaultSeed } from "../../../emulator/world/seed";
import {
    API,
    RPS,
    STG_ZRS,
    VAULT,
    advance,
    call,
    itemPath,
    restoreDisksBody,
    useEmulator,
    vmId,
    adminJobs,
} from "../../support/emulator-helpers";
import { validateDefinition } from "../../support/spec-validator";
import { ErrorDetailJson } from "../../support/emulator-json";

function assertValid(definition: string, value: unknown, options?: Parameters<typeof validateDefinition>[2]): void {
    const errors = validateDefinition(definition, value, options);
    assert.deepEqual(errors, [], `${JSON.stringify(value)} does not validate as ${definition}:\n  ${errors.join("\n  ")}`);
}

/** A ValidateOperationRequestResource for a restore of `vm` from `rp`. */
function validateBody(vm: string, rp: string, overrides: Record<string, unknown> = {}, withId = true): Record<string, unknown> {
    return {
        ...(withId ? { id: `${itemPath(vm)}/recoveryPoints/${rp}` } : {}),
        properties: { objectType: "ValidateIaasVMRestoreOperationRequest", restoreRequest: restoreDisksBody(vm, rp, overrides).properties },
    };
}

describe("emulator: restore validation operations", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));
    const validate = async (body: unknown) => call(`${emu.get().url}${VAULT}/backupValidateOperation?${API}`, { method: "POST", body });
    const results = async (body: unknown) => {
        const r = await validate(body);
        assert.equal(r.status, 200, r.text);
        assertValid("ValidateOperationsResponse", r.body);
        return r.body.validateOperationResponse.validationResults as Array<{ code: string; message: string; recommendations: string[] }>;
    };

    it("answers an empty list for a restore Azure would accept, and restores nothing", async () => {
        const e = emu.get();
        const body = validateBody("vm-web01", RPS["vm-web01"][0]);
        assertValid("ValidateOperationRequestResource", body, { mode: "request" });
        assert.deepEqual(await results(body), []);
        assert.deepEqual(
            await results(validateBody("vm-web01", RPS["vm-web01"][0], {}, false)),
            [],
            "without id: the item and point come from the restore request",
        );
        assert.equal(adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore").length, 0);
    });

    it("reports every problem the trigger would refuse, as ErrorDetails with recommendations", async () => {
        const list = await results(
            validateBody("vm-web01", RPS["vm-web01"][0], { storageAccountId: STG_ZRS, zones: ["4"], restoreDiskLunList: [9] }),
        );
        assert.equal(list.length, 3);
        assert.ok(list.every((r) => r.code === "BMSUserErrorInvalidInput"));
        assert.match(list[0].message, /zone-redundant/);
        assert.match(list[1].message, /'zones'/);
        assert.match(list[2].message, /LUN 9/);
        assert.match(list[2].recommendations[0], /restoreRequest\.restoreDiskLunList/);

        const archive = await results(validateBody("vm-web01", RPS["vm-web01"][4]));
        assert.deepEqual(
            archive.map((r) => r.code),
            ["UserErrorRecoveryPointNotInValidTier"],
        );
        // An ADE point restores without keys (the point's own); keys given with encryptionEnabled false are refused.
        assert.deepEqual(await results(validateBody("vm-ade01", RPS["vm-ade01"][0])), []);
        const ade = await results(
            validateBody("vm-ade01", RPS["vm-ade01"][0], {
                encryptionDetails: {
                    encryptionEnabled: false,
                    secretKeyUrl: "https://kv-restore.vault.azure.net/secrets/vm-ade01-bek/0",
                    secretKeyVaultId: "x",
                },
            }),
        );
        assert.match(ade[0].message, /Azure Disk Encryption/);
        const managedWithoutRg = await results(validateBody("vm-web01", RPS["vm-web01"][0], { targetResourceGroupId: undefined }));
        assert.match(managedWithoutRg[0].message, /'targetResourceGroupId' is required/);
    });

    it("reports an unknown VM or recovery point as a result; an envelope that is no validate request is a 400", async () => {
        const unknownRp = await results(validateBody("vm-web01", "123"));
        assert.equal(unknownRp[0].code, "UserErrorRecoveryPointNotFound");
        const unknownVm = await results(validateBody("vm-web01", RPS["vm-web01"][0], { sourceResourceId: vmId("vm-nope") }, false));
        assert.equal(unknownVm[0].code, "BMSUserErrorDataSourceObjectNotFound");
        for (const body of [
            {},
            { properties: { objectType: "ValidateRestoreOperationRequestX", restoreRequest: {} } },
            { properties: { objectType: "ValidateIaasVMRestoreOperationRequest" } },
        ]) {
            const r = await validate(body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.body.error.code, "BMSUserErrorInvalidInput");
            assertValid("CloudError", r.body);
        }
    });

    it("applies the vault's Multi-User Authorization like the trigger", async () => {
        const e = emu.get();
        const seed = defaultSeed();
        seed.vaults[0].resourceGuardEnabled = true;
        await call(`${e.url}/admin/seed`, { method: "PUT", body: seed });
        const list = await results(validateBody("vm-web01", RPS["vm-web01"][0]));
        assert.deepEqual(
            list.map((r) => r.code),
            ["UserErrorMissingResourceGuardOperationRequest"],
        );
    });

    it("backupTriggerValidateOperation: 202, then the status and results at the polling URLs", async () => {
        const e = emu.get();
        const r = await call(`${e.url}${VAULT}/backupTriggerValidateOperation?${API}`, {
            method: "POST",
            body: validateBody("vm-web01", RPS["vm-web01"][0], { zones: ["7"] }),
        });
        assert.equal(r.status, 202, r.text);
        assert.equal(r.text, "");
        const status = r.headers.get("azure-asyncoperation")!;
        const location = r.headers.get("location")!;
        assert.match(status, new RegExp(`^${e.url}${VAULT}/backupValidateOperationsStatuses/[0-9a-f-]{36}\\?api-version=2026-02-01$`));
        assert.match(location, new RegExp(`^${e.url}${VAULT}/backupValidateOperationResults/[0-9a-f-]{36}\\?api-version=2026-02-01$`));
        assert.ok(Number(r.headers.get("retry-after")) >= 1);

        const running = await call(status);
        assert.equal(running.body.status, "InProgress");
        assertValid("OperationStatus", running.body);
        const pending = await call(location);
        assert.equal(pending.status, 202);
        assert.equal(pending.headers.get("location"), location);

        await advance(e, 10);
        const done = await call(status);
        assertValid("OperationStatus", done.body);
        assert.equal(done.body.status, "Succeeded");
        assert.equal(done.body.properties.objectType, "OperationStatusValidateOperationExtendedInfo");
        assert.deepEqual(
            done.body.properties.validateOperationResponse.validationResults.map((x: ErrorDetailJson) => x.code),
            ["BMSUserErrorInvalidInput"],
        );
        const final = await call(location);
        assert.equal(final.status, 200);
        assertValid("ValidateOperationsResponse", final.body);
        assert.match(final.body.validateOperationResponse.validationResults[0].message, /'zones'/);

        assert.equal(
            (await call(`${e.url}${VAULT}/backupValidateOperationsStatuses/00000000-0000-0000-0000-000000000000?${API}`)).status,
            404,
        );
        assert.equal(
            (await call(`${e.url}${VAULT}/backupOperations/${/backupValidateOperationsStatuses\/([^?]+)/.exec(status)![1]}?${API}`)).status,
            404,
            "not a restore operation",
        );
        await call(`${e.url}/admin/wire-format`, { method: "POST", body: { wireFormat: "live" } });
        const live = await call(`${e.url}${VAULT}/backupTriggerValidateOperation?${API}`, {
            method: "POST",
            body: validateBody("vm-web01", RPS["vm-web01"][0]),
        });
        assert.match(live.headers.get("location")!, /api-version=2022-03-01$/);
    });
});
