/**
 * `import` of an existing restore: `new VmRestore(name, args, { import: "<vault ID>/backupJobs/<job ID>" })`
 * (the ID VmRestore itself records). The engine then calls `read` with the program's inputs only;
 * this reads the real job and what it restored, and fills every output — or refuses with what to
 * do: an ID of the wrong shape, a job that does not exist (a made-up ID), one that is not a restore,
 * still running, failed, or restored something other than the inputs describe.
 */
import { API_VERSIONS } from "../azure/api-versions";
import { isAzureRequestError } from "../azure/errors";
import { findProtectedItem } from "./protected-item-lookup";
import { listRecoveryPoints } from "./recovery-point-selector";
import { VmRestoreInputs, VmRestoreOutputs } from "./restore-inputs";
import { bagValue, RestoreJobView } from "../azure/backup/restore-job";
import { vaultJobs } from "../azure/backup/job-source";
import { collectOutputs } from "./outputs";
import { RestoreRecord } from "./record";
import { vaultPathOf } from "./source";
import { WorkflowDeps } from "./workflow-deps";

const JOB_ID_SHAPE =
    /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.RecoveryServices\/vaults\/[^/]+)\/backupJobs\/([^/]+)$/i;
const HOW =
    "The ID to import is the restore job's resource ID: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.RecoveryServices/vaults/<vault>/backupJobs/<job ID> " +
    "(find it with `az backup job list --vault-name <vault> -g <rg> --operation Restore`).";

/** True when `read` is asked for a resource that has no outputs yet: an import (or a get). */
export function isImport(props: Record<string, unknown>): boolean {
    return props.jobId === undefined && props.protectedItemId === undefined && props.restoredDiskIds === undefined;
}

function refuse(message: string): Error {
    return new Error(`import: ${message}`);
}

/** "11/20/2026 3:04:05 AM" (the job's "Recovery point time ", UTC) as epoch ms. */
export function parseUsDateTime(text: string): number | undefined {
    const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*(AM|PM)\s*$/i.exec(text);
    if (!m) return undefined;
    const h = (Number(m[4]) % 12) + (m[7].toUpperCase() === "PM" ? 12 : 0);
    return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), h, Number(m[5]), Number(m[6]));
}

export async function importRestore(rt: WorkflowDeps, id: string, inputs: VmRestoreInputs): Promise<VmRestoreOutputs> {
    const m = JOB_ID_SHAPE.exec(id);
    if (!m) throw refuse(`'${id}' is not the ID of a restore job. ${HOW}`);
    const [, vaultPath, jobId] = m;
    if ((inputs.vaultId || inputs.vaultName) && vaultPathOf(inputs).toLowerCase() !== vaultPath.toLowerCase()) {
        throw refuse(
            `the job is in vault ${vaultPath}, but the resource's inputs name ${vaultPathOf(inputs)}. Make the inputs name the vault of the job.`,
        );
    }
    let job: RestoreJobView;
    try {
        job = await vaultJobs(rt.arm, vaultPath).read(jobId);
    } catch (e) {
        if (isAzureRequestError(e) && e.status === 404) {
            throw refuse(
                `there is no job '${jobId}' in vault ${vaultPath} (Azure answered 404${e.code ? ` ${e.code}` : ""}). Check the job ID; ${HOW}`,
            );
        }
        throw e;
    }
    if (job.operation && job.operation.toLowerCase() !== "restore") {
        throw refuse(`job ${jobId} is a ${job.operation} job, not a restore. ${HOW}`);
    }
    if (!job.terminal) {
        throw refuse(
            `restore job ${jobId} is still ${job.status}. Import it once it has finished; or remove the \`import\` option and run \`pulumi up\`: ` +
                "VmRestore adopts a running restore of the same VM, target and recovery point instead of starting another.",
        );
    }
    if (!job.succeeded) {
        throw refuse(
            `restore job ${jobId} ended ${job.status}, so there is nothing restored to import. Remove the \`import\` option to restore again.`,
        );
    }
    const jobType = bagValue(job.propertyBag, "Job Type");
    const expectedType = inputs.restoreType === "RestoreDisks" ? "Recover disks" : "Recover VM";
    if (
        jobType &&
        inputs.restoreType &&
        jobType.toLowerCase() !== expectedType.toLowerCase() &&
        inputs.restoreType !== "OriginalLocation"
    ) {
        throw refuse(`job ${jobId} is a '${jobType}' restore, but restoreType is ${inputs.restoreType}. Set restoreType to match the job.`);
    }
    const vault = await rt.arm.get<{ location?: string }>(vaultPath, { apiVersion: API_VERSIONS.vault });
    const item = await findProtectedItem(rt.arm, vaultPath, inputs.sourceVmId);
    const points = await listRecoveryPoints(rt.arm, item.path);
    const pointTime = parseUsDateTime(bagValue(job.propertyBag, "Recovery point time") ?? "");
    const explicit = inputs.recoveryPoint && inputs.recoveryPoint !== "latest" ? inputs.recoveryPoint : undefined;
    const point = explicit
        ? points.find((p) => p.id.toLowerCase() === explicit.toLowerCase())
        : points.find((p) => pointTime !== undefined && Math.abs(Date.parse(p.time) - pointTime) < 1000);
    if (!point) {
        throw refuse(
            `cannot tell which recovery point of ${inputs.sourceVmId} job ${jobId} restored (it is not among the item's points${explicit ? ` as recoveryPoint names it` : ""}). Set recoveryPoint to that point's ID.`,
        );
    }
    const started = Date.parse(job.startTime ?? "");
    const triggeredAt = Number.isNaN(started) ? rt.now() : started;
    const t: RestoreRecord = {
        vaultPath,
        vaultLocation: vault.body?.location ?? "",
        vmName: item.friendlyName ?? inputs.sourceVmId.split("/").pop() ?? "",
        protectedItemId: item.id,
        protectedItemPath: item.path,
        recoveryPoint: point,
        jobId,
        triggeredAt,
        firstTriggeredAt: triggeredAt,
        origin: "job-list",
    };
    rt.progress.say(`importing restore job ${jobId} (${job.status}, recovery point ${point.id})`);
    const outs = await collectOutputs(rt, t, job, inputs);
    // Time to restore, as Azure measured the job (this run did not watch it).
    return { ...outs, recoveryPointId: point.id, timeToRestoreSeconds: outs.jobDurationSeconds ?? outs.timeToRestoreSeconds };
}
