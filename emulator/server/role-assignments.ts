/**
 * Role assignments per principal (auth "entra"): which built-in roles a service principal holds at
 * which scopes, and the 403 Azure answers for an action none of them grants:
 *   ARM  403 AuthorizationFailed "The client '{appid}' with object id '{oid}' does not have authorization
 *        to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently
 *        granted, please refresh your credentials."
 *   blob 403 AuthorizationPermissionMismatch "This request is not authorized to perform this operation using this permission."
 * Control-plane roles (Owner, Contributor, Reader) grant no blob data access; data roles (Storage Blob
 * Data Owner/Contributor/Reader) grant nothing on ARM — as in Azure.
 */
import { ArmError } from "./arm-errors";

export interface RoleAssignment {
    role: string;
    /** An ARM scope: /subscriptions/{s}[/resourceGroups/{rg}[/providers/…]]. */
    scope: string;
}

type Kind = "read" | "write" | "delete" | "action";

/** A built-in ARM role, as far as the emulator needs it: what it may do, and to which resource providers. */
interface ArmRole {
    kinds: Kind[];
    /** Resource providers (lower case) it covers; absent: all of them. */
    providers?: string[];
}
const ALL: Kind[] = ["read", "write", "delete", "action"];
const ARM_ROLES: Record<string, ArmRole> = {
    owner: { kinds: ALL },
    contributor: { kinds: ALL },
    reader: { kinds: ["read"] },
    // Azure Backup's operator: everything on backup but deleting it (no vault or item deletion).
    "backup operator": { kinds: ["read", "write", "action"], providers: ["microsoft.recoveryservices"] },
    "virtual machine contributor": { kinds: ALL, providers: ["microsoft.compute", "microsoft.network"] },
    "network contributor": { kinds: ALL, providers: ["microsoft.network"] },
    "storage account contributor": { kinds: ALL, providers: ["microsoft.storage"] },
};
const BLOB_ROLES: Record<string, Kind[]> = {
    "storage blob data owner": ALL,
    "storage blob data contributor": ALL,
    "storage blob data reader": ["read"],
};
const KNOWN_ROLES = [
    "Owner",
    "Contributor",
    "Reader",
    "Backup Operator",
    "Virtual Machine Contributor",
    "Network Contributor",
    "Storage Account Contributor",
    "Storage Blob Data Owner",
    "Storage Blob Data Contributor",
    "Storage Blob Data Reader",
];

/**
 * What a principal holds when the seed names no role assignments for it: ARM Contributor and blob
 * data access on the whole subscription (the default seed's drill application instead holds exactly
 * the roles a drill needs: see `drillRoleAssignments`).
 */
export function defaultRoleAssignments(subscriptionId: string): RoleAssignment[] {
    return [
        { role: "Contributor", scope: `/subscriptions/${subscriptionId}` },
        { role: "Storage Blob Data Contributor", scope: `/subscriptions/${subscriptionId}` },
    ];
}

/**
 * Exactly what a drill needs, role by role as the README's role table (Azure Backup's minimum roles
 * for restoring Azure VMs, plus VmRestore's own reads and deletes of staging blobs): Backup Operator
 * on the vault (and Recovery Services' locations, for Cross Region Restore); Virtual Machine
 * Contributor where the source VMs are (their disks too); Contributor on the groups restores
 * land in (disks, VMs, NICs; their networks and staging accounts are there too); Storage Account
 * Contributor and Storage Blob Data Contributor on each staging account.
 */
export function drillRoleAssignments(o: {
    subscriptionId: string;
    vaultIds: string[];
    sourceGroupIds: string[];
    targetGroupIds: string[];
    stagingAccountIds: string[];
}): RoleAssignment[] {
    return [
        ...o.vaultIds.map((scope) => ({ role: "Backup Operator", scope })),
        // Cross Region Restore is asked of the subscription's Recovery Services locations (the secondary region).
        { role: "Backup Operator", scope: `/subscriptions/${o.subscriptionId}/providers/Microsoft.RecoveryServices/locations` },
        // The source VMs and their disks.
        ...o.sourceGroupIds.map((scope) => ({ role: "Virtual Machine Contributor", scope })),
        ...o.targetGroupIds.map((scope) => ({ role: "Contributor", scope })),
        ...o.stagingAccountIds.flatMap((scope) => [
            { role: "Storage Account Contributor", scope },
            { role: "Storage Blob Data Contributor", scope },
        ]),
    ];
}

