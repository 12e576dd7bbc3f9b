/**
 * The emulator's live state built from a seed — resources, blobs, the vault catalog, jobs and
 * asynchronous operations — and its advance on the simulated clock. tick() is called once per
 * request, before routing: it completes due operations, moves jobs and creates the artefacts of
 * jobs that just finished, so no timers run in the background.
 */
import { JobClock } from "./job-clock";
import { WallClock } from "./wall-clock";
import { AzureVariants, resolveVariants } from "./azure-variants";
import { RoleAssignment, defaultRoleAssignments } from "../server/role-assignments";
import { JobRecord } from "../backup/job-record";
import { OperationRegistry, RestoreOperation } from "../backup/operations";
import { createRestoreArtifacts, RestoreArtifactError } from "../backup/restore-artifacts";
import { JobOutcome, RestoreJob } from "../backup/restore-job";
import { RestorePlan } from "../backup/restore-request";
import { removeResource } from "./resource-lifecycle";
import { Seed, SeedTiming, timingOf } from "./seed";
import { buildWorld, World } from "./world-builder";
import { BlobStore } from "./blob-store";
import { BackupCatalog, RecoveryPointRecord, VaultRecord } from "../backup/backup-catalog";
import { ResourceStore } from "./resource-store";
import { WireFormat } from "../backup/wire-format";
import { VmBootFault } from "../backup/restore-job";

export interface RestoreFaults {
    outcome?: JobOutcome;
    neverFinishes?: boolean;
    /** How the VM a restore creates boots (default: it boots after timing.vmBootSeconds). */
    vmBoot?: VmBootFault;
    operationFailure?: { code: string; message: string };
}

export class EmulatorState {
    seed!: Seed;
    timing!: SeedTiming;
    resources!: ResourceStore;
    blobs!: BlobStore;
    catalog!: BackupCatalog;
    private historyJobs: JobRecord[] = [];
    restoreJobs: RestoreJob[] = [];
    /** Points with a rehydrated copy, until it expires (checked on every tick, so not every point is). */
    private rehydratedPoints = new Set<RecoveryPointRecord>();
    operations = new OperationRegistry();
    /** How responses render durations, enums, polling URLs and finished operationResults (emulator/backup/wire-format.ts). */
    wireFormat: WireFormat = "spec";
    /** Answers where Azure varies (emulator/world/azure-variants.ts): the seed's, changed by POST /admin/variants. */
    variants: Required<AzureVariants> = resolveVariants(undefined);

    constructor(
        seed: Seed,
        readonly baseUrl: string,
        readonly clock: JobClock,
        /** Real time where Azure runs on it (CRR access token expiry). */
        readonly wallClock: WallClock = new WallClock(),
    ) {
        this.load(seed);
    }

    /** Role assignments per service principal's client ID (auth "entra"); POST/DELETE /admin/role-assignments change them. */
    roleAssignments = new Map<string, RoleAssignment[]>();

    roleAssignmentsOf(clientId: string): RoleAssignment[] {
        return this.roleAssignments.get(clientId.toLowerCase()) ?? defaultRoleAssignments(this.seed.subscriptionId);
    }

    /** Replaces everything with a fresh world from `seed`. */
    load(seed: Seed): void {
        const world: World = buildWorld(seed, this.baseUrl);
        this.seed = seed;
        this.variants = resolveVariants(seed.variants);
        this.roleAssignments = new Map(
            (seed.servicePrincipals ?? []).map((sp) => [
                sp.clientId.toLowerCase(),
                (sp.roleAssignments ?? defaultRoleAssignments(seed.subscriptionId)).map((a) => ({ ...a })),
            ]),
        );
        this.timing = timingOf(seed);
        this.resources = world.resources;
        this.blobs = world.blobs;
        this.catalog = world.catalog;
        this.historyJobs = world.historyJobs;
        this.restoreJobs = [];
        this.rehydratedPoints = new Set();
        this.operations = new OperationRegistry();
    }

    get pageSize(): number {
        return this.seed.pageSize ?? 50;
    }

    /**
     * The vault's jobs, newest first: backups and restores in the vault's region. Cross-region
     * restore jobs live in the secondary region (crrJobs) and are not listed here, as in Azure.
     * Without a vault: every job of the emulator (the admin view), cross-region ones included.
     */
    jobs(vault?: VaultRecord): JobRecord[] {
        const all: JobRecord[] = [...this.historyJobs, ...this.restoreJobs];
        return (vault ? all.filter((j) => j.vault === vault && !(j instanceof RestoreJob && j.plan.crossRegion)) : all).sort(
            (a, b) => b.startMs() - a.startMs(),
        );
    }

    findJob(vault: VaultRecord, id: string): JobRecord | undefined {
        return this.jobs(vault).find((j) => j.id.toLowerCase() === id.toLowerCase());
    }

