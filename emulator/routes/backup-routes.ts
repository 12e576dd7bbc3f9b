/**
 * The Azure Backup (Microsoft.RecoveryServices) routes: vault, protected items, recovery
 * points, restore trigger, restore validation (backupValidateOperation, backupTriggerValidateOperation),
 * operation status/results, jobs and job cancellation. Cross Region Restore: emulator/routes/crr-routes.ts.
 */
import { ArmError, invalidInput, resourceGroupNotFound, resourceNotFound, subscriptionNotFound } from "../server/arm-errors";
import { resourceGroupId, sameId, sameName } from "../world/arm-ids";
import { ProtectedItemRecord, RecoveryPointRecord, VaultRecord } from "../backup/backup-catalog";
import { renderProtectedItem, renderRecoveryPoint } from "../backup/backup-views";
import { EmulatorState } from "../world/emulator-state";
import { FaultRegistry } from "../server/faults";
import { retryAfterSeconds } from "../world/job-clock";
import { clauseValue, parseFilter, parseFilterTime } from "../server/odata-filter";
import { JobRecord } from "../backup/job-record";
import { CancelOperation, RestoreOperation, ValidateOperation, ValidationResult, renderOperationStatus } from "../backup/operations";
import { paginate } from "../server/paging";
import { RestoreJob } from "../backup/restore-job";
import { RestorePlan, checkRestoreRequest, validateRestoreRequest } from "../backup/restore-request";
import { isObject } from "../server/json";
import { ApiRequest, Reply, Router } from "../server/router";
import { isCrossRegionApiVersion } from "../server/api-version-registry";
import { armTimestamp } from "../backup/time-format";

const VAULT = "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.RecoveryServices/vaults/:vault";
const ITEM = `${VAULT}/backupFabrics/:fabric/protectionContainers/:container/protectedItems/:item`;
/** The api-version the live service writes into the polling URLs it hands out (older than the request's). */
const LIVE_POLLING_API_VERSION = "2020-09-01";
const LIVE_JOB_POLLING_API_VERSION = "2017-07-01";
/** The api-version of the validate operation's polling URLs in the official examples. */
const LIVE_VALIDATE_POLLING_API_VERSION = "2022-03-01";

