/** The restore's targets: the target resource group, a new VM (AlternateLocation) with its network, or the original VM (OriginalLocation). */
import { invalidInput } from "../../server/arm-errors";
import { fullType, parentResourceId, parseResourceId, resourceGroupId, sameId, sameName, sameRegion } from "../../world/arm-ids";
import { ArmResource, ResourceStore } from "../../world/resource-store";
import { isObject } from "../../server/json";
import { at, requiredString } from "./fields";
import { Problems, RestorePlan, RestoreRequest } from "./plan";

type AlternateLocationTargets = Pick<RestorePlan, "targetVm" | "virtualNetwork" | "subnet">;

/** targetResourceGroupId, when given (an OriginalLocation restore has none: it restores where the VM is). */
export function checkTargetResourceGroup(req: RestoreRequest): ArmResource | undefined {
    if (req.props.targetResourceGroupId === undefined || req.recoveryType === "OriginalLocation") return undefined;
    const field = "targetResourceGroupId";
    const id = requiredString(req.props, field);
    const parsed = parseResourceId(id);
    if (!parsed?.resourceGroup || parsed.namespace !== undefined) {
        throw invalidInput(
            `The field '${field}' must be a resource group ID (/subscriptions/{id}/resourceGroups/{name}); got '${id}'.`,
            at(field),
        );
    }
    const rg = req.env.resources.get(resourceGroupId(parsed.subscriptionId, parsed.resourceGroup));
    if (!rg) throw invalidInput(`The resource group '${parsed.resourceGroup}' given in '${field}' does not exist.`, at(field));
    return rg;
}

/** An AlternateLocation restore creates a new VM: in the target resource group, on a subnet of the restore region. */
export function checkAlternateLocation(
    req: RestoreRequest,
    problems: Problems,
    targetResourceGroup: ArmResource | undefined,
): AlternateLocationTargets {
    if (req.recoveryType !== "AlternateLocation") return {};
    const { props, env } = req;
    problems.attempt(() => {
        if (props.targetResourceGroupId === undefined)
            throw invalidInput(
                "The field 'targetResourceGroupId' is required for recoveryType AlternateLocation.",
                at("targetResourceGroupId"),
            );
    });
    const targetVm = targetResourceGroup
        ? problems.attempt(() => checkTargetVm(requiredString(props, "targetVirtualMachineId"), targetResourceGroup, env.resources))
        : undefined;
    const network = problems.attempt(() => checkVirtualNetworkAndSubnet(req));
    return { targetVm, ...network };
}

/** An OriginalLocation restore replaces the disks of the original VM, which must still exist. */
export function checkOriginalVmExists(req: RestoreRequest): void {
    if (req.recoveryType !== "OriginalLocation") return;
    const source = req.env.resources.get(req.item.sourceResourceId);
    if (!source || source.deletingOperationId) {
        throw invalidInput(
            `The original virtual machine '${req.item.sourceResourceId}' no longer exists, so 'recoveryType' OriginalLocation is not possible: restore disks or restore to an alternate location instead.`,
            at("recoveryType"),
        );
    }
}

function checkTargetVm(id: string, targetRg: ArmResource, resources: ResourceStore): NonNullable<RestorePlan["targetVm"]> {
    const target = at("targetVirtualMachineId");
    const parsed = parseResourceId(id);
    if (!parsed?.resourceGroup || fullType(parsed)?.toLowerCase() !== "microsoft.compute/virtualmachines") {
        throw invalidInput(`The field 'targetVirtualMachineId' must be a virtual machine resource ID; got '${id}'.`, target);
    }
    if (!sameName(parsed.resourceGroup, targetRg.name)) {
        throw invalidInput(
            `The virtual machine '${id}' given in 'targetVirtualMachineId' must be in the target resource group '${targetRg.name}' given in 'targetResourceGroupId'.`,
            target,
        );
    }
    const name = parsed.names[0];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9]$/.test(name)) {
        throw invalidInput(`'${name}' given in 'targetVirtualMachineId' is not a valid virtual machine name.`, target);
    }
    if (resources.get(id)) {
        throw invalidInput(
            `A virtual machine named '${name}' already exists in resource group '${parsed.resourceGroup}': choose another name in 'targetVirtualMachineId'.`,
            target,
        );
    }
    return {
        id: `${resourceGroupId(parsed.subscriptionId, targetRg.name)}/providers/Microsoft.Compute/virtualMachines/${name}`,
        name,
        resourceGroup: targetRg.name,
    };
}

function checkVirtualNetworkAndSubnet(req: RestoreRequest): Pick<RestorePlan, "virtualNetwork" | "subnet"> {
    const { props, restoreRegion } = req;
    const vnetId = requiredString(props, "virtualNetworkId");
    const vnet = req.env.resources.get(vnetId);
    if (!vnet || vnet.type !== "Microsoft.Network/virtualNetworks")
        throw invalidInput(`The virtual network '${vnetId}' given in 'virtualNetworkId' does not exist.`, at("virtualNetworkId"));
    if (!sameRegion(vnet.location, restoreRegion)) {
        throw invalidInput(
            `The virtual network '${vnet.name}' given in 'virtualNetworkId' is in region '${vnet.location}' but the VM is restored in '${restoreRegion}': the virtual network must be in the restore region.`,
            at("virtualNetworkId"),
        );
    }
    const subnetId = requiredString(props, "subnetId");
    if (!sameId(parentResourceId(subnetId), vnet.id))
        throw invalidInput(
            `The subnet '${subnetId}' given in 'subnetId' is not a subnet of the virtual network '${vnet.id}'.`,
            at("subnetId"),
        );
    const subnets: unknown[] = Array.isArray(vnet.body.properties?.subnets) ? vnet.body.properties.subnets : [];
    const found = subnets.filter(isObject).find((s) => typeof s.id === "string" && sameId(s.id, subnetId));
    if (!found) throw invalidInput(`The subnet '${subnetId}' given in 'subnetId' does not exist.`, at("subnetId"));
    const addressPrefix = isObject(found.properties) ? found.properties.addressPrefix : undefined;
    return { virtualNetwork: vnet, subnet: { id: String(found.id), name: String(found.name), addressPrefix: String(addressPrefix) } };
}
