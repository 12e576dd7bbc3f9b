/**
 * The dynamic provider behind VmRestore. Pulumi serializes this object into state, so it holds no
 * credentials, clients or configuration: each method builds what it needs at run time. This is the
 * Pulumi glue: the restore itself is provider/restore/ (trigger, wait, outputs), reached through
 * one restore record.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, hasUnknowns } from "./input-validation";
import { runPreflight } from "../restore/preflight";
import { createRuntime, ProviderRuntime } from "./provider-runtime";
import { exitWhenEngineGone } from "./engine-watchdog";
import { rememberStackConfig } from "../azure/azure-settings";
import { importRestore, isImport } from "../restore/restore-import";
import { IN_PLACE_INPUTS, REPLACING_INPUTS, VmRestoreInputs, VmRestoreOutputs, pickInputs } from "../restore/restore-inputs";
import {
    cancelJob,
    collectOutputs,
    isEmpty,
    jobSourceOf,
    leftoversOf,
    recordFromOutputs,
    resolveRestoreSource,
    restoredAsOutputs,
    restoredFromOutputs,
    RestoreRecord,
    sourceOutputs,
    startRestore,
    vaultPathOf,
    waitForRestore,
    waitOutJob,
} from "../restore/restore-workflow";
import { allDiskIds, deleteRestoredResources, existingBlobs, missingResources, RestoredResources } from "../restore/restored-resources";
import { RestoreJobView } from "../azure/backup/restore-job";
import { restoreJobId } from "../azure/backup/urls";
import { checkpointKey } from "../restore/restore-checkpoint";
import { isKind, isRestoreJobError, namedError } from "../azure/errors";
import { evaluateObjectives, verificationWanted, verifyRestore, violationsOf } from "../restore/restore-verification";

/** The engine's view of a VmRestore's inputs: the resource's inputs, its name and, for `import`, the job to adopt. */
export interface ProviderInputs extends Partial<VmRestoreInputs> {
    resourceName?: string;
    importJobId?: string;
    /** This provider's code, serialized by Pulumi (never compared: an upgrade never restores again). */
    __provider?: string;
}

/** What the state holds for a VmRestore: its outputs, which echo its inputs. */
export type ProviderState = Partial<VmRestoreOutputs> & ProviderInputs;

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Drops undefined values, recursively: the engine's wire format (protobuf Struct) has no undefined
 * and rejects the whole response with "Unexpected struct type" if one is left.
 */
export function wireSafe<T>(value: T): T {
    if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(wireSafe) as unknown as T;
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = wireSafe(v);
        return out as T;
    }
    return value;
}

function label(props: ProviderInputs): { resourceName?: string } {
    return { resourceName: typeof props.resourceName === "string" ? props.resourceName : undefined };
}

/** What a provider call needs, built at run time (the engine watchdog first: see engine-watchdog.ts). */
async function runtimeFor(props: ProviderInputs): Promise<ProviderRuntime> {
    exitWhenEngineGone();
    return createRuntime({ ...pickInputs(props), ...label(props) });
}

/**
 * Runs a restore to verified outputs: starts it (or adopts the job this resource already started),
 * waits, collects. When it fails after Azure accepted it, the error carries the resource's ID and
 * what exists, so Pulumi records it and the next `up` resumes (or `destroy` cleans up) — nothing
 * restored is lost track of, and nothing is restored twice.
 */