export function registerBackupRoutes(router: Router, state: () => EmulatorState, faults: FaultRegistry): void {
    router.add("GET", VAULT, (req) => {
        const vault = resolveVault(state(), req);
        return { status: 200, body: state().resources.get(vault.id)?.body };
    });

    router.add("GET", `${VAULT}/backupProtectedItems`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const clauses = parseFilter(req.query["$filter"]);
        const items = s.catalog
            .itemsOf(vault)
            .map(renderProtectedItem)
            .filter((it) =>
                clauses.every((c) => {
                    const p = it.properties;
                    const actual: Record<string, unknown> = {
                        backupmanagementtype: p.backupManagementType,
                        itemtype: p.workloadType,
                        workloadtype: p.workloadType,
                        friendlyname: p.friendlyName,
                        name: it.name,
                        containername: p.containerName,
                        policyname: p.policyName,
                        protectionstatus: p.protectionStatus,
                        protectionstate: p.protectionState,
                        sourceresourceid: p.sourceResourceId,
                    };
                    const key = c.field.toLowerCase();
                    if (!(key in actual)) return true;
                    const equal = String(actual[key]).toLowerCase() === c.value.toLowerCase();
                    return c.op === "ne" ? !equal : c.op === "eq" ? equal : true;
                }),
            );
        const page = paginate(items, req.query, s.pageSize, s.baseUrl, req.path);
        return { status: 200, body: { value: page.items, ...(page.nextLink ? { nextLink: page.nextLink } : {}) } };
    });

    router.add("GET", ITEM, (req) => {
        const { item } = resolveItem(state(), req);
        return { status: 200, body: renderProtectedItem(item) };
    });

    router.add("GET", `${ITEM}/recoveryPoints`, (req) => {
        const s = state();
        const { vault, item } = resolveItem(s, req);
        const clauses = parseFilter(req.query["$filter"]);
        const from = timeClause(clauses, "startDate");
        const to = timeClause(clauses, "endDate");
        const crr = crossRegionView(s, vault, req);
        const points = item.recoveryPoints
            .filter((rp) => !crr || replicatedToSecondary(s, rp))
            .filter((rp) => (from === undefined || rp.timeMs >= from) && (to === undefined || rp.timeMs <= to))
            .map((rp) => renderRecoveryPoint(item, rp, s.wireFormat));
        const page = paginate(points, req.query, s.pageSize, s.baseUrl, req.path);
        return { status: 200, body: { value: page.items, ...(page.nextLink ? { nextLink: page.nextLink } : {}) } };
    });

    router.add("GET", `${ITEM}/recoveryPoints/:rp`, (req) => {
        const s = state();
        const { vault, item } = resolveItem(s, req);
        const rp = resolveRecoveryPoint(item, req.params.rp);
        if (crossRegionView(s, vault, req) && !replicatedToSecondary(s, rp)) throw recoveryPointNotInSecondary(rp, vault);
        return { status: 200, body: renderRecoveryPoint(item, rp, s.wireFormat) };
    });

    router.add("POST", `${ITEM}/recoveryPoints/:rp/restore`, (req) => {
        const s = state();
        const { vault, item } = resolveItem(s, req);
        const rp = resolveRecoveryPoint(item, req.params.rp);
        if (req.body === undefined)
            throw invalidInput('The restore request body is empty: send {"properties": IaasVMRestoreRequest}.', "properties");
        const plan = validateRestoreRequest(req.body, vault, item, rp, { resources: s.resources, seed: s.seed, variants: s.variants });
        const operation = startRestoreWithFaults(s, faults, plan, req);
        const base = `${s.baseUrl}${itemPollingPath(s, item)}`;
        const apiVersion = pollingApiVersion(s, req, LIVE_POLLING_API_VERSION);
        return {
            status: 202,
            headers: {
                Location: `${base}/operationResults/${operation.id}?api-version=${apiVersion}`,
                "Azure-AsyncOperation": `${base}/operationsStatus/${operation.id}?api-version=${apiVersion}`,
                "Retry-After": String(retryAfterSeconds(s.clock)),
            },
        };
    });

    router.add("GET", `${ITEM}/operationsStatus/:op`, (req) => {
        const s = state();
        const { vault } = resolveItem(s, req);
        return { status: 200, body: renderOperationStatus(resolveOperation(s, vault, req.params.op), armTimestamp) };
    });

    router.add("GET", `${ITEM}/operationResults/:op`, (req) => {
        const s = state();
        const { vault, item } = resolveItem(s, req);
        const op = resolveOperation(s, vault, req.params.op);
        const self = `${s.baseUrl}${itemPollingPath(s, item)}/operationResults/${op.id}?api-version=${pollingApiVersion(s, req, LIVE_POLLING_API_VERSION)}`;
        return operationResult(s, op.status, op.error, self, renderProtectedItem(item));
    });

    router.add("GET", `${VAULT}/backupOperations/:op`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        return { status: 200, body: renderOperationStatus(resolveOperation(s, vault, req.params.op), armTimestamp) };
    });

    router.add("GET", `${VAULT}/backupOperationResults/:op`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const op = resolveOperation(s, vault, req.params.op);
        return operationResult(
            s,
            op.status,
            op.error,
            `${s.baseUrl}${vaultPath(vault)}/backupOperationResults/${op.id}?api-version=${pollingApiVersion(s, req, LIVE_POLLING_API_VERSION)}`,
        );
    });

    router.add("GET", `${VAULT}/backupJobs`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        return jobListReply(s, req, s.jobs(vault));
    });

    // Operation_Validate: the restore trigger's checks, answered as validation results (200) instead of a 400.
    router.add("POST", `${VAULT}/backupValidateOperation`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        return { status: 200, body: { validateOperationResponse: { validationResults: validateRestoreOperation(s, vault, req.body) } } };
    });

    // ValidateOperation_Trigger: the same, as an asynchronous operation.
    router.add("POST", `${VAULT}/backupTriggerValidateOperation`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const results = validateRestoreOperation(s, vault, req.body);
        const op = s.operations.add<ValidateOperation>({
            kind: "validate",
            realStartMs: Date.now(),
            simStartMs: req.simNow,
            vaultId: vault.id,
            doneAfterMs: s.timing.validateOperationSeconds * 1000,
            results,
        });
        const apiVersion = pollingApiVersion(s, req, LIVE_VALIDATE_POLLING_API_VERSION);
        return {
            status: 202,
            headers: {
                Location: `${s.baseUrl}${vaultPath(vault)}/backupValidateOperationResults/${op.id}?api-version=${apiVersion}`,
                "Azure-AsyncOperation": `${s.baseUrl}${vaultPath(vault)}/backupValidateOperationsStatuses/${op.id}?api-version=${apiVersion}`,
                "Retry-After": String(retryAfterSeconds(s.clock, 10)),
            },
        };
    });

    router.add("GET", `${VAULT}/backupValidateOperationsStatuses/:op`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        return { status: 200, body: renderOperationStatus(resolveValidateOperation(s, vault, req.params.op), armTimestamp) };
    });

    router.add("GET", `${VAULT}/backupValidateOperationResults/:op`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const op = resolveValidateOperation(s, vault, req.params.op);
        if (op.status === "InProgress") {
            const self = `${s.baseUrl}${vaultPath(vault)}/backupValidateOperationResults/${op.id}?api-version=${pollingApiVersion(s, req, LIVE_VALIDATE_POLLING_API_VERSION)}`;
            return { status: 202, headers: { Location: self, "Retry-After": String(retryAfterSeconds(s.clock, 10)) } };
        }
        return {
            status: 200,
            body: {
                validateOperationResponse: {
                    validationResults: op.results.map((r) => ({ ...r, recommendations: [...r.recommendations] })),
                },
            },
        };
    });

    router.add("GET", `${VAULT}/backupJobs/:job`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const job = s.findJob(vault, req.params.job);
        if (!job) throw jobNotFound(req.params.job, vault);
        return { status: 200, body: job.render(true, s.wireFormat, s.variants) };
    });

    router.add("POST", `${VAULT}/backupJobs/:job/cancel`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const job = s.findJob(vault, req.params.job);
        if (!job) throw jobNotFound(req.params.job, vault);
        if (!(job instanceof RestoreJob) || !job.requestCancel(req.simNow)) {
            throw new ArmError(400, "BMSUserErrorJobNotCancellable", `The job '${job.id}' is ${job.status()} and cannot be cancelled.`);
        }
        const op = s.operations.add<CancelOperation>({
            kind: "cancel",
            realStartMs: Date.now(),
            simStartMs: req.simNow,
            vaultId: vault.id,
            jobId: job.id,
        });
        return {
            status: 202,
            headers: {
                Location: `${s.baseUrl}${vaultPath(vault)}/backupJobs/${job.id}/operationResults/${op.id}?api-version=${pollingApiVersion(s, req, LIVE_JOB_POLLING_API_VERSION)}`,
                "Retry-After": String(retryAfterSeconds(s.clock)),
            },
        };
    });

    router.add("GET", `${VAULT}/backupJobs/:job/operationResults/:op`, (req) => {
        const s = state();
        const vault = resolveVault(s, req);
        const job = s.findJob(vault, req.params.job);
        if (!job) throw jobNotFound(req.params.job, vault);
        const op = s.operations.get(req.params.op);
        if (!op || op.kind !== "cancel" || op.jobId !== job.id) throw operationNotFound(req.params.op);
        return operationResult(
            s,
            op.status,
            op.error,
            `${s.baseUrl}${vaultPath(vault)}/backupJobs/${job.id}/operationResults/${op.id}?api-version=${pollingApiVersion(s, req, LIVE_JOB_POLLING_API_VERSION)}`,
        );
    });
}

