/**
 * The heartbeat: one line per restore at a steady rhythm while it waits on its job — phase,
 * percentage, elapsed, Azure's estimate, the next check — independent of how seldom it polls, and
 * at no cost in requests. Driven by the injectable clock and sleep, in step with the emulator's
 * frozen job clock (advanced by exactly what the provider sleeps): no real time involved.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { createRuntime, heartbeatMsFrom } from "../../../provider/pulumi/provider-runtime";
import { resolveRestoreSource, startRestore, waitForRestore } from "../../../provider/restore/restore-workflow";
import { fileCheckpointStore } from "../../../provider/restore/restore-checkpoint";
import { VmRestoreInputs } from "../../../provider/restore/restore-inputs";
import { AdaptivePollScheduler } from "../../../provider/polling/poll-scheduler";
import { forgetProviderProcessState, RG_RESTORE, STAGING, VAULT, vmId } from "../../support/emulator-fixture";
import { useProviderWorld } from "../../support/provider-harness";
import { SimulatedTime } from "../../support/simulated-time";

describe("heartbeat while a restore runs", function () {
    this.timeout(120_000);
    const { fx } = useProviderWorld({ clockSpeed: 0 });

    async function restore(heartbeatMs: number): Promise<{ lines: string[]; requests: string[] }> {
        await fx.reset();
        forgetProviderProcessState(); // each run makes its own lookups
        const lines: string[] = [];
        // The emulator's clock follows the restore's sleeps in whole seconds.
        const time = new SimulatedTime(fx, Date.parse("2026-06-01T08:00:00Z"));
        const rt = await createRuntime(
            { resourceName: "hb", armEndpoint: fx.url },
            {
                now: time.now,
                sleep: time.sleep,
                write: (line) => lines.push(line),
                heartbeatMs,
                // The scheduler's spread fixed: both runs poll at the same moments, so their requests compare.
                scheduler: new AdaptivePollScheduler({ random: () => 0.5 }),
            },
        );
        const inputs: VmRestoreInputs = {
            vaultId: VAULT,
            sourceVmId: vmId("vm-web01"),
            restoreType: "RestoreDisks",
            storageAccountId: STAGING,
            targetResourceGroupId: RG_RESTORE,
        };
        const job = await time.run(async () => {
            const t = await startRestore(rt, inputs, await resolveRestoreSource(rt, inputs), {
                checkpoints: fileCheckpointStore(path.join(process.env.PULUMI_HOME!, "vmrestore", "restores")),
                checkpointKey: `hb-${heartbeatMs}`,
            });
            return waitForRestore(rt, t, inputs);
        });
        assert.equal(job.status, "Completed");
        const requests = (await fx.requests())
            .filter((r) => !r.path.startsWith("/admin"))
            // Operation and job IDs differ from run to run.
            .map((r) => `${r.method} ${r.path}`.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=$|\/)/g, "<id>"));
        return { lines, requests };
    }

    it("says where the restore stands every minute, and costs no request", async () => {
        const quiet = await restore(0);
        const beating = await restore(60_000);
        assert.equal(quiet.lines.filter((l) => l.includes("restoring: job")).length, 0);
        const beats = beating.lines.filter((l) => l.includes("restoring: job"));
        // An hour-long job (the seed's RestoreDisks): about 60 beats, against about a dozen polls.
        assert.ok(beats.length >= 50, `${beats.length} heartbeats`);
        const polls = beating.requests.filter((r) => r.includes("/backupJobs")).length;
        assert.ok(beats.length > 3 * polls, `${beats.length} heartbeats, ${polls} job reads`);
        // A steady rhythm: the n-th beat comes n minutes after the trigger.
        beats.forEach((line, i) => {
            const m = i + 1;
            const elapsed = m >= 60 ? `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m 00s` : `${m}m 00s`;
            assert.ok(line.includes(`elapsed ${elapsed}`), `beat ${m}: ${line}`);
        });
        // What a beat says: phase, percentage, Azure's estimate, the next check.
        const mid = beats[Math.floor(beats.length / 2)];
        assert.match(
            mid,
            /^\[vmrestore hb\] restoring: job [0-9a-f-]+ InProgress \(.+\), \d+%, elapsed \d+m \d\ds, Azure estimates .+ left, next check 2026-06-01T\d\d:\d\d:\d\dZ \(in .+\)$/,
        );
        // The heartbeat costs nothing: the same requests, in the same order, with and without it.
        assert.deepEqual(beating.requests, quiet.requests);
    });

    it("VMRESTORE_HEARTBEAT_SECONDS sets the rhythm (0: off); anything else is named", () => {
        assert.equal(heartbeatMsFrom({}), 60_000);
        assert.equal(heartbeatMsFrom({ VMRESTORE_HEARTBEAT_SECONDS: "5" }), 5_000);
        assert.equal(heartbeatMsFrom({ VMRESTORE_HEARTBEAT_SECONDS: "0" }), 0);
        assert.throws(
            () => heartbeatMsFrom({ VMRESTORE_HEARTBEAT_SECONDS: "soon" }),
            /VMRESTORE_HEARTBEAT_SECONDS must be a number of seconds >= 0/,
        );
    });
});
