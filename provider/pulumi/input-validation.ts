/**
 * `check`: validates inputs at preview time, offline, and names the property and the fix for every
 * problem. Values still unknown during preview are skipped; they are checked again at `up`.
 */
import {
    ALL_INPUTS,
    CONSISTENCY_TYPES,
    DEFAULT_RECOVERY_POINT,
    DISK_NETWORK_ACCESS_OPTIONS,
    RESTORE_TYPES,
    TIERS,
    VmRestoreInputs,
} from "../restore/restore-inputs";
import { eq, parseResourceGroupId, parseResourceId, unsafeSegmentReason } from "../azure/resource-id";
import { isLoopbackUrl } from "../azure/credentials";
import { checkVerifyInputs } from "../restore/restore-verification";

export interface CheckFailure {
    property: string;
    reason: string;
}

/** The value Pulumi passes for inputs not yet known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Internal inputs the resource class adds; not user-facing. */
export const INTERNAL_INPUTS = ["__provider", "resourceName", "importJobId"];

const NAME_RULES = {
    vaultName: { re: /^[A-Za-z][A-Za-z0-9-]{1,49}$/, text: "2-50 letters, digits or hyphens, starting with a letter" },
    resourceGroup: {
        re: /^[-\w._()]{1,89}[-\w_()]$|^[-\w_()]$/,
        text: "1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period",
    },
    vmName: {
        re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9]$/,
        text: "1-64 letters, digits, periods, underscores or hyphens, starting with a letter or digit and not ending in a period or hyphen",
    },
    recoveryPoint: { re: /^[A-Za-z0-9_-]{1,128}$/, text: 'a recovery point name as Azure lists it (e.g. "348916168024334"), or "latest"' },
    storageAccount: { re: /^[a-z0-9]{3,24}$/, text: "3-24 lower-case letters or digits" },
};

/** True when any input, or any part of one (nested objects and arrays), is still unknown (preview before its dependencies exist). */
export function hasUnknowns(inputs: Record<string, unknown>): boolean {
    return Object.values(inputs).some(containsUnknown);
}

function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