/** The vault named in the path, or the ARM 404 for the first part of the path that does not exist. */
function resolveVault(s: EmulatorState, req: ApiRequest): VaultRecord {
    const { sub, rg, vault } = req.params;
    if (!sameName(sub, s.seed.subscriptionId)) throw subscriptionNotFound(sub);
    if (!s.resources.get(resourceGroupId(sub, rg))) throw resourceGroupNotFound(rg);
    const found = s.catalog.findVault(sub, rg, vault);
    if (!found) throw resourceNotFound("Microsoft.RecoveryServices/vaults", vault, rg);
    return found;
}

/** Accepts a validated restore (primary or cross-region), applying the restore-stage faults; returns its operation. */
export function startRestoreWithFaults(s: EmulatorState, faults: FaultRegistry, plan: RestorePlan, req: ApiRequest): RestoreOperation {
    const ctx = { method: req.method, path: req.path };
    const opFault = faults.take("restore", ctx, ["operationFailed"]);
    const outcomeFault = faults.take("restore", ctx, ["jobOutcome"]);
    const neverFault = faults.take("restore", ctx, ["jobNeverFinishes"]);
    const bootFault = plan.recoveryType === "AlternateLocation" ? faults.take("restore", ctx, ["vmBoot"]) : undefined;
    const { operation } = s.startRestore(
        plan,
        {
            operationFailure: opFault ? { code: String(opFault.spec.code), message: String(opFault.spec.message ?? "") } : undefined,
            outcome: outcomeFault
                ? {
                      outcome: outcomeFault.spec.outcome as "Failed" | "CompletedWithWarnings" | "Cancelled",
                      errorCode: outcomeFault.spec.errorCode as number | undefined,
                      errorString: outcomeFault.spec.errorString as string | undefined,
                      errorTitle: outcomeFault.spec.errorTitle as string | undefined,
                      recommendations: outcomeFault.spec.recommendations as string[] | undefined,
                  }
                : undefined,
            neverFinishes: neverFault !== undefined,
            vmBoot: bootFault?.spec.outcome as "neverBoots" | "agentNotReady" | undefined,
        },
        req.simNow,
    );
    return operation;
}