async function runRestore(
    rt: ProviderRuntime,
    inputs: VmRestoreInputs,
    props: ProviderInputs,
    resume?: RestoreRecord,
    firstTriggeredAt?: number,
): Promise<{ id: string; outs: VmRestoreOutputs }> {
    const key = checkpointKey(inputs, label(props).resourceName);
    const { checkpoints } = rt;
    const r = resume ?? (await startRestore(rt, inputs, await resolveRestoreSource(rt, inputs), { checkpoints, checkpointKey: key }));
    // A restore redone after an earlier attempt failed: the recovery began with that attempt.
    if (firstTriggeredAt !== undefined && firstTriggeredAt < r.firstTriggeredAt) r.firstTriggeredAt = firstTriggeredAt;
    let job: RestoreJobView | undefined;
    try {
        job = await waitForRestore(rt, r, inputs, () => checkpoints.save(key, r));
        const outs = await verified(rt, inputs, await collectOutputs(rt, r, job, inputs), r.firstTriggeredAt);
        checkpoints.remove(key);
        const id = restoreJobId(r.vaultPath, job.jobId);
        const violations = outs.violations ?? [];
        if (violations.length > 0 && inputs.verify?.failOnViolation !== false) {
            // Restored and tracked (so nothing is orphaned), but not the drill it had to be: the
            // next `up` checks again (same job, no new restore); `destroy` removes it.
            throw namedError(
                "RestoreVerificationFailed",
                `the restore completed (job ${job.jobId}) but did not pass its drill: ${violations.join("; ")}. ` +
                    "What was restored is kept in state: the next `pulumi up` checks it again (no new restore), `pulumi destroy` removes it; " +
                    "set verify.failOnViolation: false to record violations without failing.",
                { id, properties: wireSafe({ ...outs, ...label(props), __provider: props.__provider, restoreIncomplete: true }) },
            );
        }
        return { id, outs };
    } catch (e) {
        checkpoints.remove(key);
        if (!r.jobId || isKind(e, "RestoreVerificationFailed")) throw e;
        const jobNow =
            job ??
            (await jobSourceOf(rt.arm, r)
                .read(r.jobId)
                .catch(() => undefined));
        const left = await leftoversOf(rt, inputs, jobNow).catch(() => undefined);
        if (isRestoreJobError(e) && left && isEmpty(left)) throw e; // failed cleanly: nothing to track
        const properties = wireSafe({
            ...inputs,
            ...label(props),
            __provider: props.__provider,
            ...sourceOutputs(r),
            jobId: r.jobId,
            jobStatus: jobNow?.status ?? "Unknown",
            restoreIncomplete: true,
            warnings: [],
            ...(left ? restoredAsOutputs(left, jobNow) : {}),
        });
        const next = isRestoreJobError(e)
            ? "The next `pulumi up` removes what it left and restores again; `pulumi destroy` removes it."
            : "The next `pulumi up` resumes this restore job; `pulumi destroy` cancels it and removes what it left.";
        throw namedError("RestoreIncomplete", `${(e as Error).message} ${next}`, { id: restoreJobId(r.vaultPath, r.jobId), properties });
    }
}

/**
 * The outputs with the drill's evidence: the `verify` checks, then the time to restore up to now
 * (from the first trigger) and the objectives against it.
 */
async function verified(
    rt: ProviderRuntime,
    inputs: VmRestoreInputs,
    outs: VmRestoreOutputs,
    firstTriggeredAt: number,
): Promise<VmRestoreOutputs> {
    const checks = verificationWanted(inputs)
        ? await verifyRestore({ arm: rt.arm, sleep: rt.sleep, now: rt.now, say: (l) => rt.progress.say(l) }, inputs, outs)
        : [];
    for (const c of checks) rt.progress.say(`check ${c.name}: ${c.passed ? "passed" : "FAILED"}: ${c.detail}`);
    const end = rt.now();
    const timed = {
        ...outs,
        timeToRestoreSeconds: Math.round((end - firstTriggeredAt) / 100) / 10,
        restoreVerifiedAt: new Date(end).toISOString(),
    };
    const objectives = evaluateObjectives(inputs, timed);
    for (const o of [objectives.rto, objectives.rpo]) if (o) rt.progress.say(o.detail);
    return { ...timed, checks, objectives, violations: violationsOf(checks, objectives) };
}

