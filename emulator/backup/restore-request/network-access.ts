/** targetDiskNetworkAccessSettings: how the restored disks are reached (as the source disks, public, or private through a disk access). */
import { invalidInput } from "../../server/arm-errors";
import { sameRegion } from "../../world/arm-ids";
import { isObject } from "../../server/json";
import { at, isAbsent, isOneOf, notOneOf } from "./fields";
import { DiskNetworkAccessOption, RestorePlan, RestoreRequest } from "./plan";

const NETWORK_OPTIONS: DiskNetworkAccessOption[] = [
    "SameAsOnSourceDisks",
    "EnablePrivateAccessForAllDisks",
    "EnablePublicAccessForAllDisks",
];

/** The option asked for; private access names a disk access of the restore region. */
export function checkDiskNetworkAccess(req: RestoreRequest): RestorePlan["networkAccess"] {
    const s = req.props.targetDiskNetworkAccessSettings;
    if (isAbsent(s)) return undefined;
    if (!isObject(s))
        throw invalidInput(
            "The field 'targetDiskNetworkAccessSettings' must be {targetDiskNetworkAccessOption, targetDiskAccessId?}.",
            at("targetDiskNetworkAccessSettings"),
        );
    const option = s.targetDiskNetworkAccessOption;
    if (!isOneOf(option, NETWORK_OPTIONS))
        throw notOneOf("targetDiskNetworkAccessSettings.targetDiskNetworkAccessOption", NETWORK_OPTIONS, option);
    const accessId = s.targetDiskAccessId;
    const accessIdField = at("targetDiskNetworkAccessSettings.targetDiskAccessId");
    if (option !== "EnablePrivateAccessForAllDisks") {
        if (!isAbsent(accessId) && accessId !== "") {
            throw invalidInput(
                `The field 'targetDiskNetworkAccessSettings.targetDiskAccessId' goes only with EnablePrivateAccessForAllDisks, not with ${option}.`,
                accessIdField,
            );
        }
        return { option };
    }
    if (typeof accessId !== "string" || accessId.trim() === "") {
        throw invalidInput(
            "The field 'targetDiskNetworkAccessSettings.targetDiskAccessId' (a Microsoft.Compute/diskAccesses ID) is required with EnablePrivateAccessForAllDisks.",
            accessIdField,
        );
    }
    const access = req.env.resources.get(accessId);
    if (!access || access.type !== "Microsoft.Compute/diskAccesses") {
        throw invalidInput(
            `The disk access '${accessId}' given in 'targetDiskNetworkAccessSettings.targetDiskAccessId' does not exist.`,
            accessIdField,
        );
    }
    if (!sameRegion(access.location, req.restoreRegion)) {
        throw invalidInput(
            `The disk access '${access.name}' is in '${access.location}' but the disks are restored in '${req.restoreRegion}': the disk access must be in the restore region.`,
            accessIdField,
        );
    }
    return { option: "EnablePrivateAccessForAllDisks", diskAccessId: access.id };
}