/** A job list answer (backupJobs, backupCrrJobs): the azure-cli $filter dialect, newest first, paged. */
/**
 * Whether a read asks for the secondary region's view (RecoveryPointsCrr, BackupProtectedItemsCrr:
 * the primary paths with the CRR line's api-version). Only a vault with Cross Region Restore has one.
 */
function crossRegionView(s: EmulatorState, vault: VaultRecord, req: ApiRequest): boolean {
    if (!isCrossRegionApiVersion(req.query["api-version"])) return false;
    if (!vault.crossRegionRestore) {
        throw new ArmError(
            400,
            "BMSUserErrorCrossRegionRestoreNotEnabledInThisVault",
            `Cross Region Restore is not enabled in the vault '${vault.name}': its secondary region holds no copy to list.`,
        );
    }
    return true;
}

/** Whether a recovery point has reached the vault's secondary region (variants.crrReplicationLagHours). */
export function replicatedToSecondary(s: EmulatorState, rp: RecoveryPointRecord): boolean {
    return rp.timeMs <= Date.now() - s.variants.crrReplicationLagHours * 3600_000;
}

export function recoveryPointNotInSecondary(rp: RecoveryPointRecord, vault: VaultRecord): ArmError {
    return new ArmError(
        404,
        "UserErrorRecoveryPointNotFoundInSecondaryRegion",
        `Recovery point '${rp.name}' has not been replicated to the secondary region '${vault.secondaryRegion}' yet (points reach it hours after the backup): list the points there (RecoveryPointsCrr) and pick one of them.`,
    );
}

export function jobListReply(s: EmulatorState, req: ApiRequest, all: JobRecord[]): Reply {
    const clauses = parseFilter(req.query["$filter"]);
    const from = timeClause(clauses, "startTime");
    const to = timeClause(clauses, "endTime");
    const eq = (field: string, actual: string) => {
        const want = clauseValue(clauses, field);
        return want === undefined || want.toLowerCase() === actual.toLowerCase();
    };
    const jobs = all
        .filter((j) => (from === undefined || j.startMs() >= from) && (to === undefined || j.startMs() <= to))
        .filter(
            (j) =>
                eq("operation", j.operation) &&
                eq("status", j.status()) &&
                eq("backupManagementType", j.backupManagementType) &&
                eq("entityFriendlyName", j.entityFriendlyName) &&
                eq("jobId", j.id),
        )
        .map((j) => j.render(false, s.wireFormat));
    const page = paginate(jobs, req.query, s.pageSize, s.baseUrl, req.path);
    return { status: 200, body: { value: page.items, ...(page.nextLink ? { nextLink: page.nextLink } : {}) } };
}

/**
 * The validation results (ErrorDetail[]) of a ValidateOperationRequestResource
 * `{id?, properties: {objectType: "ValidateIaasVMRestoreOperationRequest", restoreRequest}}`: the
 * protected item and point come from `id` (the recovery point's ID) or, without it, from the
 * restore request's sourceResourceId and recoveryPointId. A body that is no such request is a 400.
 */
