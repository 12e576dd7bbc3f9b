/**
 * Builds the restore request body (`IaasVMRestoreRequest`, or `IaasVMRestoreWithRehydrationRequest`
 * for an archive-tier point): one builder per restore type for where the restore goes, and one
 * shared step for the options every type takes. A new type or option adds a builder or a line here.
 */
import { RestoreType, VmRestoreInputs } from "../../restore/restore-inputs";
import { parseResourceGroupId } from "../resource-id";

export interface RestoreContext {
    inputs: VmRestoreInputs;
    recoveryPointId: string;
    /** The vault's region (or, for a cross-region restore, the secondary region): the restore's `region`. */
    region: string;
}

export interface IaasVmRestoreRequest {
    objectType: "IaasVMRestoreRequest" | "IaasVMRestoreWithRehydrationRequest";
    recoveryPointId: string;
    recoveryType: RestoreType;
    sourceResourceId: string;
    storageAccountId: string;
    region: string;
    createNewCloudService: boolean;
    originalStorageAccountOption: boolean;
    encryptionDetails: {
        encryptionEnabled: boolean;
        kekUrl?: string;
        kekVaultId?: string;
        secretKeyUrl?: string;
        secretKeyVaultId?: string;
    };
    targetResourceGroupId?: string;
    targetVirtualMachineId?: string;
    virtualNetworkId?: string;
    subnetId?: string;
    restoreDiskLunList?: number[];
    zones?: string[];
    diskEncryptionSetId?: string;
    identityInfo?: { isSystemAssignedIdentity: boolean; managedIdentityResourceId?: string };
    identityBasedRestoreDetails?: { objectType: "IdentityBasedRestoreDetails"; targetStorageAccountId: string };
    targetDiskNetworkAccessSettings?: { targetDiskNetworkAccessOption: string; targetDiskAccessId?: string };
    securedVMDetails?: { securedVMOsDiskEncryptionSetId: string };
    extendedLocation?: { name: string; type: "EdgeZone" };
    resourceGuardOperationRequests?: string[];
    recoveryPointRehydrationInfo?: { rehydrationPriority: "Standard" | "High"; rehydrationRetentionDuration: string };
}

export interface RestoreRequestBody {
    properties: IaasVmRestoreRequest;
}

type Builder = (ctx: RestoreContext) => Partial<IaasVmRestoreRequest>;

/** The new VM's resource ID for an AlternateLocation restore. */
export function targetVmIdOf(inputs: VmRestoreInputs): string {
    const rg = parseResourceGroupId(inputs.targetResourceGroupId!);
    return `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${inputs.targetVmName}`;
}

/** Where each restore type puts the restored VM or disks. */
const TARGETS: Record<RestoreType, Builder> = {
    // Managed disks into a resource group; without one, the disks are VHDs in the staging account
    // (VMs with unmanaged disks).
    RestoreDisks: ({ inputs }) => ({ targetResourceGroupId: inputs.targetResourceGroupId }),
    AlternateLocation: ({ inputs }) => ({
        targetResourceGroupId: inputs.targetResourceGroupId,
        targetVirtualMachineId: targetVmIdOf(inputs),
        virtualNetworkId: inputs.virtualNetworkId,
        subnetId: inputs.subnetId,
    }),
    // Replaces the source VM's disks in place (guarded by allowOriginalLocationOverwrite in check).
    OriginalLocation: () => ({ originalStorageAccountOption: false }),
};

/** The options every restore type accepts, from the inputs. */
function options({ inputs }: RestoreContext): Partial<IaasVmRestoreRequest> {
    const o: Partial<IaasVmRestoreRequest> = {};
    if (inputs.osDiskOnly) o.restoreDiskLunList = [];
    else if (inputs.diskLuns) o.restoreDiskLunList = [...inputs.diskLuns].sort((a, b) => a - b);
    if (inputs.targetZone) o.zones = [String(inputs.targetZone)];
    if (inputs.diskEncryptionSetId) o.diskEncryptionSetId = inputs.diskEncryptionSetId;
    if (inputs.encryptionKeys) o.encryptionDetails = { encryptionEnabled: true, ...inputs.encryptionKeys };
    if (inputs.identity) {
        o.identityInfo = inputs.identity.userAssignedIdentityId
            ? { isSystemAssignedIdentity: false, managedIdentityResourceId: inputs.identity.userAssignedIdentityId }
            : { isSystemAssignedIdentity: true };
        if (inputs.identity.useForStagingAccount) {
            o.identityBasedRestoreDetails = { objectType: "IdentityBasedRestoreDetails", targetStorageAccountId: inputs.storageAccountId };
        }
    }
    if (inputs.diskNetworkAccess) {
        o.targetDiskNetworkAccessSettings = {
            targetDiskNetworkAccessOption: inputs.diskNetworkAccess.option,
            targetDiskAccessId: inputs.diskNetworkAccess.diskAccessId,
        };
    }
    if (inputs.securedVmOsDiskEncryptionSetId)
        o.securedVMDetails = { securedVMOsDiskEncryptionSetId: inputs.securedVmOsDiskEncryptionSetId };
    if (inputs.edgeZone) o.extendedLocation = { name: inputs.edgeZone, type: "EdgeZone" };
    if (inputs.resourceGuardOperationRequests?.length) o.resourceGuardOperationRequests = inputs.resourceGuardOperationRequests;
    if (inputs.rehydration) {
        o.objectType = "IaasVMRestoreWithRehydrationRequest";
        o.recoveryPointRehydrationInfo = {
            rehydrationPriority: inputs.rehydration.priority,
            rehydrationRetentionDuration: `P${inputs.rehydration.retentionDays}D`,
        };
    }
    return o;
}

function withoutUndefined<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function buildRestoreRequest(ctx: RestoreContext): RestoreRequestBody {
    const target = TARGETS[ctx.inputs.restoreType];
    if (!target)
        throw new Error(`restoreType: "${ctx.inputs.restoreType}" is not supported; use one of ${Object.keys(TARGETS).join(", ")}`);
    const body: IaasVmRestoreRequest = {
        objectType: "IaasVMRestoreRequest",
        recoveryPointId: ctx.recoveryPointId,
        recoveryType: ctx.inputs.restoreType,
        sourceResourceId: ctx.inputs.sourceVmId,
        storageAccountId: ctx.inputs.storageAccountId,
        region: ctx.region,
        createNewCloudService: false,
        originalStorageAccountOption: false,
        encryptionDetails: { encryptionEnabled: false },
        ...target(ctx),
        ...options(ctx),
    };
    const props = withoutUndefined(body);
    if (props.targetDiskNetworkAccessSettings)
        props.targetDiskNetworkAccessSettings = withoutUndefined(props.targetDiskNetworkAccessSettings);
    return { properties: props };
}
