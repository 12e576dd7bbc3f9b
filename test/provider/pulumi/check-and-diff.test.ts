import { strict as assert } from "assert";
import { ProviderInputs, restoreProvider } from "../../../provider/pulumi/restore-provider";
import { UNKNOWN } from "../../../provider/pulumi/input-validation";

const SUB = "00000000-0000-0000-0000-000000000001";
const VM = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web01`;
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`;
const SA = `/subscriptions/${SUB}/resourceGroups/rg-restore/providers/Microsoft.Storage/storageAccounts/stgrestore`;
const RG = `/subscriptions/${SUB}/resourceGroups/rg-restore`;
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-restore/providers/Microsoft.Network/virtualNetworks/vnet-restore`;

// preflight: false — these are the offline rules; pre-flight against Azure has its own tests.
const disks: ProviderInputs = {
    vaultId: VAULT,
    sourceVmId: VM,
    restoreType: "RestoreDisks",
    storageAccountId: SA,
    targetResourceGroupId: RG,
    preflight: false,
};
const alr: ProviderInputs = {
    ...disks,
    restoreType: "AlternateLocation",
    targetVmName: "vm-web01-drill",
    virtualNetworkId: VNET,
    subnetId: `${VNET}/subnets/isolated`,
};

async function failuresOf(news: object) {
    const r = await restoreProvider.check!({}, news as ProviderInputs);
    return r.failures ?? [];
}

describe("check: bad inputs are rejected with the property and a fix", () => {
    it("accepts valid RestoreDisks and AlternateLocation inputs and fills defaults", async () => {
        const r = await restoreProvider.check!({}, disks);
        assert.deepEqual(r.failures, []);
        assert.equal(r.inputs!.recoveryPoint, "latest");
        assert.deepEqual(await failuresOf(alr), []);
        assert.deepEqual(
            await failuresOf({ ...disks, vaultId: undefined, vaultResourceGroupName: "rg-prod", vaultName: "vault-prod" }),
            [],
        );
    });

    it("skips values that are unknown during preview", async () => {
        assert.deepEqual(await failuresOf({ ...alr, subnetId: UNKNOWN, targetResourceGroupId: UNKNOWN }), []);
    });

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["missing sourceVmId", { ...disks, sourceVmId: undefined }, "sourceVmId", /required/],
        [
            "sourceVmId of another type",
            { ...disks, sourceVmId: SA },
            "sourceVmId",
            /Microsoft.Storage\/storageAccounts ID, but a Microsoft.Compute\/virtualMachines ID is needed/,
        ],
        ["sourceVmId not an ID", { ...disks, sourceVmId: "vm-web01" }, "sourceVmId", /not an Azure resource ID/],
        ["sourceVmId as a number", { ...disks, sourceVmId: 42 }, "sourceVmId", /must be a string/],
        ["sourceVmId with a query", { ...disks, sourceVmId: VM + "?api-version=1" }, "sourceVmId", /invalid segment/],
        ["sourceVmId with ..", { ...disks, sourceVmId: VM.replace("rg-prod", "..") }, "sourceVmId", /path traversal/],
        ["sourceVmId with an encoded slash", { ...disks, sourceVmId: VM.replace("vm-web01", "vm%2Fweb01") }, "sourceVmId", /"%"/],
        ["sourceVmId with a fragment", { ...disks, sourceVmId: VM + "#x" }, "sourceVmId", /"#"/],
        ["empty sourceVmId", { ...disks, sourceVmId: "" }, "sourceVmId", /empty string/],
        ["no vault", { ...disks, vaultId: undefined }, "vaultId", /vault is required/],
        ["vault twice", { ...disks, vaultName: "vault-prod", vaultResourceGroupName: "rg-prod" }, "vaultId", /not both/],
        [
            "vaultId of another type",
            { ...disks, vaultId: RG + "/providers/Microsoft.KeyVault/vaults/kv" },
            "vaultId",
            /Microsoft.RecoveryServices\/vaults ID is needed/,
        ],
        [
            "vault in another subscription",
            { ...disks, vaultId: VAULT.replace(SUB, "00000000-0000-0000-0000-000000000009") },
            "vaultId",
            /VM's own subscription/,
        ],
        [
            "vaultName with a slash",
            { ...disks, vaultId: undefined, vaultResourceGroupName: "rg-prod", vaultName: "vault/../x" },
            "vaultName",
            /"\/"/,
        ],
        [
            "vaultName with a question mark",
            { ...disks, vaultId: undefined, vaultResourceGroupName: "rg-prod", vaultName: "vault?x" },
            "vaultName",
            /"\?"/,
        ],
        ["vaultResourceGroupName missing", { ...disks, vaultId: undefined, vaultName: "vault-prod" }, "vaultResourceGroupName", /required/],
        ["recoveryPoint with a slash", { ...disks, recoveryPoint: "123/restore" }, "recoveryPoint", /"\/"/],
        ["recoveryPoint '..'", { ...disks, recoveryPoint: ".." }, "recoveryPoint", /path traversal/],
        ["recoveryPoint with a hash", { ...disks, recoveryPoint: "12#3" }, "recoveryPoint", /"#"/],
        ["missing restoreType", { ...disks, restoreType: undefined }, "restoreType", /required/],
        [
            "restoreType in the wrong case",
            { ...disks, restoreType: "restoredisks" },
            "restoreType",
            /"RestoreDisks" \(names are case-sensitive\)/,
        ],
        ["unknown restoreType", { ...disks, restoreType: "Teleport" }, "restoreType", /not supported/],
        ["missing storageAccountId", { ...disks, storageAccountId: undefined }, "storageAccountId", /required/],
        [
            "storage account with an invalid name",
            { ...disks, storageAccountId: SA.replace("stgrestore", "Stg_Restore") },
            "storageAccountId",
            /3-24 lower-case/,
        ],
        ["targetResourceGroupId not a group", { ...disks, targetResourceGroupId: VM }, "targetResourceGroupId", /not a resource group ID/],
        [
            "AlternateLocation without targetResourceGroupId",
            { ...alr, targetResourceGroupId: undefined },
            "targetResourceGroupId",
            /required/,
        ],
        ["AlternateLocation without a VM name", { ...alr, targetVmName: undefined }, "targetVmName", /required/],
        ["AlternateLocation without a vnet", { ...alr, virtualNetworkId: undefined }, "virtualNetworkId", /required/],
        ["AlternateLocation without a subnet", { ...alr, subnetId: undefined }, "subnetId", /required/],
        [
            "subnet of another vnet",
            { ...alr, subnetId: VNET.replace("vnet-restore", "vnet-other") + "/subnets/default" },
            "subnetId",
            /not to virtualNetworkId/,
        ],
        ["subnetId that is a vnet", { ...alr, subnetId: VNET }, "subnetId", /subnets ID is needed/],
        ["VM name ending in a hyphen", { ...alr, targetVmName: "drill-" }, "targetVmName", /not ending in a period or hyphen/],
        ["VM name with a slash", { ...alr, targetVmName: "a/b" }, "targetVmName", /"\/"/],
        [
            "RestoreDisks with a target VM",
            { ...disks, targetVmName: "x" },
            "targetVmName",
            /only used with restoreType "AlternateLocation"/,
        ],
        ["armEndpoint not a URL", { ...disks, armEndpoint: "management" }, "armEndpoint", /not a URL/],
        ["armEndpoint over plain http", { ...disks, armEndpoint: "http://management.azure.com" }, "armEndpoint", /must use https/],
        [
            "armEndpoint with a path",
            { ...disks, armEndpoint: "https://management.azure.com/subscriptions" },
            "armEndpoint",
            /without a path/,
        ],
        [
            "armEndpoint with credentials",
            { ...disks, armEndpoint: "https://user:pw@management.azure.com" },
            "armEndpoint",
            /must not carry credentials/,
        ],
        ["negative timeout", { ...disks, timeoutMinutes: -5 }, "timeoutMinutes", /above 0/],
        ["timeout as text", { ...disks, timeoutMinutes: "60" }, "timeoutMinutes", /must be a number/],
        ["deleteStagingBlobs as text", { ...disks, deleteStagingBlobs: "yes" }, "deleteStagingBlobs", /true or false/],
        ["a misspelt input", { ...disks, subnetID: "x" }, "subnetID", /did you mean "subnetId"/],
    ];
    for (const [title, news, property, reason] of cases) {
        it(`rejects ${title}`, async () => {
            const failures = await failuresOf(news);
            const f = failures.find((x) => x.property === property);
            assert.ok(f, `expected a failure on ${property}, got ${JSON.stringify(failures)}`);
            assert.match(f!.reason, reason);
        });
    }
});

describe("diff: what replaces, what updates, what is no change", () => {
    const olds = { ...disks, recoveryPoint: "latest", recoveryPointId: "348916168024334", jobId: "j", __provider: "old code" };

    it("a changed serialized provider alone is no change", async () => {
        const d = await restoreProvider.diff!("id", olds, { ...disks, recoveryPoint: "latest", __provider: "new code" });
        assert.equal(d.changes, false);
        assert.deepEqual(d.replaces, []);
    });

    it("changing the recovery point or the target replaces", async () => {
        const d = await restoreProvider.diff!("id", olds, { ...disks, recoveryPoint: "111", __provider: "x" });
        assert.deepEqual([d.changes, d.replaces], [true, ["recoveryPoint"]]);
        const t = await restoreProvider.diff!("id", olds, { ...disks, recoveryPoint: "latest", targetResourceGroupId: RG + "2" });
        assert.deepEqual(t.replaces, ["targetResourceGroupId"]);
        assert.equal(t.deleteBeforeReplace, false);
    });

    it("a new VM under the same name is deleted before it is restored again", async () => {
        const d = await restoreProvider.diff!("id", { ...alr, recoveryPoint: "latest" }, { ...alr, recoveryPoint: "222" });
        assert.equal(d.deleteBeforeReplace, true);
    });

    it("timeouts update in place and keep every output", async () => {
        const news = { ...disks, recoveryPoint: "latest", timeoutMinutes: 30 };
        const d = await restoreProvider.diff!("id", olds, news);
        assert.deepEqual([d.changes, d.replaces], [true, []]);
        const u = await restoreProvider.update!("id", olds, news);
        assert.equal(u.outs!.timeoutMinutes, 30);
        assert.equal(u.outs!.jobId, "j");
        assert.equal(u.outs!.recoveryPointId, "348916168024334");
    });
});
