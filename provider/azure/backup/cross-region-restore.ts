/**
 * Cross-region restore (CRR) to the vault's paired region, Azure's separate API line:
 * `backupAadProperties` (secondary region) → the recovery point's `accessToken` →
 * `backupCrossRegionRestore` → `backupCrrOperationsStatus/{id}` → the job via `backupCrrJob`.
 * The access token is a credential: it only ever travels in the trigger's request body.
 */
import { ArmClient } from "../arm-client";
import { API_VERSIONS } from "../api-versions";
import { readRestoreJob, RestoreJobView } from "./restore-job";
import { parseResourceId } from "../resource-id";
import { serverRetryHintMs } from "../retry-policy";
import { backupUrls } from "./urls";

/** Azure's region pairs for the regions most drills use (both directions); others need `secondaryRegion`. */
const REGION_PAIRS: [string, string][] = [
    ["westeurope", "northeurope"],
    ["eastus", "westus"],
    ["eastus2", "centralus"],
    ["westus2", "westcentralus"],
    ["westus3", "eastus"],
    ["northcentralus", "southcentralus"],
    ["uksouth", "ukwest"],
    ["francecentral", "francesouth"],
    ["germanywestcentral", "germanynorth"],
    ["swedencentral", "swedensouth"],
    ["switzerlandnorth", "switzerlandwest"],
    ["norwayeast", "norwaywest"],
    ["southeastasia", "eastasia"],
    ["japaneast", "japanwest"],
    ["australiaeast", "australiasoutheast"],
    ["centralindia", "southindia"],
    ["koreacentral", "koreasouth"],
    ["canadacentral", "canadaeast"],
    ["brazilsouth", "southcentralus"],
    ["southafricanorth", "southafricawest"],
    ["uaenorth", "uaecentral"],
];

export function pairedRegion(region: string): string | undefined {
    const r = region.replace(/\s+/g, "").toLowerCase();
    for (const [a, b] of REGION_PAIRS) {
        if (a === r) return b;
        if (b === r && !REGION_PAIRS.some(([x]) => x === r)) return a;
    }
    return undefined;
}

export interface CrossRegionTarget {
    subscriptionId: string;
    vaultId: string;
    /** The secondary (paired) region the restore lands in. */
    region: string;
}

function locationPath(t: CrossRegionTarget, what: string): string {
    return backupUrls.crossRegionPath(t.subscriptionId, t.region, what);
}

/**
 * Triggers a cross-region restore. Returns the URL to follow for the job ID (absent when Azure
 * answered a body-less 200 without one: then the job is looked up in the CRR job list).
 */
export async function triggerCrossRegionRestore(
    arm: ArmClient,
    t: CrossRegionTarget,
    recoveryPointPath: string,
    restoreRequest: Record<string, unknown>,
): Promise<{ headers: Record<string, string> }> {
    const aad = await arm.get<{ properties?: Record<string, unknown> }>(locationPath(t, "backupAadProperties"), {
        apiVersion: API_VERSIONS.crossRegion,
    });
    const token = await arm.request<{ properties?: Record<string, unknown> }>("POST", `${recoveryPointPath}/accessToken`, {
        apiVersion: API_VERSIONS.crossRegion,
        body: { properties: aad.body?.properties ?? {} },
        idempotent: true,
    });
    if (!token.body?.properties)
        throw new Error(
            "crossRegion: Azure returned no cross-region access token for the recovery point; check that Cross Region Restore is enabled on the vault",
        );
    const res = await arm.request("POST", locationPath(t, "backupCrossRegionRestore"), {
        apiVersion: API_VERSIONS.crossRegion,
        body: { crossRegionRestoreAccessDetails: token.body.properties, restoreRequest },
        idempotent: false,
    });
    return { headers: res.headers };
}

/** Reads a CRR job (POST `backupCrrJob` with the vault and job name). */
export async function readCrossRegionJob(arm: ArmClient, t: CrossRegionTarget, jobId: string): Promise<RestoreJobView> {
    const res = await arm.request("POST", locationPath(t, "backupCrrJob"), {
        apiVersion: API_VERSIONS.crossRegion,
        body: { resourceId: t.vaultId, jobName: jobId },
        idempotent: true,
    });
    return { ...readRestoreJob(jobId, res.body), serverHintMs: serverRetryHintMs(res.headers) };
}

/** The newest CRR job of a VM started since `sinceMs` (when the trigger named no operation to follow). */
export async function findCrossRegionJob(
    arm: ArmClient,
    t: CrossRegionTarget,
    vmName: string,
    sinceMs: number,
): Promise<string | undefined> {
    const res = await arm.request<{ value?: { name?: string; properties?: { entityFriendlyName?: string; startTime?: string } }[] }>(
        "POST",
        locationPath(t, "backupCrrJobs"),
        { apiVersion: API_VERSIONS.crossRegion, body: { resourceId: t.vaultId }, idempotent: true },
    );
    return (res.body?.value ?? [])
        .filter(
            (j) =>
                (j.properties?.entityFriendlyName ?? "").toLowerCase() === vmName.toLowerCase() &&
                Date.parse(j.properties?.startTime ?? "") >= sinceMs - 60_000,
        )
        .sort((a, b) => (b.properties?.startTime ?? "").localeCompare(a.properties?.startTime ?? ""))[0]?.name;
}

export function crossRegionTargetOf(vaultPath: string, region: string): CrossRegionTarget {
    const v = parseResourceId(vaultPath);
    return { subscriptionId: v.subscriptionId, vaultId: v.id, region };
}
