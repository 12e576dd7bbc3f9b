/**
 * `pulumi up` killed with SIGKILL mid-restore, then run again: the restore job already started is
 * adopted, never started a second time (the emulator's request log holds one restore POST).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { createEngineStack } from "../../scripts/engine-workspace";
import { useEmulator } from "../support/emulator-fixture";
import { restoreProgram } from "./fixtures/restore-program";

/** PIDs of processes whose environment carries the marker (the killed run's engine and providers). */
function processesWithMarker(marker: string): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            if (fs.readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) pids.push(Number(entry));
        } catch {
            // gone, or not ours
        }
    }
    return pids;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, context = () => ""): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}${context()}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

describe("pulumi up killed mid-restore, then run again", function () {
    this.timeout(5 * 60_000);
    const fx = useEmulator(300, { variants: "strict" }, true); // an hour-long job takes 12 s: long enough to kill the run mid-restore

    for (const machine of ["the same machine (local checkpoint)", "another machine (Azure's job list)"]) {
        it(`adopts the running job on ${machine}: one restore POST in all`, async () => {
            const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-kill-"));
            const marker = `VMRESTORE_KILL_TEST=${path.basename(baseDir)}`;
            try {
                const child = spawn(
                    process.execPath,
                    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "fixtures", "run-up.ts")],
                    {
                        env: {
                            ...process.env,
                            EMULATOR_URL: fx.url,
                            ENGINE_BASE_DIR: baseDir,
                            VMRESTORE_KILL_TEST: path.basename(baseDir),
                        },
                        detached: true, // its own process group: the kill takes the engine and provider with it
                        stdio: ["ignore", "pipe", "pipe"],
                    },
                );
                let output = "";
                child.stdout!.on("data", (d) => (output += d));
                child.stderr!.on("data", (d) => (output += d));
                const exited = new Promise((r) => child.on("exit", r));
                // Kill once Azure has accepted the restore and the job is running; the job's clock is
                // held from then on, so the job is still running however long the kill takes to settle.
                await waitFor(
                    "the restore job to start",
                    async () => /restore accepted: job|job InProgress/.test(output),
                    120_000,
                    () => `; the run printed:\n${output.slice(-3000)}`,
                );
                await fx.admin("POST", "clock", { speed: 0 });
                process.kill(-child.pid!, "SIGKILL");
                const killedAt = Date.now();
                await exited;
                // The provider process the engine started is not in the killed group; with its engine
                // gone it must exit by itself rather than poll on as an orphan.
                await waitFor("orphaned provider processes to exit", async () => processesWithMarker(marker).length === 0, 30_000);
                assert.equal((await fx.restorePosts()).length, 1);
                const running = (await fx.admin<{ jobs: { status: string }[] }>("GET", "jobs")).jobs;
                assert.ok(
                    running.some((j) => j.status === "InProgress"),
                    "the job goes on in Azure after the kill",
                );
                if (machine.startsWith("another")) fs.rmSync(path.join(baseDir, "home", "vmrestore"), { recursive: true, force: true });

                const engine = await createEngineStack({
                    projectName: "vmrestore-kill",
                    stackName: "kill",
                    baseDir,
                    program: restoreProgram(fx.url),
                    envVars: { PULUMI_HOME: path.join(baseDir, "home") },
                });
                // The killed run left the stack locked; `pulumi cancel` releases it, as the error says.
                await engine.stack.cancel();
                // The job is held where it is until the second run has looked for it: on a busy machine the
                // engine and provider start-up could otherwise outlast the job, and there would be
                // nothing running left to adopt. The clock moves on once the run reads a job or posts.
                const before = Math.max(0, ...(await fx.requests()).map((r) => r.seq));
                let second = "";
                const secondUpAt = Date.now();
                const secondUp = engine.stack.up({ color: "never", onOutput: (s) => (second += s) });
                try {
                    await waitFor(
                        "the second run to look at a restore job",
                        async () =>
                            (await fx.requests()).some(
                                (r) =>
                                    r.seq > before &&
                                    ((r.method === "GET" && /\/backupJobs\/[^/]+$/.test(r.path)) ||
                                        (r.method === "POST" && r.path.endsWith("/restore"))),
                            ),
                        180_000,
                    );
                } finally {
                    await fx.admin("POST", "clock", { speed: 300 });
                }
                const up = await secondUp;
                assert.equal(up.summary.result, "succeeded");
                assert.match(second, machine.startsWith("another") ? /adopting restore job/ : /resuming the restore started at/);
                assert.equal((await fx.restorePosts()).length, 1, "no second restore POST");
                assert.equal(up.outputs.restoredDiskIds.value.length, 2);
                // The restore's clock started with the killed run's trigger, not with this resume.
                const triggered = Date.parse(up.outputs.restoreTriggeredAt.value);
                assert.ok(triggered < killedAt, `restoreTriggeredAt ${up.outputs.restoreTriggeredAt.value} is before the kill`);
                const jobs = (await fx.admin<{ jobs: { jobId: string; startTime: string }[] }>("GET", "jobs")).jobs;
                const job = jobs.find((j) => j.jobId === up.outputs.jobId.value);
                assert.ok(job, "the adopted job is in the vault");
                if (machine.startsWith("another"))
                    assert.equal(triggered, Date.parse(job.startTime), "adopted from the job list: the job's own start time in Azure");
                // Verified during the second up: from the first trigger, that is longer than until the second up began.
                const ttr = up.outputs.timeToRestoreSeconds.value * 1000;
                assert.ok(
                    ttr >= secondUpAt - triggered && ttr <= Date.now() - triggered,
                    `timeToRestoreSeconds ${up.outputs.timeToRestoreSeconds.value} counts from the first trigger (${(secondUpAt - triggered) / 1000} s before the second up)`,
                );
                assert.ok(up.outputs.recoveryPointAgeSeconds.value > 0);
                await engine.stack.destroy({ color: "never" });
                assert.deepEqual(await fx.restoredLeftovers(), []);
            } finally {
                for (const pid of processesWithMarker(marker)) process.kill(pid, "SIGKILL");
                fs.rmSync(baseDir, { recursive: true, force: true });
            }
        });
    }
});
