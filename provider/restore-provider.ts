/**
 * The dynamic provider behind VmRestore. Pulumi serializes this object into state, so it holds no
 * credentials, clients or configuration: each method builds what it needs at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs } from "./input-validation";
import { createRuntime } from "./provider-runtime";
import { IN_PLACE_INPUTS, REPLACING_INPUTS, VmRestoreInputs, VmRestoreOutputs, pickInputs } from "./restore-inputs";
import { collectOutputs, restoredFromOutputs, triggerRestore, waitForRestore } from "./restore-workflow";
import { allDiskIds, deleteRestoredResources, existingBlobs, missingResources } from "./restored-resources";
import { API_VERSIONS } from "./api-versions";
import { readRestoreJob } from "./restore-job";

type Props = Record<string, unknown>;

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

function label(props: Props): { resourceName?: string } {
    return { resourceName: typeof props.resourceName === "string" ? props.resourceName : undefined };
}

export const restoreProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Props, news: Props) {
        return checkInputs(news);
    },

    async diff(_id: string, olds: Props, news: Props) {
        // `__provider` (this code, serialized) is deliberately not compared: upgrading VmRestore must
        // never restore again.
        const replaces: string[] = REPLACING_INPUTS.filter((k) => !same(olds[k], news[k]));
        // A refresh found part of what was restored gone: restore again (the old rest is deleted).
        if (Array.isArray(olds.missingResourceIds) && olds.missingResourceIds.length > 0) replaces.push("restoredDiskIds");
        const updates = IN_PLACE_INPUTS.filter((k) => !same(olds[k], news[k]));
        // A new VM under the same name cannot exist beside the old one: delete the old one first.
        const sameVmName = replaces.length > 0 && news.restoreType === "AlternateLocation" && olds.restoreType === "AlternateLocation" &&
            same(olds.targetVmName, news.targetVmName) && same(olds.targetResourceGroupId, news.targetResourceGroupId);
        return {
            changes: replaces.length + updates.length > 0,
            replaces,
            deleteBeforeReplace: sameVmName,
            stables: ["jobId", "recoveryPointId"],
        };
    },

    async create(props: Props) {
        const inputs = pickInputs(props);
        const rt = createRuntime({ ...inputs, ...label(props) });
        const triggered = await triggerRestore(rt, inputs);
        const job = await waitForRestore(rt, triggered, inputs);
        const outs = await collectOutputs(rt, triggered, job, inputs);
        return { id: `${triggered.vaultPath}/backupJobs/${job.jobId}`, outs: wireSafe({ ...outs, ...label(props) }) };
    },

    async read(id: string, props: Props) {
        const outs = props as Partial<VmRestoreOutputs> & Props;
        const rt = createRuntime({ ...pickInputs(props), ...label(props) });
        const restored = restoredFromOutputs(outs);
        const tracked = [...(restored.vmId ? [restored.vmId] : []), ...allDiskIds(restored)];
        const missing = await missingResources(rt.arm, restored);
        const blobsLeft = tracked.length > 0 && missing.length === tracked.length && (outs.deleteStagingBlobs ?? true)
            ? await existingBlobs(rt.arm, restored) : [];
        if (tracked.length > 0 && missing.length === tracked.length && blobsLeft.length === 0) {
            // Everything the restore made is gone: so is the restore. The next `up` restores again.
            rt.progress.say(`the restored resources are all gone (${missing.join(", ")}); the restore will run again on the next \`pulumi up\``);
            return { id: "", props: {} };
        }
        if (missing.length > 0) {
            // Some are gone (or only the staging blobs are left): keep tracking the rest, so that the
            // replacement the next `up` makes (see diff) deletes them instead of orphaning them.
            rt.progress.say(`restored resources are gone: ${missing.join(", ")}; the next \`pulumi up\` restores again and removes the rest`);
            return { id, props: wireSafe({ ...props, missingResourceIds: missing }) };
        }
        let jobStatus = outs.jobStatus;
        if (typeof outs.jobId === "string") {
            const res = await rt.arm.get(id, { apiVersion: API_VERSIONS.backup, okStatuses: [404] });
            if (res.status !== 404) jobStatus = readRestoreJob(outs.jobId, res.body).status;
        }
        return { id, props: wireSafe({ ...props, jobStatus, missingResourceIds: undefined }) };
    },

    async update(_id: string, olds: Props, news: Props) {
        // Only in-place inputs can differ here (anything else replaces): keep every output.
        return { outs: wireSafe({ ...olds, ...pickInputs(news), ...label(news) }) };
    },

    async delete(_id: string, props: Props) {
        const outs = props as Partial<VmRestoreOutputs> & Props;
        const restored = restoredFromOutputs(outs);
        if (!restored.vmId && allDiskIds(restored).length === 0 && restored.blobUris.length === 0) return;
        const inputs = pickInputs(props) as VmRestoreInputs;
        const rt = createRuntime({ ...inputs, ...label(props) });
        await deleteRestoredResources(rt.arm, restored, {
            sleep: rt.sleep,
            timeoutMs: 30 * 60_000,
            deleteBlobs: inputs.deleteStagingBlobs ?? true,
            log: (line) => rt.progress.say(line),
        });
    },
};
