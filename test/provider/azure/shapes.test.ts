/**
 * Shapes Azure accepts that the emulator used to refuse, and validation results that warn.
 */
import { strict as assert } from "assert";
import { useProviderWorld } from "../../support/provider-harness";

describe("shapes as Azure takes them", function () {
    this.timeout(120_000);
    const { fx, provider, restoreDisks } = useProviderWorld();
    const base = (vm = "vm-web01") => restoreDisks({ resourceName: "shapes" }, vm);

    it("a quota warning from Azure's validation (the official example's) does not fail the preview", async () => {
        await fx.admin("POST", "variants", { validationQuotaWarning: "present" });
        const checked = await provider().check!({}, base());
        assert.deepEqual(checked.failures, []);
        const validations = (await fx.requests()).filter((r) => /\/backupValidateOperation$/i.test(r.path));
        assert.equal(validations.length, 1, "Azure's validation ran");
    });

    it("an Azure Disk Encryption VM restores without encryptionKeys: Azure uses the keys the recovery point recorded", async () => {
        const checked = await provider().check!({}, base("vm-ade01"));
        assert.deepEqual(checked.failures, []);
        const { id, outs } = await provider().create(checked.inputs);
        assert.equal(outs.jobStatus, "Completed");
        const disk = await fx.arm<{
            properties: {
                encryptionSettingsCollection?: { enabled: boolean; encryptionSettings: { diskEncryptionKey: { secretUrl: string } }[] };
            };
        }>(outs.osDiskId);
        assert.equal(disk.body.properties.encryptionSettingsCollection?.enabled, true);
        assert.match(
            disk.body.properties.encryptionSettingsCollection!.encryptionSettings[0].diskEncryptionKey.secretUrl,
            /\/secrets\/vm-ade01-bek\//,
        );
        await provider().delete!(id, outs);
    });

    it("a zone other than the VM's is refused from the vault tier of a geo-redundant vault (crossZonalRestore), and preview names targetZone", async () => {
        await fx.admin("POST", "variants", { crossZonalRestore: "zrsVaultOrSnapshot" });
        const fromVault = { ...base(), targetZone: "1", recoveryPointSelector: { tier: "Vault", consistency: "FileSystemConsistent" } };
        const failures = (await provider().check!({}, fromVault)).failures ?? [];
        assert.ok(
            failures.some((f) => f.property === "targetZone" && /UserErrorCrossZonalRestoreNotSupported/.test(f.reason)),
            JSON.stringify(failures),
        );
        // From the snapshot tier (the latest point) the same zone is fine.
        assert.deepEqual((await provider().check!({}, { ...base(), targetZone: "1" })).failures, []);
        assert.equal((await fx.restorePosts()).length, 0);
    });

    it("a premium staging account for an unmanaged VM's VHDs is left to Azure's judgement (premiumStaging), and refused for managed disks", async () => {
        const original = await fx.admin<{ subscriptionId: string; storageAccounts: unknown[] }>("GET", "seed");
        const premium = `/subscriptions/${original.subscriptionId}/resourceGroups/rg-restore/providers/Microsoft.Storage/storageAccounts/stgpremium`;
        await fx.admin("PUT", "seed", {
            ...original,
            storageAccounts: [
                ...original.storageAccounts,
                { name: "stgpremium", resourceGroup: "rg-restore", location: "westeurope", sku: "Premium_LRS" },
            ],
        });
        try {
            const vhds = { ...base("vm-legacy01"), targetResourceGroupId: undefined, storageAccountId: premium };
            const refused = (await provider().check!({}, vhds)).failures ?? [];
            assert.ok(
                refused.some((f) => f.property === "storageAccountId" && /Azure's validation of the restore: .*premium/.test(f.reason)),
                JSON.stringify(refused),
            );
            await fx.admin("POST", "variants", { premiumStaging: "unmanagedOnly" });
            assert.deepEqual((await provider().check!({}, vhds)).failures, []);
            const managed = (await provider().check!({}, { ...base(), storageAccountId: premium })).failures ?? [];
            assert.ok(
                managed.some((f) => f.property === "storageAccountId" && /Premium_LRS/.test(f.reason)),
                JSON.stringify(managed),
            );
        } finally {
            await fx.admin("PUT", "seed", original);
        }
    });
});
