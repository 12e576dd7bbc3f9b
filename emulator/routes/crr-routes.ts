/**
 * Cross Region Restore (CRR): a restore of a geo-redundant vault's recovery point into the vault's
 * secondary (paired) region, through the service's separate API line (test/spec-data/azure-backup/FACTS.md):
 *
 *   GET  /subscriptions/{s}/providers/Microsoft.RecoveryServices/locations/{region}/backupAadProperties
 *   POST ITEM/recoveryPoints/{rp}/accessToken                     body {properties: <AAD properties>}
 *   POST /subscriptions/{s}/providers/Microsoft.RecoveryServices/locations/{region}/backupCrossRegionRestore
 *        body {crossRegionRestoreAccessDetails: <the token's properties>, restoreRequest: IaasVMRestoreRequest}
 *   GET  …/locations/{region}/backupCrrOperationsStatus/{opId}    (and backupCrrOperationResults/{opId})
 *   POST …/locations/{region}/backupCrrJob                       body {resourceId: <vault ID>, jobName}
 *   POST …/locations/{region}/backupCrrJobs?$filter=…            body {resourceId: <vault ID>}
 *
 * The access token is an opaque string signed with a key made at each emulator start, naming the
 * vault, item, point and secondary region, valid crrAccessTokenLifetimeSeconds of REAL time. It is a
 * secret: the request log redacts accessTokenString.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";
import { ArmError, invalidInput } from "../server/arm-errors";
import { guidFor } from "../world/arm-resource-bodies";
import { sameId, sameName, sameRegion } from "../world/arm-ids";
import { ProtectedItemRecord, RecoveryPointRecord, VaultRecord, shortContainerName } from "../backup/backup-catalog";
import { RECOVERY_POINT_TYPE } from "../backup/backup-views";
import {
    jobListReply,
    jobNotFound,
    operationNotFound,
    operationResult,
    pollingApiVersion,
    recoveryPointNotInSecondary,
    replicatedToSecondary,
    resolveItem,
    resolveRecoveryPoint,
    startRestoreWithFaults,
} from "./backup-routes";
import { EmulatorState } from "../world/emulator-state";
import { FaultRegistry } from "../server/faults";
import { retryAfterSeconds } from "../world/job-clock";
import { RestoreOperation, renderOperationStatus } from "../backup/operations";
import { checkRestoreRequest } from "../backup/restore-request";
import { JsonObject, isObject } from "../server/json";
import { checkSubscription } from "./compute-routes";
import { RestoreJob } from "../backup/restore-job";
import { ApiRequest, Router } from "../server/router";
import { armTimestamp } from "../backup/time-format";

const LOCATION = "/subscriptions/:sub/providers/Microsoft.RecoveryServices/locations/:region";
const ITEM =
    "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.RecoveryServices/vaults/:vault/backupFabrics/:fabric/protectionContainers/:container/protectedItems/:item";
/** The api-version the CRR API line uses in its polling URLs (live wire format). */
const LIVE_CRR_API_VERSION = "2018-12-20";
const TOKEN_PREFIX = "crr1";
const DEFAULT_CRR_TOKEN_LIFETIME_SECONDS = 3600;

interface TokenClaims {
    /** Vault ID, item ID, recovery point name, the secondary region, expiry (real ms). */
    v: string;
    i: string;
    rp: string;
    r: string;
    exp: number;
}

/** The AAD properties (AADProperties) of a region's backup service stamp. */
export function aadProperties(s: EmulatorState, region: string): Record<string, string> {
    const r = region.replace(/\s+/g, "").toLowerCase();
    return {
        tenantId: s.seed.tenantId,
        audience: `https://RecoveryServices/IaasCoord/aadmgmt/${r}`,
        servicePrincipalClientId: guidFor(`crr-stamp/${r}/client`),
        servicePrincipalObjectId: guidFor(`crr-stamp/${r}/object`),
        authority: s.baseUrl,
    };
}

