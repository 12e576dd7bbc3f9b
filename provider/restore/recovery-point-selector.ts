/**
 * Lists and picks recovery points. Tolerates the formats seen in the wild: tier `type`/`status` as
 * numbers (`1`) or names (`InstantRP`, `Valid`).
 */
import { LOOKUP_SHARE_MS } from "../azure/shared-reads";
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { isAzureRequestError } from "../azure/errors";
import { RecoveryPointSelector } from "./restore-inputs";
import { backupUrls } from "../azure/backup/urls";

export type TierName = "InstantRP" | "HardenedRP" | "ArchivedRP" | "Invalid";
export type TierStatus = "Valid" | "Rehydrated" | "Disabled" | "Deleted" | "Invalid";

export interface RecoveryPoint {
    /** The recovery point's `name`, which is the `recoveryPointId` of the restore body. */
    id: string;
    /** ISO 8601. */
    time: string;
    /** AppConsistent, CrashConsistent, FileSystemConsistent, ... */
    type: string;
    /** Tiers that hold a usable copy (status Valid or Rehydrated). */
    tiers: TierName[];
}

const TIER_TYPES: Record<string, TierName> = { "0": "Invalid", "1": "InstantRP", "2": "HardenedRP", "3": "ArchivedRP" };
const TIER_STATUSES: Record<string, TierStatus> = { "0": "Invalid", "1": "Valid", "2": "Disabled", "3": "Deleted", "4": "Rehydrated" };

export function normalizeTierType(v: unknown): TierName {
    const s = String(v);
    return (
        TIER_TYPES[s] ?? ((Object.values(TIER_TYPES) as string[]).find((n) => n.toLowerCase() === s.toLowerCase()) as TierName) ?? "Invalid"
    );
}

export function normalizeTierStatus(v: unknown): TierStatus {
    const s = String(v);
    return (
        TIER_STATUSES[s] ??
        ((Object.values(TIER_STATUSES) as string[]).find((n) => n.toLowerCase() === s.toLowerCase()) as TierStatus) ??
        "Invalid"
    );
}

interface RecoveryPointResource {
    name?: string;
    properties?: {
        recoveryPointTime?: string;
        recoveryPointType?: string;
        recoveryPointTierDetails?: { type?: unknown; status?: unknown }[];
    };
}

export function toRecoveryPoint(r: RecoveryPointResource): RecoveryPoint | undefined {
    const p = r.properties ?? {};
    if (!r.name || !p.recoveryPointTime) return undefined;
    const details = p.recoveryPointTierDetails ?? [];
    const tiers = details
        .filter((t) => ["Valid", "Rehydrated"].includes(normalizeTierStatus(t.status)))
        .map((t) => normalizeTierType(t.type))
        .filter((t) => t !== "Invalid");
    return {
        id: r.name,
        time: new Date(p.recoveryPointTime).toISOString(),
        type: p.recoveryPointType ?? "Unknown",
        // A point with no tier details is an older API shape: treat it as a vault copy.
        tiers: details.length === 0 ? ["HardenedRP"] : tiers,
    };
}

/**
 * The item's recovery points, newest first. For a cross-region restore, those the secondary region
 * holds (RecoveryPointsCrr: the same path on the CRR API line): points reach it hours after the backup.
 */
export async function listRecoveryPoints(arm: ArmClient, itemPath: string, crossRegion = false): Promise<RecoveryPoint[]> {
    const points: RecoveryPoint[] = [];
    await arm.list<RecoveryPointResource>(
        backupUrls.recoveryPoints(itemPath),
        { apiVersion: pointsApiVersion(crossRegion), shareMs: LOOKUP_SHARE_MS },
        (r) => {
            const rp = toRecoveryPoint(r);
            if (rp) points.push(rp);
        },
    );
    return points.sort((a, b) => b.time.localeCompare(a.time));
}

function pointsApiVersion(crossRegion: boolean): string {
    return crossRegion ? API_VERSIONS.crossRegion : API_VERSIONS.backup;
}

/** True when the point can be restored without rehydrating it from the archive tier first. */
export function isRestorableWithoutRehydration(rp: RecoveryPoint): boolean {
    return rp.tiers.some((t) => t === "InstantRP" || t === "HardenedRP");
}

const TIER_OF_SELECTOR: Record<string, TierName> = { Snapshot: "InstantRP", Vault: "HardenedRP", Archive: "ArchivedRP" };

