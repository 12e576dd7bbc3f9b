/**
 * Step 3: find what was restored, check it exists and shape the outputs; and, for a restore that
 * failed or was interrupted, what it left behind. Restored resources and output fields map both ways
 * here (`restoredAsOutputs` / `restoredFromOutputs`), so read and delete see what create recorded.
 */
import { API_VERSIONS } from "../azure/api-versions";
import { resourceExists } from "../azure/arm-resource-deleter";
import { formatIsoDuration } from "../azure/backup/duration";
import { bagValue, describeJobErrors, RestoreJobView } from "../azure/backup/restore-job";
import { targetVmIdOf } from "../azure/backup/restore-request-builder";
import { VmRestoreInputs, VmRestoreOutputs } from "./restore-inputs";
import { allDiskIds, existingBlobs, findRestoredDisks, missingResources, resourcesOfVm, RestoredResources } from "./restored-resources";
import { RestoreRecord, sourceOutputs } from "./record";
import { WorkflowDeps } from "./workflow-deps";

/** Step 3: find what was restored, check it exists, and shape the outputs. */
export async function collectOutputs(
    deps: WorkflowDeps,
    t: RestoreRecord,
    job: RestoreJobView,
    inputs: VmRestoreInputs,
): Promise<VmRestoreOutputs> {
    const { arm } = deps;
    const bag = job.propertyBag;
    const configBlobUri = bagValue(bag, "Config Blob Uri");
    const templateBlobUri = bagValue(bag, "Template Blob Uri");
    const blobUris = [configBlobUri, templateBlobUri].filter((x): x is string => !!x);
    let restored: RestoredResources;
    if (inputs.restoreType === "AlternateLocation" || inputs.restoreType === "OriginalLocation") {
        const vm = await resourcesOfVm(arm, inputs.restoreType === "OriginalLocation" ? inputs.sourceVmId : targetVmIdOf(inputs));
        restored = { ...vm, blobUris };
    } else {
        const notes: string[] = [];
        const disks = await findRestoredDisks(arm, restoredDisksQuery(inputs, job, templateBlobUri, t.triggeredAt), notes);
        restored = { ...disks, networkInterfaceIds: [], blobUris };
        if (allDiskIds(restored).length === 0 && !(restored.vhdUris ?? []).length) {
            const where = inputs.targetResourceGroupId
                ? `nor does resource group ${inputs.targetResourceGroupId} hold disks named as Azure names restored disks of ${vmNameOf(inputs)} ` +
                  `(${vmNameOf(inputs)}-osdisk-yyyyMMdd-HHmmss) created since the job started`
                : `and without targetResourceGroupId there is no other place to look (staging account ${inputs.storageAccountId})`;
            throw new Error(
                `restore job ${job.jobId} reported ${job.status}, but no restored disk can be found: ${notes.join("; ") || "the template names none"}, ${where}. ` +
                    "Check the job in the portal (Backup jobs) and the staging account's template blob; the identity running Pulumi needs Storage Blob Data Reader on it.",
            );
        }
    }
    const missing = await missingResources(arm, restored);
    if (missing.length) {
        throw new Error(
            `restore job ${job.jobId} reported ${job.status}, but these restored resources do not exist: ${missing.join(", ")}`,
        );
    }
    const warnings = job.status === "CompletedWithWarnings" ? [describeJobErrors(job)] : [];
    for (const w of warnings) deps.progress.say(`warning: restore job ${job.jobId} completed with warnings: ${w}`);
    const elapsedMs = deps.now() - t.firstTriggeredAt;
    deps.progress.say(
        `restored ${allDiskIds(restored).length + (restored.vhdUris?.length ?? 0)} disk(s)${restored.vmId ? ` and VM ${restored.vmId.split("/").pop()}` : ""} in ${Math.round(elapsedMs / 1000)} s`,
    );
    return {
        ...inputs,
        ...sourceOutputs(t),
        jobId: job.jobId,
        jobStatus: job.status,
        jobStartTime: job.startTime,
        jobEndTime: job.endTime,
        jobDuration: job.durationMs !== undefined ? formatIsoDuration(job.durationMs) : undefined,
        jobDurationSeconds: job.durationMs !== undefined ? Math.round(job.durationMs / 100) / 10 : undefined,
        warnings,
        ...restoredAsOutputs(restored, job),
        timeToRestoreSeconds: Math.round(elapsedMs / 100) / 10,
    };
}

/**
 * What a failed or interrupted restore left behind, as far as Azure shows it: the target VM (with
 * its NICs and disks) for AlternateLocation, the disks its template names for RestoreDisks, and
 * the staging blobs. Only what exists is returned.
 */
