/** The kind of restore a body asks for, and whether it names this item's VM and recovery point. */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { sameId } from "../../world/arm-ids";
import { JsonObject, isObject } from "../../server/json";
import { at, isOneOf, notOneOf, requiredString } from "./fields";
import { RecoveryType, RestoreObjectType, RestoreRequest } from "./plan";

const OBJECT_TYPES: RestoreObjectType[] = ["IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"];
const RECOVERY_TYPES: RecoveryType[] = ["RestoreDisks", "AlternateLocation", "OriginalLocation"];

export interface RequestKind {
    props: JsonObject;
    objectType: RestoreObjectType;
    recoveryType: RecoveryType;
}

/** The properties, objectType and recoveryType of a body, or the problem that makes every other check meaningless. */
export function readRequestKind(body: unknown): RequestKind | ArmError {
    if (!isObject(body) || !isObject(body.properties)) {
        return invalidInput("The restore request must be a JSON object with a 'properties' object (RestoreRequestResource).", "properties");
    }
    const props = body.properties;
    const objectType = props.objectType;
    if (!isOneOf(objectType, OBJECT_TYPES)) return notOneOf("objectType", OBJECT_TYPES, objectType, " for an Azure IaaS VM restore");
    const recoveryType = props.recoveryType;
    if (!isOneOf(recoveryType, RECOVERY_TYPES)) return notOneOf("recoveryType", RECOVERY_TYPES, recoveryType);
    return { props, objectType, recoveryType };
}

/** A Cross Region Restore cannot replace the original VM. */
export function checkCrossRegionRecoveryType(req: RestoreRequest): void {
    if (req.crossRegion && req.recoveryType === "OriginalLocation") {
        throw invalidInput(
            "Cross Region Restore restores disks or a new VM in the secondary region: 'recoveryType' OriginalLocation is not supported (use RestoreDisks or AlternateLocation).",
            at("recoveryType"),
        );
    }
}

/** recoveryPointId, when given, is the point of the URL. */
export function checkRecoveryPointId(req: RestoreRequest): void {
    const given = req.props.recoveryPointId;
    if (given !== undefined && given !== req.rp.name) {
        throw invalidInput(
            `The field 'recoveryPointId' ('${String(given)}') does not match the recovery point in the URL ('${req.rp.name}').`,
            at("recoveryPointId"),
        );
    }
}

/** sourceResourceId is the protected item's VM. */
export function checkSourceResourceId(req: RestoreRequest): void {
    const sourceResourceId = requiredString(req.props, "sourceResourceId");
    if (!sameId(sourceResourceId, req.item.sourceResourceId)) {
        throw invalidInput(
            `The field 'sourceResourceId' ('${sourceResourceId}') does not match the protected item's virtual machine '${req.item.sourceResourceId}'.`,
            at("sourceResourceId"),
        );
    }
}
