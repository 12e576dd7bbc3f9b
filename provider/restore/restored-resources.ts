/**
 * What a restore created, found from things real Azure has:
 * - RestoreDisks: the job's "Template Blob Uri" is an ARM template that builds a VM from the restored
 *   disks; its storageProfile names the restored managed disks (the job itself does not list them).
 * - AlternateLocation: the new VM (`targetVirtualMachineId`) names its disks and NICs.
 * And how to check and remove them.
 */
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS, BLOB_SERVICE_VERSION } from "../azure/api-versions";
import { STORAGE_SCOPE } from "../azure/credentials";
import { deleteArmResource, resourceExists } from "../azure/arm-resource-deleter";
import { parseResourceGroupId } from "../azure/resource-id";
import { isAzureRequestError, redactUrls } from "../azure/errors";
import { decodeBlobText, disksOfTemplate, restoredDisksByName } from "./template-disks";

export interface RestoredDataDisk {
    lun: number;
    diskId: string;
}

export interface RestoredResources {
    osDiskId?: string;
    dataDisks: RestoredDataDisk[];
    vmId?: string;
    networkInterfaceIds: string[];
    /** Blobs the restore wrote into the staging account (config, template). */
    blobUris: string[];
    /** Unmanaged restores: the restored disks as VHD blobs (OS disk first). */
    vhdUris?: string[];
}

export const BLOB_HEADERS = { "x-ms-version": BLOB_SERVICE_VERSION };

export function allDiskIds(r: RestoredResources): string[] {
    return [r.osDiskId, ...r.dataDisks.map((d) => d.diskId)].filter((x): x is string => !!x);
}

interface StorageProfile {
    osDisk?: { managedDisk?: { id?: string }; vhd?: { uri?: string } };
    dataDisks?: { lun?: number; managedDisk?: { id?: string }; vhd?: { uri?: string } }[];
}

/** Resolves a literal ID or a `[resourceId('Microsoft.Compute/disks', 'name')]` expression. */
function resolveDiskReference(ref: string | undefined, targetResourceGroupId: string | undefined): string | undefined {
    if (!ref) return undefined;
    const m = /^\[\s*resourceId\(\s*'Microsoft\.Compute\/disks'\s*,\s*'([^']+)'\s*\)\s*\]$/i.exec(ref);
    if (m && targetResourceGroupId) {
        const rg = parseResourceGroupId(targetResourceGroupId);
        return `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.resourceGroup}/providers/Microsoft.Compute/disks/${m[1]}`;
    }
    return ref.startsWith("/") ? ref : undefined;
}

function disksOf(
    profile: StorageProfile | undefined,
    targetResourceGroupId?: string,
): Pick<RestoredResources, "osDiskId" | "dataDisks" | "vhdUris"> {
    const osDiskId = resolveDiskReference(profile?.osDisk?.managedDisk?.id, targetResourceGroupId);
    const vhdUris = [
        profile?.osDisk?.vhd?.uri,
        ...(profile?.dataDisks ?? []).sort((a, b) => Number(a.lun ?? 0) - Number(b.lun ?? 0)).map((d) => d.vhd?.uri),
    ].filter((u): u is string => !!u);
    const dataDisks = (profile?.dataDisks ?? [])
        .map((d) => ({ lun: Number(d.lun ?? 0), diskId: resolveDiskReference(d.managedDisk?.id, targetResourceGroupId) }))
        .filter((d): d is RestoredDataDisk => !!d.diskId)
        .sort((a, b) => a.lun - b.lun);
    return { osDiskId, dataDisks, vhdUris };
}

