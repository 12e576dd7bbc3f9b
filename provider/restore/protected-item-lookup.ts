/**
 * Finds the Azure Backup protected item for a VM, so users name the VM and never need to know
 * `iaasvmcontainer;iaasvmcontainerv2;rg;vm`.
 */
import { LOOKUP_SHARE_MS } from "../azure/shared-reads";
import { ArmClient } from "../azure/arm-client";
import { API_VERSIONS } from "../azure/api-versions";
import { parseResourceId, sameResourceId } from "../azure/resource-id";
import { namedError } from "../azure/errors";
import { backupUrls } from "../azure/backup/urls";

export interface ProtectedItemRef {
    /** Full ARM ID of the protected item. */
    id: string;
    containerName: string;
    protectedItemName: string;
    /** `.../backupFabrics/Azure/protectionContainers/{c}/protectedItems/{i}` as a path. */
    path: string;
    friendlyName?: string;
    lastRecoveryPoint?: string;
}

interface ProtectedItemResource {
    id?: string;
    name?: string;
    properties?: { sourceResourceId?: string; virtualMachineId?: string; friendlyName?: string; lastRecoveryPoint?: string };
}

const ITEM_ID = /\/backupFabrics\/([^/]+)\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)$/i;

/**
 * Finds the VM's item: first by its well-known name (one GET), else by listing the vault's Azure VM
 * items (following nextLink) and matching the VM case-insensitively.
 */
export async function findProtectedItem(arm: ArmClient, vaultPath: string, sourceVmId: string): Promise<ProtectedItemRef> {
    const direct = await itemByName(arm, vaultPath, sourceVmId);
    if (direct) return direct;
    const filter = "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'";
    let seen = 0;
    let found: ProtectedItemResource | undefined;
    await arm.list<ProtectedItemResource>(
        backupUrls.protectedItems(vaultPath, filter),
        { apiVersion: API_VERSIONS.backup, shareMs: LOOKUP_SHARE_MS },
        (item) => {
            seen++;
            const p = item.properties ?? {};
            if (sameResourceId(p.sourceResourceId, sourceVmId) || sameResourceId(p.virtualMachineId, sourceVmId)) found = item;
            return !!found;
        },
    );
    if (found) {
        const m = found.id ? ITEM_ID.exec(found.id) : null;
        if (!m)
            throw new Error(`the vault returned protected item "${found.id}" for ${sourceVmId}, whose ID has no container/item segments`);
        return {
            id: found.id!,
            containerName: m[2],
            protectedItemName: m[3],
            path: backupUrls.protectedItem(vaultPath, m[1], m[2], m[3]),
            friendlyName: found.properties?.friendlyName,
            lastRecoveryPoint: found.properties?.lastRecoveryPoint,
        };
    }
    throw namedError(
        "NotProtected",
        `sourceVmId: the VM ${sourceVmId} is not protected by the vault ${vaultPath} (${seen} Azure VM items listed). ` +
            "Check the vault (vaultId / vaultResourceGroupName + vaultName) and that backup is enabled for this VM.",
        {},
    );
}

/**
 * An Azure Resource Manager VM's item is `IaasVMContainer;iaasvmcontainerv2;{rg};{vm}` /
 * `VM;iaasvmcontainerv2;{rg};{vm}`: one GET, where listing costs a read per 50 protected VMs of the
 * vault, for every restore. Undefined when it is not there (another naming, e.g. a classic VM) or
 * names another VM: the caller lists.
 */
async function itemByName(arm: ArmClient, vaultPath: string, sourceVmId: string): Promise<ProtectedItemRef | undefined> {
    let vm;
    try {
        vm = parseResourceId(sourceVmId, "Microsoft.Compute/virtualMachines");
    } catch {
        return undefined;
    }
    const container = `IaasVMContainer;iaasvmcontainerv2;${vm.resourceGroup};${vm.name}`;
    const itemName = `VM;iaasvmcontainerv2;${vm.resourceGroup};${vm.name}`;
    const path = backupUrls.protectedItem(vaultPath, "Azure", container, itemName);
    const res = await arm.get<ProtectedItemResource>(path, {
        apiVersion: API_VERSIONS.backup,
        okStatuses: [404],
        shareMs: LOOKUP_SHARE_MS,
    });
    const p = res.body?.properties ?? {};
    if (res.status === 404 || (!sameResourceId(p.sourceResourceId, sourceVmId) && !sameResourceId(p.virtualMachineId, sourceVmId)))
        return undefined;
    const m = res.body?.id ? ITEM_ID.exec(res.body.id) : null;
    return {
        id: res.body?.id ?? path,
        containerName: m?.[2] ?? container,
        protectedItemName: m?.[3] ?? itemName,
        path,
        friendlyName: p.friendlyName,
        lastRecoveryPoint: p.lastRecoveryPoint,
    };
}
