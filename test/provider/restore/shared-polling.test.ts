import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../../support/serialized-provider";
import { EmulatorFixture, LoggedRequest, RG_RESTORE, STAGING, SUB, VAULT, vmId } from "../../support/emulator-fixture";

type Props = Record<string, any>;

const RG_DR = `/subscriptions/${SUB}/resourceGroups/rg-dr`;
const isJobRead = (r: LoggedRequest) => r.method === "GET" && /\/backupJobs\/[^/]+$/i.test(r.path);
const isJobList = (r: LoggedRequest) => r.method === "GET" && /\/backupJobs$/i.test(r.path);

describe("many restores in one provider process share their reads", function () {
    this.timeout(180_000);
    const fx = new EmulatorFixture();
    let provider: pulumi.dynamic.ResourceProvider;
    before(async () => {
        provider = (await serializedProvider()).provider;
        // An hour-long restore takes 6 s: long enough for several polls each.
        await fx.start(600);
    });
    after(() => fx.stop());

    const intents = (): Props[] =>
        ["vm-web01", "vm-db01", "vm-app01"].flatMap((vm) =>
            [RG_RESTORE, RG_DR].map((rg) => ({
                resourceName: `${vm}-${rg.split("/").pop()}`,
                vaultId: VAULT,
                sourceVmId: vmId(vm),
                restoreType: "RestoreDisks",
                storageAccountId: STAGING,
                targetResourceGroupId: rg,
                armEndpoint: fx.url,
            })),
        );

    async function restoreAll(all: Props[]) {
        return Promise.all(
            all.map(async (props) => {
                const checked = await provider.check!({}, props);
                assert.deepEqual(checked.failures, [], props.resourceName);
                return provider.create(checked.inputs);
            }),
        );
    }

    it("looks up the vault, each protected item and its recovery points once for check and create of six restores", async () => {
        await fx.reset();
        const results = await restoreAll(intents());
        assert.equal(new Set(results.map((r) => r.outs.jobId)).size, 6, "six restores, six jobs");
        const log = await fx.requests();
        const count = (re: RegExp) => log.filter((r) => r.method === "GET" && re.test(r.path)).length;
        assert.equal(count(/\/vaults\/vault-prod$/i), 1, "the vault is read once");
        assert.equal(count(/\/protectedItems\/[^/]+$/i), 3, "each VM's protected item once");
        assert.equal(count(/\/recoveryPoints$/i), 3, "each VM's recovery points once");
        assert.equal(count(/\/storageAccounts\/stgrestore$/i), 1, "the staging account once");
        assert.equal((await fx.restorePosts()).length, 6);
    });

    it("polls the jobs of one vault with shared lists, and reads each job itself at the start and at the end", async () => {
        // Alone: how many reads one restore makes of its job.
        await fx.reset();
        await restoreAll(intents().slice(0, 1));
        const alone = (await fx.requests()).filter(isJobRead).length;

        await fx.reset();
        const results = await restoreAll(intents());
        const log = await fx.requests();
        const reads = log.filter(isJobRead);
        const lists = log.filter((r) => isJobList(r) && !/status eq/i.test(r.query["$filter"] ?? ""));
        assert.ok(lists.length > 0, "the vault's restore jobs were listed for the waiting restores");
        for (const r of results) {
            const own = reads.filter((x) => x.path.endsWith(`/backupJobs/${r.outs.jobId}`));
            assert.ok(own.length >= 2, `${r.outs.jobId}: read at the start and at the end (${own.length})`);
            assert.ok(r.outs.jobStatus === "Completed" && r.outs.restoredDiskIds.length > 0, "and its outputs are complete");
        }
        assert.ok(
            reads.length + lists.length < 6 * alone,
            `six restores together (${reads.length} job reads + ${lists.length} lists) poll less than six alone (6 × ${alone})`,
        );
    });
});
