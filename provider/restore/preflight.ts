/**
 * Pre-flight checks run from `check` (so `pulumi preview` shows them): what Azure would reject, asked
 * of Azure before anything is restored. Each failure names the input and the fix. A check that cannot
 * be made (no network, no permission) is skipped with a note, never a failure: only what Azure
 * definitely says is wrong fails the preview.
 */
import { LOOKUP_SHARE_MS } from "../azure/shared-reads";
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { isAzureRequestError, isKind } from "../azure/errors";
import { CheckFailure } from "../pulumi/input-validation";
import { findProtectedItem } from "./protected-item-lookup";
import { isRestorableWithoutRehydration, selectRecoveryPoint, toRecoveryPoint } from "./recovery-point-selector";
import { VmRestoreInputs } from "./restore-inputs";
import { eq } from "../azure/resource-id";
import { restoreRegionOf, vaultPathOf } from "./restore-workflow";
import { lookForResult, operationOf } from "../azure/lro";
import { follow, hintOr } from "../polling/follow";
import { buildRestoreRequest } from "../azure/backup/restore-request-builder";
import { backupUrls } from "../azure/backup/urls";

/** Staging accounts Azure Backup accepts: Standard, locally or geo-redundant (not zone-redundant, not premium). */
const STAGING_SKUS = ["Standard_LRS", "Standard_GRS", "Standard_RAGRS"];

function normalizeLocation(l: string | undefined): string {
    return (l ?? "").replace(/\s+/g, "").toLowerCase();
}