/** The resource provider of an ARM path (lower case), or "microsoft.resources" for subscriptions and groups. */
function providerOf(path: string): string {
    const m = /\/providers\/([^/]+)/i.exec(path);
    return m ? m[1].toLowerCase() : "microsoft.resources";
}

function within(resource: string, scope: string): boolean {
    const r = resource.toLowerCase().replace(/\/+$/, "");
    const s = scope.toLowerCase().replace(/\/+$/, "");
    return r === s || r.startsWith(`${s}/`);
}

function kindOf(method: string): Kind {
    if (method === "GET" || method === "HEAD") return "read";
    if (method === "DELETE") return "delete";
    if (method === "POST") return "action";
    return "write";
}

/** The ARM action string of a request (e.g. Microsoft.Compute/disks/delete). */
function armAction(method: string, segments: string[]): string {
    const lower = segments.map((s) => s.toLowerCase());
    const p = lower.indexOf("providers");
    const kind = kindOf(method.toUpperCase());
    if (p < 0) return `Microsoft.Resources/${lower.length > 2 ? "subscriptions/resourceGroups" : "subscriptions"}/${kind}`;
    const rest = segments.slice(p + 2);
    const types = rest.filter((_, i) => i % 2 === 0);
    if (kind === "action" && rest.length % 2 === 1) return `${segments[p + 1]}/${types.join("/")}/action`;
    return `${segments[p + 1]}/${types.join("/")}/${kind}`;
}

/**
 * The status of an asynchronous operation (`…/providers/{RP}/locations/{region}/operations|operationResults|
 * operationStatuses/{id}`): ARM lets whoever started it follow it, wherever their roles are scoped (a
 * Contributor on one resource group deletes a disk there and polls the subscription-level status URL).
 */
function isOperationStatusRead(method: string, path: string): boolean {
    return (
        method.toUpperCase() === "GET" &&
        /\/providers\/[^/]+\/locations\/[^/]+\/(operations|operationResults|operationStatuses|asyncOperations)\//i.test(path)
    );
}

/** Throws ARM's 403 when no assignment of the principal grants the request. */
export function authorizeArm(
    assignments: RoleAssignment[],
    principal: { appId: string; objectId: string },
    method: string,
    path: string,
    segments: string[],
): void {
    if (isOperationStatusRead(method, path)) return;
    const kind = kindOf(method.toUpperCase());
    const provider = providerOf(path);
    const ok = assignments.some((a) => {
        const role = ARM_ROLES[a.role.toLowerCase()];
        return !!role && role.kinds.includes(kind) && (!role.providers || role.providers.includes(provider)) && within(path, a.scope);
    });
    if (ok) return;
    const scope = path;
    throw new ArmError(
        403,
        "AuthorizationFailed",
        `The client '${principal.appId}' with object id '${principal.objectId}' does not have authorization to perform action '${armAction(method, segments)}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
}

/** Whether the principal may do this to a blob of the storage account `accountId`. */
export function blobAllowed(assignments: RoleAssignment[], method: string, accountId: string): boolean {
    // A blob POST writes (there are no blob actions).
    const methodKind = kindOf(method.toUpperCase());
    const kind = methodKind === "action" ? "write" : methodKind;
    return assignments.some((a) => BLOB_ROLES[a.role.toLowerCase()]?.includes(kind) && within(accountId, a.scope));
}

export function roleAssignmentProblems(list: unknown, where: string): string[] {
    if (list === undefined) return [];
    if (!Array.isArray(list)) return [`${where} must be an array of {role, scope}`];
    const problems: string[] = [];
    list.forEach((a, i) => {
        const at = `${where}[${i}]`;
        if (!a || typeof a !== "object") problems.push(`${at} must be {role, scope}`);
        else {
            const { role, scope } = a as Record<string, unknown>;
            if (typeof role !== "string" || !KNOWN_ROLES.some((r) => r.toLowerCase() === role.toLowerCase()))
                problems.push(`${at}.role must be one of ${KNOWN_ROLES.join(", ")}`);
            if (typeof scope !== "string" || !/^\/subscriptions\/[^/]+(\/.*)?$/i.test(scope))
                problems.push(`${at}.scope must be an ARM scope (/subscriptions/{id}[/resourceGroups/{rg}[/providers/…]])`);
        }
    });
    return problems;
}