function validateRestoreOperation(s: EmulatorState, vault: VaultRecord, body: unknown): ValidationResult[] {
    if (!isObject(body) || !isObject(body.properties)) {
        throw invalidInput(
            'The validate request must be a JSON object {id, properties: {objectType: "ValidateIaasVMRestoreOperationRequest", restoreRequest}} (ValidateOperationRequestResource).',
            "properties",
        );
    }
    const props = body.properties;
    if (props.objectType !== "ValidateIaasVMRestoreOperationRequest" && props.objectType !== "ValidateRestoreOperationRequest") {
        throw invalidInput(
            `The field 'properties.objectType' must be ValidateIaasVMRestoreOperationRequest for an Azure IaaS VM restore; got '${String(props.objectType)}'.`,
            "properties.objectType",
        );
    }
    if (!isObject(props.restoreRequest))
        throw invalidInput(
            "The field 'properties.restoreRequest' (the IaasVMRestoreRequest to validate) is required.",
            "properties.restoreRequest",
        );
    const restore = props.restoreRequest;
    const result = (e: ArmError): ValidationResult => ({
        code: e.code,
        message: e.message,
        recommendations: [
            e.target
                ? `Correct '${e.target.replace(/^properties\./, "restoreRequest.")}' and validate again.`
                : "Correct the restore request and validate again.",
        ],
    });

    let item: ProtectedItemRecord | undefined;
    let rpName: string | undefined;
    const id = typeof body.id === "string" ? body.id : undefined;
    const fromId = id ? /\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)\/recoveryPoints\/([^/]+)\/?$/i.exec(id) : null;
    if (id && !fromId)
        throw invalidInput(
            `The field 'id' must be the recovery point's resource ID (…/protectionContainers/{container}/protectedItems/{item}/recoveryPoints/{id}); got '${id}'.`,
            "id",
        );
    if (fromId) {
        item = s.catalog.findItem(vault, decodeURIComponent(fromId[1]), decodeURIComponent(fromId[2]));
        rpName = decodeURIComponent(fromId[3]);
        if (!item)
            return [
                result(
                    new ArmError(
                        404,
                        "BMSUserErrorDataSourceObjectNotFound",
                        `The backup item '${decodeURIComponent(fromId[2])}' in container '${decodeURIComponent(fromId[1])}' does not exist in vault '${vault.name}'.`,
                    ),
                ),
            ];
    } else {
        const source = typeof restore.sourceResourceId === "string" ? restore.sourceResourceId : undefined;
        if (!source)
            return [
                result(
                    invalidInput("The field 'sourceResourceId' is required and must be a non-empty string.", "properties.sourceResourceId"),
                ),
            ];
        item = s.catalog.itemsOf(vault).find((i) => sameId(i.sourceResourceId, source));
        if (!item)
            return [
                result(
                    new ArmError(
                        404,
                        "BMSUserErrorDataSourceObjectNotFound",
                        `The virtual machine '${source}' is not protected by vault '${vault.name}'.`,
                    ),
                ),
            ];
        rpName = typeof restore.recoveryPointId === "string" ? restore.recoveryPointId : undefined;
        if (!rpName)
            return [
                result(
                    invalidInput(
                        "The field 'recoveryPointId' is required to validate a restore without the recovery point's 'id'.",
                        "properties.recoveryPointId",
                    ),
                ),
            ];
    }
    const rp = item.recoveryPoints.find((r) => r.name === rpName);
    if (!rp)
        return [
            result(
                new ArmError(
                    404,
                    "UserErrorRecoveryPointNotFound",
                    `The recovery point '${rpName}' does not exist for the backup item '${item.itemName}'.`,
                ),
            ),
        ];
    const results = checkRestoreRequest({ properties: restore }, vault, item, rp, {
        resources: s.resources,
        seed: s.seed,
        variants: s.variants,
    }).problems.map(result);
    if (s.variants.validationQuotaWarning === "present") {
        // The official examples' validation result (ValidateOperation_RestoreDisk_IdentityBasedRestoreDetails.json).
        results.push({
            code: "UserErrorCoreCountSubscriptionQuotaReached",
            message: "Core Count subscription quota has been reached.",
            recommendations: ["Contact Azure support to increase the limits."],
        });
    }
    return results;
}

function resolveValidateOperation(s: EmulatorState, vault: VaultRecord, id: string): ValidateOperation {
    const op = s.operations.get(id);
    if (!op || op.kind !== "validate" || !sameName(op.vaultId, vault.id)) throw operationNotFound(id);
    return op;
}