export async function runPreflight(
    arm: ArmClient,
    clock: Clock,
    inputs: VmRestoreInputs,
    note: (line: string) => void,
): Promise<CheckFailure[]> {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });

    /** GET that answers undefined for 404 (a failure the caller reports) and skips on anything else. */
    async function get<T>(property: string, what: string, id: string, apiVersion: string): Promise<T | "missing" | "unknown"> {
        try {
            const res = await arm.get<T>(id, { apiVersion, okStatuses: [404], shareMs: LOOKUP_SHARE_MS });
            return res.status === 404 ? "missing" : res.body;
        } catch (e) {
            note(
                `pre-flight: could not check ${what} for ${property} (${isAzureRequestError(e) ? `${e.status} ${e.code ?? ""}`.trim() : (e as Error).message}); skipped`,
            );
            return "unknown";
        }
    }

    const vaultPath = vaultPathOf(inputs);
    const vault = await get<{ location?: string }>("vaultId", "the vault", vaultPath, API_VERSIONS.vault);
    if (vault === "missing") {
        fail(
            inputs.vaultId ? "vaultId" : "vaultName",
            `the Recovery Services vault ${vaultPath} does not exist (or you cannot see it); check the vault's ID, name and resource group`,
        );
        return failures;
    }
    // Staging account and new VM network belong in the region the restore lands in: the vault's,
    // or for a cross-region restore the secondary region.
    let regionName: string | undefined;
    if (vault !== "unknown") {
        try {
            regionName = restoreRegionOf(inputs, vault.location ?? "");
        } catch (e) {
            fail("secondaryRegion", (e as Error).message.replace(/^secondaryRegion: /, ""));
        }
    }
    const region = regionName ? normalizeLocation(regionName) : undefined;
    const where = inputs.crossRegion ? `the secondary region (${regionName})` : `the vault's region (${regionName})`;

    const sa = await get<{ location?: string; sku?: { name?: string }; kind?: string }>(
        "storageAccountId",
        "the staging storage account",
        inputs.storageAccountId,
        API_VERSIONS.storage,
    );
    if (sa === "missing") {
        fail(
            "storageAccountId",
            `the staging storage account ${inputs.storageAccountId} does not exist; create it in ${vault === "unknown" ? "the vault's region" : vault.location} (Standard LRS or GRS) or pick another`,
        );
    } else if (sa !== "unknown") {
        if (region && normalizeLocation(sa.location) !== region) {
            fail(
                "storageAccountId",
                `the staging storage account is in ${sa.location} but the restore runs in ${where}; Azure Backup needs it there ("Recovery Services vault and target storage account are in two different regions")`,
            );
        }
        const sku = sa.sku?.name ?? "";
        if (/ZRS$/i.test(sku))
            fail(
                "storageAccountId",
                `the staging storage account is zone-redundant (${sku}); Azure Backup does not restore through ZRS accounts: use a Standard_LRS or Standard_GRS account`,
            );
        // A premium account may stage the VHDs of an unmanaged VM (where Azure takes one): Azure's validation decides.
        else if (/^premium/i.test(sku) && !inputs.targetResourceGroupId)
            note(
                `pre-flight: the staging account is ${sku}; Azure takes a premium staging account only for some restores, and its validation decides`,
            );
        else if (sku && !STAGING_SKUS.some((s) => eq(s, sku)))
            fail(
                "storageAccountId",
                `the staging storage account's SKU is ${sku}; Azure Backup stages restores only in ${STAGING_SKUS.join(", ")} accounts`,
            );
    }

    if (inputs.targetResourceGroupId) {
        const rg = await get<{ location?: string }>(
            "targetResourceGroupId",
            "the target resource group",
            inputs.targetResourceGroupId,
            API_VERSIONS.resourceGroups,
        );
        if (rg === "missing")
            fail(
                "targetResourceGroupId",
                `the resource group ${inputs.targetResourceGroupId} does not exist; create it first (e.g. with azure-native's ResourceGroup and pass its id)`,
            );
    }

    if (inputs.restoreType === "OriginalLocation") {
        const vm = await get("sourceVmId", "the source VM", inputs.sourceVmId, API_VERSIONS.virtualMachines);
        if (vm === "missing")
            fail(
                "sourceVmId",
                `an OriginalLocation restore needs the source VM to exist, but ${inputs.sourceVmId} does not; restore to "AlternateLocation" instead`,
            );
    }

    if (inputs.restoreType === "AlternateLocation" && inputs.virtualNetworkId && inputs.subnetId) {
        const vnet = await get<{ location?: string }>(
            "virtualNetworkId",
            "the virtual network",
            inputs.virtualNetworkId,
            API_VERSIONS.network,
        );
        if (vnet === "missing") fail("virtualNetworkId", `the virtual network ${inputs.virtualNetworkId} does not exist`);
        else if (vnet !== "unknown") {
            if (region && normalizeLocation(vnet.location) !== region) {
                fail(
                    "virtualNetworkId",
                    `the virtual network is in ${vnet.location} but a restore to a new VM lands in ${where}; use a network in that region`,
                );
            }
            const subnet = await get("subnetId", "the subnet", inputs.subnetId, API_VERSIONS.network);
            if (subnet === "missing") fail("subnetId", `the subnet ${inputs.subnetId} does not exist in that virtual network`);
        }
    }

    let itemPath: string | undefined;
    try {
        itemPath = (await findProtectedItem(arm, vaultPath, inputs.sourceVmId)).path;
    } catch (e) {
        if (isKind(e, "NotProtected")) fail("sourceVmId", (e as Error).message.replace(/^sourceVmId: /, ""));
        else
            note(
                `pre-flight: could not list the vault's protected items (${isAzureRequestError(e) ? `${e.status} ${e.code ?? ""}`.trim() : (e as Error).message}); skipped`,
            );
    }
    const rp = inputs.recoveryPoint ?? "latest";
    if (itemPath && inputs.recoveryPointSelector) {
        try {
            await selectRecoveryPoint(arm, itemPath, rp, inputs.recoveryPointSelector, !!inputs.rehydration, !!inputs.crossRegion);
        } catch (e) {
            if (isAzureRequestError(e)) note(`pre-flight: could not list recovery points (${e.status}); skipped`);
            else fail("recoveryPointSelector", (e as Error).message.replace(/^recoveryPointSelector: /, ""));
        }
    } else if (itemPath && rp.toLowerCase() !== "latest") {
        const point = await get<Parameters<typeof toRecoveryPoint>[0]>(
            "recoveryPoint",
            "the recovery point",
            backupUrls.recoveryPoint(itemPath, rp),
            inputs.crossRegion ? API_VERSIONS.crossRegion : API_VERSIONS.backup,
        );
        if (point === "missing")
            fail(
                "recoveryPoint",
                `recovery point "${rp}" does not exist for this VM; use "latest" or an ID from \`az backup recoverypoint list\``,
            );
        else if (point !== "unknown") {
            const parsed = toRecoveryPoint(point);
            if (parsed && !isRestorableWithoutRehydration(parsed) && !inputs.rehydration) {
                fail(
                    "recoveryPoint",
                    `recovery point ${rp} (${parsed.time}) is only in the archive tier and must be rehydrated first: add rehydration: { priority: "Standard", retentionDays: 15 }, or pick a point in the snapshot or vault tier, or "latest"`,
                );
            }
        }
    }
    // Last, Azure's own judgement of the whole request (backupValidateOperation), when the offline
    // and resource checks found nothing: it knows rules no client can see.
    // (Not for a cross-region restore: this validation speaks for restores in the vault's region.)
    if (failures.length === 0 && itemPath && vault !== "unknown" && regionName && !inputs.crossRegion) {
        failures.push(...(await validateWithAzure(arm, clock, inputs, vaultPath, itemPath, regionName, note)));
    }
    return failures;
}

