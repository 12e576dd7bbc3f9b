/**
 * Finds a restore job this resource already started, so a re-run adopts it instead of restoring
 * twice: same vault, VM, restore target and recovery point, started within the timeout window and
 * still running. Completed jobs are never adopted from the list (they may belong to an earlier drill
 * whose disks were kept on purpose); the local checkpoint covers a job that finished meanwhile.
 */
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { backupUrls, restoreJobsListPath } from "../azure/backup/urls";
import { bagValue, readRestoreJob, RestoreJobView } from "../azure/backup/restore-job";
import { RecoveryPoint } from "./recovery-point-selector";
import { VmRestoreInputs } from "./restore-inputs";
import { eq, parseResourceGroupId, parseResourceId } from "../azure/resource-id";

export { restoreJobsListPath };

/** Parses the property bag's "Recovery point time " (`11/27/2026 8:21:17 AM`, UTC) or an ISO time. */
function parseBagTime(text: string | undefined): number | undefined {
    if (!text) return undefined;
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?(AM|PM)$/i.exec(text.trim());
    if (m) {
        const [, mo, d, y, h, mi, s, ap] = m;
        const hour = (Number(h) % 12) + (ap.toUpperCase() === "PM" ? 12 : 0);
        return Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s));
    }
    const iso = Date.parse(text);
    return Number.isNaN(iso) ? undefined : iso;
}

/** Whether a job's property bag names this restore's target and recovery point. */
function jobMatchesRestore(job: RestoreJobView, inputs: VmRestoreInputs, rp: RecoveryPoint): boolean {
    const bag = job.propertyBag;
    const rpTime = parseBagTime(bagValue(bag, "Recovery point time"));
    if (rpTime !== undefined && Math.abs(rpTime - Date.parse(rp.time)) > 60_000) return false;
    const targetRg = inputs.targetResourceGroupId ? parseResourceGroupId(inputs.targetResourceGroupId).resourceGroup : undefined;
    const bagRg = bagValue(bag, "Target resource group");
    if (bagRg !== undefined && targetRg !== undefined && !eq(bagRg, targetRg)) return false;
    // "Target VM Name" is not a documented key: used when present, never required (the staging
    // account, target group and point time still tell this restore from another).
    const targetVm = bagValue(bag, "Target VM Name");
    if (inputs.restoreType === "AlternateLocation" && targetVm !== undefined && !eq(targetVm, inputs.targetVmName)) return false;
    const sa = bagValue(bag, "Target Storage Account Name");
    return sa === undefined || eq(sa, parseResourceId(inputs.storageAccountId).name);
}

export async function findRunningRestoreJob(
    arm: ArmClient,
    o: {
        vaultPath: string;
        inputs: VmRestoreInputs;
        recoveryPoint: RecoveryPoint;
        vmName: string;
        windowStart: number;
        now: number;
        /**
         * Whether a list another resource of this process took up to this long ago will do. Yes when
         * looking for a job an earlier run started (it is older than that); never right after a
         * trigger whose answer was lost (that job is seconds old).
         */
        shareMs?: number;
    },
): Promise<RestoreJobView | undefined> {
    // A shared list asks for whole minutes, so that resources asking within a minute ask the same.
    const minute = 60_000;
    const [from, to] = o.shareMs
        ? [Math.floor(o.windowStart / minute) * minute, Math.ceil((o.now + minute) / minute) * minute]
        : [o.windowStart, o.now + minute];
    const candidates: { name: string; start: string }[] = [];
    await arm.list<{ name?: string; properties?: { entityFriendlyName?: string; startTime?: string; status?: string } }>(
        restoreJobsListPath(o.vaultPath, from, to, "InProgress"),
        { apiVersion: API_VERSIONS.backup, shareMs: o.shareMs },
        (j) => {
            const p = j.properties ?? {};
            if (j.name && eq(p.entityFriendlyName, o.vmName) && eq(p.status, "InProgress"))
                candidates.push({ name: j.name, start: p.startTime ?? "" });
        },
    );
    candidates.sort((a, b) => b.start.localeCompare(a.start));
    for (const c of candidates) {
        const res = await arm.get(backupUrls.job(o.vaultPath, c.name), { apiVersion: API_VERSIONS.backup });
        const job = readRestoreJob(c.name, res.body);
        if (!job.terminal && jobMatchesRestore(job, o.inputs, o.recoveryPoint)) return job;
    }
    return undefined;
}
