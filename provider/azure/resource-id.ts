/**
 * Azure Resource Manager resource IDs: parsing, validation and case-insensitive comparison.
 *
 * Every ID that reaches an ARM URL goes through `parseResourceId`, which refuses segments that could
 * change the meaning of the URL (`/`, `?`, `#`, `..`, percent-encoded forms, control characters).
 */

export interface ResourceId {
    /** The ID exactly as given (trimmed). */
    readonly id: string;
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    /** e.g. `Microsoft.Compute` */
    readonly provider: string;
    /** Resource types from the top level down, e.g. `["virtualNetworks", "subnets"]`. */
    readonly types: string[];
    /** Names matching `types`, e.g. `["vnet-restore", "default"]`. */
    readonly names: string[];
    /** The last name (the resource's own name). */
    readonly name: string;
}

/** Characters that must never appear in a name we put into an ARM URL path. */
// (A string, not a Set: this module is serialized into the provider's closure, where a Set does not survive.)
const UNSAFE_CHARACTERS = "/?#\\%\u007f";

/** The first character that may not stand in an ARM name: a URL delimiter, `%`, or a control character. */
function firstUnsafeCharacter(segment: string): string | undefined {
    for (const ch of segment) if (UNSAFE_CHARACTERS.includes(ch) || ch.charCodeAt(0) < 0x20) return ch;
    return undefined;
}

/** Why a single ARM name is unsafe, or undefined when it is fine. */
export function unsafeSegmentReason(segment: string): string | undefined {
    if (segment.length === 0) return "it is empty";
    if (segment.trim() !== segment) return "it has leading or trailing white space";
    if (segment === "." || segment === "..") return `"${segment}" is a path traversal segment`;
    const ch = firstUnsafeCharacter(segment);
    if (ch !== undefined) {
        const shown = ch.charCodeAt(0) < 0x20 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}` : ch;
        return `it contains "${shown}", which is not allowed in an Azure resource name`;
    }
    return undefined;
}

function idError(message: string): Error {
    const e = new Error(message);
    e.name = "ResourceIdError";
    return e;
}

/**
 * Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]`.
 * `expectedType` (e.g. `Microsoft.Compute/virtualMachines`) is compared case-insensitively.
 */
export function parseResourceId(raw: string, expectedType?: string): ResourceId {
    if (typeof raw !== "string") throw idError(`expected a resource ID string, got ${typeof raw}`);
    const id = raw.trim();
    const example = expectedType
        ? exampleId(expectedType)
        : "/subscriptions/{subscriptionId}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}";
    if (!id.startsWith("/")) throw idError(`"${id}" is not an Azure resource ID; expected the form ${example}`);
    const parts = id.slice(1).split("/");
    for (const p of parts) {
        const why = unsafeSegmentReason(p);
        if (why) throw idError(`"${id}" has an invalid segment: ${why}; expected the form ${example}`);
    }
    if (
        parts.length < 8 ||
        parts.length % 2 !== 0 ||
        !eq(parts[0], "subscriptions") ||
        !eq(parts[2], "resourceGroups") ||
        !eq(parts[4], "providers")
    ) {
        throw idError(`"${id}" is not a well-formed Azure resource ID; expected the form ${example}`);
    }
    const types: string[] = [];
    const names: string[] = [];
    for (let i = 6; i < parts.length; i += 2) {
        types.push(parts[i]);
        names.push(parts[i + 1]);
    }
    const parsed: ResourceId = {
        id,
        subscriptionId: parts[1],
        resourceGroup: parts[3],
        provider: parts[5],
        types,
        names,
        name: names[names.length - 1],
    };
    if (expectedType && !eq(resourceType(parsed), expectedType)) {
        throw idError(`"${id}" is a ${resourceType(parsed)} ID, but a ${expectedType} ID is needed, e.g. ${example}`);
    }
    return parsed;
}

/** `/subscriptions/{s}/resourceGroups/{rg}`; returns subscription and group. */
export function parseResourceGroupId(raw: string): { id: string; subscriptionId: string; resourceGroup: string } {
    if (typeof raw !== "string") throw idError(`expected a resource group ID string, got ${typeof raw}`);
    const id = raw.trim();
    const example = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
    const parts = id.startsWith("/") ? id.slice(1).split("/") : [];
    for (const p of parts) {
        const why = unsafeSegmentReason(p);
        if (why) throw idError(`"${id}" has an invalid segment: ${why}; expected the form ${example}`);
    }
    if (parts.length !== 4 || !eq(parts[0], "subscriptions") || !eq(parts[2], "resourceGroups")) {
        throw idError(`"${id}" is not a resource group ID; expected the form ${example}`);
    }
    return { id, subscriptionId: parts[1], resourceGroup: parts[3] };
}

/** `Microsoft.Compute/virtualMachines`, `Microsoft.Network/virtualNetworks/subnets`, ... */
export function resourceType(r: ResourceId): string {
    return [r.provider, ...r.types].join("/");
}

/** Case-insensitive equality, the way ARM compares names and IDs. */
export function eq(a: string | undefined, b: string | undefined): boolean {
    return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function sameResourceId(a: string | undefined, b: string | undefined): boolean {
    return eq(a?.replace(/\/+$/, ""), b?.replace(/\/+$/, ""));
}

function exampleId(type: string): string {
    const [ns, ...types] = type.split("/");
    const tail = types.map((t, i) => `${t}/{${i === types.length - 1 ? "name" : "parentName"}}`).join("/");
    return `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ns}/${tail}`;
}