export function registerCrrRoutes(router: Router, state: () => EmulatorState, faults: FaultRegistry): void {
    // Per emulator process: tokens from an earlier run no longer verify.
    const key = randomBytes(32);
    const sign = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url");
    const issue = (claims: TokenClaims): string => {
        const payload = Buffer.from(JSON.stringify(claims), "utf8").toString("base64url");
        return `${TOKEN_PREFIX}.${payload}.${sign(payload)}`;
    };
    /** The token's claims, or the 400 a bad or expired token gets. */
    const verify = (token: unknown): TokenClaims => {
        const target = "crossRegionRestoreAccessDetails.accessTokenString";
        if (typeof token !== "string" || token === "") {
            throw new ArmError(
                400,
                "UserErrorCrrAccessTokenInvalid",
                "The field 'crossRegionRestoreAccessDetails.accessTokenString' is required: get it from POST …/recoveryPoints/{rp}/accessToken.",
                target,
            );
        }
        const parts = token.split(".");
        const bad = () =>
            new ArmError(
                400,
                "UserErrorCrrAccessTokenInvalid",
                "The Cross Region Restore access token is not valid (not issued by this service, altered, or from an earlier session): get a new one from POST …/recoveryPoints/{rp}/accessToken.",
                target,
            );
        if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX) throw bad();
        const expected = Buffer.from(sign(parts[1]));
        const given = Buffer.from(parts[2]);
        if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
        let claims: TokenClaims;
        try {
            claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as TokenClaims;
        } catch {
            throw bad();
        }
        if (!(state().wallClock.now() < claims.exp)) {
            throw new ArmError(
                400,
                "UserErrorCrrAccessTokenExpired",
                `The Cross Region Restore access token expired at ${new Date(claims.exp).toISOString()}: get a new one from POST …/recoveryPoints/{rp}/accessToken and trigger the restore again.`,
                target,
            );
        }
        return claims;
    };

    router.add("GET", `${LOCATION}/backupAadProperties`, (req) => {
        const s = state();
        checkSubscription(s, req);
        return { status: 200, body: { id: `/subscriptions/${s.seed.subscriptionId}`, properties: aadProperties(s, req.params.region) } };
    });

    router.add("POST", `${ITEM}/recoveryPoints/:rp/accessToken`, (req) => {
        const s = state();
        const { vault, item } = resolveItem(s, req);
        const rp = resolveRecoveryPoint(item, req.params.rp);
        requireCrr(vault);
        if (!replicatedToSecondary(s, rp)) throw recoveryPointNotInSecondary(rp, vault);
        const body = req.body as JsonObject | undefined;
        if (!isObject(body) || !isObject(body.properties)) {
            throw invalidInput(
                "The access token request must be {properties: AADProperties} (the answer of GET …/locations/{secondaryRegion}/backupAadProperties).",
                "properties",
            );
        }
        const expected = aadProperties(s, vault.secondaryRegion);
        if (typeof body.properties.audience !== "string" || body.properties.audience.toLowerCase() !== expected.audience.toLowerCase()) {
            throw invalidInput(
                `The AAD properties are not those of the vault's secondary region '${vault.secondaryRegion}' (audience '${String(body.properties.audience)}', expected '${expected.audience}'): get them from GET /subscriptions/{s}/providers/Microsoft.RecoveryServices/locations/${vault.secondaryRegion}/backupAadProperties.`,
                "properties.audience",
            );
        }
        if (body.properties.tenantId !== undefined && !sameName(String(body.properties.tenantId), expected.tenantId)) {
            throw invalidInput(
                `The AAD properties' tenantId '${String(body.properties.tenantId)}' is not the vault's tenant '${expected.tenantId}'.`,
                "properties.tenantId",
            );
        }
        const lifetime = s.seed.crrAccessTokenLifetimeSeconds ?? DEFAULT_CRR_TOKEN_LIFETIME_SECONDS;
        const exp = s.wallClock.now() + lifetime * 1000;
        const token = issue({ v: vault.id, i: item.id, rp: rp.name, r: vault.secondaryRegion, exp });
        return { status: 200, body: accessTokenResource(s, vault, item, rp, token, exp) };
    });

    router.add("POST", `${LOCATION}/backupCrossRegionRestore`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const body = req.body as JsonObject | undefined;
        if (!isObject(body) || !isObject(body.crossRegionRestoreAccessDetails) || !isObject(body.restoreRequest)) {
            throw invalidInput(
                "The body must be {crossRegionRestoreAccessDetails: WorkloadCrrAccessToken, restoreRequest: IaasVMRestoreRequest} (CrossRegionRestoreRequest).",
                isObject(body) && isObject(body.crossRegionRestoreAccessDetails) ? "restoreRequest" : "crossRegionRestoreAccessDetails",
            );
        }
        const details = body.crossRegionRestoreAccessDetails;
        if (details.objectType !== "WorkloadCrrAccessToken") {
            throw invalidInput(
                `The field 'crossRegionRestoreAccessDetails.objectType' must be WorkloadCrrAccessToken; got '${String(details.objectType)}'.`,
                "crossRegionRestoreAccessDetails.objectType",
            );
        }
        const claims = verify(details.accessTokenString);
        const vault = s.catalog.vaults.find((v) => sameId(v.id, claims.v));
        const item = vault ? s.catalog.itemsOf(vault).find((i) => sameId(i.id, claims.i)) : undefined;
        const rp = item?.recoveryPoints.find((r) => r.name === claims.rp);
        if (!vault || !item || !rp) {
            throw new ArmError(
                400,
                "UserErrorCrrAccessTokenInvalid",
                "The Cross Region Restore access token names a vault, item or recovery point that no longer exists.",
                "crossRegionRestoreAccessDetails.accessTokenString",
            );
        }
        requireCrr(vault);
        if (!sameRegion(req.params.region, vault.secondaryRegion)) {
            throw invalidInput(
                `A Cross Region Restore from vault '${vault.name}' (${vault.location}) lands in its secondary region '${vault.secondaryRegion}': send it to …/locations/${vault.secondaryRegion}/backupCrossRegionRestore, not '${req.params.region}'.`,
                "azureRegion",
            );
        }
        if (details.recoveryPointId !== undefined && details.recoveryPointId !== rp.name) {
            throw invalidInput(
                `The field 'crossRegionRestoreAccessDetails.recoveryPointId' ('${String(details.recoveryPointId)}') is not the point the access token was issued for ('${rp.name}').`,
                "crossRegionRestoreAccessDetails.recoveryPointId",
            );
        }
        const check = checkRestoreRequest(
            { properties: body.restoreRequest },
            vault,
            item,
            rp,
            { resources: s.resources, seed: s.seed, variants: s.variants },
            { crossRegion: true },
        );
        if (check.problems.length > 0 || !check.plan) {
            const e = check.problems[0];
            throw new ArmError(e.status, e.code, e.message, e.target?.replace(/^properties\b/, "restoreRequest"));
        }
        const operation = startRestoreWithFaults(s, faults, check.plan, req);
        const apiVersion = pollingApiVersion(s, req, LIVE_CRR_API_VERSION);
        const base = `${s.baseUrl}/subscriptions/${s.seed.subscriptionId}/providers/Microsoft.RecoveryServices/locations/${vault.secondaryRegion}`;
        return {
            status: 202,
            headers: {
                "Azure-AsyncOperation": `${base}/backupCrrOperationsStatus/${operation.id}?api-version=${apiVersion}`,
                Location: `${base}/backupCrrOperationResults/${operation.id}?api-version=${apiVersion}`,
                "Retry-After": String(retryAfterSeconds(s.clock)),
            },
        };
    });

    router.add("GET", `${LOCATION}/backupCrrOperationsStatus/:op`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const body = renderOperationStatus(crrOperation(s, req), armTimestamp);
        if (s.variants.crrOperationProperties === "absent") delete body.properties;
        return { status: 200, body };
    });

    router.add("GET", `${LOCATION}/backupCrrOperationResults/:op`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const op = crrOperation(s, req);
        const self = `${s.baseUrl}/subscriptions/${s.seed.subscriptionId}/providers/Microsoft.RecoveryServices/locations/${op.crossRegion!.region}/backupCrrOperationResults/${op.id}?api-version=${pollingApiVersion(s, req, LIVE_CRR_API_VERSION)}`;
        return operationResult(s, op.status, op.error, self);
    });

    router.add("POST", `${LOCATION}/backupCrrJob`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const { vault, body } = crrJobRequest(s, req);
        if (typeof body.jobName !== "string" || body.jobName === "")
            throw invalidInput("The field 'jobName' (the job's name, a GUID) is required.", "jobName");
        const job = visibleCrrJobs(s, vault).find((j) => j.id.toLowerCase() === String(body.jobName).toLowerCase());
        if (!job) throw jobNotFound(body.jobName, vault);
        return { status: 200, body: job.render(true, s.wireFormat, s.variants) };
    });

    router.add("POST", `${LOCATION}/backupCrrJobs`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const { vault } = crrJobRequest(s, req);
        return jobListReply(s, req, visibleCrrJobs(s, vault));
    });
}

