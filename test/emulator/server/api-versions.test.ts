/**
 * ARM refuses an api-version that the addressed resource type does not register (400, the
 * supported versions listed), on every ARM route; Cross Region Restore is its own API line.
 */
import { strict as assert } from "assert";
import { API, RG_RESTORE, STG_RESTORE, SUB, VAULT, VNET_RESTORE, call, itemPath, useEmulator, vmId } from "../../support/emulator-helpers";

const LOC = (region: string) => `/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/locations/${region}`;

describe("emulator: api-versions as ARM registers them", () => {
    const emu = useEmulator();

    it("refuses an unregistered api-version on every resource provider route with NoRegisteredProviderFound and the supported list", async () => {
        const e = emu.get();
        const cases: [string, string, string, string][] = [
            // path, method, type named in the error, a version the type does register
            [VAULT, "GET", "vaults", "2025-02-01"],
            [
                `${itemPath("vm-web01")}/recoveryPoints`,
                "GET",
                "vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints",
                "2026-02-01",
            ],
            [`${VAULT}/backupJobs`, "GET", "vaults/backupJobs", "2026-02-01"],
            [vmId("vm-web01"), "GET", "virtualMachines", "2024-07-01"],
            [`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/disks/nope`, "GET", "disks", "2024-03-02"],
            [STG_RESTORE, "GET", "storageAccounts", "2023-05-01"],
            [VNET_RESTORE, "GET", "virtualNetworks", "2024-05-01"],
            [`${LOC("northeurope")}/backupAadProperties`, "GET", "locations/backupAadProperties", "2023-01-15"],
        ];
        for (const [path, method, type, good] of cases) {
            const bad = await call(`${e.url}${path}?api-version=2099-01-01`, { method });
            assert.equal(bad.status, 400, path);
            assert.equal(bad.body.error.code, "NoRegisteredProviderFound", path);
            assert.match(
                bad.body.error.message,
                new RegExp(
                    `API version '2099-01-01' for type '${type.replace(/\//g, "\\/")}'\\. The supported api-versions are '[^']*${good}`,
                ),
                path,
            );
            assert.notEqual((await call(`${e.url}${path}?api-version=${good}`, { method })).status, 400, `${path} ${good}`);
        }
    });

    it("answers ARM's own types (subscription, resource groups) with InvalidApiVersionParameter", async () => {
        const e = emu.get();
        for (const path of [`/subscriptions/${SUB}`, RG_RESTORE]) {
            const r = await call(`${e.url}${path}?api-version=2099-01-01`);
            assert.equal(r.status, 400, path);
            assert.equal(r.body.error.code, "InvalidApiVersionParameter");
            assert.match(r.body.error.message, /^The api-version '2099-01-01' is invalid\. The supported versions are '.*2021-04-01/);
        }
    });

    it("serves the Cross Region Restore calls only on their own API line (2018-12-20, 2021-11-15, 2023-01-15)", async () => {
        const e = emu.get();
        const aad = await call(`${e.url}${LOC("northeurope")}/backupAadProperties?${API}`);
        assert.equal(aad.status, 400);
        assert.equal(aad.body.error.code, "NoRegisteredProviderFound");
        assert.match(aad.body.error.message, /The supported api-versions are '2023-01-15, 2021-11-15, 2018-12-20'/);
        for (const v of ["2018-12-20", "2021-11-15", "2023-01-15"]) {
            assert.equal((await call(`${e.url}${LOC("northeurope")}/backupAadProperties?api-version=${v}`)).status, 200, v);
        }
        const jobs = await call(`${e.url}${LOC("northeurope")}/backupCrrJobs?${API}`, { method: "POST", body: { resourceId: VAULT } });
        assert.equal(jobs.body.error.code, "NoRegisteredProviderFound");
        const token = await call(`${e.url}${itemPath("vm-web01")}/recoveryPoints/591835274016583/accessToken?${API}`, {
            method: "POST",
            body: { properties: {} },
        });
        assert.equal(token.status, 400);
        assert.equal(token.body.error.code, "NoRegisteredProviderFound");
        // RecoveryPointsCrr / BackupProtectedItemsCrr share the primary paths: both lines answer there.
        assert.equal((await call(`${e.url}${itemPath("vm-web01")}/recoveryPoints?api-version=2023-01-15`)).status, 200);
        assert.equal((await call(`${e.url}${VAULT}/backupProtectedItems?api-version=2023-01-15`)).status, 200);
        assert.equal((await call(`${e.url}${VAULT}/backupJobs?api-version=2023-01-15`)).body.error.code, "NoRegisteredProviderFound");
    });

    it("leaves admin and blob routes alone (blob calls are versioned by x-ms-version)", async () => {
        const e = emu.get();
        assert.equal((await call(`${e.url}/admin/clock?api-version=2099-01-01`)).status, 200);
        const blob = await call(`${e.url}/blob/stgrestore/nothing-here?api-version=2099-01-01`);
        assert.notEqual(blob.status, 400);
    });
});