/** The newest point that matches a selector (consistency, time, tier); undefined if none does. */
export function pickBySelector(points: RecoveryPoint[], s: RecoveryPointSelector, rehydrationAllowed: boolean): RecoveryPoint | undefined {
    const notAfter = s.notAfter ? Date.parse(s.notAfter) : undefined;
    return points
        .filter((p) => !s.consistency || p.type.toLowerCase() === s.consistency.toLowerCase())
        .filter((p) => notAfter === undefined || Date.parse(p.time) <= notAfter)
        .filter((p) => (s.tier ? p.tiers.includes(TIER_OF_SELECTOR[s.tier]) : true))
        .filter((p) => rehydrationAllowed || isRestorableWithoutRehydration(p))
        .sort((a, b) => b.time.localeCompare(a.time))[0];
}

/**
 * Resolves the requested point: "latest" (the newest point that can be restored directly, from the
 * snapshot or vault tier), an explicit ID, or a selector. An archive-only point needs rehydration.
 */
export async function selectRecoveryPoint(
    arm: ArmClient,
    itemPath: string,
    requested: string,
    selector?: RecoveryPointSelector,
    rehydrationAllowed = false,
    crossRegion = false,
): Promise<RecoveryPoint> {
    const where = crossRegion ? " in the vault's secondary region (cross-region restore: points reach it hours after the backup)" : "";
    if (selector) {
        const points = await listRecoveryPoints(arm, itemPath, crossRegion);
        const rp = pickBySelector(points, selector, rehydrationAllowed || selector.tier === "Archive");
        if (!rp) {
            throw new Error(
                `recoveryPointSelector: no recovery point matches ${JSON.stringify(selector)} among ${points.length} points${where}` +
                    `${points.length ? ` (newest ${points[0].id}: ${points[0].type}, ${points[0].time}, ${points[0].tiers.join("+")})` : ""}. Loosen the selector or take a new backup.`,
            );
        }
        if (!isRestorableWithoutRehydration(rp) && !rehydrationAllowed) {
            throw new Error(
                `recoveryPointSelector: the matching point ${rp.id} (${rp.time}) is only in the archive tier; add rehydration: { priority: "Standard", retentionDays: 15 } to restore it`,
            );
        }
        return rp;
    }
    if (requested.toLowerCase() === "latest") {
        const points = await listRecoveryPoints(arm, itemPath, crossRegion);
        const usable = points.filter(isRestorableWithoutRehydration);
        if (usable.length === 0) {
            throw new Error(
                `recoveryPoint: "latest" found no recovery point in the snapshot or vault tier${where} (${points.length} points listed` +
                    `${points.length ? `, newest ${points[0].id} at ${points[0].time} in ${points[0].tiers.join("+") || "no valid tier"}` : ""}). ` +
                    "Run a backup of the VM, or name an archived point explicitly once rehydration is supported.",
            );
        }
        return usable[0];
    }
    let res;
    try {
        res = await arm.get<RecoveryPointResource>(backupUrls.recoveryPoint(itemPath, requested), {
            apiVersion: pointsApiVersion(crossRegion),
            shareMs: LOOKUP_SHARE_MS,
        });
    } catch (e) {
        if (isAzureRequestError(e) && e.status === 404) {
            const points = await listRecoveryPoints(arm, itemPath, crossRegion).catch(() => []);
            throw new Error(
                `recoveryPoint: recovery point "${requested}" does not exist for this VM${where} (${e.code ?? "404"}: ${e.azureMessage ?? "not found"}). ` +
                    (points.length
                        ? `The newest points are ${points
                              .slice(0, 3)
                              .map((p) => `${p.id} (${p.time})`)
                              .join(", ")}; or use "latest".`
                        : 'Use "latest" or list the points with `az backup recoverypoint list`.'),
                { cause: e },
            );
        }
        throw e;
    }
    const rp = toRecoveryPoint(res.body);
    if (!rp) throw new Error(`recoveryPoint: Azure returned recovery point "${requested}" without a name or time; cannot restore from it`);
    if (!isRestorableWithoutRehydration(rp) && !rehydrationAllowed) {
        throw new Error(
            `recoveryPoint: recovery point ${rp.id} (${rp.time}) is only in the archive tier; it must be rehydrated before a restore. ` +
                'Add rehydration: { priority: "Standard", retentionDays: 15 }, or pick a point in the snapshot or vault tier, or use "latest".',
        );
    }
    return rp;
}