/** The vault's CRR jobs the secondary region shows yet (variants.crrJobVisibleAfterSeconds of simulated time after their start). */
function visibleCrrJobs(s: EmulatorState, vault: VaultRecord): RestoreJob[] {
    const after = s.variants.crrJobVisibleAfterSeconds * 1000;
    return s.crrJobs(vault).filter((j) => after === 0 || j.isTerminal() || j.simulatedElapsedMs() >= after);
}

function requireCrr(vault: VaultRecord): void {
    if (!vault.crossRegionRestore) {
        throw new ArmError(
            400,
            "BMSUserErrorCrossRegionRestoreNotEnabledInThisVault",
            `Cross Region Restore is not enabled in the vault '${vault.name}': enable it in the vault's backup properties (redundancySettings.crossRegionRestore) — it needs geo-redundant storage.`,
        );
    }
}

/** The CRR operation of the URL, in the URL's region. */
function crrOperation(s: EmulatorState, req: ApiRequest): RestoreOperation {
    const op = s.operations.get(req.params.op);
    if (!op || op.kind !== "restore" || !op.crossRegion || !sameRegion(op.crossRegion.region, req.params.region))
        throw operationNotFound(req.params.op);
    return op;
}

/** The vault of a CrrJobRequest body `{resourceId, jobName?}`, whose CRR jobs are in the URL's region. */
function crrJobRequest(s: EmulatorState, req: ApiRequest): { vault: VaultRecord; body: JsonObject } {
    const body = req.body as JsonObject | undefined;
    if (!isObject(body) || typeof body.resourceId !== "string" || body.resourceId === "") {
        throw invalidInput("The body must be {resourceId: <the vault's resource ID>, jobName?} (CrrJobRequest).", "resourceId");
    }
    const resourceId = body.resourceId;
    const vault = s.catalog.vaults.find((v) => sameId(v.id, resourceId));
    if (!vault) throw new ArmError(404, "ResourceNotFound", `The vault '${resourceId}' given in 'resourceId' was not found.`, "resourceId");
    if (!sameRegion(req.params.region, vault.secondaryRegion)) {
        throw invalidInput(
            `The Cross Region Restore jobs of vault '${vault.name}' are in its secondary region '${vault.secondaryRegion}', not '${req.params.region}'.`,
            "azureRegion",
        );
    }
    return { vault, body };
}

