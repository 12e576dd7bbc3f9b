/**
 * Faults the emulator injects, and what the provider (serialized as Pulumi stores it) does about
 * them: retries that honour the server, permanent errors at once, job outcomes, timeouts that keep
 * track of the running job, and adoption of a restore already running instead of a second one.
 */
import { strict as assert } from "assert";
import { LoggedRequest, VAULT } from "../../support/emulator-fixture";
import { failureOf, restoreStartedElsewhere, RestoreProps, useProviderWorld } from "../../support/provider-harness";
import { ArmClient } from "../../../provider/azure/arm-client";
import { DEFAULT_RETRY, RetryOptions } from "../../../provider/azure/retry-policy";

type Props = RestoreProps;

describe("faults: nothing lost, nothing restored twice", function () {
    this.timeout(120_000);
    // A fresh emulator (a fresh Azure, at a new address) for each test: the provider process shares
    // lookups between resources for a minute, and these tests need each fault to meet a first read.
    const world = useProviderWorld({ emulatorPerTest: true });
    const { fx } = world;
    const inputs = (extra: Props = {}) => world.restoreDisks({ resourceName: "faults", recoveryPoint: "latest", ...extra });
    const provider = () => world.provider();
    /**
     * The ARM client as the provider builds it, with the waits it asks for recorded instead of slept:
     * what a retry waits is read exactly, in no real time.
     */
    function recordingArm(retry: Partial<RetryOptions> = {}): { arm: ArmClient; waits: number[] } {
        const waits: number[] = [];
        const arm = new ArmClient({
            endpoint: fx.url,
            armScope: "x",
            tokens: { getToken: async () => "t", invalidate: () => undefined },
            retry: { ...DEFAULT_RETRY, ...retry },
            sleep: async (ms) => void waits.push(ms),
        });
        return { arm, waits };
    }
    const ITEMS = `${VAULT}/backupProtectedItems`;

    const fault = (f: Props) => fx.admin("POST", "faults", f);
    /** Every read of the recovery points answers with this ARM error. */
    const pointsAnswer = (status: number, code: string, message: string) =>
        fault({
            kind: "http",
            status,
            always: true,
            match: { method: "GET", pathContains: "/recoveryPoints" },
            body: { error: { code, message } },
        });
    const matching = (log: LoggedRequest[], method: string, fragment: string) =>
        log.filter((r) => r.method === method && r.path.toLowerCase().includes(fragment.toLowerCase()));

    // An HTTP date a whole 30 s ahead: the header's one-second granularity does not blur the hint.
    const httpDate = () => new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000);
    for (const [name, header, hintMs] of [
        ["Retry-After in seconds", () => ({ retryAfter: "2" }), () => 2_000],
        [
            "Retry-After as an HTTP date",
            (at: Date) => ({ retryAfter: at.toUTCString() }),
            (at: Date, answeredBy: number) => at.getTime() - answeredBy,
        ],
        ["retry-after-ms", () => ({ retryAfterMs: 1500 }), () => 1_500],
    ] as [string, (at: Date) => Props, (at: Date, answeredBy: number) => number][]) {
        it(`429 with ${name}: waits at least that long (and at most a second's spread more), then succeeds`, async () => {
            const at = httpDate();
            await fault({
                kind: "http",
                status: 429,
                ...header(at),
                times: 1,
                match: { method: "GET", pathContains: "/backupProtectedItems" },
            });
            const { arm, waits } = recordingArm();
            const sentBy = Date.now();
            const res = await arm.get(ITEMS, { apiVersion: "2026-02-01" });
            const answeredBy = Date.now();
            assert.equal(res.status, 200);
            assert.equal(matching(await fx.requests(), "GET", "/backupProtectedItems").length, 2, "one retry");
            assert.equal(waits.length, 1);
            const least = hintMs(at, answeredBy);
            const most = hintMs(at, sentBy) + 1_000;
            assert.ok(
                waits[0] >= least && waits[0] <= most,
                `waited ${waits[0]} ms; the server asked for ${least}..${hintMs(at, sentBy)} ms`,
            );
        });
    }

    it("429 through the provider as Pulumi runs it: retried after the server's hint, and the restore completes", async () => {
        await fault({ kind: "http", status: 429, retryAfterMs: 50, times: 1, match: { method: "GET", pathContains: "/recoveryPoints" } });
        const { outs } = await provider().create(inputs());
        assert.equal(outs.jobStatus, "Completed");
        assert.equal(matching(await fx.requests(), "GET", "/recoveryPoints").length, 2);
    });

    for (const status of [500, 502, 503, 504]) {
        it(`${status} on a read is retried with a growing, jittered backoff`, async () => {
            await fault({ kind: "http", status, times: 2, match: { method: "GET", pathContains: "/backupProtectedItems" } });
            const { arm, waits } = recordingArm();
            const res = await arm.get(ITEMS, { apiVersion: "2026-02-01" });
            assert.equal(res.status, 200);
            assert.equal(matching(await fx.requests(), "GET", "/backupProtectedItems").length, 3);
            const base = DEFAULT_RETRY.baseDelayMs;
            assert.equal(waits.length, 2);
            assert.ok(waits[0] >= base / 2 && waits[0] <= base, `first backoff ${waits[0]} ms`);
            assert.ok(waits[1] >= base && waits[1] <= 2 * base, `second backoff ${waits[1]} ms`);
        });
    }

    it("a 5xx on a read through the provider as Pulumi runs it is retried, and the restore completes", async () => {
        await fault({ kind: "http", status: 503, times: 1, match: { method: "GET", pathContains: "/recoveryPoints" } });
        const { outs } = await provider().create(inputs());
        assert.equal(outs.jobStatus, "Completed");
        assert.equal(matching(await fx.requests(), "GET", "/recoveryPoints").length, 2);
    });

    it("a connection reset on a read is retried", async () => {
        await fault({ kind: "reset", times: 1, match: { method: "GET", pathContains: "/backupJobs/" } });
        const { outs } = await provider().create(inputs());
        assert.equal(outs.jobStatus, "Completed");
    });

    it("a hung response is abandoned after the attempt timeout and retried", async () => {
        await fault({ kind: "hang", times: 1, match: { method: "GET", pathContains: "/vaults/vault-prod" } });
        const { arm } = recordingArm({ attemptTimeoutMs: 500 });
        const res = await arm.get(VAULT, { apiVersion: "2025-02-01" });
        assert.equal(res.status, 200);
        assert.equal(arm.requestCount, 2);
    });

    it("a permanent error fails at once with Azure's code and message, without retries", async () => {
        await pointsAnswer(
            403,
            "AuthorizationFailed",
            "The client does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/backupProtectedItems/read'.",
        );
        await assert.rejects(provider().create(inputs()), /403 AuthorizationFailed.*does not have authorization/);
        assert.equal(matching(await fx.requests(), "GET", "/recoveryPoints").length, 1);
    });

    it("a restore POST whose answer was lost is not sent twice: the running job is found and adopted", async () => {
        await fault({ kind: "http", status: 502, when: "after", times: 1, match: { method: "POST", pathContains: "/restore" } });
        const { outs } = await provider().create(inputs());
        assert.equal(outs.jobStatus, "Completed");
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("no SAS or token reaches an error message or the progress output", async () => {
        const sas = "sv=2024-08-04&se=2026-12-01&sp=r&sig=TOPSECRETSIGNATURE";
        await pointsAnswer(
            400,
            "BMSUserErrorInvalidInput",
            `Cannot read https://stg.blob.core.windows.net/c/azuredeploy.json?${sas} for this restore`,
        );
        const lines: string[] = [];
        const log = console.log;
        console.log = (...a: unknown[]) => void lines.push(a.join(" "));
        try {
            await assert.rejects(provider().create(inputs()), (e: Error) => {
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
            provider().create(inputs()),
            /did not accept the restore: UserErrorRequestDisallowedByPolicy: Resource was disallowed by policy/,
        );
    });

    it("CompletedWithWarnings succeeds and carries the warnings in outputs", async () => {
        await fault({ kind: "jobOutcome", outcome: "CompletedWithWarnings", errorCode: 300001, errorString: "One data disk was skipped" });
        const { outs } = await provider().create(inputs());
        assert.equal(outs.jobStatus, "CompletedWithWarnings");
        assert.equal(outs.warnings.length, 1);
        assert.match(outs.warnings[0], /300001.*One data disk was skipped/);
    });

    it("a cancelled job is an error", async () => {
        await fault({ kind: "jobOutcome", outcome: "Cancelled" });
        await assert.rejects(provider().create(inputs()), /ended Cancelled/);
    });

    it("a restore that outlives the timeout fails with its progress and is recorded, not forgotten", async () => {
        await fault({ kind: "jobNeverFinishes" });
        const err = await failureOf(provider().create(inputs({ timeoutMinutes: 0.05 })));
        assert.match(err.message, /timeoutMinutes: the restore did not finish within the timeout; job .* was InProgress at \d+%/);
        assert.match(err.message, /next `pulumi up` resumes this restore job/);
        assert.match(err.id, /\/backupJobs\//, "the error names the resource, so Pulumi records it");
        assert.equal(err.properties.restoreIncomplete, true);
        assert.equal(err.properties.jobStatus, "InProgress");
        assert.equal(err.properties.recoveryPoint, "latest");
        // The job is still running in Azure, and destroy cancels it.
        await provider().delete!(err.id, { ...err.properties });
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
            provider().create(inputs({ timeoutMinutes: 0.05, cancelOnTimeout: true })),
            /was cancelled \(cancelOnTimeout\); it is now Cancel/,
        );
        assert.equal(matching(await fx.requests(), "POST", "/cancel").length, 1);
    });

    it("the next up resumes a timed-out restore: same job, no second POST", async () => {
        const base = inputs();
        await fx.admin("POST", "clock", { speed: 600 }); // an hour-long job takes 6 s
        const first = await failureOf(provider().create({ ...base, timeoutMinutes: 0.03 }));
        assert.ok(first.properties.restoreIncomplete, "the first run recorded an incomplete restore");
        const d = await provider().diff!(first.id, first.properties, base);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        const { outs } = await provider().update!(first.id, first.properties, base);
        assert.equal(outs.jobStatus, "Completed");
        assert.equal(outs.jobId, first.properties.jobId);
        assert.equal(outs.restoreIncomplete, undefined);
        assert.equal(outs.restoredDiskIds.length, 3);
        assert.equal((await fx.restorePosts()).length, 1);
        await fx.admin("POST", "clock", { speed: 36_000 });
    });

    it("a restore already running in Azure for the same target and point is adopted, not started again", async () => {
        // Someone (an earlier, killed run on another machine) started it; the clock stands still: the
        // job is still running when the provider looks.
        await restoreStartedElsewhere(fx, "vm-web01");
        await fx.admin("POST", "clock", { advanceSeconds: 60 }); // the operation is accepted: a job exists
        const created = provider().create(inputs());
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
        const { outs } = await provider().create(inputs());
        assert.equal(outs.jobStatus, "Completed");
    });
});
