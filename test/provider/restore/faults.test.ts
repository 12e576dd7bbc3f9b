/**
 * Faults the emulator injects, and what the provider (serialized as Pulumi stores it) does about
 * them: retries that honour the server, permanent errors at once, job outcomes, timeouts that keep
 * track of the running job, and adoption of a restore already running instead of a second one.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fetch from "node-fetch";
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../../support/serialized-provider";
import {
    EmulatorFixture,
    forgetProviderProcessState,
    LoggedRequest,
    RG_RESTORE,
    STAGING,
    VAULT,
    vmId,
} from "../../support/emulator-fixture";
import { ArmClient } from "../../../provider/azure/arm-client";
import { DEFAULT_RETRY } from "../../../provider/azure/retry-policy";

type Props = Record<string, any>;

describe("faults: nothing lost, nothing restored twice", function () {
    this.timeout(120_000);
    const fx = new EmulatorFixture();
    let provider: pulumi.dynamic.ResourceProvider;
    let pulumiHome: string;
    const savedHome = process.env.PULUMI_HOME;

    before(async () => {
        provider = (await serializedProvider()).provider;
        pulumiHome = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-home-"));
        process.env.PULUMI_HOME = pulumiHome; // restore checkpoints go here, not into ~/.pulumi
    });
    after(async () => {
        if (savedHome === undefined) delete process.env.PULUMI_HOME;
        else process.env.PULUMI_HOME = savedHome;
        fs.rmSync(pulumiHome, { recursive: true, force: true });
    });
    // A fresh emulator (a fresh Azure, at a new address) for each test: the provider process shares
    // lookups between resources for a minute, and these tests need each fault to meet a first read.
    beforeEach(async () => {
        forgetProviderProcessState();
        await fx.start();
    });
    afterEach(() => fx.stop());

    const inputs = (extra: Props = {}): Props => ({
        resourceName: "faults",
        vaultId: VAULT,
        sourceVmId: vmId("vm-web01"),
        recoveryPoint: "latest",
        restoreType: "RestoreDisks",
        storageAccountId: STAGING,
        targetResourceGroupId: RG_RESTORE,
        armEndpoint: fx.url,
        ...extra,
    });
    const fault = (f: Props) => fx.admin("POST", "faults", f);
    const matching = (log: LoggedRequest[], method: string, fragment: string) =>
        log.filter((r) => r.method === method && r.path.toLowerCase().includes(fragment.toLowerCase()));
    const times = async (method: string, fragment: string) =>
        matching(await fx.requests(), method, fragment).map((r) => Date.parse((r as unknown as { time: string }).time));

    for (const [name, f, minGapMs] of [
        ["Retry-After in seconds", { retryAfter: "2" }, 1900],
        ["Retry-After as an HTTP date", { retryAfter: "__DATE__" }, 1500],
        ["retry-after-ms", { retryAfterMs: 1500 }, 1400],
    ] as [string, Props, number][]) {
        it(`429 with ${name}: waits at least that long, then succeeds`, async () => {
            const retryAfter = f.retryAfter === "__DATE__" ? new Date(Date.now() + 2_500).toUTCString() : f.retryAfter;
            await fault({
                kind: "http",
                status: 429,
                ...f,
                retryAfter,
                times: 1,
                match: { method: "GET", pathContains: "/recoveryPoints" },
            });
            const { outs } = await provider.create(inputs());
            assert.equal(outs.jobStatus, "Completed");
            const [first, second] = await times("GET", "/recoveryPoints");
            assert.ok(second - first >= minGapMs, `waited ${second - first} ms`);
        });
    }

    for (const status of [500, 502, 503, 504]) {
        it(`${status} on a read is retried with backoff`, async () => {
            await fault({ kind: "http", status, times: 2, match: { method: "GET", pathContains: "/recoveryPoints" } });
            const { outs } = await provider.create(inputs());
            assert.equal(outs.jobStatus, "Completed");
            assert.equal(matching(await fx.requests(), "GET", "/recoveryPoints").length, 3);
        });
    }

    it("a connection reset on a read is retried", async () => {
        await fault({ kind: "reset", times: 1, match: { method: "GET", pathContains: "/backupJobs/" } });
        const { outs } = await provider.create(inputs());
        assert.equal(outs.jobStatus, "Completed");
    });

    it("a hung response is abandoned after the attempt timeout and retried", async () => {
        await fault({ kind: "hang", times: 1, match: { method: "GET", pathContains: "/vaults/vault-prod" } });
        const arm = new ArmClient({
            endpoint: fx.url,
            armScope: "x",
            tokens: { getToken: async () => "t", invalidate: () => undefined },
            retry: { ...DEFAULT_RETRY, attemptTimeoutMs: 500, baseDelayMs: 50 },
        });
        const res = await arm.get(VAULT, { apiVersion: "2025-02-01" });
        assert.equal(res.status, 200);
        assert.equal(arm.requestCount, 2);
    });

    it("a permanent error fails at once with Azure's code and message, without retries", async () => {
        await fault({
            kind: "http",
            status: 403,
            always: true,
            match: { method: "GET", pathContains: "/recoveryPoints" },
            body: {
                error: {
                    code: "AuthorizationFailed",
                    message:
                        "The client does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/backupProtectedItems/read'.",
                },
            },
        });
        await assert.rejects(provider.create(inputs()), /403 AuthorizationFailed.*does not have authorization/);
        assert.equal(matching(await fx.requests(), "GET", "/recoveryPoints").length, 1);
    });

    it("a restore POST whose answer was lost is not sent twice: the running job is found and adopted", async () => {
        await fault({ kind: "http", status: 502, when: "after", times: 1, match: { method: "POST", pathContains: "/restore" } });
        const { outs } = await provider.create(inputs());
        assert.equal(outs.jobStatus, "Completed");
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("no SAS or token reaches an error message or the progress output", async () => {
        const sas = "sv=2024-08-04&se=2026-12-01&sp=r&sig=TOPSECRETSIGNATURE";
        await fault({
            kind: "http",
            status: 400,
            always: true,
            match: { method: "GET", pathContains: "/recoveryPoints" },
            body: {
                error: {
                    code: "BMSUserErrorInvalidInput",
                    message: `Cannot read https://stg.blob.core.windows.net/c/azuredeploy.json?${sas} for this restore`,
                },
            },
        });
        const lines: string[] = [];
        const log = console.log;
        console.log = (...a: unknown[]) => void lines.push(a.join(" "));
        try {
            await assert.rejects(provider.create(inputs()), (e: Error) => {
                assert.match(
                    e.message,
                    /BMSUserErrorInvalidInput.*: Cannot read https:\/\/stg\.blob\.core\.windows\.net\/c\/azuredeploy\.json\?…/,
                );
                assert.ok(!e.message.includes("TOPSECRET") && !e.message.includes("Bearer"), e.message);
                return true;
            });
        } finally {
            console.log = log;
        }
        assert.ok(lines.every((l) => !l.includes("TOPSECRET") && !/Bearer \S/.test(l)));
        await fx.admin("DELETE", "faults");
    });

    it("an operation that fails is an error with Azure's code and message", async () => {
        await fault({ kind: "operationFailed", code: "UserErrorRequestDisallowedByPolicy", message: "Resource was disallowed by policy." });
        await assert.rejects(
            provider.create(inputs()),
            /did not accept the restore: UserErrorRequestDisallowedByPolicy: Resource was disallowed by policy/,
        );
    });

    it("CompletedWithWarnings succeeds and carries the warnings in outputs", async () => {
        await fault({ kind: "jobOutcome", outcome: "CompletedWithWarnings", errorCode: 300001, errorString: "One data disk was skipped" });
        const { outs } = await provider.create(inputs());
        assert.equal(outs.jobStatus, "CompletedWithWarnings");
        assert.equal(outs.warnings.length, 1);
        assert.match(outs.warnings[0], /300001.*One data disk was skipped/);
    });

    it("a cancelled job is an error", async () => {
        await fault({ kind: "jobOutcome", outcome: "Cancelled" });
        await assert.rejects(provider.create(inputs()), /ended Cancelled/);
    });

    it("a restore that outlives the timeout fails with its progress and is recorded, not forgotten", async () => {
        await fault({ kind: "jobNeverFinishes" });
        const err = await provider.create(inputs({ timeoutMinutes: 0.05 })).then(
            () => undefined,
            (e: Props) => e,
        );
        assert.ok(err, "create failed");
        assert.match(err.message, /timeoutMinutes: the restore did not finish within the timeout; job .* was InProgress at \d+%/);
        assert.match(err.message, /next `pulumi up` resumes this restore job/);
        assert.match(err.id, /\/backupJobs\//, "the error names the resource, so Pulumi records it");
        assert.equal(err.properties.restoreIncomplete, true);
        assert.equal(err.properties.jobStatus, "InProgress");
        assert.equal(err.properties.recoveryPoint, "latest");
        // The job is still running in Azure, and destroy cancels it.
        await provider.delete!(err.id, { ...err.properties });
        const jobs = (await fx.admin<{ jobs: { status: string }[] }>("GET", "jobs")).jobs;
        assert.ok(
            jobs.every((j) => j.status !== "InProgress"),
            "destroy cancelled the running job",
        );
        assert.equal(matching(await fx.requests(), "POST", "/cancel").length, 1);
    });

    it("cancelOnTimeout cancels the job when the timeout is reached", async () => {
        await fault({ kind: "jobNeverFinishes" });
        await assert.rejects(
            provider.create(inputs({ timeoutMinutes: 0.05, cancelOnTimeout: true })),
            /was cancelled \(cancelOnTimeout\); it is now Cancel/,
        );
        assert.equal(matching(await fx.requests(), "POST", "/cancel").length, 1);
    });

    it("the next up resumes a timed-out restore: same job, no second POST", async () => {
        const base = inputs();
        await fx.admin("POST", "clock", { speed: 600 }); // an hour-long job takes 6 s
        const first = await provider.create({ ...base, timeoutMinutes: 0.03 }).then(
            () => undefined,
            (e: Props) => e,
        );
        assert.ok(first?.properties?.restoreIncomplete, "the first run recorded an incomplete restore");
        const d = await provider.diff!(first.id, first.properties, base);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        const { outs } = await provider.update!(first.id, first.properties, base);
        assert.equal(outs.jobStatus, "Completed");
        assert.equal(outs.jobId, first.properties.jobId);
        assert.equal(outs.restoreIncomplete, undefined);
        assert.equal(outs.restoredDiskIds.length, 3);
        assert.equal((await fx.restorePosts()).length, 1);
        await fx.admin("POST", "clock", { speed: 36_000 });
    });

    it("a restore already running in Azure for the same target and point is adopted, not started again", async () => {
        // Someone (an earlier, killed run on another machine) started it: POST it straight to the emulator.
        const items = await fx.arm<{ value: { id: string }[] }>(`${VAULT}/backupProtectedItems`);
        const item = items.body.value.find((i) => i.id.toLowerCase().includes(";vm-web01"))!;
        const rps = await fx.arm<{ value: { name: string; properties: { recoveryPointTime: string } }[] }>(`${item.id}/recoveryPoints`);
        const latest = rps.body.value.sort((a, b) => b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime))[0];
        await fx.admin("POST", "clock", { speed: 0 }); // the clock stands still: the job is still running when the provider looks
        const res = await fetch(`${fx.url}${item.id}/recoveryPoints/${latest.name}/restore?api-version=2026-02-01`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: "Bearer x" },
            body: JSON.stringify({
                properties: {
                    objectType: "IaasVMRestoreRequest",
                    recoveryPointId: latest.name,
                    recoveryType: "RestoreDisks",
                    sourceResourceId: vmId("vm-web01"),
                    storageAccountId: STAGING,
                    targetResourceGroupId: RG_RESTORE,
                    region: "westeurope",
                    createNewCloudService: false,
                    originalStorageAccountOption: false,
                    encryptionDetails: { encryptionEnabled: false },
                },
            }),
        });
        assert.equal(res.status, 202);
        await fx.admin("POST", "clock", { advanceSeconds: 60 }); // the operation is accepted: a job exists
        const created = provider.create(inputs());
        await fx.releaseClockOnceJobRead();
        const { outs } = await created;
        assert.equal(outs.jobStatus, "Completed");
        assert.equal((await fx.restorePosts()).length, 1, "only the earlier POST");
    });

    it("an expired or revoked token (401) is refreshed once and the call goes on", async () => {
        await fault({
            kind: "http",
            status: 401,
            times: 1,
            match: { method: "GET", pathContains: "/backupJobs/" },
            headers: { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token expired"' },
            body: {
                error: {
                    code: "ExpiredAuthenticationToken",
                    message: "The access token expiry UTC time is earlier than current UTC time.",
                },
            },
        });
        const { outs } = await provider.create(inputs());
        assert.equal(outs.jobStatus, "Completed");
    });
});