function isUnknown(v: unknown): boolean {
    return v === UNKNOWN;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
    const lower = name.toLowerCase();
    const exact = candidates.find((c) => c.toLowerCase() === lower);
    if (exact) return exact;
    let best: string | undefined;
    let bestScore = Infinity;
    for (const c of candidates) {
        const d = editDistance(lower, c.toLowerCase());
        if (d < bestScore) [best, bestScore] = [c, d];
    }
    return bestScore <= 3 ? best : undefined;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

export function checkInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Record<string, unknown> = {};

    for (const [k, v] of Object.entries(news)) {
        if (INTERNAL_INPUTS.includes(k)) {
            inputs[k] = v;
            continue;
        }
        if (!ALL_INPUTS.includes(k)) {
            const hint = closest(k, ALL_INPUTS);
            fail(
                k,
                `"${k}" is not an input of VmRestore${hint ? `; did you mean "${hint}"?` : `; the inputs are ${ALL_INPUTS.join(", ")}`}`,
            );
            continue;
        }
        if (v === undefined || v === null) continue;
        inputs[k] = typeof v === "string" && !isUnknown(v) ? v.trim() : v;
    }
    // An object or array with an unknown part (a nested Output not known yet in preview) is checked
    // at `up`, like an unknown value; what is known passes through unchanged.
    const partlyKnown = new Map<string, unknown>();
    for (const [k, v] of Object.entries(inputs)) {
        if (!INTERNAL_INPUTS.includes(k) && !isUnknown(v) && containsUnknown(v)) {
            partlyKnown.set(k, v);
            inputs[k] = UNKNOWN;
        }
    }

    const str = (k: keyof VmRestoreInputs, required: boolean): string | undefined => {
        const v = inputs[k];
        if (v === undefined) {
            if (required) fail(k, `${k} is required`);
            return undefined;
        }
        if (isUnknown(v)) return undefined;
        if (typeof v !== "string") {
            fail(k, `${k} must be a string, but got ${Array.isArray(v) ? "an array" : typeof v} (${JSON.stringify(v)})`);
            return undefined;
        }
        if (v.length === 0) {
            fail(k, `${k} is an empty string; ${required ? "give a value" : "give a value or leave it out"}`);
            return undefined;
        }
        return v;
    };
    const id = (k: keyof VmRestoreInputs, type: string, required: boolean) => {
        const v = str(k, required);
        if (v === undefined) return undefined;
        try {
            return parseResourceId(v, type);
        } catch (e) {
            fail(k, `${k}: ${(e as Error).message}`);
            return undefined;
        }
    };
    const name = (k: keyof VmRestoreInputs, rule: { re: RegExp; text: string }, required: boolean) => {
        const v = str(k, required);
        if (v === undefined) return undefined;
        const unsafe = unsafeSegmentReason(v);
        if (unsafe) fail(k, `${k} "${v}" is not a valid name: ${unsafe}`);
        else if (!rule.re.test(v)) fail(k, `${k} "${v}" is not a valid name: use ${rule.text}`);
        else return v;
        return undefined;
    };

    // Source VM and vault.
    const vm = id("sourceVmId", "Microsoft.Compute/virtualMachines", true);
    const byId = inputs.vaultId !== undefined;
    const byName = inputs.vaultName !== undefined || inputs.vaultResourceGroupName !== undefined;
    if (byId && byName) {
        fail("vaultId", "give either vaultId, or vaultResourceGroupName with vaultName, not both");
    } else if (byId) {
        const vault = id("vaultId", "Microsoft.RecoveryServices/vaults", true);
        if (vault && vm && !eq(vault.subscriptionId, vm.subscriptionId)) {
            fail(
                "vaultId",
                `the vault is in subscription ${vault.subscriptionId} but the VM is in ${vm.subscriptionId}; Azure Backup protects a VM from a vault in the VM's own subscription`,
            );
        }
    } else if (byName) {
        name("vaultResourceGroupName", NAME_RULES.resourceGroup, true);
        name("vaultName", NAME_RULES.vaultName, true);
    } else {
        fail(
            "vaultId",
            "the vault is required: give vaultId (the Recovery Services vault's resource ID), or vaultResourceGroupName with vaultName",
        );
    }

    // Recovery point.
    const selector = inputs.recoveryPointSelector;
    if (selector !== undefined && !isUnknown(selector)) {
        if (inputs.recoveryPoint !== undefined)
            fail("recoveryPointSelector", "give either recoveryPoint or recoveryPointSelector, not both");
        checkSelector(selector, fail);
    } else if (inputs.recoveryPoint === undefined) inputs.recoveryPoint = DEFAULT_RECOVERY_POINT;
    else if (
        !isUnknown(inputs.recoveryPoint) &&
        !(typeof inputs.recoveryPoint === "string" && inputs.recoveryPoint.toLowerCase() === "latest")
    ) {
        name("recoveryPoint", NAME_RULES.recoveryPoint, false);
    }

    // Restore type and its targets.
    const type = str("restoreType", true);
    if (type !== undefined && !(RESTORE_TYPES as readonly string[]).includes(type)) {
        const hint = RESTORE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
        fail(
            "restoreType",
            `restoreType "${type}" is not supported; use ${hint ? `"${hint}" (names are case-sensitive)` : RESTORE_TYPES.map((t) => `"${t}"`).join(" or ")}`,
        );
    }
    const sa = id("storageAccountId", "Microsoft.Storage/storageAccounts", true);
    if (sa && !NAME_RULES.storageAccount.re.test(sa.name))
        fail("storageAccountId", `storage account name "${sa.name}" is not valid: use ${NAME_RULES.storageAccount.text}`);
    const rgRaw = str("targetResourceGroupId", type === "AlternateLocation");
    if (rgRaw !== undefined) {
        try {
            const rg = parseResourceGroupId(rgRaw);
            if (!NAME_RULES.resourceGroup.re.test(rg.resourceGroup))
                fail(
                    "targetResourceGroupId",
                    `resource group name "${rg.resourceGroup}" is not valid: use ${NAME_RULES.resourceGroup.text}`,
                );
        } catch (e) {
            fail("targetResourceGroupId", `targetResourceGroupId: ${(e as Error).message}`);
        }
    }
    const alternate = ["targetVmName", "virtualNetworkId", "subnetId"] as const;
    if (type === "AlternateLocation") {
        name("targetVmName", NAME_RULES.vmName, true);
        const vnet = id("virtualNetworkId", "Microsoft.Network/virtualNetworks", true);
        const subnet = id("subnetId", "Microsoft.Network/virtualNetworks/subnets", true);
        if (vnet && subnet && !eq(subnet.id.split("/subnets/")[0], vnet.id)) {
            fail(
                "subnetId",
                `subnet ${subnet.name} belongs to virtual network ${subnet.names[0]}, not to virtualNetworkId ${vnet.name}; give a subnet of that network`,
            );
        }
    } else if (type === "RestoreDisks" || type === "OriginalLocation") {
        for (const k of alternate)
            if (inputs[k] !== undefined)
                fail(k, `${k} is only used with restoreType "AlternateLocation"; remove it, or set restoreType to "AlternateLocation"`);
    }
    if (type === "OriginalLocation") {
        if (inputs.allowOriginalLocationOverwrite !== true) {
            fail(
                "allowOriginalLocationOverwrite",
                'restoreType "OriginalLocation" replaces the disks of the production VM in place; set allowOriginalLocationOverwrite: true to confirm, or restore to "AlternateLocation" for a drill',
            );
        }
        if (inputs.targetResourceGroupId !== undefined)
            fail(
                "targetResourceGroupId",
                'restoreType "OriginalLocation" restores into the source VM itself; remove targetResourceGroupId',
            );
    } else if (
        inputs.allowOriginalLocationOverwrite !== undefined &&
        !isUnknown(inputs.allowOriginalLocationOverwrite) &&
        typeof inputs.allowOriginalLocationOverwrite !== "boolean"
    ) {
        fail("allowOriginalLocationOverwrite", "allowOriginalLocationOverwrite must be true or false");
    }
    checkRestoreOptions(inputs, type, fail, id);

    // Transport and timing.
    const endpoint = str("armEndpoint", false);
    if (endpoint !== undefined) {
        let u: URL | undefined;
        try {
            u = new URL(endpoint);
        } catch {
            fail("armEndpoint", `armEndpoint "${endpoint}" is not a URL; use e.g. https://management.azure.com`);
        }
        if (u) {
            if (u.username || u.password)
                fail("armEndpoint", "armEndpoint must not carry credentials; use the Azure credential environment variables instead");
            else if (u.protocol !== "https:" && !(u.protocol === "http:" && isLoopbackUrl(endpoint))) {
                fail(
                    "armEndpoint",
                    `armEndpoint must use https (plain http is allowed only for a local emulator on 127.0.0.1/localhost), got "${endpoint}"`,
                );
            } else if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash) {
                fail("armEndpoint", `armEndpoint must be just the origin, e.g. ${u.origin}, without a path or query`);
            } else inputs.armEndpoint = u.origin;
        }
    }
    checkVerifyInputs(inputs, isUnknown, fail);
    const timeout = inputs.timeoutMinutes;
    if (timeout !== undefined && !isUnknown(timeout)) {
        if (typeof timeout !== "number" || !Number.isFinite(timeout))
            fail("timeoutMinutes", `timeoutMinutes must be a number of minutes, got ${JSON.stringify(timeout)}`);
        else if (timeout <= 0 || timeout > 7 * 24 * 60)
            fail("timeoutMinutes", `timeoutMinutes must be above 0 and at most 10080 (7 days), got ${timeout}`);
    }
    if (inputs.crossRegion === true) {
        if (type === "OriginalLocation")
            fail("crossRegion", 'a cross-region restore cannot overwrite the source VM: use "RestoreDisks" or "AlternateLocation"');
        if (inputs.rehydration !== undefined)
            fail("crossRegion", "archive-tier points cannot be restored across regions; restore in the vault's region");
    }
    if (inputs.secondaryRegion !== undefined && !isUnknown(inputs.secondaryRegion)) {
        if (inputs.crossRegion !== true) fail("secondaryRegion", "secondaryRegion is only used with crossRegion: true");
        else if (typeof inputs.secondaryRegion !== "string" || !/^[a-z0-9]{3,40}$/i.test(inputs.secondaryRegion))
            fail(
                "secondaryRegion",
                `secondaryRegion must be an Azure region name such as "northeurope", got ${JSON.stringify(inputs.secondaryRegion)}`,
            );
    }
    for (const k of ["deleteStagingBlobs", "cancelOnTimeout", "preflight", "osDiskOnly", "crossRegion"] as const) {
        const v = inputs[k];
        if (v !== undefined && !isUnknown(v) && typeof v !== "boolean") fail(k, `${k} must be true or false, got ${JSON.stringify(v)}`);
    }
    for (const [k, v] of partlyKnown) inputs[k] = v;
    return { inputs, failures };
}