interface ValidationResponse {
    validateOperationResponse?: { validationResults?: { code?: string; message?: string; recommendations?: string[] }[] };
}

/** Longest wait for Azure's triggered validation (used where the synchronous call is not offered). */
const VALIDATION_WAIT_MS = 2 * 60_000;

/** Runs backupTriggerValidateOperation to its results; undefined when the vault does not offer it (or it takes too long). */
async function triggeredValidation(
    arm: ArmClient,
    clock: Clock,
    vaultPath: string,
    body: unknown,
): Promise<ValidationResponse | undefined> {
    const trig = await arm.request("POST", backupUrls.triggerValidate(vaultPath), {
        apiVersion: API_VERSIONS.backup,
        body,
        idempotent: true,
        okStatuses: [404, 405],
    });
    const resultsUrl = trig.headers["location"];
    if (trig.status !== 202 || !resultsUrl) return undefined;
    const { hintMs } = operationOf(trig);
    const tooLong = new Error("the triggered validation did not finish in time");
    try {
        const end = await follow<{ result?: ValidationResponse }>(
            { state: {}, done: false, hintMs },
            {
                look: () => lookForResult<ValidationResponse>(arm, resultsUrl),
                plan: hintOr(2_000),
                sleep: clock.sleep,
                now: clock.now,
                deadline: clock.now() + VALIDATION_WAIT_MS,
                timedOut: () => tooLong,
            },
        );
        return end.result;
    } catch (e) {
        if (e === tooLong) return undefined;
        throw e;
    }
}

/** Which input an Azure validation message is about, by what it mentions. */
function inputForMessage(text: string): string {
    const t = text.toLowerCase();
    const rules: [RegExp, string][] = [
        [/subnet/, "subnetId"],
        [/virtual network|vnet/, "virtualNetworkId"],
        [/storage account|staging/, "storageAccountId"],
        [/resource group/, "targetResourceGroupId"],
        [/zone/, "targetZone"],
        [/disk encryption set|\bdes\b/, "diskEncryptionSetId"],
        [/key vault|encrypt|bek|kek/, "encryptionKeys"],
        [/identity/, "identity"],
        [/disk access|network access/, "diskNetworkAccess"],
        [/resource guard|mua/, "resourceGuardOperationRequests"],
        [/rehydrat|archive/, "rehydration"],
        [/recovery point/, "recoveryPoint"],
        [/lun|disk/, "diskLuns"],
        [/virtual machine name|vm name/, "targetVmName"],
    ];
    return rules.find(([re]) => re.test(t))?.[1] ?? "restoreType";
}

