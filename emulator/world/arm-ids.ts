/**
 * ARM resource ID parsing, building and case-insensitive comparison.
 */

export interface ParsedResourceId {
    subscriptionId: string;
    resourceGroup?: string;
    /** e.g. "Microsoft.Network" */
    namespace?: string;
    /** e.g. ["virtualNetworks", "subnets"] */
    types: string[];
    /** e.g. ["vnet-restore", "default"] */
    names: string[];
}

export function trimId(id: string): string {
    return id.trim().replace(/\/+$/, "");
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    return trimId(a).toLowerCase() === trimId(b).toLowerCase();
}

export function sameName(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    return a.toLowerCase() === b.toLowerCase();
}

/** "West Europe" and "westeurope" are the same region. */
export function sameRegion(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    const norm = (s: string) => s.replace(/\s+/g, "").toLowerCase();
    return norm(a) === norm(b);
}

export function parseResourceId(id: string): ParsedResourceId | undefined {
    const segs = trimId(id)
        .split("/")
        .filter((s) => s.length > 0);
    if (segs.length < 2 || segs[0].toLowerCase() !== "subscriptions") return undefined;
    const out: ParsedResourceId = { subscriptionId: segs[1], types: [], names: [] };
    let i = 2;
    if (segs[i]?.toLowerCase() === "resourcegroups") {
        if (segs[i + 1] === undefined) return undefined;
        out.resourceGroup = segs[i + 1];
        i += 2;
    }
    if (i >= segs.length) return out;
    if (segs[i].toLowerCase() !== "providers" || segs[i + 1] === undefined) return undefined;
    out.namespace = segs[i + 1];
    i += 2;
    while (i < segs.length) {
        if (segs[i + 1] === undefined) return undefined;
        out.types.push(segs[i]);
        out.names.push(segs[i + 1]);
        i += 2;
    }
    return out;
}

/** "Microsoft.Network/virtualNetworks/subnets" for a parsed subnet ID. */
export function fullType(p: ParsedResourceId): string | undefined {
    if (!p.namespace || p.types.length === 0) return undefined;
    return [p.namespace, ...p.types].join("/");
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function resourceId(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
    return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${type}/${name}`;
}

/** The ID of the parent of a child resource (the vnet of a subnet); undefined for a top-level resource. */
export function parentResourceId(id: string): string | undefined {
    const p = parseResourceId(id);
    if (!p?.resourceGroup || !p.namespace || p.types.length < 2) return undefined;
    const n = p.types.length - 1;
    const path = p.types
        .slice(0, n)
        .map((t, i) => `${t}/${p.names[i]}`)
        .join("/");
    return `${resourceGroupId(p.subscriptionId, p.resourceGroup)}/providers/${p.namespace}/${path}`;
}

/** The Azure region pair of a region (where Cross Region Restore lands); the region itself if it has no known pair. */
export function pairedRegion(location: string): string {
    const pairs: Record<string, string> = {
        westeurope: "northeurope",
        northeurope: "westeurope",
        eastus: "westus",
        westus: "eastus",
        eastus2: "centralus",
        centralus: "eastus2",
        uksouth: "ukwest",
        ukwest: "uksouth",
        germanywestcentral: "germanynorth",
        germanynorth: "germanywestcentral",
        francecentral: "francesouth",
        francesouth: "francecentral",
        southeastasia: "eastasia",
        eastasia: "southeastasia",
        australiaeast: "australiasoutheast",
        australiasoutheast: "australiaeast",
        japaneast: "japanwest",
        japanwest: "japaneast",
    };
    return pairs[location.replace(/\s+/g, "").toLowerCase()] ?? location;
}
