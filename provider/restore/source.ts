/**
 * Where a restore comes from, resolved once before anything is started: the vault (and its
 * region), the VM's protected item, and the recovery point.
 */
import { LOOKUP_SHARE_MS } from "../azure/shared-reads";
import { API_VERSIONS } from "../azure/api-versions";
import { pairedRegion } from "../azure/backup/cross-region-restore";
import { parseResourceId } from "../azure/resource-id";
import { findProtectedItem } from "./protected-item-lookup";
import { selectRecoveryPoint } from "./recovery-point-selector";
import { DEFAULT_RECOVERY_POINT, VmRestoreInputs } from "./restore-inputs";
import { RestoreRecord } from "./record";
import { WorkflowDeps } from "./workflow-deps";

/** The part of a restore record known before the trigger. */
export type RestoreSource = Pick<
    RestoreRecord,
    "vaultPath" | "vaultLocation" | "vmName" | "protectedItemId" | "protectedItemPath" | "recoveryPoint"
>;

export function vaultPathOf(inputs: VmRestoreInputs): string {
    if (inputs.vaultId) return parseResourceId(inputs.vaultId, "Microsoft.RecoveryServices/vaults").id;
    const vm = parseResourceId(inputs.sourceVmId, "Microsoft.Compute/virtualMachines");
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${inputs.vaultResourceGroupName}/providers/Microsoft.RecoveryServices/vaults/${inputs.vaultName}`;
}

/** The region a restore lands in: the vault's, or for crossRegion the secondary region. */
export function restoreRegionOf(inputs: VmRestoreInputs, vaultLocation: string): string {
    if (!inputs.crossRegion) return vaultLocation;
    const region = inputs.secondaryRegion ?? pairedRegion(vaultLocation);
    if (!region)
        throw new Error(
            `secondaryRegion: the vault is in ${vaultLocation}, whose paired region is not known to VmRestore; set secondaryRegion`,
        );
    return region;
}

/** Resolves vault, protected item and recovery point. */
export async function resolveRestoreSource(deps: WorkflowDeps, inputs: VmRestoreInputs): Promise<RestoreSource> {
    const { arm, progress } = deps;
    const vaultPath = vaultPathOf(inputs);
    const vault = await arm.get<{ location?: string }>(vaultPath, { apiVersion: API_VERSIONS.vault, shareMs: LOOKUP_SHARE_MS });
    const vaultLocation = vault.body?.location;
    if (!vaultLocation) throw new Error(`the vault ${vaultPath} has no location in its ARM response; cannot set the restore's region`);
    const item = await findProtectedItem(arm, vaultPath, inputs.sourceVmId);
    const recoveryPoint = await selectRecoveryPoint(
        arm,
        item.path,
        inputs.recoveryPoint ?? DEFAULT_RECOVERY_POINT,
        inputs.recoveryPointSelector,
        !!inputs.rehydration,
        !!inputs.crossRegion,
    );
    progress.say(
        `recovery point ${recoveryPoint.id} (${recoveryPoint.type}, ${recoveryPoint.time}, tiers ${recoveryPoint.tiers.join("+")})`,
    );
    const vmName = parseResourceId(inputs.sourceVmId, "Microsoft.Compute/virtualMachines").name;
    return { vaultPath, vaultLocation, vmName, protectedItemId: item.id, protectedItemPath: item.path, recoveryPoint };
}
