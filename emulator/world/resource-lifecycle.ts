/**
 * Relationships between compute/network resources and what they mean for deletion, the way
 * ARM enforces them: a disk attached to a VM cannot be deleted (409 OperationNotAllowed), nor a
 * NIC a VM uses (400 NicInUse), nor a virtual network whose subnets hold NICs (400
 * InUseSubnetCannotBeDeleted). Deleting a VM detaches its disks and NICs (they stay).
 */
import { ArmError } from "../server/arm-errors";
import { sameId } from "./arm-ids";
import { ArmResource, ResourceStore } from "./resource-store";

export function attachDisk(resources: ResourceStore, diskId: string, vmId: string): void {
    const disk = resources.get(diskId);
    if (!disk) return;
    disk.body.managedBy = vmId;
    disk.body.properties.diskState = "Attached";
}

export function detachDisk(resources: ResourceStore, diskId: string): void {
    const disk = resources.get(diskId);
    if (!disk) return;
    delete disk.body.managedBy;
    disk.body.properties.diskState = "Unattached";
}

/** The error ARM answers to a DELETE of this resource right now, if any. */
export function deleteBlocker(resources: ResourceStore, res: ArmResource): ArmError | undefined {
    switch (res.type.toLowerCase()) {
        case "microsoft.compute/disks": {
            const vm = res.body.managedBy;
            if (vm) {
                return new ArmError(409, "OperationNotAllowed", `Disk ${res.name} is attached to VM ${vm}.`, res.name);
            }
            return undefined;
        }
        case "microsoft.network/networkinterfaces": {
            const vm = res.body.properties.virtualMachine?.id;
            if (vm) {
                return new ArmError(
                    400,
                    "NicInUse",
                    `Network Interface ${res.id} is used by existing resource ${vm}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`,
                );
            }
            return undefined;
        }
        case "microsoft.network/virtualnetworks": {
            for (const subnet of res.body.properties?.subnets ?? []) {
                const users = nicsInSubnet(resources, subnet.id);
                if (users.length > 0) {
                    return new ArmError(
                        400,
                        "InUseSubnetCannotBeDeleted",
                        `Subnet ${subnet.name} is in use by ${users[0].id}/ipConfigurations/ipconfig1 and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.`,
                    );
                }
            }
            return undefined;
        }
        case "microsoft.resources/resourcegroups":
            return new ArmError(405, "MethodNotAllowed", "The emulator does not delete resource groups.");
        default:
            return undefined;
    }
}

export function nicsInSubnet(resources: ResourceStore, subnetId: string): ArmResource[] {
    return resources
        .ofType("Microsoft.Network/networkInterfaces")
        .filter((nic) => (nic.body.properties?.ipConfigurations ?? []).some((c) => sameId(c.properties?.subnet?.id, subnetId)));
}

/**
 * Removes a resource and unhooks what referred to it. `force` (out-of-band deletion through the
 * admin API) also removes a disk or NIC from the VM that uses it.
 */
export function removeResource(resources: ResourceStore, res: ArmResource, force = false): void {
    const type = res.type.toLowerCase();
    if (type === "microsoft.compute/virtualmachines") {
        for (const disk of resources.ofType("Microsoft.Compute/disks")) {
            if (sameId(disk.body.managedBy, res.id)) detachDisk(resources, disk.id);
        }
        for (const nic of resources.ofType("Microsoft.Network/networkInterfaces")) {
            if (sameId(nic.body.properties?.virtualMachine?.id, res.id)) delete nic.body.properties.virtualMachine;
        }
    }
    if (force && type === "microsoft.compute/disks" && res.body.managedBy) {
        const vm = resources.get(res.body.managedBy);
        const storage = vm?.body.properties?.storageProfile;
        if (storage) {
            storage.dataDisks = (storage.dataDisks ?? []).filter((d) => !sameId(d.managedDisk?.id, res.id));
            if (sameId(storage.osDisk?.managedDisk?.id, res.id)) storage.osDisk = { ...storage.osDisk, managedDisk: undefined };
        }
    }
    if (force && type === "microsoft.network/networkinterfaces" && res.body.properties?.virtualMachine?.id) {
        const vm = resources.get(res.body.properties.virtualMachine.id);
        const profile = vm?.body.properties?.networkProfile;
        if (profile) profile.networkInterfaces = (profile.networkInterfaces ?? []).filter((n) => !sameId(n.id, res.id));
    }
    resources.delete(res.id);
}
