/**
 * Cross Region Restore: AAD properties of the secondary region → an access token for the recovery
 * point → backupCrossRegionRestore in the secondary region → backupCrrOperationsStatus → the job
 * through backupCrrJob(s). The restored resources land in the secondary region.
 */
import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import { defaultSeed } from "../../../emulator/world/seed";
import { RunningEmulator } from "../../../emulator/server/server";
import {
    API,
    RG_DR,
    RPS,
    STG_NORTH,
    STG_RESTORE,
    SUB,
    VAULT,
    VNET_DR,
    advance,
    alternateLocationBody,
    call,
    itemPath,
    restoreDisksBody,
    useEmulator,
    adminJobs,
    CallResult,
} from "../../support/emulator-helpers";
import { validateDefinition } from "../../support/spec-validator";
import { DataDiskJson, JobJson, JsonAnswer, RequestLogJson, TaskJson, TemplateResourceJson } from "../../support/emulator-json";

const CRR_API = "api-version=2018-12-20";
const LOC = (region: string) => `/subscriptions/${SUB}/providers/Microsoft.RecoveryServices/locations/${region}`;

function assertValid(definition: string, value: unknown): void {
    const errors = validateDefinition(definition, value);
    assert.deepEqual(errors, [], `does not validate as ${definition}:\n  ${errors.join("\n  ")}`);
}

/** A restore request into the secondary region: disks into rg-dr, staged in stgnorth. */
function crrRestoreRequest(vm: string, rp: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return restoreDisksBody(vm, rp, { storageAccountId: STG_NORTH, targetResourceGroupId: RG_DR, region: "northeurope", ...overrides })
        .properties as Record<string, unknown>;
}

async function aadProperties(e: RunningEmulator, region = "northeurope"): Promise<JsonAnswer> {
    const r = await call(
        `${e.url}${LOC(region)}/backupAadProperties?${CRR_API}&$filter=${encodeURIComponent("backupManagementType eq 'AzureIaasVM'")}`,
    );
    assert.equal(r.status, 200, r.text);
    return r.body;
}

async function accessToken(e: RunningEmulator, vm: string, rp: string, aad?: JsonAnswer): Promise<CallResult> {
    const props = aad ?? (await aadProperties(e)).properties;
    return call(`${e.url}${itemPath(vm)}/recoveryPoints/${rp}/accessToken?${CRR_API}`, { method: "POST", body: { properties: props } });
}

async function crossRegionRestore(
    e: RunningEmulator,
    details: JsonAnswer,
    restoreRequest: Record<string, unknown>,
    region = "northeurope",
) {
    return call(`${e.url}${LOC(region)}/backupCrossRegionRestore?${CRR_API}`, {
        method: "POST",
        body: { crossRegionRestoreAccessDetails: details, restoreRequest },
    });
}

