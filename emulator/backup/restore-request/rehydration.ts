/** The recovery point's tier: an archive-only point is restored with rehydration; a Cross Region Restore needs a vault-tier copy. */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { hasValidTier, isArchivedOnly } from "../backup-catalog";
import { isObject } from "../../server/json";
import { at } from "./fields";
import { RestorePlan, RestoreRequest } from "./plan";

/** How long a rehydrated copy may be kept (rehydrationRetentionDuration): 10 to 30 days. */
const REHYDRATION_RETENTION_DAYS = { min: 10, max: 30, default: 15 } as const;

/** The rehydration an archive-only point needs (undefined for any other point), after checking that the point's tier can be restored this way. */
export function checkRehydrationAndTier(req: RestoreRequest): RestorePlan["rehydration"] {
    const { rp } = req;
    const withRehydration = req.objectType === "IaasVMRestoreWithRehydrationRequest";
    const rehydration = withRehydration ? checkRehydrationInfo(req) : undefined;
    if (req.crossRegion && !hasValidTier(rp, "HardenedRP")) {
        throw new ArmError(
            400,
            "UserErrorRecoveryPointNotInValidTier",
            `The recovery point '${rp.name}' has no vault-standard copy (HardenedRP) in the secondary region: Cross Region Restore restores only vault-tier points (not snapshot-only or archive-only ones).`,
            at("recoveryPointId"),
        );
    }
    if (!withRehydration && isArchivedOnly(rp)) {
        throw new ArmError(
            400,
            "UserErrorRecoveryPointNotInValidTier",
            `The recovery point '${rp.name}' is only in the archive tier (ArchivedRP) and must be rehydrated first: send an IaasVMRestoreWithRehydrationRequest with recoveryPointRehydrationInfo.`,
            at("objectType"),
        );
    }
    return rehydration;
}

/** recoveryPointRehydrationInfo of an IaasVMRestoreWithRehydrationRequest; the rehydration happens only for an archive-only point. */
function checkRehydrationInfo(req: RestoreRequest): RestorePlan["rehydration"] {
    const info = req.props.recoveryPointRehydrationInfo;
    if (!isObject(info))
        throw invalidInput(
            "The field 'recoveryPointRehydrationInfo' is required for an IaasVMRestoreWithRehydrationRequest.",
            at("recoveryPointRehydrationInfo"),
        );
    const priority = info.rehydrationPriority;
    if (priority !== "Standard" && priority !== "High") {
        throw invalidInput(
            `The field 'recoveryPointRehydrationInfo.rehydrationPriority' must be Standard or High; got '${String(priority)}'.`,
            at("recoveryPointRehydrationInfo.rehydrationPriority"),
        );
    }
    const { min, max } = REHYDRATION_RETENTION_DAYS;
    const retention = info.rehydrationRetentionDuration ?? `P${REHYDRATION_RETENTION_DAYS.default}D`;
    const days = retentionDays(retention);
    if (days === undefined || days < min || days > max) {
        throw invalidInput(
            `The field 'recoveryPointRehydrationInfo.rehydrationRetentionDuration' must be an ISO 8601 duration of ${min} to ${max} days (P${min}D to P${max}D); got '${String(retention)}'.`,
            at("recoveryPointRehydrationInfo.rehydrationRetentionDuration"),
        );
    }
    return isArchivedOnly(req.rp) ? { priority, retentionDuration: String(retention), retentionDays: days } : undefined;
}

/** Whole days of an ISO 8601 duration given in days or weeks (P15D, P2W); undefined otherwise. */
function retentionDays(v: unknown): number | undefined {
    if (typeof v !== "string") return undefined;
    const m = /^P(?:(\d+)W)?(?:(\d+)D)?$/.exec(v);
    if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
    return Number(m[1] ?? 0) * 7 + Number(m[2] ?? 0);
}
