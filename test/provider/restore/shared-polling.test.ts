/**
 * Many restores in one provider process (one `pulumi up` sends all its VmRestore resources to one
 * provider process) share their lookups, and poll their jobs with shared lists of the vault's jobs.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { createRuntime } from "../../../provider/pulumi/provider-runtime";
import { resolveRestoreSource, startRestore, waitForRestore } from "../../../provider/restore/restore-workflow";
import { fileCheckpointStore } from "../../../provider/restore/restore-checkpoint";
import { VmRestoreInputs } from "../../../provider/restore/restore-inputs";
import { AdaptivePollScheduler } from "../../../provider/polling/poll-scheduler";
import { forgetProviderProcessState, LoggedRequest, RG_RESTORE, STAGING, SUB, VAULT, vmId } from "../../support/emulator-fixture";
import { RestoreProps, useProviderWorld } from "../../support/provider-harness";
import { seededRandom, SimulatedTime } from "../../support/simulated-time";

const RG_DR = `/subscriptions/${SUB}/resourceGroups/rg-dr`;
const isJobRead = (r: LoggedRequest) => r.method === "GET" && /\/backupJobs\/[^/]+$/i.test(r.path);
const isJobList = (r: LoggedRequest) => r.method === "GET" && /\/backupJobs$/i.test(r.path);

/** Six restores: three VMs, each into two resource groups. */
const TARGETS = ["vm-web01", "vm-db01", "vm-app01"].flatMap((vm) => [RG_RESTORE, RG_DR].map((rg) => ({ vm, rg })));

describe("many restores in one provider process share their reads", function () {
    this.timeout(180_000);

    describe("check and create, as the engine calls them", () => {
        const { fx, restoreDisks, create } = useProviderWorld();

        it("looks up the vault, each protected item and its recovery points once for check and create of six restores", async () => {
            const intents: RestoreProps[] = TARGETS.map(({ vm, rg }) =>
                restoreDisks({ resourceName: `${vm}-${rg.split("/").pop()}`, targetResourceGroupId: rg }, vm),
            );
            const results = await Promise.all(intents.map(create));
            assert.equal(new Set(results.map((r) => r.outs.jobId)).size, 6, "six restores, six jobs");
            const log = await fx.requests();
            const count = (re: RegExp) => log.filter((r) => r.method === "GET" && re.test(r.path)).length;
            assert.equal(count(/\/vaults\/vault-prod$/i), 1, "the vault is read once");
            assert.equal(count(/\/protectedItems\/[^/]+$/i), 3, "each VM's protected item once");
            assert.equal(count(/\/recoveryPoints$/i), 3, "each VM's recovery points once");
            assert.equal(count(/\/storageAccounts\/stgrestore$/i), 1, "the staging account once");
            assert.equal((await fx.restorePosts()).length, 6);
        });
    });

    describe("waiting on their jobs, in simulated time", () => {
        // The job clock is held still and moves only by what the restores sleep; each restore's
        // poll scheduler spreads its polls with seeded randomness: every run polls at the same moments.
        const { fx } = useProviderWorld({ clockSpeed: 0 });

        /** Restores the targets together; the job reads and job lists they made, and their jobs. */
        async function restoreTogether(
            targets: typeof TARGETS,
        ): Promise<{ reads: LoggedRequest[]; lists: LoggedRequest[]; jobIds: string[] }> {
            forgetProviderProcessState();
            const time = new SimulatedTime(fx);
            const checkpoints = fileCheckpointStore(path.join(process.env.PULUMI_HOME!, "vmrestore", "restores"));
            const jobs = await Promise.all(
                targets.map(({ vm, rg }, i) =>
                    time.run(async () => {
                        const rt = await createRuntime(
                            { resourceName: `${vm}-${i}`, armEndpoint: fx.url },
                            {
                                now: time.now,
                                sleep: time.sleep,
                                write: () => undefined,
                                heartbeatMs: 0,
                                scheduler: new AdaptivePollScheduler({ random: seededRandom(i + 1) }),
                            },
                        );
                        const inputs: VmRestoreInputs = {
                            vaultId: VAULT,
                            sourceVmId: vmId(vm),
                            restoreType: "RestoreDisks",
                            storageAccountId: STAGING,
                            targetResourceGroupId: rg,
                        };
                        const t = await startRestore(rt, inputs, await resolveRestoreSource(rt, inputs), {
                            checkpoints,
                            checkpointKey: `shared-${i}`,
                        });
                        const job = await waitForRestore(rt, t, inputs);
                        assert.equal(job.status, "Completed");
                        return t.jobId!;
                    }),
                ),
            );
            const log = await fx.requests();
            return {
                reads: log.filter(isJobRead),
                lists: log.filter((r) => isJobList(r) && !/status eq/i.test(r.query["$filter"] ?? "")),
                jobIds: jobs,
            };
        }

        it("polls the jobs of one vault with shared lists, and reads each job itself at the start and at the end", async () => {
            const alone = (await restoreTogether(TARGETS.slice(0, 1))).reads.length;
            await fx.reset();
            await fx.admin("POST", "clock", { speed: 0 });
            const { reads, lists, jobIds } = await restoreTogether(TARGETS);
            assert.equal(new Set(jobIds).size, 6, "six restores, six jobs");
            assert.ok(lists.length > 0, "the vault's restore jobs were listed for the waiting restores");
            for (const jobId of jobIds) {
                const own = reads.filter((x) => x.path.endsWith(`/backupJobs/${jobId}`));
                assert.ok(own.length >= 2, `${jobId}: read at the start and at the end (${own.length})`);
            }
            assert.ok(
                reads.length + lists.length < 6 * alone,
                `six restores together (${reads.length} job reads + ${lists.length} lists) poll less than six alone (6 × ${alone})`,
            );
        });
    });
});
