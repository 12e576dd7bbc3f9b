/**
 * Job polls shared by the restores of one vault.
 *
 * One `pulumi up` sends all its VmRestore resources to one provider process. When many of them
 * wait on restore jobs in the same vault, one list of the vault's restore jobs shows every one of
 * those jobs' status at once: a restore whose next look may come a little early (its scheduler
 * says how much) takes a list somebody took within that margin instead of reading its own job, or
 * takes the list itself for the others to use. Sharing is used only where it pays: with at least
 * two restores waiting per page the list needs. The list carries no `extendedInfo` (progress,
 * estimate, tasks, property bag), so a restore still reads its own job first, when the list shows
 * it finished, and whenever its scheduler wants a precise look (close to the estimated end).
 */
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { restoreJobsListPath } from "./restore-job-finder";
import { readRestoreJob, RestoreJobView } from "../azure/backup/restore-job";
import { processSingleton } from "../pulumi/process-singleton";

interface Snapshot {
    /** Local epoch ms when the list was asked for: it shows every job as it was then or later. */
    takenAt: number;
    jobs: Map<string, RestoreJobView>;
}

interface VaultJobs {
    /** Jobs being waited on in this process → when each started (epoch ms). */
    waiting: Map<string, number>;
    /** Pages the last list took (a list is worth it with at least two waiting restores per page). */
    pages: number;
    snapshot?: Snapshot;
    inFlight?: { startedAt: number; snapshot: Promise<Snapshot | undefined> };
}

/** How far before the earliest trigger the list reaches (clock skew between us and Azure). */
const WINDOW_MARGIN_MS = 30 * 60_000;

export class VaultJobBoard {
    private readonly vaults: Map<string, VaultJobs>;

    constructor() {
        this.vaults = new Map();
    }

    /** A restore starts waiting on its job, which started at `since` (epoch ms). Call `leave` when it stops waiting. */
    join(arm: ArmClient, vaultPath: string, jobId: string, since: number): void {
        const key = vaultKey(arm, vaultPath);
        let v = this.vaults.get(key);
        if (!v) this.vaults.set(key, (v = { waiting: new Map(), pages: 1 }));
        v.waiting.set(jobId.toLowerCase(), since);
    }

    leave(arm: ArmClient, vaultPath: string, jobId: string): void {
        const key = vaultKey(arm, vaultPath);
        const v = this.vaults.get(key);
        v?.waiting.delete(jobId.toLowerCase());
        if (v && v.waiting.size === 0) this.vaults.delete(key);
    }

    /**
     * The job as a list of the vault's restore jobs showed it no earlier than `maxAgeMs` ago, or
     * undefined where sharing does not pay or the list did not show it (the caller reads the job).
     */
    async sharedView(
        arm: ArmClient,
        vaultPath: string,
        jobId: string,
        now: () => number,
        maxAgeMs: number,
    ): Promise<RestoreJobView | undefined> {
        const v = this.vaults.get(vaultKey(arm, vaultPath));
        if (!v || maxAgeMs <= 0 || v.waiting.size < Math.max(2, 2 * v.pages)) return undefined;
        const id = jobId.toLowerCase();
        const t = now();
        let snapshot: Snapshot | undefined;
        if (v.snapshot && t - v.snapshot.takenAt <= maxAgeMs && v.snapshot.jobs.has(id)) snapshot = v.snapshot;
        else if (v.inFlight && t - v.inFlight.startedAt <= maxAgeMs) snapshot = await v.inFlight.snapshot;
        else {
            const inFlight = { startedAt: t, snapshot: this.takeList(arm, vaultPath, v, t) };
            v.inFlight = inFlight;
            snapshot = await inFlight.snapshot;
            if (v.inFlight === inFlight) v.inFlight = undefined;
        }
        return snapshot?.jobs.get(id);
    }

    private async takeList(arm: ArmClient, vaultPath: string, v: VaultJobs, startedAt: number): Promise<Snapshot | undefined> {
        const earliest = Math.min(...v.waiting.values()) - WINDOW_MARGIN_MS;
        const jobs = new Map<string, RestoreJobView>();
        let pages: number;
        try {
            pages = await arm.list<{ name?: string }>(
                restoreJobsListPath(vaultPath, earliest, startedAt + 60 * 60_000),
                { apiVersion: API_VERSIONS.backup },
                (j) => {
                    if (j.name) jobs.set(j.name.toLowerCase(), readRestoreJob(j.name, j));
                },
            );
        } catch {
            return undefined; // each restore reads its own job instead
        }
        v.pages = Math.max(1, pages);
        const snapshot = { takenAt: startedAt, jobs };
        if (!v.snapshot || v.snapshot.takenAt < startedAt) v.snapshot = snapshot;
        return snapshot;
    }
}

function vaultKey(arm: ArmClient, vaultPath: string): string {
    return `${arm.endpoint} ${vaultPath}`.toLowerCase();
}

/**
 * A job as the list showed it, completed with what the restore's own last read knew: the list has
 * status and elapsed time but no extendedInfo. The estimate of the time remaining is aged by the
 * server time that passed; progress is left out (it cannot be aged).
 */
export function mergeListedJob(listed: RestoreJobView, lastRead: RestoreJobView): RestoreJobView {
    const passed =
        listed.durationMs !== undefined && lastRead.durationMs !== undefined ? listed.durationMs - lastRead.durationMs : undefined;
    const remaining =
        lastRead.estimatedRemainingMs !== undefined && passed !== undefined ? lastRead.estimatedRemainingMs - passed : undefined;
    return {
        ...listed,
        progressPercentage: undefined,
        estimatedRemainingMs: remaining !== undefined && remaining > 0 ? remaining : undefined,
        tasks: lastRead.tasks,
        propertyBag: lastRead.propertyBag,
        cancellable: lastRead.cancellable,
        serverHintMs: undefined,
    };
}

/** The provider process's job board (see `processSingleton`). */
export function processJobBoard(): VaultJobBoard {
    return processSingleton("vmrestore.jobBoard", () => new VaultJobBoard());
}
