/**
 * Builds the `IaasVMRestoreRequest` body, one builder per restore type, so that new types and
 * options add a builder rather than branches everywhere.
 */
import { RestoreType, VmRestoreInputs } from "./restore-inputs";
import { parseResourceGroupId } from "./resource-id";

export interface RestoreContext {
    inputs: VmRestoreInputs;
    recoveryPointId: string;
    /** The vault's region: the restore's `region`. */
    region: string;
}

export interface IaasVmRestoreRequest {
    objectType: "IaasVMRestoreRequest";
    recoveryPointId: string;
    recoveryType: RestoreType;
    sourceResourceId: string;
    storageAccountId: string;
    region: string;
    createNewCloudService: boolean;
    originalStorageAccountOption: boolean;
    encryptionDetails: { encryptionEnabled: boolean };
    targetResourceGroupId?: string;
    targetVirtualMachineId?: string;
    virtualNetworkId?: string;
    subnetId?: string;
}

export interface RestoreRequestBody {
    properties: IaasVmRestoreRequest;
}

type Builder = (ctx: RestoreContext) => IaasVmRestoreRequest;

function common(ctx: RestoreContext, recoveryType: RestoreType): IaasVmRestoreRequest {
    return {
        objectType: "IaasVMRestoreRequest",
        recoveryPointId: ctx.recoveryPointId,
        recoveryType,
        sourceResourceId: ctx.inputs.sourceVmId,
        storageAccountId: ctx.inputs.storageAccountId,
        region: ctx.region,
        createNewCloudService: false,
        originalStorageAccountOption: false,
        encryptionDetails: { encryptionEnabled: false },
    };
}

/** The new VM's resource ID for an AlternateLocation restore. */
export function targetVmIdOf(inputs: VmRestoreInputs): string {
    const rg = parseResourceGroupId(inputs.targetResourceGroupId!);
    return `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${inputs.targetVmName}`;
}

const BUILDERS: Record<RestoreType, Builder> = {
    RestoreDisks: (ctx) => ({
        ...common(ctx, "RestoreDisks"),
        targetResourceGroupId: ctx.inputs.targetResourceGroupId,
    }),
    AlternateLocation: (ctx) => ({
        ...common(ctx, "AlternateLocation"),
        targetResourceGroupId: ctx.inputs.targetResourceGroupId,
        targetVirtualMachineId: targetVmIdOf(ctx.inputs),
        virtualNetworkId: ctx.inputs.virtualNetworkId,
        subnetId: ctx.inputs.subnetId,
    }),
};

export function buildRestoreRequest(ctx: RestoreContext): RestoreRequestBody {
    const builder = BUILDERS[ctx.inputs.restoreType];
    if (!builder) throw new Error(`restoreType: "${ctx.inputs.restoreType}" is not supported; use one of ${Object.keys(BUILDERS).join(", ")}`);
    return { properties: builder(ctx) };
}