export function resolveItem(s: EmulatorState, req: ApiRequest): { vault: VaultRecord; item: ProtectedItemRecord } {
    const vault = resolveVault(s, req);
    if (!sameName(req.params.fabric, "Azure")) {
        throw new ArmError(
            404,
            "BMSUserErrorFabricNotFound",
            `The fabric '${req.params.fabric}' does not exist; Azure IaaS VM items live in fabric 'Azure'.`,
        );
    }
    const item = s.catalog.findItem(vault, req.params.container, req.params.item);
    if (!item) {
        throw new ArmError(
            404,
            "BMSUserErrorDataSourceObjectNotFound",
            `The backup item '${req.params.item}' in container '${req.params.container}' does not exist in vault '${vault.name}': the data source is not protected or has been removed.`,
        );
    }
    return { vault, item };
}

export function resolveRecoveryPoint(item: ProtectedItemRecord, name: string): RecoveryPointRecord {
    const rp = item.recoveryPoints.find((r) => r.name === name);
    if (!rp)
        throw new ArmError(
            404,
            "UserErrorRecoveryPointNotFound",
            `The recovery point '${name}' does not exist for the backup item '${item.itemName}'.`,
        );
    return rp;
}

function resolveOperation(s: EmulatorState, vault: VaultRecord, id: string) {
    const op = s.operations.get(id);
    if (!op || (op.kind !== "restore" && op.kind !== "cancel") || !sameName(op.vaultId, vault.id)) throw operationNotFound(id);
    // A cross-region restore is tracked in the secondary region (backupCrrOperationsStatus) only.
    if (op.kind === "restore" && op.crossRegion) throw operationNotFound(id);
    return op;
}

export function operationNotFound(id: string): ArmError {
    return new ArmError(404, "ResourceNotFound", `The operation '${id}' was not found.`);
}

export function jobNotFound(id: string, vault: VaultRecord): ArmError {
    return new ArmError(404, "ResourceNotFound", `The job '${id}' was not found in vault '${vault.name}'.`);
}

/**
 * operationResults semantics: 202 + Location + Retry-After while running, the error when failed;
 * when done 200 (with `doneBody`, if the spec gives the 200 one) in spec mode, 204 without a body
 * in live mode.
 */
export function operationResult(
    s: EmulatorState,
    status: string,
    error: { code: string; message: string; httpStatus?: number } | undefined,
    selfUrl: string,
    doneBody?: unknown,
): Reply {
    if (status === "InProgress") return { status: 202, headers: { Location: selfUrl, "Retry-After": String(retryAfterSeconds(s.clock)) } };
    if (status === "Failed" && error) throw new ArmError(error.httpStatus ?? 400, error.code, error.message);
    if (s.wireFormat === "live") return { status: 204 };
    return { status: 200, ...(doneBody !== undefined ? { body: doneBody } : {}) };
}

/** The api-version written into polling URLs: the request's (spec) or an older fixed one (live). */
export function pollingApiVersion(s: EmulatorState, req: ApiRequest, live: string): string {
    return s.wireFormat === "live" ? live : encodeURIComponent(req.query["api-version"] ?? live);
}

export function vaultPath(vault: VaultRecord): string {
    return `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}`;
}

/**
 * The item path as the polling URLs spell it: the item ID's own casing in spec mode; in live mode
 * the service's mixed casing (`iaasvmcontainer;iaasVMContainerV2;…`, `vm;iaasVMContainerV2;…`).
 */
function itemPollingPath(s: EmulatorState, item: ProtectedItemRecord): string {
    if (s.wireFormat !== "live") return item.id;
    const tail = item.containerName.split(";").slice(2).join(";");
    return `${vaultPath(item.vault)}/backupFabrics/Azure/protectionContainers/iaasvmcontainer;iaasVMContainerV2;${tail}/protectedItems/vm;iaasVMContainerV2;${tail}`;
}

function timeClause(clauses: ReturnType<typeof parseFilter>, field: string): number | undefined {
    const c = clauses.find((x) => x.field.toLowerCase() === field.toLowerCase());
    if (!c) return undefined;
    const t = parseFilterTime(c.value);
    if (t === undefined)
        throw invalidInput(`The $filter value '${c.value}' for ${field} is not a time (use 'yyyy-MM-dd hh:mm:ss AM').`, "$filter");
    return t;
}
