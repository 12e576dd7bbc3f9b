/**
 * Restored disks are found however Azure writes the template (resourceId with a resource group,
 * concat, parameters/variables with defaults; UTF-8 with a BOM, UTF-16 with trailing NULs), by
 * Azure's naming in the target resource group when the template cannot be read, and a RestoreDisks
 * that ends with no known disk is an error that keeps the accepted restore in state.
 */
import { strict as assert } from "assert";
import { failureOf, useProviderWorld } from "../../support/provider-harness";

describe("VmRestore finds the restored disks however Azure names them", function () {
    this.timeout(120_000);
    const { fx, provider, restoreDisks, create } = useProviderWorld();

    async function restoreUnder(variants: Record<string, string>) {
        await fx.admin("POST", "variants", variants);
        return create(restoreDisks({ resourceName: "discovery" }));
    }

    const cases: Record<string, string>[] = [
        { templateDiskRefs: "resourceIdWithGroup" },
        { templateDiskRefs: "concat" },
        { templateDiskRefs: "parameters" },
        { blobEncoding: "utf8bom" },
        { blobEncoding: "utf16le", templateDiskRefs: "parameters" },
        { templateBlob: "unreadable" },
        { templateBlob: "absent" },
    ];
    for (const variants of cases) {
        it(`finds all three disks and destroy removes them (${JSON.stringify(variants)})`, async () => {
            const { id, outs } = await restoreUnder(variants);
            const created = (await fx.restoredLeftovers()).filter((r) => /\/disks\//i.test(r));
            assert.equal(created.length, 3);
            assert.deepEqual(outs.restoredDiskIds.map((d) => d.toLowerCase()).sort(), created.map((d) => d.toLowerCase()).sort());
            assert.match(String(outs.osDiskId), /\/disks\/vm-web01-osdisk-\d{8}-\d{6}$/);
            assert.deepEqual(
                outs.dataDisks.map((d) => d.lun),
                [0, 1],
            );
            await provider().delete!(id, outs);
            assert.deepEqual(
                (await fx.restoredLeftovers()).filter((r) => /\/disks\//i.test(r)),
                [],
            );
        });
    }

    it("a RestoreDisks that ends with no known disk is an error, and the accepted restore stays recorded for destroy", async () => {
        const err = await failureOf(restoreUnder({ templateBlob: "absent", restoredDiskNames: "other" }));
        assert.match(
            err.message,
            /no restored disk can be found: the job names no template blob, nor does resource group .*rg-restore hold disks named as Azure names restored disks of vm-web01/,
        );
        assert.equal(err.properties.restoreIncomplete, true, "the accepted restore is kept in state");
        assert.match(err.properties.jobId, /^[0-9a-f-]{36}$/);
        assert.equal((await fx.restorePosts()).length, 1);
    });
});