type Fail = (property: string, reason: string) => void;
type IdCheck = (k: keyof VmRestoreInputs, type: string, required: boolean) => unknown;

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkSelector(selector: unknown, fail: Fail): void {
    const k = "recoveryPointSelector";
    if (!isObject(selector))
        return fail(k, `${k} must be an object like { consistency: "AppConsistent", notAfter: "2026-11-20T00:00:00Z", tier: "Vault" }`);
    for (const key of Object.keys(selector)) {
        if (!["consistency", "notAfter", "tier"].includes(key))
            fail(`${k}.${key}`, `"${key}" is not a selector field; use consistency, notAfter or tier`);
    }
    const { consistency, notAfter, tier } = selector;
    if (consistency !== undefined && !(CONSISTENCY_TYPES as readonly unknown[]).includes(consistency)) {
        fail(`${k}.consistency`, `consistency must be one of ${CONSISTENCY_TYPES.join(", ")}, got ${JSON.stringify(consistency)}`);
    }
    if (tier !== undefined && !(TIERS as readonly unknown[]).includes(tier))
        fail(`${k}.tier`, `tier must be one of ${TIERS.join(", ")}, got ${JSON.stringify(tier)}`);
    if (notAfter !== undefined && (typeof notAfter !== "string" || Number.isNaN(Date.parse(notAfter)))) {
        fail(`${k}.notAfter`, `notAfter must be an ISO 8601 time such as "2026-11-20T00:00:00Z", got ${JSON.stringify(notAfter)}`);
    }
}

