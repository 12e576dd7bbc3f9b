import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import {
    API,
    RPS,
    VAULT,
    advance,
    call,
    getJob,
    restoreAndGetJobId,
    triggerRestore,
    useEmulator,
    waitForJob,
    adminJobs,
} from "../../support/emulator-helpers";
import { RequestLogJson, TaskJson } from "../../support/emulator-json";

const vaultUrl = (url: string) => `${url}${VAULT}?${API}`;

describe("emulator: fault injection", () => {
    describe("request faults", () => {
        const emu = useEmulator();
        const addFault = async (fault: unknown) => {
            const r = await call(`${emu.get().url}/admin/faults`, { method: "POST", body: fault });
            assert.equal(r.status, 201, r.text);
            return r.body;
        };

        it("answers an http fault for the next K matching calls, with Retry-After and an ARM envelope", async () => {
            const e = emu.get();
            await addFault({ kind: "http", status: 503, retryAfter: "7", times: 2, match: { method: "GET", pathContains: "vault-prod" } });
            for (let i = 0; i < 2; i++) {
                const r = await call(vaultUrl(e.url));
                assert.equal(r.status, 503);
                assert.equal(r.headers.get("retry-after"), "7");
                assert.equal(r.body.error.code, "ServiceUnavailable");
                assert.ok(r.headers.get("x-ms-request-id"));
            }
            assert.equal((await call(vaultUrl(e.url))).status, 200);
            const log = (await call(`${e.url}/admin/requests`)).body.requests;
            assert.deepEqual(
                log.map((l: RequestLogJson) => [l.status, l.fault]),
                [
                    [503, "http"],
                    [503, "http"],
                    [200, undefined],
                ],
            );
            assert.deepEqual((await call(`${e.url}/admin/faults`)).body.faults, []);
        });

        it("sets retry-after-ms / x-ms-retry-after-ms and a custom body", async () => {
            const e = emu.get();
            await addFault({
                kind: "http",
                status: 429,
                retryAfterMs: 250,
                body: { error: { code: "SubscriptionRequestsThrottled", message: "slow down" } },
            });
            const r = await call(vaultUrl(e.url));
            assert.equal(r.status, 429);
            assert.equal(r.headers.get("retry-after-ms"), "250");
            assert.equal(r.headers.get("x-ms-retry-after-ms"), "250");
            assert.equal(r.body.error.code, "SubscriptionRequestsThrottled");
        });

        it("429 with Retry-After in seconds or as an HTTP date; 500, 502, 503 and 504 with fitting codes", async () => {
            const e = emu.get();
            const date = new Date(Date.now() + 5000).toUTCString();
            await addFault({ kind: "http", status: 429, retryAfter: 3 });
            await addFault({ kind: "http", status: 429, retryAfter: date });
            const seconds = await call(vaultUrl(e.url));
            assert.equal(seconds.status, 429);
            assert.equal(seconds.headers.get("retry-after"), "3");
            assert.equal(seconds.body.error.code, "TooManyRequests");
            const asDate = await call(vaultUrl(e.url));
            assert.equal(asDate.headers.get("retry-after"), date);
            for (const [status, code] of [
                [500, "InternalServerError"],
                [502, "BadGateway"],
                [503, "ServiceUnavailable"],
                [504, "GatewayTimeout"],
            ] as const) {
                await addFault({ kind: "http", status });
                const r = await call(vaultUrl(e.url));
                assert.equal(r.status, status);
                assert.equal(r.body.error.code, code);
            }
        });

        it("tokenRejected answers 401 ExpiredAuthenticationToken with WWW-Authenticate (ARM envelope, or storage XML on blobs)", async () => {
            const e = emu.get();
            await addFault({ kind: "tokenRejected", times: 2 });
            const r = await call(vaultUrl(e.url), { headers: { Authorization: "Bearer anything" } });
            assert.equal(r.status, 401);
            assert.equal(r.body.error.code, "ExpiredAuthenticationToken");
            assert.match(r.body.error.message, /^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/);
            assert.match(
                r.headers.get("www-authenticate")!,
                /^Bearer authorization_uri="http:\/\/127\.0\.0\.1:\d+\/00000000-0000-0000-0000-0000000000aa", error="invalid_token", error_description="The access token expiry UTC time .+"$/,
            );
            const blob = await call(`${e.url}/blob/stgrestore/c/b.json`);
            assert.equal(blob.status, 401);
            assert.equal(blob.headers.get("x-ms-error-code"), "InvalidAuthenticationInfo");
            assert.ok(blob.headers.get("www-authenticate"));
            assert.equal((await call(vaultUrl(e.url))).status, 200, "used up");
            await addFault({ kind: "tokenRejected", code: "InvalidAuthenticationToken", message: "The access token is invalid." });
            const custom = await call(vaultUrl(e.url));
            assert.deepEqual(custom.body.error, { code: "InvalidAuthenticationToken", message: "The access token is invalid." });
            assert.match(custom.headers.get("www-authenticate")!, /error_description="The access token is invalid\."/);
        });

        it("reaches the token endpoint only when its match names the path", async () => {
            const e = emu.get();
            const token = () =>
                call(`${e.url}/00000000-0000-0000-0000-0000000000aa/oauth2/v2.0/token`, {
                    method: "POST",
                    headers: { "Content-Type": "application/x-www-form-urlencoded" },
                    rawBody:
                        "grant_type=client_credentials&client_id=00000000-0000-0000-0000-00000000c1d0&client_secret=vmrestore-emulator-drill-secret~NOT-A-REAL-SECRET&scope=https%3A%2F%2Fmanagement.azure.com%2F.default",
                });
            await addFault({ kind: "http", status: 503, always: true, match: { method: "POST" } });
            assert.equal((await token()).status, 200, "a catch-all fault does not break getting a token");
            await call(`${e.url}/admin/faults`, { method: "DELETE" });
            await addFault({ kind: "http", status: 503, retryAfter: "2", match: { pathContains: "/oauth2/" } });
            const r = await token();
            assert.equal(r.status, 503);
            assert.equal(r.headers.get("retry-after"), "2");
            const log = (await call(`${e.url}/admin/requests?kind=identity`)).body.requests;
            assert.deepEqual(
                log.map((l: RequestLogJson) => [l.status, l.fault]),
                [
                    [200, undefined],
                    [503, "http"],
                ],
            );
            assert.equal(log[0].requestBody.client_secret, "[redacted]");
        });

        it('resets the connection after carrying the request out (when: "after")', async () => {
            const e = emu.get();
            await addFault({ kind: "reset", when: "after", match: { method: "POST", pathContains: "/restore" } });
            await assert.rejects(triggerRestore(e, "vm-web01", RPS["vm-web01"][0]));
            const jobs = adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore");
            assert.equal(jobs.length, 1, "the restore was accepted although the client saw a reset");
        });

        it("applies on the Nth matching call only, or always", async () => {
            const e = emu.get();
            await addFault({ kind: "http", status: 500, nth: 3, match: { pathContains: "vault-prod" } });
            const statuses: number[] = [];
            for (let i = 0; i < 4; i++) statuses.push((await call(vaultUrl(e.url))).status);
            assert.deepEqual(statuses, [200, 200, 500, 200]);
            await addFault({ kind: "http", status: 502, always: true, match: { pathRegex: "/backupJobs$" } });
            for (let i = 0; i < 3; i++) assert.equal((await call(`${e.url}${VAULT}/backupJobs?${API}`)).status, 502);
            assert.equal((await call(vaultUrl(e.url))).status, 200);
            assert.equal((await call(`${e.url}/admin/faults`)).body.faults[0].remaining, "always");
        });

        it('with when:"after" carries the request out and loses the answer (the restore exists, the client saw 502)', async () => {
            const e = emu.get();
            await addFault({ kind: "http", status: 502, when: "after", match: { method: "POST", pathContains: "/restore" } });
            const r = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            assert.equal(r.status, 502);
            const jobs = adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore");
            assert.equal(jobs.length, 1);
        });

        it("resets the connection", async () => {
            const e = emu.get();
            await addFault({ kind: "reset", match: { pathContains: "vault-prod" } });
            await assert.rejects(fetch(vaultUrl(e.url)));
            assert.equal((await call(vaultUrl(e.url))).status, 200);
            const log = (await call(`${e.url}/admin/requests`)).body.requests;
            assert.equal(log[0].status, 0);
            assert.equal(log[0].fault, "reset");
        });

        it("hangs (never answers) and delays", async () => {
            const e = emu.get();
            await addFault({ kind: "hang", match: { pathContains: "backupJobs" } });
            await assert.rejects(fetch(`${e.url}${VAULT}/backupJobs?${API}`, { signal: AbortSignal.timeout(200) }));
            await addFault({ kind: "delay", ms: 150 });
            const t0 = Date.now();
            assert.equal((await call(vaultUrl(e.url))).status, 200);
            assert.ok(Date.now() - t0 >= 140);
        });

        it("rejects malformed faults and can delete one or all", async () => {
            const e = emu.get();
            for (const bad of [
                { kind: "nope" },
                { kind: "http" },
                { kind: "http", status: 503, times: 0 },
                { kind: "jobOutcome", outcome: "Exploded" },
                { kind: "http", status: 500, match: { pathRegex: "(" } },
                [1],
            ]) {
                const r = await call(`${e.url}/admin/faults`, { method: "POST", body: bad });
                assert.equal(r.status, 400, JSON.stringify(bad));
                assert.equal(r.body.error.code, "InvalidFault");
            }
            const a = await addFault({ kind: "http", status: 500, always: true, match: { pathContains: "nothing-matches-this" } });
            await addFault({ kind: "jobNeverFinishes" });
            const listed = (await call(`${e.url}/admin/faults`)).body;
            assert.equal(listed.faults.length, 2);
            assert.ok(listed.kinds.includes("jobOutcome"));
            assert.equal((await call(`${e.url}/admin/faults/${a.id}`, { method: "DELETE" })).status, 204);
            assert.equal((await call(`${e.url}/admin/faults`)).body.faults.length, 1);
            assert.equal((await call(`${e.url}/admin/faults`, { method: "DELETE" })).status, 204);
            assert.equal((await call(`${e.url}/admin/faults`)).body.faults.length, 0);
        });
    });

    describe("restore faults", () => {
        const emu = useEmulator();

        it("jobOutcome Failed: the job fails with the given error details and restores nothing", async () => {
            const e = emu.get();
            await call(`${e.url}/admin/faults`, {
                method: "POST",
                body: {
                    kind: "jobOutcome",
                    outcome: "Failed",
                    errorCode: 320001,
                    errorString: "Disk quota exceeded in rg-restore.",
                    errorTitle: "Quota",
                    recommendations: ["Raise the quota."],
                },
            });
            const jobId = await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0]);
            const job = await waitForJob(e, jobId);
            assert.equal(job.properties.status, "Failed");
            assert.deepEqual(job.properties.errorDetails, [
                {
                    errorCode: 320001,
                    errorString: "Disk quota exceeded in rg-restore.",
                    errorTitle: "Quota",
                    recommendations: ["Raise the quota."],
                },
            ]);
            assert.deepEqual(job.properties.actionsInfo, ["Retriable"]);
            assert.ok(job.properties.endTime);
            assert.ok(job.properties.extendedInfo.progressPercentage < 100);
            assert.ok(job.properties.extendedInfo.tasksList.some((t: TaskJson) => t.status === "Failed"));
            assert.equal(job.properties.extendedInfo.propertyBag["Template Blob Uri"], undefined);
            assert.deepEqual((await call(`${e.url}/admin/resources`)).body.resources, []);
            const next = await waitForJob(e, await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0]));
            assert.equal(next.properties.status, "Completed", "the fault applied to one job only");
        });

        it("jobOutcome CompletedWithWarnings restores with warnings; Cancelled ends the job Cancelled", async () => {
            const e = emu.get();
            await call(`${e.url}/admin/faults`, {
                method: "POST",
                body: { kind: "jobOutcome", outcome: "CompletedWithWarnings", match: { pathContains: "vm-db01" } },
            });
            await call(`${e.url}/admin/faults`, {
                method: "POST",
                body: { kind: "jobOutcome", outcome: "Cancelled", match: { pathContains: "vm-app01" } },
            });
            const cww = await waitForJob(e, await restoreAndGetJobId(e, "vm-db01", RPS["vm-db01"][0]));
            assert.equal(cww.properties.status, "CompletedWithWarnings");
            assert.equal(cww.properties.errorDetails.length, 1);
            assert.equal(typeof cww.properties.errorDetails[0].errorCode, "number");
            assert.ok(cww.properties.extendedInfo.propertyBag["Template Blob Uri"]);
            const cancelled = await waitForJob(e, await restoreAndGetJobId(e, "vm-app01", RPS["vm-app01"][0]));
            assert.equal(cancelled.properties.status, "Cancelled");
        });

        it("operationFailed: the operation ends Failed with the error, no job", async () => {
            const e = emu.get();
            await call(`${e.url}/admin/faults`, {
                method: "POST",
                body: { kind: "operationFailed", code: "UserErrorRequestDisallowedByPolicy", message: "Denied by policy." },
            });
            const r = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            assert.equal(r.status, 202);
            const op = await (async () => {
                for (;;) {
                    const s = await call(r.headers.get("azure-asyncoperation")!);
                    if (s.body.status !== "InProgress") return s.body;
                }
            })();
            assert.equal(op.status, "Failed");
            assert.deepEqual(op.error, { code: "UserErrorRequestDisallowedByPolicy", message: "Denied by policy." });
            assert.equal(op.properties, undefined);
            const result = await call(r.headers.get("location")!);
            assert.equal(result.status, 400);
            assert.equal(result.body.error.code, "UserErrorRequestDisallowedByPolicy");
            assert.equal(adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore").length, 0);
        });
    });

    describe("jobNeverFinishes (manual clock)", () => {
        const emu = useEmulator(() => ({ clock: manualClock() }));

        it("keeps the job InProgress below 100% however long it runs; it can still be cancelled", async () => {
            const e = emu.get();
            await call(`${e.url}/admin/faults`, { method: "POST", body: { kind: "jobNeverFinishes" } });
            const r = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            await advance(e, 30);
            const jobId = (await call(r.headers.get("azure-asyncoperation")!)).body.properties.jobId;
            await advance(e, 10 * 3600);
            const job = await getJob(e, jobId);
            assert.equal(job.properties.status, "InProgress");
            assert.ok(job.properties.extendedInfo.progressPercentage < 100);
            assert.ok(job.properties.extendedInfo.progressPercentage >= 80);
            assert.equal(job.properties.duration, "PT10H30S");
            assert.equal((await call(`${e.url}${VAULT}/backupJobs/${jobId}/cancel?${API}`, { method: "POST" })).status, 202);
            await advance(e, 120);
            assert.equal((await getJob(e, jobId)).properties.status, "Cancelled");
        });
    });
});
