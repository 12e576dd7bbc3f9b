/**
 * The vault's earlier restore jobs, as a prior for how long this one will take (issue 15): a job
 * that reports neither progress nor an estimate is then polled little until the time earlier
 * restores of the same VM (or the vault's, as a median) took.
 *
 * Cost: one list of the vault's Azure VM restore jobs of the last `LOOKBACK_DAYS` per provider
 * process (all restores of the vault in one `pulumi up` share it through the process's shared
 * reads, single flight), with the ARM client's retries (Retry-After honoured). A failed or
 * throttled-out lookup is no error: the restore polls without a prior.
 */
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { readRestoreJob, RestoreJobView } from "../azure/backup/restore-job";
import { EarlierJob, JobDurationPrior, priorFromEarlierJobs } from "../polling/job-duration-prior";
import { restoreJobsListPath } from "./restore-job-finder";

/** How far back the list reaches (the job list keeps about a month of jobs). */
export const LOOKBACK_DAYS = 30;
/** How long one list serves the process: a deployment's restores, and the next deployment's within that time. */
export const EARLIER_JOBS_SHARE_MS = 6 * 60 * 60_000;

/**
 * The vault's completed restore jobs (VM name and length). The window is aligned to the hour so
 * that every restore of the process asks for the same URL (one shared read).
 */
export async function earlierRestoreJobs(arm: ArmClient, vaultPath: string, now: number): Promise<EarlierJob[]> {
    const hour = 60 * 60_000;
    const to = Math.ceil(now / hour) * hour + hour;
    const from = to - LOOKBACK_DAYS * 24 * hour;
    const jobs: EarlierJob[] = [];
    await arm.list<{ name?: string }>(
        restoreJobsListPath(vaultPath, from, to),
        { apiVersion: API_VERSIONS.backup, shareMs: EARLIER_JOBS_SHARE_MS },
        (j) => {
            if (!j.name) return;
            const v = readRestoreJob(j.name, j);
            if (v.succeeded && v.durationMs !== undefined && v.entityFriendlyName)
                jobs.push({ vmName: v.entityFriendlyName, durationMs: v.durationMs });
        },
    );
    return jobs;
}

/**
 * What the workflow calls after its first read of the job: the prior for a restore of `vmName`, or
 * undefined. Only a job that reports neither progress nor an estimate gets one (the list is not read
 * otherwise); a list that cannot be read is no error (`log` says why; the restore polls without).
 */
export async function priorForJob(
    arm: ArmClient,
    vaultPath: string,
    vmName: string,
    firstRead: RestoreJobView,
    now: number,
    log?: (line: string) => void,
): Promise<JobDurationPrior | undefined> {
    if (firstRead.terminal || firstRead.progressPercentage !== undefined || firstRead.estimatedRemainingMs !== undefined) return undefined;
    try {
        const prior = priorFromEarlierJobs(await earlierRestoreJobs(arm, vaultPath, now), vmName);
        if (prior) log?.(`earlier restores: ${prior.source}, about ${Math.round(prior.expectedMs / 60_000)} min`);
        return prior;
    } catch (e) {
        log?.(`earlier restore jobs not read (${(e as Error).message.split("\n")[0]}); polling without a prior`);
        return undefined;
    }
}