/** The restore an earlier run recorded in the state, as a record (its job read back where it runs). */
function recorded(rt: ProviderRuntime, state: ProviderState): RestoreRecord {
    return recordFromOutputs(state, vaultPathOf(pickInputs(state)), rt.now());
}

export const restoreProvider: pulumi.dynamic.ResourceProvider<ProviderInputs, ProviderState> = {
    /**
     * The stack config, once per provider process: the `azure-native:*` keys are kept in process
     * memory (never in this object, which is serialized into state), and read at each call.
     */
    async configure(req: pulumi.dynamic.ConfigureRequest) {
        rememberStackConfig((key) => req.config.get(key));
    },

    async check(olds, news) {
        const result = checkInputs(news as Record<string, unknown>);
        const checked = result.inputs as ProviderInputs;
        // (An import adopts a restore that exists: nothing to ask Azure in advance.)
        if (result.failures.length > 0 || hasUnknowns(result.inputs) || checked.preflight === false || news.importJobId !== undefined)
            return { inputs: checked, failures: result.failures };
        // An existing restore whose restore-defining inputs are unchanged starts nothing new, and Azure's
        // validation would only report what it restored itself ("a VM named … already exists").
        if (Object.keys(olds).length > 0 && REPLACING_INPUTS.every((k) => same(olds[k], checked[k])))
            return { inputs: checked, failures: [] };
        const rt = await runtimeFor({ ...checked, ...label(news) });
        const failures = await runPreflight(rt.arm, rt, pickInputs(checked), (line) => rt.progress.say(line));
        return { inputs: checked, failures };
    },

    async diff(_id, olds, news) {
        // `__provider` (this code, serialized) is deliberately not compared: upgrading VmRestore must
        // never restore again.
        const replaces: string[] = REPLACING_INPUTS.filter((k) => !same(olds[k], news[k]));
        // A refresh found part of what was restored gone: restore again (the old rest is deleted).
        if (Array.isArray(olds.missingResourceIds) && olds.missingResourceIds.length > 0) replaces.push("restoredDiskIds");
        const updates: string[] = IN_PLACE_INPUTS.filter((k) => !same(olds[k], news[k]));
        // An unfinished restore is finished by an update (it resumes the same job).
        if (olds.restoreIncomplete === true && replaces.length === 0) updates.push("restoreIncomplete");
        // A new VM under the same name cannot exist beside the old one: delete the old one first.
        const sameVmName =
            replaces.length > 0 &&
            news.restoreType === "AlternateLocation" &&
            olds.restoreType === "AlternateLocation" &&
            same(olds.targetVmName, news.targetVmName) &&
            same(olds.targetResourceGroupId, news.targetResourceGroupId);
        return {
            changes: replaces.length + updates.length > 0,
            replaces,
            deleteBeforeReplace: sameVmName,
            stables: ["jobId", "recoveryPointId"],
        };
    },

    async create(props) {
        const inputs = pickInputs(props);
        const rt = await runtimeFor(props);
        if (typeof props.importJobId === "string") {
            // `import: <job ID>` (see vm-restore.ts): adopt the finished restore, never restore again.
            const outs = await importRestore(rt, props.importJobId, inputs);
            return { id: props.importJobId, outs: wireSafe({ ...outs, ...label(props), importJobId: props.importJobId }) };
        }
        const { id, outs } = await runRestore(rt, inputs, props);
        return { id, outs: wireSafe({ ...outs, ...label(props) }) };
    },

    async read(id, props = {}) {
        const rt = await runtimeFor(props);
        if (isImport(props as Record<string, unknown>)) {
            // `import`: the engine knows only the ID and the program's inputs; read the real job.
            const inputs = pickInputs(props);
            const imported = await importRestore(rt, id, inputs);
            return { id, props: wireSafe({ ...imported, ...label(props) }), inputs: wireSafe({ ...inputs, ...label(props) }) };
        }
        if (props.restoreIncomplete) {
            // Nothing verified to check yet: report the job's progress; the next up finishes it.
            const job = props.jobId ? await readRecordedJob(rt, props) : undefined;
            return { id, props: wireSafe({ ...props, jobStatus: job?.status ?? props.jobStatus }) };
        }
        const restored = restoredFromOutputs(props);
        const tracked = [...(restored.vmId ? [restored.vmId] : []), ...allDiskIds(restored), ...(restored.vhdUris ?? [])];
        const missing = await missingResources(rt.arm, restored);
        const blobsLeft =
            tracked.length > 0 && missing.length === tracked.length && (props.deleteStagingBlobs ?? true)
                ? await existingBlobs(rt.arm, restored)
                : [];
        if (tracked.length > 0 && missing.length === tracked.length && blobsLeft.length === 0) {
            // Everything the restore made is gone: so is the restore. The next `up` restores again.
            rt.progress.say(
                `the restored resources are all gone (${missing.join(", ")}); the restore will run again on the next \`pulumi up\``,
            );
            return { id: "", props: {} };
        }
        if (missing.length > 0) {
            // Some are gone (or only the staging blobs are left): keep tracking the rest, so that the
            // replacement the next `up` makes (see diff) deletes them instead of orphaning them.
            rt.progress.say(
                `restored resources are gone: ${missing.join(", ")}; the next \`pulumi up\` restores again and removes the rest`,
            );
            return { id, props: wireSafe({ ...props, missingResourceIds: missing }) };
        }
        // Job records age out of the vault eventually; then the last known status stands.
        const job = props.jobId ? await readRecordedJob(rt, props) : undefined;
        return { id, props: wireSafe({ ...props, jobStatus: job?.status ?? props.jobStatus, missingResourceIds: undefined }) };
    },

    async update(_id, olds, news) {
        if (olds.restoreIncomplete !== true) {
            // Only in-place inputs can differ here (anything else replaces): keep every output. Changed
            // objectives are weighed against the recorded times (recorded, nothing is restored again).
            const kept = { ...olds, ...pickInputs(news), ...label(news) } as VmRestoreOutputs & ProviderInputs;
            const objectives = evaluateObjectives(pickInputs(news), kept);
            return { outs: wireSafe({ ...kept, objectives, violations: violationsOf(kept.checks ?? [], objectives) }) };
        }
        // Finish what an earlier run started: follow the same job if it still runs or has completed;
        // if it failed, remove what it left and restore again.
        const inputs = pickInputs(news);
        const rt = await runtimeFor(news);
        const r = recordFromOutputs(olds, vaultPathOf(inputs), rt.now());
        const job = r.jobId
            ? await jobSourceOf(rt.arm, r)
                  .read(r.jobId)
                  .catch(() => undefined)
            : undefined;
        if (job && (!job.terminal || job.succeeded)) {
            rt.progress.say(`resuming restore job ${job.jobId} (${job.status}) recorded by an earlier run`);
            const { outs } = await runRestore(rt, inputs, news, r);
            return { outs: wireSafe({ ...outs, ...label(news), restoreIncomplete: undefined }) };
        }
        await deleteRestoredResources(rt.arm, restoredFromOutputs(olds), deleteOptions(rt, inputs));
        rt.progress.say(`the earlier restore ${job ? `ended ${job.status}` : "cannot be found"}; restoring again`);
        const { outs } = await runRestore(rt, inputs, news, undefined, r.firstTriggeredAt);
        return { outs: wireSafe({ ...outs, ...label(news), restoreIncomplete: undefined }) };
    },

    async delete(_id, props) {
        const inputs = pickInputs(props);
        let restored: RestoredResources = restoredFromOutputs(props);
        const rt = await runtimeFor(props);
        if (props.restoreIncomplete === true && typeof props.jobId === "string") {
            // A restore still running in Azure would go on creating things: stop it first, then remove
            // whatever it created (which the outputs may not know yet).
            const r = recorded(rt, props);
            const jobs = jobSourceOf(rt.arm, r);
            let job = await jobs.read(props.jobId).catch(() => undefined);
            if (job && !job.terminal && !jobs.cancellable) job = await waitOutUncancellable(rt, r, job);
            else if (job && !job.terminal) job = job.cancellable ? await cancelJob(rt, jobs, job.jobId, 30 * 60_000) : job;
            const left = await leftoversOf(rt, inputs, job);
            restored = mergeRestored(restored, left);
        }
        if (isEmpty(restored)) return;
        await deleteRestoredResources(rt.arm, restored, deleteOptions(rt, inputs));
    },
};

