/**
 * Contract test: the official JS SDK (@azure/arm-recoveryservicesbackup) pointed at the emulator.
 * The SDK's bearer-token policy refuses plain http, and the HTTP client refuses http unless a request
 * allows it, so the test removes the bearer policy and adds one that allows insecure (loopback)
 * connections and sets a dummy Authorization header (the emulator checks no token).
 */
import { strict as assert } from "assert";
import {
    RecoveryServicesBackupClient,
    AzureIaaSComputeVMProtectedItem,
    IaasVMRecoveryPoint,
    AzureIaaSVMJob,
    OperationStatusJobExtendedInfo,
    ValidateOperationRequestResource,
} from "@azure/arm-recoveryservicesbackup";
import { AccessToken, TokenCredential } from "@azure/core-auth";
import { PipelinePolicy } from "@azure/core-rest-pipeline";
import { RPS, STG_RESTORE, RG_RESTORE, SUB, call, cliTime, untilEmulator, useEmulator, vmId } from "../../support/emulator-helpers";

const stubCredential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: "emulator-token", expiresOnTimestamp: Date.now() + 3600_000 };
    },
};

/** Plain http to the loopback emulator, with a dummy bearer token. */
const emulatorPolicy: PipelinePolicy = {
    name: "emulatorLoopbackHttp",
    async sendRequest(request, next) {
        request.allowInsecureConnection = true;
        request.headers.set("Authorization", "Bearer emulator-token");
        return next(request);
    },
};

function sdkClient(url: string): RecoveryServicesBackupClient {
    const client = new RecoveryServicesBackupClient(stubCredential, SUB, { endpoint: url, $host: url });
    client.pipeline.removePolicy({ name: "bearerTokenAuthenticationPolicy" });
    client.pipeline.addPolicy(emulatorPolicy);
    return client;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
}

/** "…/protectionContainers/{c}/protectedItems/{i}" → {container, item} */
function namesFromId(id: string): { container: string; item: string } {
    const m = /\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)$/i.exec(id);
    if (!m) throw new Error(`not an item id: ${id}`);
    return { container: m[1], item: m[2] };
}