/** The restore options of IaasVMRestoreRequest: shapes, IDs and combinations. */
function checkRestoreOptions(inputs: Record<string, unknown>, type: string | undefined, fail: Fail, id: IdCheck): void {
    const v = (k: string) => (isUnknown(inputs[k]) ? undefined : inputs[k]);
    const luns = v("diskLuns");
    if (luns !== undefined) {
        if (!Array.isArray(luns) || luns.some((l) => !Number.isInteger(l) || (l as number) < 0 || (l as number) > 63)) {
            fail("diskLuns", `diskLuns must be a list of data disk LUNs (whole numbers 0-63), got ${JSON.stringify(luns)}`);
        } else if (new Set(luns).size !== luns.length) fail("diskLuns", `diskLuns lists a LUN twice: ${JSON.stringify(luns)}`);
        else if (luns.length === 0) fail("diskLuns", "diskLuns is empty; to restore only the OS disk set osDiskOnly: true");
        if (v("osDiskOnly") === true) fail("osDiskOnly", "give either osDiskOnly or diskLuns, not both");
    }
    if ((luns !== undefined || v("osDiskOnly") === true) && type === "OriginalLocation") {
        fail(luns !== undefined ? "diskLuns" : "osDiskOnly", 'selective disk restore is not available for restoreType "OriginalLocation"');
    }
    const zone = v("targetZone");
    if (zone !== undefined && !["1", "2", "3"].includes(String(zone)))
        fail("targetZone", `targetZone must be "1", "2" or "3", got ${JSON.stringify(zone)}`);
    if (zone !== undefined && v("edgeZone") !== undefined) fail("targetZone", "an availability zone cannot be combined with edgeZone");
    if (v("diskEncryptionSetId") !== undefined) id("diskEncryptionSetId", "Microsoft.Compute/diskEncryptionSets", false);
    if (v("securedVmOsDiskEncryptionSetId") !== undefined)
        id("securedVmOsDiskEncryptionSetId", "Microsoft.Compute/diskEncryptionSets", false);

    const keys = v("encryptionKeys");
    if (keys !== undefined) {
        if (!isObject(keys))
            fail("encryptionKeys", "encryptionKeys must be an object { secretKeyUrl, secretKeyVaultId, kekUrl?, kekVaultId? }");
        else {
            const kvUrl =
                /^https:\/\/[a-z0-9-]{3,24}\.vault\.(azure\.net|usgovcloudapi\.net|azure\.cn)\/(secrets|keys)\/[A-Za-z0-9-]+(\/[A-Za-z0-9]+)?$/i;
            for (const [f, required, kind] of [
                ["secretKeyUrl", true, "secrets"],
                ["kekUrl", false, "keys"],
            ] as const) {
                const u = keys[f];
                if (u === undefined) {
                    if (required) fail(`encryptionKeys.${f}`, `encryptionKeys.${f} is required for an Azure Disk Encryption VM`);
                } else if (typeof u !== "string" || !kvUrl.test(u) || !u.includes(`/${kind}/`)) {
                    fail(
                        `encryptionKeys.${f}`,
                        `encryptionKeys.${f} must be a Key Vault ${kind} URL such as https://myvault.vault.azure.net/${kind}/name/version, got ${JSON.stringify(u)}`,
                    );
                }
            }
            for (const f of ["secretKeyVaultId", "kekVaultId"] as const) {
                const vid = keys[f];
                if (vid === undefined) {
                    if (f === "secretKeyVaultId" || keys.kekUrl !== undefined)
                        fail(
                            `encryptionKeys.${f}`,
                            `encryptionKeys.${f} is required${f === "kekVaultId" ? " with kekUrl" : ""}: the Key Vault's resource ID`,
                        );
                } else if (
                    typeof vid !== "string" ||
                    !/\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i.test(vid) ||
                    unsafeIdSegment(vid)
                ) {
                    fail(
                        `encryptionKeys.${f}`,
                        `encryptionKeys.${f} must be a Microsoft.KeyVault/vaults resource ID, got ${JSON.stringify(vid)}`,
                    );
                }
            }
        }
    }

    const identity = v("identity");
    if (identity !== undefined) {
        if (!isObject(identity)) fail("identity", "identity must be an object { systemAssigned: true } or { userAssignedIdentityId }");
        else {
            const sys = identity.systemAssigned === true;
            const uai = identity.userAssignedIdentityId;
            if (sys === (uai !== undefined))
                fail("identity", "identity needs exactly one of systemAssigned: true or userAssignedIdentityId");
            if (
                uai !== undefined &&
                (typeof uai !== "string" ||
                    !/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(uai) ||
                    unsafeIdSegment(uai))
            ) {
                fail(
                    "identity.userAssignedIdentityId",
                    `identity.userAssignedIdentityId must be a Microsoft.ManagedIdentity/userAssignedIdentities resource ID, got ${JSON.stringify(uai)}`,
                );
            }
            if (identity.useForStagingAccount !== undefined && typeof identity.useForStagingAccount !== "boolean")
                fail("identity.useForStagingAccount", "identity.useForStagingAccount must be true or false");
        }
    }

    const access = v("diskNetworkAccess");
    if (access !== undefined) {
        if (!isObject(access) || !(DISK_NETWORK_ACCESS_OPTIONS as readonly unknown[]).includes(access.option)) {
            fail("diskNetworkAccess", `diskNetworkAccess.option must be one of ${DISK_NETWORK_ACCESS_OPTIONS.join(", ")}`);
        } else if (access.option === "EnablePrivateAccessForAllDisks") {
            const da = access.diskAccessId;
            if (typeof da !== "string" || !/\/providers\/Microsoft\.Compute\/diskAccesses\/[^/]+$/i.test(da) || unsafeIdSegment(da)) {
                fail(
                    "diskNetworkAccess.diskAccessId",
                    "EnablePrivateAccessForAllDisks needs diskAccessId: a Microsoft.Compute/diskAccesses resource ID",
                );
            }
        } else if (access.diskAccessId !== undefined)
            fail("diskNetworkAccess.diskAccessId", `diskAccessId is only used with EnablePrivateAccessForAllDisks, not ${access.option}`);
    }

    const edge = v("edgeZone");
    if (edge !== undefined && (typeof edge !== "string" || !/^[a-z0-9]{2,40}$/i.test(edge)))
        fail("edgeZone", `edgeZone must be an Extended Zone name such as "losangeles", got ${JSON.stringify(edge)}`);

    const guards = v("resourceGuardOperationRequests");
    if (
        guards !== undefined &&
        (!Array.isArray(guards) || guards.some((g) => typeof g !== "string" || !g.startsWith("/") || unsafeIdSegment(g)))
    ) {
        fail(
            "resourceGuardOperationRequests",
            "resourceGuardOperationRequests must be a list of Resource Guard operation request IDs (…/providers/Microsoft.DataProtection/resourceGuards/{guard}/{operation}/default)",
        );
    }

    const rehydration = v("rehydration");
    if (rehydration !== undefined) {
        if (!isObject(rehydration))
            fail("rehydration", 'rehydration must be an object { priority: "Standard" | "High", retentionDays: 10-30 }');
        else {
            if (!["Standard", "High"].includes(rehydration.priority as string))
                fail(
                    "rehydration.priority",
                    `rehydration.priority must be "Standard" or "High", got ${JSON.stringify(rehydration.priority)}`,
                );
            const d = rehydration.retentionDays;
            if (!Number.isInteger(d) || (d as number) < 10 || (d as number) > 30)
                fail(
                    "rehydration.retentionDays",
                    `rehydration.retentionDays must be a whole number of days from 10 to 30, got ${JSON.stringify(d)}`,
                );
        }
    }
}

/** A segment of an ID that could inject into a URL, if any. */
function unsafeIdSegment(id: string): string | undefined {
    return id
        .slice(1)
        .split("/")
        .map(unsafeSegmentReason)
        .find((r) => r !== undefined);
}