/** The recorded restore's job, wherever it runs (the vault, or the secondary region); undefined when Azure no longer has it. */
async function readRecordedJob(rt: ProviderRuntime, state: ProviderState): Promise<RestoreJobView | undefined> {
    const r = recorded(rt, state);
    return r.jobId
        ? jobSourceOf(rt.arm, r)
              .read(r.jobId)
              .catch(() => undefined)
        : undefined;
}

/** How long destroy waits for an unfinished cross-region restore job to end before giving up (it cannot be cancelled). */
const CRR_DESTROY_WAIT_MS = 60 * 60_000;

/**
 * Azure cannot cancel a Cross Region Restore job (docs: CRR jobs can't be cancelled), so destroy
 * never POSTs a cancel for one: it waits for the job to end (up to CRR_DESTROY_WAIT_MS), then
 * removes what it made. A job still running after that fails the destroy with nothing deleted and
 * the resource kept in state, to be destroyed again once the job has ended.
 */
async function waitOutUncancellable(rt: ProviderRuntime, r: RestoreRecord, first: RestoreJobView): Promise<RestoreJobView> {
    rt.progress.say(
        `cross-region restore job ${first.jobId} is ${first.status}; Azure cannot cancel cross-region jobs, so destroy waits for it to end (up to ${CRR_DESTROY_WAIT_MS / 60_000} minutes) and then removes what it made`,
    );
    const job = await waitOutJob(
        rt,
        jobSourceOf(rt.arm, r),
        first,
        rt.now() + CRR_DESTROY_WAIT_MS,
        (last) =>
            new Error(
                `destroy: the cross-region restore job ${last.jobId} in ${r.crossRegion?.region ?? "the secondary region"} is still ${last.status}` +
                    `${last.progressPercentage !== undefined ? ` (${last.progressPercentage}%)` : ""} after ${CRR_DESTROY_WAIT_MS / 60_000} minutes, and Azure cannot cancel cross-region restore jobs. ` +
                    "Nothing was deleted and the resource stays in the state: run `pulumi destroy` again once the job has ended (Backup center → Cross Region Restore jobs).",
            ),
    );
    rt.progress.say(`cross-region restore job ${job.jobId} ended ${job.status}`);
    return job;
}

function deleteOptions(rt: ProviderRuntime, inputs: VmRestoreInputs) {
    return {
        sleep: rt.sleep,
        now: rt.now,
        timeoutMs: 30 * 60_000,
        deleteBlobs: inputs.deleteStagingBlobs ?? true,
        log: (line: string) => rt.progress.say(line),
        stagingAccountId: inputs.storageAccountId,
    };
}

function mergeRestored(a: RestoredResources, b: RestoredResources): RestoredResources {
    const uniq = (xs: string[]) => [...new Set(xs)];
    const luns = new Map([...a.dataDisks, ...b.dataDisks].map((d) => [d.diskId.toLowerCase(), d]));
    return {
        vmId: a.vmId ?? b.vmId,
        osDiskId: a.osDiskId ?? b.osDiskId,
        dataDisks: [...luns.values()],
        networkInterfaceIds: uniq([...a.networkInterfaceIds, ...b.networkInterfaceIds]),
        blobUris: uniq([...a.blobUris, ...b.blobUris]),
        vhdUris: uniq([...(a.vhdUris ?? []), ...(b.vhdUris ?? [])]),
    };
}
