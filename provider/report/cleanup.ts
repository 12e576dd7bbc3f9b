/**
 * Cleanup, verified through the API the provider itself uses (ARM and the Blob service, with the
 * same credential chain), so the check holds on Azure as it does on the emulator: after
 * `pulumi destroy`, none of a restore's VM, NICs, disks, VHDs or staging blobs may remain.
 */
import { API_VERSIONS } from "../azure/api-versions";
import { resourceExists } from "../azure/arm-resource-deleter";
import { createRuntime } from "../pulumi/provider-runtime";
import { pickInputs, VmRestoreOutputs } from "../restore/restore-inputs";
import { restoredFromOutputs } from "../restore/restore-workflow";
import { existingBlobs, missingResources, allDiskIds } from "../restore/restored-resources";
import { CleanupResult } from "./drill-report";

/** Pulumi's marker for a secret value in `stack export` JSON. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A `stack export --show-secrets` value in plain form (secrets decoded from their plaintext). */
export function plainValue(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(plainValue);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") {
            return typeof o.plaintext === "string" ? plainValue(JSON.parse(o.plaintext)) : undefined;
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainValue(x)]));
    }
    return v;
}

const withoutQuery = (u: string) => u.replace(/\?.*$/, "");

/**
 * Looks for what one restore (its outputs, as recorded before destroy) left behind. Read-only:
 * GETs of the resources and blobs, nothing else.
 */
export async function verifyCleanup(
    recorded: Record<string, unknown>,
    write: (line: string) => void = () => undefined,
): Promise<CleanupResult> {
    const outs = plainValue(recorded) as Partial<VmRestoreOutputs> & Record<string, unknown>;
    const rt = await createRuntime({ ...pickInputs(outs), resourceName: `${String(outs.resourceName ?? "")} cleanup`.trim() }, { write });
    const restored = restoredFromOutputs(outs);
    const tracked = [...(restored.vmId ? [restored.vmId] : []), ...allDiskIds(restored), ...(restored.vhdUris ?? [])];
    const missing = new Set((await missingResources(rt.arm, restored)).map((x) => x.toLowerCase()));
    const remaining = tracked.filter((id) => !missing.has(id.toLowerCase()));
    for (const nic of restored.networkInterfaceIds) if (await resourceExists(rt.arm, nic, API_VERSIONS.network)) remaining.push(nic);
    const blobsLeft = (outs.deleteStagingBlobs ?? true) ? await existingBlobs(rt.arm, restored) : [];
    remaining.push(...blobsLeft.map(withoutQuery));
    const looked = tracked.length + restored.networkInterfaceIds.length + restored.blobUris.length;
    return {
        verified: remaining.length === 0,
        remaining,
        detail:
            remaining.length === 0
                ? `none of the ${looked} restored resource(s) and staging blob(s) exist any more (checked through ${rt.arm.endpoint})`
                : `${remaining.length} of ${looked} still exist: ${remaining.join(", ")}`,
    };
}
