/** Disk encryption sets: encryption at rest with a customer-managed key (diskEncryptionSetId), and a Confidential VM's OS disk (securedVMDetails). */
import { invalidInput } from "../../server/arm-errors";
import { fullType, parseResourceId, sameRegion } from "../../world/arm-ids";
import { ArmResource } from "../../world/resource-store";
import { isObject } from "../../server/json";
import { at, isAbsent, requiredString } from "./fields";
import { RestorePlan, RestoreRequest } from "./plan";

const CONFIDENTIAL_VM_ENCRYPTION = "ConfidentialVmEncryptedWithCustomerKey";

/** diskEncryptionSetId: a customer-managed-key disk encryption set of the restore region, for managed disks. */
export function checkDiskEncryptionSetId(req: RestoreRequest, managedDisks: boolean): RestorePlan["diskEncryptionSet"] {
    if (isAbsent(req.props.diskEncryptionSetId)) return undefined;
    const des = checkDiskEncryptionSet(req, requiredString(req.props, "diskEncryptionSetId"), "diskEncryptionSetId");
    const type = String(des.body.properties?.encryptionType ?? "EncryptionAtRestWithCustomerKey");
    if (type === CONFIDENTIAL_VM_ENCRYPTION) {
        throw invalidInput(
            `The disk encryption set '${des.name}' given in 'diskEncryptionSetId' is for confidential VM disks (ConfidentialVmEncryptedWithCustomerKey): give it in 'securedVMDetails.securedVMOsDiskEncryptionSetId' instead.`,
            at("diskEncryptionSetId"),
        );
    }
    if (!managedDisks)
        throw invalidInput(
            "The field 'diskEncryptionSetId' applies to managed disks: a restore to VHD blobs cannot use it (give 'targetResourceGroupId').",
            at("diskEncryptionSetId"),
        );
    return { id: des.id, encryptionType: type };
}

/** securedVMDetails: required for (and only for) a Confidential VM's point, naming a confidential-VM disk encryption set. */
export function checkSecuredVmDetails(req: RestoreRequest): RestorePlan["securedVm"] {
    const { rp } = req;
    const details = req.props.securedVMDetails;
    const given = !isAbsent(details);
    if (rp.securityType !== "ConfidentialVM") {
        if (given)
            throw invalidInput(
                `The field 'securedVMDetails' applies to Confidential VMs; the recovery point '${rp.name}' is of a ${rp.securityType === "Standard" ? "standard" : rp.securityType} VM.`,
                at("securedVMDetails"),
            );
        return undefined;
    }
    const field = "securedVMDetails.securedVMOsDiskEncryptionSetId";
    const desId = isObject(details) ? details.securedVMOsDiskEncryptionSetId : undefined;
    if (typeof desId !== "string" || desId.trim() === "") {
        throw invalidInput(
            `The recovery point '${rp.name}' is of a Confidential VM (securityType ConfidentialVM): the restore needs 'securedVMDetails.securedVMOsDiskEncryptionSetId', a disk encryption set of type ConfidentialVmEncryptedWithCustomerKey for the OS disk.`,
            at(field),
        );
    }
    const des = checkDiskEncryptionSet(req, desId, field);
    const type: unknown = des.body.properties?.encryptionType;
    if (type !== CONFIDENTIAL_VM_ENCRYPTION) {
        throw invalidInput(
            `The disk encryption set '${des.name}' given in 'securedVMDetails.securedVMOsDiskEncryptionSetId' has encryptionType ${String(type)}; a Confidential VM's OS disk needs one of type ConfidentialVmEncryptedWithCustomerKey.`,
            at(field),
        );
    }
    return { osDiskEncryptionSetId: des.id };
}

/** A disk encryption set that exists in the restore region (a disk encryption set must be in the region of its disks). */
function checkDiskEncryptionSet(req: RestoreRequest, id: string, field: string): ArmResource {
    const target = at(field);
    const region = req.restoreRegion;
    const parsed = parseResourceId(id);
    if (!parsed?.resourceGroup || fullType(parsed)?.toLowerCase() !== "microsoft.compute/diskencryptionsets") {
        throw invalidInput(
            `The field '${field}' must be the resource ID of a disk encryption set (Microsoft.Compute/diskEncryptionSets); got '${id}'.`,
            target,
        );
    }
    const des = req.env.resources.get(id);
    if (!des || des.deletingOperationId) throw invalidInput(`The disk encryption set '${id}' given in '${field}' does not exist.`, target);
    if (!sameRegion(des.location, region)) {
        throw invalidInput(
            `The disk encryption set '${des.name}' given in '${field}' is in '${des.location}' but the disks are restored in '${region}': a disk encryption set must be in the region of its disks.`,
            target,
        );
    }
    return des;
}
