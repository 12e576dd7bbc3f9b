/**
 * With auth "entra", what a principal may do follows its role assignments: ARM answers 403
 * AuthorizationFailed, blob storage 403 AuthorizationPermissionMismatch, as Azure does.
 */
import { strict as assert } from "assert";
import { API, STG_RESTORE, SUB, VAULT, call, useEmulator } from "../../support/emulator-helpers";

describe("emulator: role assignments (auth entra)", () => {
    const emu = useEmulator(() => ({ auth: "entra" }));

    async function token(audience: string): Promise<string> {
        return (await call(`${emu.get().url}/admin/tokens`, { method: "POST", body: { audience } })).body.access_token;
    }

    it("the default drill application holds exactly the drill's roles; without one, ARM answers AuthorizationFailed naming action and scope", async () => {
        const e = emu.get();
        const arm = { Authorization: `Bearer ${await token(e.url)}` };
        const roles = (await call(`${e.url}/admin/role-assignments`)).body.roleAssignments;
        const drill = (Object.values(roles)[0] as { role: string; scope: string }[])
            .map((a) => `${a.role} @ ${a.scope.replace(`/subscriptions/${SUB}`, "")}`)
            .sort();
        assert.deepEqual(
            drill,
            [
                "Backup Operator @ /providers/Microsoft.RecoveryServices/locations",
                "Backup Operator @ /resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod",
                "Contributor @ /resourceGroups/rg-dr",
                "Contributor @ /resourceGroups/rg-restore",
                ...[
                    "rg-dr/providers/Microsoft.Storage/storageAccounts/stgnorth",
                    "rg-prod/providers/Microsoft.Storage/storageAccounts/stglegacy",
                    "rg-restore/providers/Microsoft.Storage/storageAccounts/stgrestore",
                ].flatMap((a) => [
                    `Storage Account Contributor @ /resourceGroups/${a}`,
                    `Storage Blob Data Contributor @ /resourceGroups/${a}`,
                ]),
                "Virtual Machine Contributor @ /resourceGroups/rg-prod",
            ].sort(),
        );
        assert.equal((await call(`${e.url}${VAULT}?${API}`, { headers: arm })).status, 200, "Backup Operator reads the vault");
        const vaultDelete = await call(`${e.url}${VAULT}?${API}`, { method: "DELETE", headers: arm });
        assert.equal(vaultDelete.status, 403, "Backup Operator cannot delete the vault");
        assert.match(vaultDelete.body.error.message, /perform action 'Microsoft\.RecoveryServices\/vaults\/delete'/);
        const disk = `/subscriptions/${SUB}/resourceGroups/rg-restore/providers/Microsoft.Compute/disks/some-disk`;
        assert.notEqual(
            (await call(`${e.url}${disk}?api-version=2024-03-02`, { method: "DELETE", headers: arm })).status,
            403,
            "Contributor on the restore group",
        );
        await call(`${e.url}/admin/role-assignments?role=Contributor&scope=/subscriptions/${SUB}/resourceGroups/rg-restore`, {
            method: "DELETE",
        });
        const r = await call(`${e.url}${disk}?api-version=2024-03-02`, { method: "DELETE", headers: arm });
        assert.equal(r.status, 403);
        assert.equal(r.body.error.code, "AuthorizationFailed");
        assert.match(
            r.body.error.message,
            new RegExp(
                `does not have authorization to perform action 'Microsoft\\.Compute/disks/delete' over scope '${disk.replace(/\//g, "\\/")}'`,
            ),
        );
    });

    it("blob data needs a data role: Contributor alone gets AuthorizationPermissionMismatch", async () => {
        const e = emu.get();
        const blob = { Authorization: `Bearer ${await token("https://storage.azure.com")}`, "x-ms-version": "2021-08-06" };
        const url = `${e.url}/blob/stgrestore/some-container?restype=container&comp=list`;
        assert.equal((await call(url, { headers: blob })).status, 200, "allowed");
        await call(`${e.url}/admin/role-assignments?role=Storage Blob Data Contributor`, { method: "DELETE" });
        await call(`${e.url}/admin/role-assignments`, { method: "POST", body: { role: "Storage Blob Data Reader", scope: STG_RESTORE } });
        assert.equal((await call(url, { headers: blob })).status, 200, "a reader may list");
        const del = await call(`${e.url}/blob/stgrestore/some-container/x.json`, { method: "DELETE", headers: blob });
        assert.equal(del.status, 403);
        assert.equal(del.headers.get("x-ms-error-code"), "AuthorizationPermissionMismatch");
        assert.match(del.text, /This request is not authorized to perform this operation using this permission\./);
    });
});