/** Reads the restore's ARM template (from the staging account) and returns the disks it attaches. */
async function disksFromTemplate(
    arm: ArmClient,
    templateBlobUri: string,
    targetResourceGroupId?: string,
): Promise<Pick<RestoredResources, "osDiskId" | "dataDisks" | "vhdUris">> {
    const res = await arm.get<unknown>(templateBlobUri, { scope: STORAGE_SCOPE, extraHeaders: BLOB_HEADERS });
    const text = decodeBlobText(res.bytes ?? Buffer.from(typeof res.body === "string" ? res.body : JSON.stringify(res.body ?? ""), "utf8"));
    let template: unknown;
    try {
        template = JSON.parse(text);
    } catch (e) {
        throw new Error(`the restore's template blob is not JSON (${(e as Error).message})`, { cause: e });
    }
    const rg = targetResourceGroupId ? parseResourceGroupId(targetResourceGroupId) : undefined;
    const disks = disksOfTemplate(template, { subscriptionId: rg?.subscriptionId ?? "", resourceGroup: rg?.resourceGroup ?? "" });
    if (!disks) throw new Error("the restore's template blob holds no virtual machine resource");
    return disks;
}

/** The disks in a resource group named as Azure names the disks of `vmName`'s restore started at `sinceMs`. */
async function restoredDisksInResourceGroup(
    arm: ArmClient,
    targetResourceGroupId: string,
    vmName: string,
    sinceMs: number,
): Promise<Pick<RestoredResources, "osDiskId" | "dataDisks" | "vhdUris">> {
    const disks: { id?: string; name?: string; properties?: { timeCreated?: string } }[] = [];
    await arm.list<{ id?: string; name?: string; properties?: { timeCreated?: string } }>(
        `${targetResourceGroupId}/providers/Microsoft.Compute/disks`,
        { apiVersion: API_VERSIONS.disks },
        (d) => {
            disks.push(d);
        },
    );
    return restoredDisksByName(disks, vmName, sinceMs);
}

/**
 * A RestoreDisks job's managed disks: from its template when it can be read and names them, else
 * from the target resource group by Azure's naming of restored disks created since the trigger.
 * `notes` receives why the template was not used.
 */
export async function findRestoredDisks(
    arm: ArmClient,
    o: { templateBlobUri?: string; targetResourceGroupId?: string; vmName: string; sinceMs: number },
    notes: string[],
): Promise<Pick<RestoredResources, "osDiskId" | "dataDisks" | "vhdUris">> {
    if (o.templateBlobUri) {
        try {
            const disks = await disksFromTemplate(arm, o.templateBlobUri, o.targetResourceGroupId);
            if (disks.osDiskId || disks.dataDisks.length || (disks.vhdUris ?? []).length) return disks;
            notes.push("the template names no restored disk");
        } catch (e) {
            notes.push(`the template could not be read (${(e as Error).message})`);
        }
    } else {
        notes.push("the job names no template blob");
    }
    if (!o.targetResourceGroupId) return { dataDisks: [], vhdUris: [] };
    return restoredDisksInResourceGroup(arm, o.targetResourceGroupId, o.vmName, o.sinceMs);
}

interface VmBody {
    properties?: { storageProfile?: StorageProfile; networkProfile?: { networkInterfaces?: { id?: string }[] } };
}

/** The restored VM's disks and NICs. */
export async function resourcesOfVm(
    arm: ArmClient,
    vmId: string,
): Promise<Pick<RestoredResources, "osDiskId" | "dataDisks" | "networkInterfaceIds" | "vmId">> {
    const res = await arm.get<VmBody>(vmId, { apiVersion: API_VERSIONS.virtualMachines });
    const nics = (res.body?.properties?.networkProfile?.networkInterfaces ?? []).map((n) => n.id).filter((x): x is string => !!x);
    return { vmId, networkInterfaceIds: nics, ...disksOf(res.body?.properties?.storageProfile) };
}

/** IDs of the restored resources that no longer exist. Blobs are not checked: they are by-products. */
export async function missingResources(arm: ArmClient, r: RestoredResources): Promise<string[]> {
    const checks: [string, string][] = [
        ...(r.vmId ? [[r.vmId, API_VERSIONS.virtualMachines] as [string, string]] : []),
        ...allDiskIds(r).map((id) => [id, API_VERSIONS.disks] as [string, string]),
    ];
    const missing: string[] = [];
    for (const [id, v] of checks) if (!(await resourceExists(arm, id, v))) missing.push(id);
    for (const vhd of r.vhdUris ?? []) if (!(await resourceExists(arm, vhd, undefined, STORAGE_SCOPE, BLOB_HEADERS))) missing.push(vhd);
    return missing;
}