/** CrrAccessTokenResource: the token and what it was issued for (WorkloadCrrAccessToken). */
function accessTokenResource(
    s: EmulatorState,
    vault: VaultRecord,
    item: ProtectedItemRecord,
    rp: RecoveryPointRecord,
    token: string,
    expMs: number,
): JsonObject {
    const container = shortContainerName(item.containerName);
    const stamp = (kind: string, region: string) => guidFor(`crr-stamp/${region}/${kind}`);
    return {
        id: `${item.id}/recoveryPoints/${rp.name}`,
        name: rp.name,
        type: RECOVERY_POINT_TYPE,
        location: vault.secondaryRegion,
        properties: {
            objectType: "WorkloadCrrAccessToken",
            accessTokenString: token,
            subscriptionId: vault.subscriptionId,
            resourceGroupName: vault.resourceGroup,
            resourceName: vault.name,
            resourceId: vault.id,
            protectionContainerId: Number(item.protectedItemDataId.slice(0, 12)),
            recoveryPointId: rp.name,
            recoveryPointTime: armTimestamp(rp.timeMs),
            containerName: container,
            containerType: "IaasVMContainer",
            backupManagementType: "AzureIaasVM",
            datasourceType: "VM",
            datasourceName: item.friendlyName,
            datasourceId: item.protectedItemDataId,
            datasourceContainerName: container,
            coordinatorServiceStampId: stamp("coordinator", vault.location),
            coordinatorServiceStampUri: `${s.baseUrl}/stamps/${vault.location}/coordinator`,
            protectionServiceStampId: stamp("protection", vault.location),
            protectionServiceStampUri: `${s.baseUrl}/stamps/${vault.location}/protection`,
            tokenExtendedInformation: JSON.stringify({ expiresOn: new Date(expMs).toISOString(), targetRegion: vault.secondaryRegion }),
            rpTierInformation: Object.fromEntries(rp.tiers.map((t) => [t.type, t.status])),
            rpOriginalSAOption: !rp.vm.isManaged,
            rpIsManagedVirtualMachine: rp.vm.isManaged,
            rpVMSizeDescription: rp.vm.vmSize,
            bMSActiveRegion: vault.location,
            protectableObjectUniqueName: item.itemName.toLowerCase(),
            protectableObjectFriendlyName: item.friendlyName,
            protectableObjectWorkloadType: "VM",
            protectableObjectProtectionState: "Protected",
            protectableObjectContainerHostOsName: rp.vm.osType,
            protectableObjectParentLogicalContainerName: rp.vm.resourceGroup,
            containerId: item.protectedItemDataId,
            policyName: item.policyName,
            policyId: `${vault.id}/backupPolicies/${item.policyName}`,
        },
    };
}