export async function leftoversOf(
    deps: WorkflowDeps,
    inputs: VmRestoreInputs,
    job: RestoreJobView | undefined,
): Promise<RestoredResources> {
    const { arm } = deps;
    const bag = job?.propertyBag ?? {};
    const blobCandidates = [bagValue(bag, "Config Blob Uri"), bagValue(bag, "Template Blob Uri")].filter((x): x is string => !!x);
    const found: RestoredResources = { dataDisks: [], networkInterfaceIds: [], blobUris: [] };
    found.blobUris = await existingBlobs(arm, { ...found, blobUris: blobCandidates });
    if (inputs.restoreType === "AlternateLocation") {
        const vmId = targetVmIdOf(inputs);
        if (await resourceExists(arm, vmId, API_VERSIONS.virtualMachines)) Object.assign(found, await resourcesOfVm(arm, vmId));
        return found;
    }
    const template = bagValue(bag, "Template Blob Uri");
    if (job && inputs.restoreType === "RestoreDisks" && (template || inputs.targetResourceGroupId)) {
        const notes: string[] = [];
        const disks = await findRestoredDisks(
            arm,
            restoredDisksQuery(inputs, job, template && found.blobUris.includes(template) ? template : undefined, deps.now()),
            notes,
        );
        const exists = async (id?: string) => !!id && (await resourceExists(arm, id, API_VERSIONS.disks));
        if (await exists(disks.osDiskId)) found.osDiskId = disks.osDiskId;
        for (const d of disks.dataDisks) if (await exists(d.diskId)) found.dataDisks.push(d);
    }
    return found;
}

function vmNameOf(inputs: VmRestoreInputs): string {
    return inputs.sourceVmId.split("/").filter(Boolean).pop() ?? "";
}

/** Where to look for a RestoreDisks job's disks: its template, else the target group by name since the job's start. */
function restoredDisksQuery(inputs: VmRestoreInputs, job: RestoreJobView, templateBlobUri: string | undefined, triggeredAt: number) {
    const started = Date.parse(job.startTime ?? "");
    return {
        templateBlobUri,
        targetResourceGroupId: inputs.targetResourceGroupId,
        vmName: vmNameOf(inputs),
        sinceMs: Number.isFinite(started) ? started : triggeredAt - 5 * 60_000,
    };
}

export function isEmpty(r: RestoredResources): boolean {
    return (
        !r.vmId && allDiskIds(r).length === 0 && r.networkInterfaceIds.length === 0 && r.blobUris.length === 0 && !(r.vhdUris ?? []).length
    );
}

/** The restored resources as output fields. */
export function restoredAsOutputs(
    r: RestoredResources,
    job: RestoreJobView | undefined,
): Pick<
    VmRestoreOutputs,
    | "restoredDiskIds"
    | "restoredVhdUris"
    | "osDiskId"
    | "dataDisks"
    | "restoredVmId"
    | "networkInterfaceIds"
    | "configBlobUri"
    | "templateBlobUri"
> {
    const bag = job?.propertyBag ?? {};
    const [config, template] = [bagValue(bag, "Config Blob Uri"), bagValue(bag, "Template Blob Uri")];
    const configBlobUri = config && r.blobUris.includes(config) ? config : undefined;
    const templateBlobUri = template && r.blobUris.includes(template) ? template : undefined;
    return {
        restoredDiskIds: allDiskIds(r),
        restoredVhdUris: r.vhdUris?.length ? r.vhdUris : undefined,
        osDiskId: r.osDiskId,
        dataDisks: r.dataDisks,
        restoredVmId: r.vmId,
        networkInterfaceIds: r.networkInterfaceIds,
        configBlobUri,
        templateBlobUri,
    };
}

/**
 * The restored resources recorded in outputs (for read and delete). An OriginalLocation restore
 * wrote into the production VM: only its staging blobs are the restore's own to remove.
 */
export function restoredFromOutputs(o: Partial<VmRestoreOutputs>): RestoredResources {
    if (o.restoreType === "OriginalLocation") {
        return { dataDisks: [], networkInterfaceIds: [], blobUris: [o.configBlobUri, o.templateBlobUri].filter((x): x is string => !!x) };
    }
    return {
        osDiskId: o.osDiskId,
        dataDisks: o.dataDisks ?? [],
        vmId: o.restoredVmId,
        networkInterfaceIds: o.networkInterfaceIds ?? [],
        blobUris: [o.configBlobUri, o.templateBlobUri].filter((x): x is string => !!x),
        vhdUris: o.restoredVhdUris ?? [],
    };
}