/** Validation results that warn rather than block: quota and limit messages (ValidationResult carries no severity). */
function isAdvisory(r: { code?: string; message?: string }): boolean {
    return /quota|limit(s)? (has been |have been )?(reached|exceeded)/i.test(`${r.code ?? ""} ${r.message ?? ""}`);
}

async function validateWithAzure(
    arm: ArmClient,
    clock: Clock,
    inputs: VmRestoreInputs,
    vaultPath: string,
    itemPath: string,
    region: string,
    note: (line: string) => void,
): Promise<CheckFailure[]> {
    let rp;
    try {
        rp = await selectRecoveryPoint(
            arm,
            itemPath,
            inputs.recoveryPoint ?? "latest",
            inputs.recoveryPointSelector,
            !!inputs.rehydration,
            !!inputs.crossRegion,
        );
    } catch (e) {
        if (!isAzureRequestError(e))
            return [
                {
                    property: inputs.recoveryPointSelector ? "recoveryPointSelector" : "recoveryPoint",
                    reason: (e as Error).message.replace(/^recoveryPoint(Selector)?: /, ""),
                },
            ];
        note(`pre-flight: could not resolve the recovery point (${e.status}); Azure's validation skipped`);
        return [];
    }
    const request = buildRestoreRequest({ inputs, recoveryPointId: rp.id, region });
    const body = {
        id: `${itemPath}/recoveryPoints/${rp.id}`,
        properties: { objectType: "ValidateIaasVMRestoreOperationRequest", restoreRequest: request.properties },
    };
    try {
        // The synchronous backupValidateOperation first: one round trip, no wait. The engine calls
        // `check` for one resource at a time, so any wait here is paid once per resource, in series,
        // before the last restore can start (200 restores × a 1 s Retry-After = 200 s). The trigger
        // form (202, then its results URL) only where the synchronous one is not offered.
        const sync = await arm.request<ValidationResponse>("POST", backupUrls.validate(vaultPath), {
            apiVersion: API_VERSIONS.backup,
            body,
            idempotent: true,
            okStatuses: [404, 405],
        });
        let results = sync.status === 404 || sync.status === 405 ? undefined : sync.body;
        if (results === undefined) results = await triggeredValidation(arm, clock, vaultPath, body);
        const found = (results?.validateOperationResponse?.validationResults ?? []).filter((r) => r.code || r.message);
        // Advisories (a subscription quota reached now, as in Azure's own example) are no reason to
        // stop a preview: quotas change, and the restore itself reports one that still holds.
        for (const r of found.filter(isAdvisory)) {
            note(
                `pre-flight warning from Azure's validation: ${r.code ? `${r.code}: ` : ""}${r.message ?? ""}${r.recommendations?.length ? ` Recommended: ${r.recommendations.join(" ")}` : ""}`,
            );
        }
        return found
            .filter((r) => !isAdvisory(r))
            .map((r) => ({
                property: inputForMessage(`${r.code ?? ""} ${r.message ?? ""}`),
                reason: `Azure's validation of the restore: ${r.code ? `${r.code}: ` : ""}${r.message ?? ""}${r.recommendations?.length ? ` Recommended: ${r.recommendations.join(" ")}` : ""}`,
            }));
    } catch (e) {
        note(
            `pre-flight: Azure's restore validation could not be run (${isAzureRequestError(e) ? `${e.status} ${e.code ?? ""}`.trim() : (e as Error).message}); skipped`,
        );
        return [];
    }
}

/** The clock pre-flight waits on (injected: tests and drills drive it). */
export interface Clock {
    sleep(ms: number): Promise<void>;
    now(): number;
}