    /** The vault's cross-region restore jobs (backupCrrJobs), newest first. */
    crrJobs(vault: VaultRecord): RestoreJob[] {
        return this.restoreJobs.filter((j) => j.vault === vault && j.plan.crossRegion).sort((a, b) => b.startMs() - a.startMs());
    }

    /** Advances jobs and operations to the clock's current reading and returns it. */
    tick(): number {
        const now = this.clock.now();
        for (const job of this.restoreJobs) {
            const step = job.advance(now);
            this.markRehydrated(job);
            if (step !== "complete") continue;
            try {
                const artefacts = createRestoreArtifacts(job, {
                    resources: this.resources,
                    blobs: this.blobs,
                    baseUrl: this.baseUrl,
                    subscriptionId: this.seed.subscriptionId,
                    variants: this.variants,
                });
                job.complete(artefacts.propertyBag, artefacts.created);
            } catch (e) {
                if (!(e instanceof RestoreArtifactError)) throw e;
                job.fail(e.info);
            }
        }
        for (const op of this.operations.all()) {
            if (op.status !== "InProgress") continue;
            const elapsed = now - op.simStartMs;
            if (op.kind === "restore") {
                if (elapsed < op.acceptAfterMs) continue;
                if (op.failure) {
                    op.error = op.failure;
                    this.operations.finish(op, "Failed", op.simStartMs + op.acceptAfterMs);
                } else {
                    this.operations.finish(op, "Succeeded", op.simStartMs + op.acceptAfterMs);
                }
            } else if (op.kind === "cancel") {
                const job = this.restoreJobs.find((j) => j.id === op.jobId);
                if (!job || job.isTerminal()) this.operations.finish(op, "Succeeded", now);
            } else if (op.kind === "delete") {
                if (elapsed < op.doneAfterMs) continue;
                const res = this.resources.get(op.resourceId);
                if (res) removeResource(this.resources, res);
                this.operations.finish(op, "Succeeded", op.simStartMs + op.doneAfterMs);
            } else if (op.kind === "validate") {
                if (elapsed < op.doneAfterMs) continue;
                this.operations.finish(op, "Succeeded", op.simStartMs + op.doneAfterMs);
            }
        }
        // A rehydrated copy is kept for its retention duration, then the point is archive-only again.
        for (const rp of this.rehydratedPoints) {
            if (!rp.rehydrated || now < rp.rehydrated.expiresSimMs) continue;
            for (const t of rp.tiers) if (t.type === "ArchivedRP" && t.status === "Rehydrated") t.status = "Valid";
            delete rp.rehydrated;
            this.rehydratedPoints.delete(rp);
        }
        return now;
    }

    /** Once a job's rehydration task is done, the point's ArchivedRP tier is Rehydrated until the retention duration passes. */
    private markRehydrated(job: RestoreJob): void {
        const plan = job.plan;
        if (!plan.rehydration || job.rehydrationMarked) return;
        const doneAt = job.rehydrationFinishedAtMs();
        if (doneAt === undefined) return;
        job.rehydrationMarked = true;
        const keepMs = plan.rehydration.retentionDays * 86400_000;
        for (const t of plan.rp.tiers) if (t.type === "ArchivedRP" && t.status === "Valid") t.status = "Rehydrated";
        plan.rp.rehydrated = { expiresSimMs: job.simStartMs + doneAt + keepMs, expiresRealMs: job.at(doneAt + keepMs) };
        this.rehydratedPoints.add(plan.rp);
    }

    /** Accepts a validated restore: creates the operation and (unless a fault fails the operation) the job. */
    startRestore(plan: RestorePlan, faults: RestoreFaults, nowSim: number): { operation: RestoreOperation; job?: RestoreJob } {
        const realNow = Date.now();
        let job: RestoreJob | undefined;
        if (!faults.operationFailure) {
            const duration =
                plan.recoveryType === "AlternateLocation"
                    ? this.timing.alternateLocationSeconds
                    : plan.recoveryType === "OriginalLocation"
                      ? this.timing.originalLocationSeconds
                      : this.timing.restoreDisksSeconds;
            const rehydration = !plan.rehydration
                ? 0
                : plan.rehydration.priority === "High"
                  ? this.timing.rehydrationHighSeconds
                  : this.timing.rehydrationStandardSeconds;
            job = new RestoreJob(
                plan,
                realNow,
                nowSim,
                { durationSeconds: duration, rehydrationSeconds: rehydration, cancelSeconds: this.timing.cancelSeconds },
                faults.outcome,
                faults.neverFinishes,
            );
            job.vmBoot = faults.vmBoot;
            this.restoreJobs.push(job);
        }
        const operation = this.operations.add<RestoreOperation>({
            kind: "restore",
            realStartMs: realNow,
            simStartMs: nowSim,
            vaultId: plan.vault.id,
            itemId: plan.item.id,
            jobId: job?.id,
            acceptAfterMs: this.timing.operationAcceptSeconds * 1000,
            failure: faults.operationFailure,
            ...(plan.crossRegion ? { crossRegion: { region: plan.region } } : {}),
        });
        return { operation, job };
    }
}
