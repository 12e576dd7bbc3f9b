/** resourceGuardOperationRequests: Multi-User Authorization of a restore. */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { at } from "./fields";
import { RestoreRequest } from "./plan";

/** The entry of resourceGuardOperationRequests that authorizes a restore from a vault under Multi-User Authorization. */
export function checkResourceGuard(req: RestoreRequest): string | undefined {
    const { vault } = req;
    const list = req.props.resourceGuardOperationRequests;
    const target = at("resourceGuardOperationRequests");
    if (list !== undefined && list !== null && !(Array.isArray(list) && list.every((x) => typeof x === "string"))) {
        throw invalidInput("The field 'resourceGuardOperationRequests' must be an array of resource guard operation request IDs.", target);
    }
    if (!vault.resourceGuardEnabled) return undefined;
    const guard = vault.resourceGuardId.replace(/\/+$/, "").toLowerCase();
    const entries = (list as string[] | null | undefined) ?? [];
    const match = entries.find((e) => {
        const lower = e.replace(/\/+$/, "").toLowerCase();
        if (!lower.startsWith(`${guard}/`)) return false;
        const rest = lower.slice(guard.length + 1).split("/");
        return rest.length === 2 && rest[0].includes("restore") && rest[1] !== "";
    });
    if (!match) {
        const given = entries.length ? ` (the request gave ${entries.map((e) => `'${e}'`).join(", ")}, none of that guard)` : "";
        throw new ArmError(
            400,
            "UserErrorMissingResourceGuardOperationRequest",
            `The vault '${vault.name}' is protected by Multi-User Authorization with the resource guard '${vault.resourceGuardId}': a restore needs an approved request of that guard in 'resourceGuardOperationRequests', e.g. '${vault.resourceGuardId}/triggerRestoreRequests/default'${given}.`,
            target,
        );
    }
    return match;
}
