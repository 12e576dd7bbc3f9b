/**
 * The prior's lookup: the vault's earlier restore jobs cost one shared list per process, honour
 * Retry-After, and a list that cannot be read leaves the restore without a prior (no error).
 */
import { strict as assert } from "assert";
import { ArmClient } from "../../../provider/azure/arm-client";
import { processSharedReads } from "../../../provider/azure/shared-reads";
import { readRestoreJob } from "../../../provider/azure/backup/restore-job";
import { priorForJob } from "../../../provider/restore/earlier-restore-jobs";
import { call, restoreAndGetJobId, RPS, useEmulator, VAULT, waitForJob } from "../../support/emulator-helpers";

describe("earlier restore jobs as a prior", () => {
    const emu = useEmulator();
    const running = readRestoreJob("running", { properties: { status: "InProgress", duration: "PT1M" } });
    const sleeps: number[] = [];
    const client = () =>
        new ArmClient({
            endpoint: emu.get().url,
            armScope: `${emu.get().url}/.default`,
            tokens: { getToken: async () => "test", invalidate: () => undefined },
            sleep: async (ms) => void sleeps.push(ms),
        });
    const listReads = async () =>
        ((await call(`${emu.get().url}/admin/requests`)).body.requests as { method: string; path: string }[]).filter(
            (r) => r.method === "GET" && /\/backupJobs$/i.test(r.path),
        ).length;

    beforeEach(() => {
        processSharedReads().clear();
        sleeps.length = 0;
    });

    it("reads the vault's completed restores once for all the restores of a process, and takes the same VM's duration", async () => {
        await waitForJob(emu.get(), await restoreAndGetJobId(emu.get(), "vm-app01", RPS["vm-app01"][0]));
        const arm = client();
        const priors = await Promise.all(
            ["vm-app01", "vm-app01", "vm-web01"].map((vm) => priorForJob(arm, VAULT, vm, running, Date.now())),
        );
        assert.equal(await listReads(), 1, "one list of the vault's restore jobs");
        const hour = 3_600_000;
        assert.ok(Math.abs(priors[0]!.expectedMs - hour) < 60_000, `${priors[0]!.expectedMs} ms (the seed's restores take 1 h)`);
        assert.match(priors[0]!.source, /1 earlier restore of vm-app01/);
        assert.match(priors[2]!.source, /median of 1 earlier restore in the vault/);
        await priorForJob(client(), VAULT, "vm-db01", running, Date.now());
        assert.equal(await listReads(), 1, "the next restore of the process uses the same list");
    });

    it("waits as long as a 429 asks before reading the list again", async () => {
        await call(`${emu.get().url}/admin/faults`, {
            method: "POST",
            body: { kind: "http", status: 429, retryAfter: "7", times: 2, match: { method: "GET", pathRegex: "/backupJobs$" } },
        });
        const prior = await priorForJob(client(), VAULT, "vm-app01", running, Date.now());
        assert.equal(prior, undefined, "no earlier restores in a fresh vault");
        assert.equal(await listReads(), 3);
        assert.equal(sleeps.length, 2);
        for (const s of sleeps) assert.ok(s >= 7_000 && s <= 8_000, `waited ${s} ms for Retry-After: 7`);
    });

    it("does not look for earlier restores when the job reports its progress, nor fails when the list cannot be read", async () => {
        const talkative = readRestoreJob("j", { properties: { status: "InProgress", extendedInfo: { progressPercentage: 10 } } });
        assert.equal(await priorForJob(client(), VAULT, "vm-app01", talkative, Date.now()), undefined);
        assert.equal(await listReads(), 0);
        await call(`${emu.get().url}/admin/faults`, {
            method: "POST",
            body: { kind: "http", status: 403, match: { method: "GET", pathRegex: "/backupJobs$" } },
        });
        const lines: string[] = [];
        assert.equal(await priorForJob(client(), VAULT, "vm-app01", running, Date.now(), (l) => lines.push(l)), undefined);
        assert.match(lines.join("\n"), /earlier restore jobs not read .*403.*polling without a prior/);
    });
});