/** The restore's staging blobs that still exist. */
export async function existingBlobs(arm: ArmClient, r: RestoredResources): Promise<string[]> {
    const left: string[] = [];
    for (const uri of r.blobUris) if (await resourceExists(arm, uri, undefined, STORAGE_SCOPE, BLOB_HEADERS)) left.push(uri);
    return left;
}

/**
 * Deletes what the restore created: the VM first (its disks and NICs cannot go while attached), then
 * NICs, then disks, then the staging blobs. Returns the IDs actually deleted.
 */
export async function deleteRestoredResources(
    arm: ArmClient,
    r: RestoredResources,
    opts: {
        sleep: (ms: number) => Promise<void>;
        now: () => number;
        timeoutMs: number;
        deleteBlobs: boolean;
        log: (line: string) => void;
        stagingAccountId?: string;
    },
): Promise<string[]> {
    const deleted: string[] = [];
    const del = async (id: string, apiVersion: string, blob = false) => {
        const existed = await deleteArmResource(arm, id, {
            apiVersion,
            sleep: opts.sleep,
            now: opts.now,
            timeoutMs: opts.timeoutMs,
            scope: blob ? STORAGE_SCOPE : undefined,
            extraHeaders: blob ? BLOB_HEADERS : undefined,
        });
        if (existed) deleted.push(id);
        opts.log(`${existed ? "deleted" : "already gone"}: ${blob ? id.replace(/\?.*$/, "") : id}`);
    };
    if (r.vmId) await del(r.vmId, API_VERSIONS.virtualMachines);
    for (const nic of r.networkInterfaceIds) await del(nic, API_VERSIONS.network);
    for (const disk of allDiskIds(r)) await del(disk, API_VERSIONS.disks);
    for (const vhd of r.vhdUris ?? []) await del(vhd, "", true);
    if (opts.deleteBlobs) {
        try {
            const vhds = new Set((r.vhdUris ?? []).map((u) => u.toLowerCase()));
            for (const vhd of await stagingVhds(arm, r.blobUris)) if (!vhds.has(vhd.toLowerCase())) await del(vhd, "", true);
            for (const blob of r.blobUris) await del(blob, "", true);
        } catch (e) {
            if (!(isAzureRequestError(e) && e.status === 403)) throw e;
            const account = opts.stagingAccountId ?? "the staging storage account";
            throw new Error(
                `destroy: the identity running Pulumi may not delete the restore's staging blobs: Azure answered 403 ${e.code ?? ""} on ${redactUrls(e.url)}. ` +
                    `Assign it the Storage Blob Data Contributor role on ${account} (the scope), then run \`pulumi destroy\` again: ` +
                    "the resource stays in the state with the blobs still to remove (or set deleteStagingBlobs: false to keep them).",
                { cause: e },
            );
        }
    }
    return deleted;
}

/**
 * The VHDs in the restore's staging container(s) — the container of its config/template blobs,
 * which is the restore's own. A restore of managed disks from the vault tier stages each disk there
 * as a VHD and leaves it (Azure Backup docs); they cost storage until removed.
 */
async function stagingVhds(arm: ArmClient, blobUris: string[]): Promise<string[]> {
    const containers = [...new Set(blobUris.map((u) => u.replace(/[?#].*$/, "").replace(/\/[^/]*$/, "")))];
    const found: string[] = [];
    for (const container of containers) {
        const res = await arm.get<unknown>(`${container}?restype=container&comp=list`, {
            scope: STORAGE_SCOPE,
            extraHeaders: BLOB_HEADERS,
            okStatuses: [404],
        });
        if (res.status === 404) continue;
        const xml = res.bytes ? decodeBlobText(res.bytes) : String(res.body ?? "");
        for (const m of xml.matchAll(/<Name>([^<]*)<\/Name>/g)) {
            const name = m[1]
                .replace(/&lt;/g, "<")
                .replace(/&gt;/g, ">")
                .replace(/&quot;/g, '"')
                .replace(/&apos;/g, "'")
                .replace(/&amp;/g, "&");
            if (/\.vhd$/i.test(name)) found.push(`${container}/${name.split("/").map(encodeURIComponent).join("/")}`);
        }
    }
    return found;
}
