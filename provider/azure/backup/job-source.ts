/**
 * Where a restore job lives, behind one interface: the vault (`backupJobs`) or, for a Cross Region
 * Restore, the secondary region's job service (`backupCrrJob(s)`, its own API line). The restore
 * steps read, list and cancel jobs through a `JobSource` and never ask which kind it is.
 */
import { ArmClient } from "../arm-client";
import { API_VERSIONS } from "../api-versions";
import { serverRetryHintMs } from "../retry-policy";
import { followOperation, operationOf } from "../lro";
import { CrossRegionTarget, findCrossRegionJob, readCrossRegionJob } from "./cross-region-restore";
import { readRestoreJob, RestoreJobView } from "./restore-job";
import { backupUrls, restoreJobsListPath } from "./urls";

export interface JobSource {
    /** Where the jobs live, for messages ("vault …" / "cross-region jobs in …"). */
    readonly where: string;
    /** Set for the secondary region's jobs. */
    readonly crossRegion?: CrossRegionTarget;
    /** Azure cancels this source's jobs (it cannot cancel a cross-region restore job). */
    readonly cancellable: boolean;
    read(jobId: string): Promise<RestoreJobView>;
    /** The newest restore job of a VM started since `sinceMs` (undefined: none listed yet). */
    newestOf(vmName: string, sinceMs: number): Promise<string | undefined>;
    /** Asks Azure to cancel a job and follows the request until Azure has taken it (not until the job has stopped). */
    requestCancel(jobId: string, clock: { sleep(ms: number): Promise<void>; now(): number }, deadline: number): Promise<void>;
}

export function vaultJobs(arm: ArmClient, vaultPath: string): JobSource {
    return {
        where: `vault ${vaultPath}`,
        cancellable: true,
        async read(jobId) {
            const res = await arm.get(backupUrls.job(vaultPath, jobId), { apiVersion: API_VERSIONS.backup });
            return { ...readRestoreJob(jobId, res.body), serverHintMs: serverRetryHintMs(res.headers) };
        },
        async newestOf(vmName, sinceMs) {
            let newest: { name?: string; startTime?: string } | undefined;
            await arm.list<{ name?: string; properties?: { entityFriendlyName?: string; startTime?: string } }>(
                restoreJobsListPath(vaultPath, sinceMs - 60_000, sinceMs + 24 * 60 * 60_000),
                { apiVersion: API_VERSIONS.backup },
                (j) => {
                    const p = j.properties ?? {};
                    if (
                        (p.entityFriendlyName ?? "").toLowerCase() === vmName.toLowerCase() &&
                        (p.startTime ?? "") > (newest?.startTime ?? "")
                    )
                        newest = { name: j.name, startTime: p.startTime };
                },
            );
            return newest?.name;
        },
        async requestCancel(jobId, clock, deadline) {
            const res = await arm.request("POST", backupUrls.jobCancel(vaultPath, jobId), {
                apiVersion: API_VERSIONS.backup,
                idempotent: true,
            });
            const { operation, hintMs } = operationOf(res);
            if (!operation) return;
            // A cancellation that does not finish in time is not an error: the job's own status says where it stands.
            await followOperation(
                arm,
                { operation, hintMs },
                { ...clock, deadline, fallbackMs: () => 5_000, timedOut: (s) => Object.assign(new Error("cancel pending"), { state: s }) },
            ).catch((e: Error) => {
                if (e.message !== "cancel pending") throw e;
            });
        },
    };
}

export function crossRegionJobs(arm: ArmClient, target: CrossRegionTarget): JobSource {
    return {
        where: `cross-region jobs in ${target.region}`,
        crossRegion: target,
        cancellable: false,
        read: (jobId) => readCrossRegionJob(arm, target, jobId),
        newestOf: (vmName, sinceMs) => findCrossRegionJob(arm, target, vmName, sinceMs),
        async requestCancel(jobId) {
            throw new Error(
                `restore job ${jobId} runs in ${target.region} as a Cross Region Restore, and Azure cannot cancel cross-region restore jobs; wait for it to end`,
            );
        },
    };
}