describe("emulator: contract with the official @azure/arm-recoveryservicesbackup SDK", () => {
    const emu = useEmulator();

    it("lists items and points, restores with beginTriggerAndWait, tracks the operation and the job", async () => {
        const e = emu.get();
        const client = sdkClient(e.url);

        const items = await collect(
            client.backupProtectedItems.list("vault-prod", "rg-prod", {
                filter: "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'",
            }),
        );
        assert.equal(items.length, 6);
        const web = items.find(
            (i) => (i.properties as AzureIaaSComputeVMProtectedItem).sourceResourceId?.toLowerCase() === vmId("vm-web01").toLowerCase(),
        )!;
        const props = web.properties as AzureIaaSComputeVMProtectedItem;
        assert.equal(props.protectedItemType, "Microsoft.Compute/virtualMachines");
        assert.equal(props.friendlyName, "vm-web01");
        const { container, item } = namesFromId(web.id!);

        const got = await client.protectedItems.get("vault-prod", "rg-prod", "Azure", container, item);
        assert.equal(got.name, item);

        const points = await collect(client.recoveryPoints.list("vault-prod", "rg-prod", "Azure", container, item));
        assert.equal(points.length, 5);
        const latest = points
            .map((p) => ({ name: p.name!, rp: p.properties as IaasVMRecoveryPoint }))
            .sort((a, b) => b.rp.recoveryPointTime!.getTime() - a.rp.recoveryPointTime!.getTime())[0];
        assert.equal(latest.name, RPS["vm-web01"][0]);
        assert.equal(latest.rp.objectType, "IaasVMRecoveryPoint");
        assert.ok(latest.rp.recoveryPointTierDetails?.some((t) => t.type === "InstantRP"));
        const one = await client.recoveryPoints.get("vault-prod", "rg-prod", "Azure", container, item, latest.name);
        assert.equal((one.properties as IaasVMRecoveryPoint).recoveryPointType, "AppConsistent");

        const parameters = {
            properties: {
                objectType: "IaasVMRestoreRequest" as const,
                recoveryPointId: latest.name,
                recoveryType: "RestoreDisks" as const,
                sourceResourceId: vmId("vm-web01"),
                storageAccountId: STG_RESTORE,
                targetResourceGroupId: RG_RESTORE,
                region: "westeurope",
                createNewCloudService: true,
                originalStorageAccountOption: false,
                encryptionDetails: { encryptionEnabled: false },
            },
        };

        // The poller resolves void; the operation ID comes from the 202's Azure-AsyncOperation header.
        let asyncOperation: string | undefined;
        const result = await client.restores.beginTriggerAndWait(
            "vault-prod",
            "rg-prod",
            "Azure",
            container,
            item,
            latest.name,
            parameters,
            {
                updateIntervalInMs: 10,
                onResponse: (raw) => {
                    if (raw.status === 202 && !asyncOperation) asyncOperation = raw.headers.get("azure-asyncoperation");
                },
            },
        );
        // Typed Promise<void>; at run time the SDK hands back the final Location response — in spec mode the
        // protected item (200, as in the official example), in live mode nothing (204): no jobId either way.
        assert.equal((result as unknown as { properties?: { jobId?: string } } | undefined)?.properties?.jobId, undefined);
        assert.ok(asyncOperation, "the 202 carried Azure-AsyncOperation");
        const opId = /operationsStatus\/([^?]+)/.exec(asyncOperation!)![1];

        const status = await client.protectedItemOperationStatuses.get("vault-prod", "rg-prod", "Azure", container, item, opId);
        assert.equal(status.status, "Succeeded");
        const jobId = (status.properties as OperationStatusJobExtendedInfo).jobId!;
        assert.ok(jobId);
        const vaultStatus = await client.backupOperationStatuses.get("vault-prod", "rg-prod", opId);
        assert.equal((vaultStatus.properties as OperationStatusJobExtendedInfo).jobId, jobId);

        const job = await untilEmulator(e, async () => {
            const j = await client.jobDetails.get("vault-prod", "rg-prod", jobId);
            return (j.properties as AzureIaaSVMJob).status === "InProgress" ? undefined : j;
        });
        const details = job.properties as AzureIaaSVMJob;
        assert.equal(details.jobType, "AzureIaaSVMJob");
        assert.equal(details.operation, "Restore");
        assert.equal(details.status, "Completed");
        assert.equal(details.entityFriendlyName, "vm-web01");
        assert.ok(details.extendedInfo?.propertyBag?.["Template Blob Uri"]);
        assert.ok(details.extendedInfo?.propertyBag?.["Recovery point time "]);
        assert.equal(
            details.extendedInfo?.tasksList?.every((t) => t.status === "Completed"),
            true,
        );

        const day = 86400_000;
        const listed = await collect(
            client.backupJobs.list("vault-prod", "rg-prod", {
                filter: `startTime eq '${cliTime(Date.now() - day)}' and endTime eq '${cliTime(Date.now() + day)}' and operation eq 'Restore' and backupManagementType eq 'AzureIaasVM'`,
            }),
        );
        assert.deepEqual(
            listed.map((j) => j.name),
            [jobId],
        );
    });

    it("surfaces a failed operation as a rejected poller and ARM errors as RestError", async () => {
        const e = emu.get();
        const client = sdkClient(e.url);
        await call(`${e.url}/admin/faults`, {
            method: "POST",
            body: { kind: "operationFailed", code: "UserErrorRequestDisallowedByPolicy", message: "Denied by policy." },
        });
        const container = "IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-app01";
        const item = "VM;iaasvmcontainerv2;rg-prod;vm-app01";
        const rp = RPS["vm-app01"][0];
        await assert.rejects(
            client.restores.beginTriggerAndWait(
                "vault-prod",
                "rg-prod",
                "Azure",
                container,
                item,
                rp,
                {
                    properties: {
                        objectType: "IaasVMRestoreRequest",
                        recoveryPointId: rp,
                        recoveryType: "RestoreDisks",
                        sourceResourceId: vmId("vm-app01"),
                        storageAccountId: STG_RESTORE,
                        targetResourceGroupId: RG_RESTORE,
                    },
                },
                { updateIntervalInMs: 10 },
            ),
            /Denied by policy|UserErrorRequestDisallowedByPolicy|failed/i,
        );
        await assert.rejects(
            client.protectedItems.get("vault-prod", "rg-prod", "Azure", container, "VM;iaasvmcontainerv2;rg-prod;vm-nope"),
            (err: { statusCode?: number; code?: string }) => {
                assert.equal(err.statusCode, 404);
                assert.equal(err.code, "BMSUserErrorDataSourceObjectNotFound");
                return true;
            },
        );
        await assert.rejects(
            client.restores.beginTriggerAndWait("vault-prod", "rg-prod", "Azure", container, item, rp, {
                properties: {
                    objectType: "IaasVMRestoreRequest",
                    recoveryType: "RestoreDisks",
                    sourceResourceId: vmId("vm-app01"),
                    storageAccountId: STG_RESTORE.replace("stgrestore", "stgzrs"),
                },
            }),
            (err: { statusCode?: number; code?: string }) => {
                assert.equal(err.statusCode, 400);
                assert.equal(err.code, "BMSUserErrorInvalidInput");
                return true;
            },
        );
    });

    it("validates a restore with operation.validate and validateOperation.beginTriggerAndWait + validateOperationResults.get", async () => {
        const e = emu.get();
        const client = sdkClient(e.url);
        const rp = RPS["vm-web01"][0];
        const item = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-web01/protectedItems/VM;iaasvmcontainerv2;rg-prod;vm-web01`;
        const request = (zones: string[]): ValidateOperationRequestResource => ({
            id: `${item}/recoveryPoints/${rp}`,
            properties: {
                objectType: "ValidateIaasVMRestoreOperationRequest",
                restoreRequest: {
                    objectType: "IaasVMRestoreRequest",
                    recoveryPointId: rp,
                    recoveryType: "RestoreDisks",
                    sourceResourceId: vmId("vm-web01"),
                    storageAccountId: STG_RESTORE,
                    targetResourceGroupId: RG_RESTORE,
                    region: "westeurope",
                    zones,
                },
            },
        });
        const ok = await client.operation.validate("vault-prod", "rg-prod", request(["1"]));
        assert.deepEqual(ok.validateOperationResponse?.validationResults, []);
        const bad = await client.operation.validate("vault-prod", "rg-prod", request(["9"]));
        assert.equal(bad.validateOperationResponse?.validationResults?.[0].code, "BMSUserErrorInvalidInput");

        let operationId: string | undefined;
        await client.validateOperation.beginTriggerAndWait("vault-prod", "rg-prod", request(["9"]), {
            updateIntervalInMs: 10,
            onResponse: (raw) => {
                const loc = raw.headers.get("azure-asyncoperation");
                if (loc) operationId = /backupValidateOperationsStatuses\/([^?]+)/.exec(loc)?.[1];
            },
        });
        assert.ok(operationId);
        const status = await client.validateOperationStatuses.get("vault-prod", "rg-prod", operationId!);
        assert.equal(status.status, "Succeeded");
        const results = await client.validateOperationResults.get("vault-prod", "rg-prod", operationId!);
        assert.match(results.validateOperationResponse?.validationResults?.[0].message ?? "", /'zones'/);
    });
});
