/**
 * A restore of managed disks from the vault tier leaves each disk's VHD in the staging container;
 * destroy removes them with the config and template blobs.
 */
import { strict as assert } from "assert";
import { RG_RESTORE, STAGING, VAULT, vmId } from "../../support/emulator-fixture";
import { useProviderAgainstEmulator } from "../../support/provider-harness";

describe("staging VHDs of a vault-tier restore", function () {
    this.timeout(120_000);
    const { fx, provider } = useProviderAgainstEmulator();

    it("are left by the restore, and destroy removes them", async () => {
        const checked = await provider().check!(
            {},
            {
                resourceName: "vault-tier",
                vaultId: VAULT,
                sourceVmId: vmId("vm-web01"),
                restoreType: "RestoreDisks",
                storageAccountId: STAGING,
                targetResourceGroupId: RG_RESTORE,
                armEndpoint: fx.url,
                recoveryPointSelector: { tier: "Vault", consistency: "FileSystemConsistent" },
            },
        );
        assert.deepEqual(checked.failures, []);
        const { id, outs } = await provider().create(checked.inputs);
        assert.equal(outs.restoredDiskIds.length, 3);
        const vhds = (await fx.restoredLeftovers()).filter((r) => /\/blob\/stgrestore\/.*\.vhd$/i.test(r));
        assert.equal(vhds.length, 3, "one staging VHD per restored disk");
        await provider().delete!(id, outs);
        assert.deepEqual(await fx.restoredLeftovers(), [], "disks, VHDs, config and template all gone");
    });

    it("stay with deleteStagingBlobs: false, like the config and template blobs", async () => {
        const checked = await provider().check!(
            {},
            {
                resourceName: "vault-tier-keep",
                vaultId: VAULT,
                sourceVmId: vmId("vm-web01"),
                restoreType: "RestoreDisks",
                storageAccountId: STAGING,
                targetResourceGroupId: RG_RESTORE,
                armEndpoint: fx.url,
                deleteStagingBlobs: false,
                recoveryPointSelector: { tier: "Vault", consistency: "FileSystemConsistent" },
            },
        );
        const { id, outs } = await provider().create(checked.inputs);
        await provider().delete!(id, outs);
        const left = await fx.restoredLeftovers();
        assert.equal(left.filter((r) => /\.vhd$/i.test(r)).length, 3);
        assert.ok(
            left.every((r) => r.includes("/blob/")),
            "only staging blobs are left",
        );
    });
});
