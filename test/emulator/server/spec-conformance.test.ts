/**
 * The emulator's response bodies validate against the official bms.json definitions, and the
 * validator itself accepts the official examples (and rejects broken variants of them).
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { manualClock } from "../../../emulator/world/job-clock";
import {
    API,
    RPS,
    VAULT,
    advance,
    alternateLocationBody,
    call,
    getJob,
    itemPath,
    restoreDisksBody,
    triggerRestore,
    useEmulator,
} from "../../support/emulator-helpers";
import { specPath, validateDefinition } from "../../support/spec-validator";
import { JobJson } from "../../support/emulator-json";

function assertValid(definition: string, value: unknown, what: string, options?: Parameters<typeof validateDefinition>[2]): void {
    const errors = validateDefinition(definition, value, options);
    assert.deepEqual(errors, [], `${what} does not validate as ${definition}:\n  ${errors.join("\n  ")}`);
}

function exampleFiles(): string[] {
    const root = path.resolve(path.dirname(specPath()), "..");
    const out: string[] = [];
    const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
            const p = path.join(dir, name);
            if (statSync(p).isDirectory()) walk(p);
            else if (p.includes(`${path.sep}examples${path.sep}`) && p.endsWith(".json")) out.push(p);
        }
    };
    walk(root);
    return out.sort();
}

describe("emulator: responses validate against bms.json", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));

    it("protected items, recovery points and error envelopes", async () => {
        const e = emu.get();
        assertValid("ProtectedItemResourceList", (await call(`${e.url}${VAULT}/backupProtectedItems?${API}`)).body, "protected item list");
        for (const vm of Object.keys(RPS) as Array<keyof typeof RPS>) {
            assertValid("ProtectedItemResource", (await call(`${e.url}${itemPath(vm)}?${API}`)).body, `item ${vm}`);
            assertValid("RecoveryPointResourceList", (await call(`${e.url}${itemPath(vm)}/recoveryPoints?${API}`)).body, `points of ${vm}`);
            for (const rp of RPS[vm]) {
                assertValid(
                    "RecoveryPointResource",
                    (await call(`${e.url}${itemPath(vm)}/recoveryPoints/${rp}?${API}`)).body,
                    `point ${rp}`,
                );
            }
        }
        const notFound = await call(`${e.url}${itemPath("vm-nope")}?${API}`);
        assertValid("CloudError", notFound.body, "404 envelope");
        const bad = await triggerRestore(
            e,
            "vm-web01",
            RPS["vm-web01"][0],
            restoreDisksBody("vm-web01", RPS["vm-web01"][0], { storageAccountId: "nope" }),
        );
        assertValid("CloudError", bad.body, "400 envelope");
    });

    it("operation status and jobs in every state, and the job list", async () => {
        const e = emu.get();
        const fault = (body: unknown) => call(`${e.url}/admin/faults`, { method: "POST", body });
        const start = async (vm: keyof typeof RPS, rp: string, body?: Record<string, unknown>) => {
            const r = await triggerRestore(e, vm, rp, body ?? restoreDisksBody(vm, rp));
            assert.equal(r.status, 202, r.text);
            return r.headers.get("azure-asyncoperation")!;
        };

        const plain = await start("vm-web01", RPS["vm-web01"][0]);
        await fault({ kind: "jobOutcome", outcome: "Failed" });
        const failing = await start("vm-web01", RPS["vm-web01"][1]);
        await fault({ kind: "jobOutcome", outcome: "CompletedWithWarnings" });
        const warning = await start("vm-db01", RPS["vm-db01"][0]);
        await fault({ kind: "jobOutcome", outcome: "Cancelled" });
        const cancelled = await start("vm-app01", RPS["vm-app01"][0]);
        const alr = await start("vm-app01", RPS["vm-app01"][1], alternateLocationBody("vm-app01", RPS["vm-app01"][1], "vm-app01-alr"));
        const olr = await start(
            "vm-db01",
            RPS["vm-db01"][2],
            restoreDisksBody("vm-db01", RPS["vm-db01"][2], { recoveryType: "OriginalLocation" }),
        );
        const rehydrate = await start(
            "vm-web01",
            RPS["vm-web01"][4],
            restoreDisksBody("vm-web01", RPS["vm-web01"][4], {
                objectType: "IaasVMRestoreWithRehydrationRequest",
                recoveryPointRehydrationInfo: { rehydrationPriority: "Standard", rehydrationRetentionDuration: "P10D" },
            }),
        );
        await fault({ kind: "operationFailed", code: "BMSUserErrorCrossRegionRestoreNotEnabledInThisVault", message: "no" });
        const opFailed = await start("vm-web01", RPS["vm-web01"][2]);

        const all = [plain, failing, warning, cancelled, alr, olr, rehydrate];
        for (const url of [...all, opFailed]) assertValid("OperationStatus", (await call(url)).body, "InProgress operation");
        await advance(e, 30);
        const jobIds: string[] = [];
        for (const url of all) {
            const op = (await call(url)).body;
            assertValid("OperationStatus", op, "Succeeded operation");
            jobIds.push(op.properties.jobId);
        }
        const failedOp = (await call(opFailed)).body;
        assert.equal(failedOp.status, "Failed");
        assertValid("OperationStatus", failedOp, "Failed operation");
        const opId = /operationsStatus\/([^?]+)/.exec(plain)![1];
        assertValid("OperationStatus", (await call(`${e.url}${VAULT}/backupOperations/${opId}?${API}`)).body, "vault-level operation");
        const results = await call(plain.replace("/operationsStatus/", "/operationResults/"));
        assert.equal(results.status, 200, "spec mode answers a finished operationResults with 200");
        assertValid("ProtectedItemResource", results.body, "operationResults of a finished operation");

        const seen = new Set<string>();
        const check = async () => {
            for (const id of jobIds) {
                const job = await getJob(e, id);
                seen.add(job.properties.status);
                assertValid("JobResource", job, `job ${job.properties.status}`);
            }
            assertValid("JobResourceList", (await call(`${e.url}${VAULT}/backupJobs?${API}`)).body, "job list");
        };
        await check();
        const cancelUrl = (await call(`${e.url}${VAULT}/backupJobs/${jobIds[0]}/cancel?${API}`, { method: "POST" })).headers.get(
            "location",
        );
        assert.ok(cancelUrl);
        await check();
        for (const step of [600, 1200, 1800, 3600, 7200, 21600]) {
            await advance(e, step);
            await check();
        }
        assert.deepEqual([...seen].sort(), ["Cancelled", "Cancelling", "Completed", "CompletedWithWarnings", "Failed", "InProgress"]);
        for (const job of (await call(`${e.url}${VAULT}/backupJobs?${API}`)).body.value.filter(
            (j: JobJson) => j.properties.operation === "Backup",
        )) {
            assertValid("JobResource", (await call(`${e.url}${VAULT}/backupJobs/${job.name}?${API}`)).body, "backup job");
        }
    });
});

describe("spec validator", () => {
    it("accepts every official TriggerRestore example body as RestoreRequestResource", () => {
        const examples = exampleFiles().filter((f) => path.basename(f).startsWith("TriggerRestore_"));
        assert.ok(examples.length >= 6, `found ${examples.length} TriggerRestore examples`);
        for (const file of examples) {
            const example = JSON.parse(readFileSync(file, "utf8"));
            assertValid("RestoreRequestResource", example.parameters.parameters, path.basename(file), { mode: "request" });
        }
    });

    it("rejects broken restore bodies", () => {
        const file = exampleFiles().find((f) => path.basename(f) === "TriggerRestore_RestoreDisks_IaasVMRestoreRequest.json")!;
        const good = JSON.parse(readFileSync(file, "utf8")).parameters.parameters;
        const broken = (mutate: (p: Record<string, unknown>) => void) => {
            const copy = JSON.parse(JSON.stringify(good));
            mutate(copy.properties);
            return validateDefinition("RestoreRequestResource", copy, { mode: "request" });
        };
        assert.ok(broken((p) => (p.recoveryType = "Sideways")).some((e) => e.includes("recoveryType")));
        assert.ok(broken((p) => (p.objectType = "NoSuchRequest")).some((e) => e.includes("objectType")));
        assert.ok(broken((p) => delete p.objectType).length > 0);
        assert.ok(broken((p) => (p.restoreDiskLunList = ["0"])).some((e) => e.includes("restoreDiskLunList")));
        assert.ok(broken((p) => (p.createNewCloudService = "yes")).some((e) => e.includes("createNewCloudService")));
        assert.ok(
            broken((p) => (p.recoveryPointRehydrationInfo = { rehydrationPriority: "Urgent" })).length === 0,
            "IaasVMRestoreRequest has no rehydration info: extra properties are allowed",
        );
        const rehydration = JSON.parse(JSON.stringify(good));
        rehydration.properties.objectType = "IaasVMRestoreWithRehydrationRequest";
        rehydration.properties.recoveryPointRehydrationInfo = { rehydrationPriority: "Urgent" };
        assert.ok(
            validateDefinition("RestoreRequestResource", rehydration, { mode: "request" }).some((e) => e.includes("rehydrationPriority")),
        );
        assert.ok(
            validateDefinition("RestoreRequestResource", { ...good, id: "/x" }, { mode: "request" }).some((e) => e.includes("readOnly")),
        );
        assert.deepEqual(validateDefinition("RestoreRequestResource", { ...good, id: "/x" }), [], "readOnly is fine in a response");
    });

    it("accepts the official response examples of the calls the emulator serves", () => {
        const responses: Array<[string, string, string]> = [
            ["BackupProtectedItems_List.json", "200", "ProtectedItemResourceList"],
            ["Compute_ProtectedItem_Get.json", "200", "ProtectedItemResource"],
            ["ClassicCompute_ProtectedItem_Get.json", "200", "ProtectedItemResource"],
            ["RecoveryPoints_List.json", "200", "RecoveryPointResourceList"],
            ["RecoveryPoints_Get.json", "200", "RecoveryPointResource"],
            ["ProtectedItemOperationStatus.json", "200", "OperationStatus"],
            ["ProtectedItem_Delete_OperationStatus.json", "200", "OperationStatus"],
            ["GetJobDetails.json", "200", "JobResource"],
            ["ListJobs.json", "200", "JobResourceList"],
            ["ListJobsWithAllSupportedFilters.json", "200", "JobResourceList"],
            ["ListJobsWithStartTimeAndEndTimeFilters.json", "200", "JobResourceList"],
        ];
        const files = exampleFiles();
        for (const [name, status, definition] of responses) {
            const file = files.find((f) => path.basename(f) === name);
            assert.ok(file, `example ${name}`);
            const example = JSON.parse(readFileSync(file!, "utf8"));
            assertValid(definition, example.responses[status].body, name, { allowNulls: true });
        }
    });

    it("resolves polymorphic types by their discriminator and reports unknown values", () => {
        assert.deepEqual(
            validateDefinition("RecoveryPoint", { objectType: "IaasVMRecoveryPoint", recoveryPointTime: "2026-01-01T00:00:00Z" }),
            [],
        );
        assert.ok(
            validateDefinition("RecoveryPoint", { objectType: "IaasVMRecoveryPoint", recoveryPointTime: "yesterday" }).some((e) =>
                e.includes("date-time"),
            ),
        );
        assert.ok(validateDefinition("RecoveryPoint", { objectType: "NotARecoveryPoint" }).some((e) => e.includes("objectType")));
        assert.ok(
            validateDefinition("Job", { jobType: "AzureIaaSVMJob", errorDetails: [{ errorCode: "E1" }] }).some((e) =>
                e.includes("errorCode"),
            ),
        );
        assert.ok(
            validateDefinition("JobResource", { properties: { jobType: "AzureIaaSVMJob", duration: "00:20:23.0896697" } }).some((e) =>
                e.includes("duration"),
            ),
        );
        assert.ok(
            validateDefinition("ProtectedItemResource", {
                properties: { protectedItemType: "Microsoft.Compute/virtualMachines", lastBackupTime: 5 },
            }).some((e) => e.includes("lastBackupTime")),
        );
        assert.deepEqual(validateDefinition("NoSuchDefinition", {}), ["unknown definition 'NoSuchDefinition'"]);
    });
});
