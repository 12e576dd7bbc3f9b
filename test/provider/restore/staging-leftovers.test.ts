/**
 * A restore of managed disks from the vault tier leaves each disk's VHD in the staging container;
 * destroy removes them with the config and template blobs.
 */
import { strict as assert } from "assert";
import { useProviderWorld } from "../../support/provider-harness";

describe("staging VHDs of a vault-tier restore", function () {
    this.timeout(120_000);
    const { fx, provider, restoreDisks, create } = useProviderWorld();
    const vaultTier = { recoveryPointSelector: { tier: "Vault", consistency: "FileSystemConsistent" } };

    it("are left by the restore, and destroy removes them", async () => {
        const { id, outs } = await create(restoreDisks({ resourceName: "vault-tier", ...vaultTier }));
        assert.equal(outs.restoredDiskIds.length, 3);
        const vhds = (await fx.restoredLeftovers()).filter((r) => /\/blob\/stgrestore\/.*\.vhd$/i.test(r));
        assert.equal(vhds.length, 3, "one staging VHD per restored disk");
        await provider().delete!(id, outs);
        assert.deepEqual(await fx.restoredLeftovers(), [], "disks, VHDs, config and template all gone");
    });

    it("stay with deleteStagingBlobs: false, like the config and template blobs", async () => {
        const { id, outs } = await create(restoreDisks({ resourceName: "vault-tier-keep", deleteStagingBlobs: false, ...vaultTier }));
        await provider().delete!(id, outs);
        const left = await fx.restoredLeftovers();
        assert.equal(left.filter((r) => /\.vhd$/i.test(r)).length, 3);
        assert.ok(
            left.every((r) => r.includes("/blob/")),
            "only staging blobs are left",
        );
    });
});
