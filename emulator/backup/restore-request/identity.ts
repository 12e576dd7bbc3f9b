/** The vault identity a restore runs as (identityInfo), and staging reached with it (identityBasedRestoreDetails). */
import { invalidInput } from "../../server/arm-errors";
import { sameId } from "../../world/arm-ids";
import { isObject } from "../../server/json";
import { at, isAbsent } from "./fields";
import { RestorePlan, RestoreRequest } from "./plan";

/** identityInfo: the vault's system-assigned identity, or one of its user-assigned identities. */
export function checkIdentityInfo(req: RestoreRequest): RestorePlan["identity"] {
    const { vault } = req;
    const info = req.props.identityInfo;
    if (isAbsent(info)) return undefined;
    if (!isObject(info))
        throw invalidInput("The field 'identityInfo' must be {isSystemAssignedIdentity, managedIdentityResourceId?}.", at("identityInfo"));
    const id = info.managedIdentityResourceId;
    if (info.isSystemAssignedIdentity === true) {
        if (!isAbsent(id) && id !== "") {
            throw invalidInput(
                "The field 'identityInfo.managedIdentityResourceId' must be empty when 'isSystemAssignedIdentity' is true.",
                at("identityInfo.managedIdentityResourceId"),
            );
        }
        if (!vault.systemAssignedIdentity) {
            throw invalidInput(
                `The vault '${vault.name}' has no system-assigned managed identity: enable it, or give a user-assigned identity of the vault in 'identityInfo.managedIdentityResourceId'.`,
                at("identityInfo.isSystemAssignedIdentity"),
            );
        }
        return { type: "SystemAssigned" };
    }
    if (info.isSystemAssignedIdentity !== false && info.isSystemAssignedIdentity !== undefined) {
        throw invalidInput(
            "The field 'identityInfo.isSystemAssignedIdentity' must be a boolean.",
            at("identityInfo.isSystemAssignedIdentity"),
        );
    }
    if (typeof id !== "string" || id.trim() === "") {
        throw invalidInput(
            "The field 'identityInfo.managedIdentityResourceId' is required for a user-assigned identity (isSystemAssignedIdentity false).",
            at("identityInfo.managedIdentityResourceId"),
        );
    }
    const res = req.env.resources.get(id);
    if (!res || res.type !== "Microsoft.ManagedIdentity/userAssignedIdentities") {
        throw invalidInput(
            `The user-assigned identity '${id}' given in 'identityInfo.managedIdentityResourceId' does not exist.`,
            at("identityInfo.managedIdentityResourceId"),
        );
    }
    if (!vault.userAssignedIdentityIds.some((u) => sameId(u, res.id))) {
        throw invalidInput(
            `The user-assigned identity '${res.name}' given in 'identityInfo.managedIdentityResourceId' is not assigned to the vault '${vault.name}': add it to the vault's identities first.`,
            at("identityInfo.managedIdentityResourceId"),
        );
    }
    return { type: "UserAssigned", id: res.id };
}

/** identityBasedRestoreDetails: true when the staging account (the one of storageAccountId) is reached with the identityInfo identity. */
export function checkIdentityBasedStaging(req: RestoreRequest): boolean {
    const { props } = req;
    const details = props.identityBasedRestoreDetails;
    if (isAbsent(details)) return false;
    if (!isObject(details))
        throw invalidInput(
            "The field 'identityBasedRestoreDetails' must be {objectType?, targetStorageAccountId}.",
            at("identityBasedRestoreDetails"),
        );
    if (details.objectType !== undefined && details.objectType !== "IdentityBasedRestoreDetails") {
        throw invalidInput(
            `The field 'identityBasedRestoreDetails.objectType' must be IdentityBasedRestoreDetails; got '${String(details.objectType)}'.`,
            at("identityBasedRestoreDetails.objectType"),
        );
    }
    const target = details.targetStorageAccountId;
    if (typeof target !== "string" || target.trim() === "") {
        throw invalidInput(
            "The field 'identityBasedRestoreDetails.targetStorageAccountId' is required.",
            at("identityBasedRestoreDetails.targetStorageAccountId"),
        );
    }
    if (props.storageAccountId !== undefined && !sameId(target, String(props.storageAccountId))) {
        throw invalidInput(
            `The field 'identityBasedRestoreDetails.targetStorageAccountId' ('${target}') must be the staging account given in 'storageAccountId' ('${String(props.storageAccountId)}').`,
            at("identityBasedRestoreDetails.targetStorageAccountId"),
        );
    }
    if (isAbsent(props.identityInfo)) {
        throw invalidInput(
            "The field 'identityBasedRestoreDetails' needs 'identityInfo': the identity the staging account is reached with.",
            at("identityInfo"),
        );
    }
    return true;
}