describe("emulator: Cross Region Restore", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));

    it("serves the secondary region's AAD properties and an access token for a point", async () => {
        const e = emu.get();
        const vault = (await call(`${e.url}${VAULT}?${API}`)).body;
        assert.equal(vault.properties.redundancySettings.crossRegionRestore, "Enabled");
        const aad = await aadProperties(e);
        assert.equal(aad.id, `/subscriptions/${SUB}`);
        assert.equal(aad.properties.tenantId, "00000000-0000-0000-0000-0000000000aa");
        assert.equal(aad.properties.audience, "https://RecoveryServices/IaasCoord/aadmgmt/northeurope");
        assert.match(aad.properties.servicePrincipalClientId, /^[0-9a-f-]{36}$/);
        assert.match(aad.properties.servicePrincipalObjectId, /^[0-9a-f-]{36}$/);

        const rp = RPS["vm-web01"][0];
        const token = await accessToken(e, "vm-web01", rp, aad.properties);
        assert.equal(token.status, 200, token.text);
        const t = token.body.properties;
        assert.equal(token.body.id, `${itemPath("vm-web01")}/recoveryPoints/${rp}`);
        assert.equal(t.objectType, "WorkloadCrrAccessToken");
        assert.match(t.accessTokenString, /^crr1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        assert.equal(t.recoveryPointId, rp);
        assert.equal(t.subscriptionId, SUB);
        assert.equal(t.resourceGroupName, "rg-prod");
        assert.equal(t.resourceName, "vault-prod");
        assert.equal(t.resourceId, VAULT);
        assert.equal(t.containerName, "iaasvmcontainerv2;rg-prod;vm-web01");
        assert.equal(t.backupManagementType, "AzureIaasVM");
        assert.equal(t.datasourceType, "VM");
        assert.equal(t.datasourceName, "vm-web01");
        assert.equal(t.bMSActiveRegion, "westeurope");
        assert.equal(t.rpIsManagedVirtualMachine, true);
        assert.equal(t.rpVMSizeDescription, "Standard_D4s_v5");
        assert.deepEqual(t.rpTierInformation, { InstantRP: "Valid", HardenedRP: "Valid" });
        assert.ok(Date.parse(JSON.parse(t.tokenExtendedInformation).expiresOn) > Date.now() + 3500_000);
    });

    it("restores disks into the secondary region, tracked by backupCrrOperationsStatus and backupCrrJob(s)", async () => {
        const e = emu.get();
        const rp = RPS["vm-web01"][0];
        const details = (await accessToken(e, "vm-web01", rp)).body.properties;
        const r = await crossRegionRestore(e, details, crrRestoreRequest("vm-web01", rp));
        assert.equal(r.status, 202, r.text);
        const status = r.headers.get("azure-asyncoperation")!;
        const location = r.headers.get("location")!;
        assert.match(status, new RegExp(`^${e.url}${LOC("northeurope")}/backupCrrOperationsStatus/[0-9a-f-]{36}\\?${CRR_API}$`));
        assert.match(location, new RegExp(`^${e.url}${LOC("northeurope")}/backupCrrOperationResults/[0-9a-f-]{36}\\?${CRR_API}$`));
        const opId = /backupCrrOperationsStatus\/([^?]+)/.exec(status)![1];

        // The access token is a secret: the request log never shows it.
        const log = (await call(`${e.url}/admin/requests`)).body.requests.find((x: RequestLogJson) =>
            x.path.endsWith("/backupCrossRegionRestore"),
        );
        assert.equal(log.requestBody.crossRegionRestoreAccessDetails.accessTokenString, "[redacted]");
        assert.equal(log.requestBody.crossRegionRestoreAccessDetails.recoveryPointId, rp);
        assert.ok(!JSON.stringify((await call(`${e.url}/admin/requests`)).body).includes(details.accessTokenString));

        const running = (await call(status)).body;
        assert.equal(running.status, "InProgress");
        assertValid("OperationStatus", running);
        assert.equal((await call(location)).status, 202);
        assert.equal(
            (await call(`${e.url}${itemPath("vm-web01")}/operationsStatus/${opId}?${API}`)).status,
            404,
            "not tracked in the primary region",
        );
        assert.equal((await call(`${e.url}${LOC("westeurope")}/backupCrrOperationsStatus/${opId}?${CRR_API}`)).status, 404);

        await advance(e, 30);
        const done = (await call(status)).body;
        assertValid("OperationStatus", done);
        assert.equal(done.status, "Succeeded");
        assert.equal(done.properties.objectType, "OperationStatusJobExtendedInfo");
        const jobId = done.properties.jobId;
        assert.equal((await call(location)).status, 200);

        const jobCall = () =>
            call(`${e.url}${LOC("northeurope")}/backupCrrJob?${CRR_API}`, { method: "POST", body: { resourceId: VAULT, jobName: jobId } });
        let job = await jobCall();
        assert.equal(job.status, 200, job.text);
        assertValid("JobResource", job.body);
        assert.equal(job.body.properties.operation, "CrossRegionRestore");
        assert.equal(job.body.properties.status, "InProgress");
        assert.equal(job.body.properties.extendedInfo.propertyBag["Target Region"], "northeurope");
        assert.ok(
            job.body.properties.extendedInfo.tasksList.some((t: TaskJson) => t.taskId === "Transfer data from vault"),
            "from the secondary region's vault copy, not the snapshot",
        );
        assert.equal(
            (await call(`${e.url}${VAULT}/backupJobs/${jobId}?${API}`)).status,
            404,
            "CRR jobs are not in the primary region's job list",
        );

        await advance(e, 3600);
        job = await jobCall();
        assert.equal(job.body.properties.status, "Completed");
        assertValid("JobResource", job.body);
        const list = await call(
            `${e.url}${LOC("northeurope")}/backupCrrJobs?${CRR_API}&$filter=${encodeURIComponent("operation eq 'CrossRegionRestore' and status eq 'Completed'")}`,
            { method: "POST", body: { resourceId: VAULT } },
        );
        assert.equal(list.status, 200, list.text);
        assertValid("JobResourceList", list.body);
        assert.deepEqual(
            list.body.value.map((j: JobJson) => j.name),
            [jobId],
        );
        assert.ok(!(await call(`${e.url}${VAULT}/backupJobs?${API}`)).body.value.some((j: JobJson) => j.name === jobId));

        const bag = job.body.properties.extendedInfo.propertyBag;
        assert.ok(bag["Template Blob Uri"].startsWith(`${e.url}/blob/stgnorth/`));
        const template = (await call(bag["Template Blob Uri"])).body;
        const vm = template.resources.find((x: TemplateResourceJson) => x.type === "Microsoft.Compute/virtualMachines");
        const ids: string[] = [
            vm.properties.storageProfile.osDisk.managedDisk.id,
            ...vm.properties.storageProfile.dataDisks.map((d: DataDiskJson) => d.managedDisk.id),
        ];
        assert.equal(ids.length, 3);
        for (const id of ids) {
            assert.ok(id.startsWith(`${RG_DR}/providers/Microsoft.Compute/disks/vm-web01-`), id);
            const disk = (await call(`${e.url}${id}?api-version=2024-03-02`)).body;
            assert.equal(disk.location, "northeurope");
            assert.equal(disk.properties.creationData.createOption, "Import");
            assert.equal(disk.properties.creationData.storageAccountId, STG_NORTH);
        }
    });

    it("restores a new VM into the secondary region's network", async () => {
        const e = emu.get();
        const rp = RPS["vm-app01"][1];
        const details = (await accessToken(e, "vm-app01", rp)).body.properties;
        const request = alternateLocationBody("vm-app01", rp, "app-dr", {
            storageAccountId: STG_NORTH,
            targetResourceGroupId: RG_DR,
            targetVirtualMachineId: `${RG_DR}/providers/Microsoft.Compute/virtualMachines/app-dr`,
            virtualNetworkId: VNET_DR,
            subnetId: `${VNET_DR}/subnets/default`,
            region: "northeurope",
        }).properties as Record<string, unknown>;
        const r = await crossRegionRestore(e, details, request);
        assert.equal(r.status, 202, r.text);
        await advance(e, 30 + 5400);
        const vm = await call(`${e.url}${RG_DR}/providers/Microsoft.Compute/virtualMachines/app-dr?api-version=2024-03-01`);
        assert.equal(vm.status, 200);
        assert.equal(vm.body.location, "northeurope");
        const nic = (await call(`${e.url}${vm.body.properties.networkProfile.networkInterfaces[0].id}?api-version=2023-09-01`)).body;
        assert.equal(nic.properties.ipConfigurations[0].properties.subnet.id, `${VNET_DR}/subnets/default`);
        assert.equal(nic.properties.ipConfigurations[0].properties.privateIPAddress, "10.20.0.4");
    });

    it("refuses targets outside the secondary region, OriginalLocation, the primary region's URL and archive-only points", async () => {
        const e = emu.get();
        const rp = RPS["vm-web01"][0];
        const details = (await accessToken(e, "vm-web01", rp)).body.properties;
        const cases: Array<[Record<string, unknown>, string, RegExp, string?]> = [
            [
                crrRestoreRequest("vm-web01", rp, { storageAccountId: STG_RESTORE }),
                "restoreRequest.storageAccountId",
                /must be in the secondary region/,
            ],
            [crrRestoreRequest("vm-web01", rp, { region: "westeurope" }), "restoreRequest.region", /secondary region 'northeurope'/],
            [
                alternateLocationBody("vm-web01", rp, "x", { storageAccountId: STG_NORTH, region: "northeurope" }).properties as Record<
                    string,
                    unknown
                >,
                "restoreRequest.virtualNetworkId",
                /must be in the restore region/,
            ],
            [
                crrRestoreRequest("vm-web01", rp, { recoveryType: "OriginalLocation" }),
                "restoreRequest.recoveryType",
                /OriginalLocation is not supported/,
            ],
            [
                crrRestoreRequest("vm-web01", rp, { recoveryPointId: RPS["vm-web01"][1] }),
                "restoreRequest.recoveryPointId",
                /does not match/,
            ],
        ];
        for (const [request, target, message] of cases) {
            const r = await crossRegionRestore(e, details, request);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.body.error.target, target, r.text);
            assert.match(r.body.error.message, message);
        }
        const wrongRegion = await crossRegionRestore(e, details, crrRestoreRequest("vm-web01", rp), "westeurope");
        assert.equal(wrongRegion.status, 400);
        assert.match(wrongRegion.body.error.message, /lands in its secondary region 'northeurope'/);

        const archived = RPS["vm-web01"][4];
        const archivedToken = (await accessToken(e, "vm-web01", archived)).body.properties;
        const a = await crossRegionRestore(
            e,
            archivedToken,
            crrRestoreRequest("vm-web01", archived, {
                objectType: "IaasVMRestoreWithRehydrationRequest",
                recoveryPointRehydrationInfo: { rehydrationPriority: "High", rehydrationRetentionDuration: "P10D" },
            }),
        );
        assert.equal(a.status, 400);
        assert.equal(a.body.error.code, "UserErrorRecoveryPointNotInValidTier");
        assert.equal(adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation !== "Backup").length, 0);
    });

    it("refuses invalid, altered and missing access tokens, and AAD properties of another region", async () => {
        const e = emu.get();
        const rp = RPS["vm-web01"][0];
        const details = (await accessToken(e, "vm-web01", rp)).body.properties;
        const [prefix, payload, sig] = details.accessTokenString.split(".");
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
        const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, rp: RPS["vm-web01"][1] })).toString("base64url")}.${sig}`;
        for (const token of ["not-a-token", forged, undefined]) {
            const r = await crossRegionRestore(e, { ...details, accessTokenString: token }, crrRestoreRequest("vm-web01", rp));
            assert.equal(r.status, 400, r.text);
            assert.equal(r.body.error.code, "UserErrorCrrAccessTokenInvalid");
            assert.equal(r.body.error.target, "crossRegionRestoreAccessDetails.accessTokenString");
        }
        const noType = await crossRegionRestore(e, { ...details, objectType: undefined }, crrRestoreRequest("vm-web01", rp));
        assert.equal(noType.body.error.target, "crossRegionRestoreAccessDetails.objectType");
        const noRequest = await call(`${e.url}${LOC("northeurope")}/backupCrossRegionRestore?${CRR_API}`, {
            method: "POST",
            body: { crossRegionRestoreAccessDetails: details },
        });
        assert.equal(noRequest.status, 400);

        const west = (await aadProperties(e, "westeurope")).properties;
        const wrongAad = await accessToken(e, "vm-web01", rp, west);
        assert.equal(wrongAad.status, 400);
        assert.equal(wrongAad.body.error.target, "properties.audience");
    });

    it("refuses an expired access token", async () => {
        const e = emu.get();
        const seed = defaultSeed();
        seed.crrAccessTokenLifetimeSeconds = 60;
        await call(`${e.url}/admin/seed`, { method: "PUT", body: seed });
        const rp = RPS["vm-web01"][0];
        const details = (await accessToken(e, "vm-web01", rp)).body.properties;
        await call(`${e.url}/admin/clock`, { method: "POST", body: { advanceRealSeconds: 60 } });
        const r = await crossRegionRestore(e, details, crrRestoreRequest("vm-web01", rp));
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, "UserErrorCrrAccessTokenExpired");
    });

    it("a vault without Cross Region Restore refuses the access token (BMSUserErrorCrossRegionRestoreNotEnabledInThisVault)", async () => {
        const e = emu.get();
        const rp = RPS["vm-web01"][0];
        const details = (await accessToken(e, "vm-web01", rp)).body.properties;
        const seed = defaultSeed();
        seed.vaults[0].crossRegionRestore = false;
        await call(`${e.url}/admin/seed`, { method: "PUT", body: seed });
        assert.equal((await call(`${e.url}${VAULT}?${API}`)).body.properties.redundancySettings.crossRegionRestore, "Disabled");
        const token = await accessToken(e, "vm-web01", rp);
        assert.equal(token.status, 400);
        assert.equal(token.body.error.code, "BMSUserErrorCrossRegionRestoreNotEnabledInThisVault");
        const r = await crossRegionRestore(e, details, crrRestoreRequest("vm-web01", rp));
        assert.equal(r.status, 400, "a token issued before CRR was turned off no longer restores");
        assert.equal(r.body.error.code, "BMSUserErrorCrossRegionRestoreNotEnabledInThisVault");
    });

    it("backupCrrJob(s) need the vault's ID and its secondary region", async () => {
        const e = emu.get();
        const url = (region: string, what: string) => `${e.url}${LOC(region)}/${what}?${CRR_API}`;
        assert.equal((await call(url("northeurope", "backupCrrJobs"), { method: "POST", body: {} })).status, 400);
        assert.equal(
            (
                await call(url("northeurope", "backupCrrJobs"), {
                    method: "POST",
                    body: { resourceId: VAULT.replace("vault-prod", "vault-nope") },
                })
            ).status,
            404,
        );
        assert.equal((await call(url("westeurope", "backupCrrJobs"), { method: "POST", body: { resourceId: VAULT } })).status, 400);
        const empty = await call(url("northeurope", "backupCrrJobs"), { method: "POST", body: { resourceId: VAULT } });
        assert.deepEqual(empty.body, { value: [] });
        assert.equal(
            (
                await call(url("northeurope", "backupCrrJob"), {
                    method: "POST",
                    body: { resourceId: VAULT, jobName: "00000000-0000-0000-0000-000000000000" },
                })
            ).status,
            404,
        );
    });
});
