import { strict as assert } from "assert";
import { parseDurationMs, formatIsoDuration } from "../../../provider/azure/backup/duration";
import { serverRetryHintMs, retryDelayMs, DEFAULT_RETRY } from "../../../provider/azure/retry-policy";
import { updateOperationState } from "../../../provider/polling/operation-tracker";
import { operationOf } from "../../../provider/azure/lro";
import { normalizeTierType, normalizeTierStatus, toRecoveryPoint } from "../../../provider/restore/recovery-point-selector";
import { readRestoreJob, bagValue, describeJobErrors } from "../../../provider/azure/backup/restore-job";
import { parseResourceId } from "../../../provider/azure/resource-id";

describe("wire formats seen in the wild", () => {
    it("parses job durations in ISO 8601, .NET TimeSpan and short forms", () => {
        assert.equal(parseDurationMs("PT9.8782791S"), 9878);
        assert.equal(parseDurationMs("00:20:23.0896697"), (20 * 60 + 23) * 1000 + 90);
        assert.equal(parseDurationMs("0:00:01.78"), 1780);
        assert.equal(parseDurationMs("1.02:03:04"), ((26 * 60 + 3) * 60 + 4) * 1000);
        assert.equal(parseDurationMs("PT1H2M"), 3_720_000);
        assert.equal(parseDurationMs("P1DT1S"), 86_401_000);
        assert.equal(parseDurationMs("banana"), undefined);
        assert.equal(parseDurationMs("PT"), undefined);
        assert.equal(formatIsoDuration(3_723_500), "PT1H2M3.5S");
    });

    it("reads every form of server retry hint, preferring the millisecond headers", () => {
        const now = Date.parse("2026-11-27T10:00:00Z");
        assert.equal(serverRetryHintMs({ "retry-after": "60" }, now), 60_000);
        assert.equal(serverRetryHintMs({ "retry-after": "Fri, 27 Nov 2026 10:00:30 GMT" }, now), 30_000);
        assert.equal(serverRetryHintMs({ "retry-after": "60", "retry-after-ms": "250" }, now), 250);
        assert.equal(serverRetryHintMs({ "x-ms-retry-after-ms": "1500" }, now), 1500);
        assert.equal(serverRetryHintMs({}, now), undefined);
    });

    it("never waits less than the server asked, and caps its own backoff", () => {
        for (let attempt = 1; attempt < 20; attempt++) {
            assert.ok(retryDelayMs(attempt, 7_000, DEFAULT_RETRY, () => 0.99) >= 7_000);
            assert.ok(retryDelayMs(attempt, undefined, DEFAULT_RETRY, () => 0.99) <= DEFAULT_RETRY.maxDelayMs);
        }
        const spread = new Set([0, 0.5, 0.99].map((r) => retryDelayMs(3, undefined, DEFAULT_RETRY, () => r)));
        assert.equal(spread.size, 3, "backoff is jittered");
        // Clients all told the same thing are spread out, but never by more than min(1 s, 25 % of the hint),
        // however often the server repeats itself (issue 15).
        for (const hint of [400, 2_000, 60_000]) {
            for (let attempt = 1; attempt < 20; attempt++) {
                const width = retryDelayMs(attempt, hint, DEFAULT_RETRY, () => 0.999) - retryDelayMs(attempt, hint, DEFAULT_RETRY, () => 0);
                assert.ok(
                    width > 0 && width <= Math.min(1_000, hint * 0.25) + 1,
                    `hint ${hint} ms, attempt ${attempt}: spread ${width} ms`,
                );
            }
        }
    });

    it("follows Azure-AsyncOperation in preference to Location, and takes the jobId from it", () => {
        const started = operationOf({
            headers: {
                location: "https://x/operationResults/op1",
                "azure-asyncoperation": "https://x/operationsStatus/op1",
                "retry-after": "60",
            },
        });
        assert.equal(started.hintMs, 60_000);
        let s = started.operation!;
        assert.equal(s.mode, "AsyncOperation");
        assert.equal(s.operationId, "op1");
        s = updateOperationState(s, 200, { status: "InProgress" });
        assert.equal(s.status, "running");
        s = updateOperationState(s, 200, {
            status: "Succeeded",
            properties: { objectType: "OperationStatusJobExtendedInfo", jobId: "j-1" },
        });
        assert.deepEqual([s.status, s.jobId], ["succeeded", "j-1"]);
        const failed = updateOperationState(
            operationOf({ headers: { "azure-asyncoperation": "https://x/operationsStatus/op2" } }).operation!,
            200,
            { status: "Failed", error: { code: "BMSUserErrorInvalidInput", message: "bad" } },
        );
        assert.deepEqual(failed.error, { code: "BMSUserErrorInvalidInput", message: "bad" });
    });

    it("treats Location polling as 202 until a body-less 204", () => {
        let s = operationOf({ headers: { location: "https://x/operationResults/op3" } }).operation!;
        assert.equal(s.mode, "Location");
        s = updateOperationState(s, 202, undefined);
        assert.equal(s.status, "running");
        s = updateOperationState(s, 204, undefined);
        assert.equal(s.status, "succeeded");
        assert.equal(s.jobId, undefined, "the job ID never comes from operationResults");
        assert.equal(operationOf({ headers: {} }).operation, undefined, "a 202 that names nothing to follow has no operation");
    });

    it("reads recovery point tiers as numbers or names", () => {
        assert.equal(normalizeTierType(1), "InstantRP");
        assert.equal(normalizeTierType("HardenedRP"), "HardenedRP");
        assert.equal(normalizeTierType("archivedrp"), "ArchivedRP");
        assert.equal(normalizeTierStatus(1), "Valid");
        assert.equal(normalizeTierStatus("Rehydrated"), "Rehydrated");
        const rp = toRecoveryPoint({
            name: "1",
            properties: {
                recoveryPointTime: "2026-11-20T01:00:00Z",
                recoveryPointType: "AppConsistent",
                recoveryPointTierDetails: [
                    { type: 1, status: 1 },
                    { type: "HardenedRP", status: "Valid" },
                    { type: 3, status: 3 },
                ],
            },
        });
        assert.deepEqual(rp?.tiers, ["InstantRP", "HardenedRP"]);
    });

    it("reads a job with numeric actionsInfo, an odd duration and the trailing-space property bag key", () => {
        const job = readRestoreJob("j", {
            properties: {
                status: "CompletedWithWarnings",
                duration: "0:00:01.78",
                actionsInfo: [1],
                errorDetails: [
                    {
                        errorCode: 400023,
                        errorString: "Some disks were skipped",
                        errorTitle: "Warning",
                        recommendations: ["Check the disks"],
                    },
                ],
                extendedInfo: { propertyBag: { "Recovery point time ": "11/20/2026 1:00:00 AM" }, progressPercentage: 100 },
            },
        });
        assert.equal(job.terminal, true);
        assert.equal(job.succeeded, true);
        assert.equal(job.cancellable, true);
        assert.equal(job.durationMs, 1780);
        assert.equal(bagValue(job.propertyBag, "Recovery point time"), "11/20/2026 1:00:00 AM");
        assert.match(describeJobErrors(job), /error 400023 Warning: Some disks were skipped Recommended: Check the disks/);
    });

    it("refuses resource IDs that would inject into an ARM URL", () => {
        for (const bad of [
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm?x=1",
            "/subscriptions/s/resourceGroups/../providers/Microsoft.Compute/virtualMachines/vm",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a%2Fb",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm#frag",
        ]) {
            assert.throws(() => parseResourceId(bad, "Microsoft.Compute/virtualMachines"), /invalid segment/, bad);
        }
        const ok = parseResourceId(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/default",
            "microsoft.network/virtualnetworks/subnets",
        );
        assert.deepEqual(ok.names, ["v", "default"]);
    });
});
