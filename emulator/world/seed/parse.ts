/** Reading a seed document (a JSON file, PUT /admin/seed): `parseSeed` checks it, listing every problem, and fills in defaults. */
import { isObject } from "../../server/json";
import { readFileSync } from "fs";
import { variantProblems } from "../azure-variants";
import { roleAssignmentProblems } from "../../server/role-assignments";
import { isWireFormat } from "../../backup/wire-format";
import { DEFAULT_TIMING } from "./default-seed";
import { findSeedItem } from "./lookup";
import { DiskEncryptionSetType, DiskNetworkAccessPolicy, SecurityType, Seed, SeedRecoveryPoint } from "./types";

export class SeedError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid seed:\n  - ${problems.join("\n  - ")}`);
        this.name = "SeedError";
    }
}

/** Reads and checks a seed JSON file. */
export function loadSeedFile(path: string): Seed {
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
        throw new SeedError([`cannot read ${path}: ${(e as Error).message}`]);
    }
    return parseSeed(json);
}

/** Checks a seed document (from JSON) and returns it as a Seed; throws SeedError listing every problem. */
export function parseSeed(input: unknown): Seed {
    if (!isObject(input)) throw new SeedError(["the seed must be a JSON object"]);
    const c = new SeedCheck(input as unknown as Seed);
    checkTopLevel(c);
    if (c.problems.length > 0) throw new SeedError(c.problems);
    checkResourceGroups(c);
    checkRestoreOptionResources(c);
    checkVaults(c);
    checkVirtualNetworks(c);
    checkStorageAccounts(c);
    checkVirtualMachines(c);
    checkSettings(c);
    checkServicePrincipals(c);
    if (c.problems.length > 0) throw new SeedError(c.problems);
    return JSON.parse(JSON.stringify(c.seed)) as Seed;
}

/** The seed being checked, the problems found so far, and the resource groups it declares. */
class SeedCheck {
    readonly problems: string[] = [];
    readonly resourceGroups = new Set<string>();

    constructor(readonly seed: Seed) {}

    readonly p = (msg: string): void => {
        this.problems.push(msg);
    };

    /** `rg` is a resource group of the seed. */
    inRg(rg: unknown, where: string): void {
        if (typeof rg !== "string" || !this.resourceGroups.has(rg.toLowerCase()))
            this.p(`${where}: resource group '${String(rg)}' is not in resourceGroups`);
    }

    /** No two items of a kind share a name in one resource group. */
    unique(kind: string, items: Array<{ name?: unknown; resourceGroup?: unknown }>): void {
        const seen = new Set<string>();
        for (const it of items) {
            if (!isObject(it)) continue;
            const k = `${String(it.resourceGroup)}/${String(it.name)}`.toLowerCase();
            if (seen.has(k)) this.p(`${kind} ${String(it.name)} appears twice in resource group ${String(it.resourceGroup)}`);
            seen.add(k);
        }
    }

    /** Items with a name and a location in a resource group of the seed, each once. */
    located(kind: string, items: Array<{ name?: unknown; resourceGroup?: unknown; location?: unknown }>): void {
        const p = this.p;
        items.forEach((it, i) => {
            if (!isObject(it)) return p(`${kind}[${i}] must be an object`);
            str(it.name, `${kind}[${i}].name`, p);
            str(it.location, `${kind}[${i}].location`, p);
            this.inRg(it.resourceGroup, `${kind}[${i}]`);
        });
        this.unique(kind, items);
    }
}

const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

/** The IDs and the collections every seed has. */
function checkTopLevel(c: SeedCheck): void {
    const { seed, p } = c;
    str(seed.subscriptionId, "subscriptionId", p);
    str(seed.tenantId, "tenantId", p);
    for (const key of ["resourceGroups", "vaults", "virtualNetworks", "storageAccounts", "virtualMachines"] as const) {
        if (!Array.isArray(seed[key])) p(`${key} must be an array`);
    }
}

function checkResourceGroups(c: SeedCheck): void {
    const { seed, p } = c;
    seed.resourceGroups.forEach((rg, i) => {
        if (!isObject(rg)) return p(`resourceGroups[${i}] must be an object`);
        str(rg.name, `resourceGroups[${i}].name`, p);
        str(rg.location, `resourceGroups[${i}].location`, p);
        if (typeof rg.name === "string") {
            if (c.resourceGroups.has(rg.name.toLowerCase())) p(`resource group ${rg.name} appears twice`);
            c.resourceGroups.add(rg.name.toLowerCase());
        }
    });
}

/** Key Vaults, user-assigned identities, disk accesses, disk encryption sets and edge zones: what restore options refer to. */
function checkRestoreOptionResources(c: SeedCheck): void {
    const { seed, p } = c;
    // Optional collections of the resources restore options refer to.
    for (const key of ["diskEncryptionSets", "userAssignedIdentities", "diskAccesses", "keyVaults", "edgeZones"] as const) {
        if (seed[key] !== undefined && !Array.isArray(seed[key])) p(`${key} must be an array`);
    }
    c.located("keyVaults", list(seed.keyVaults));
    list(seed.keyVaults).forEach((kv, i) => {
        if (!isObject(kv)) return;
        if (typeof kv.name === "string" && !/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(kv.name))
            p(`keyVaults[${i}].name '${kv.name}' must be 3-24 letters, digits and hyphens, starting with a letter`);
        for (const k of ["secrets", "keys"] as const) {
            const names = kv[k];
            if (
                names !== undefined &&
                !(Array.isArray(names) && names.every((n) => typeof n === "string" && /^[A-Za-z0-9-]{1,127}$/.test(n)))
            )
                p(`keyVaults[${i}].${k} must be an array of names (letters, digits, hyphens)`);
        }
    });
    c.located("userAssignedIdentities", list(seed.userAssignedIdentities));
    c.located("diskAccesses", list(seed.diskAccesses));
    c.located("diskEncryptionSets", list(seed.diskEncryptionSets));
    list(seed.diskEncryptionSets).forEach((des, i) => {
        if (!isObject(des)) return;
        if (des.encryptionType !== undefined && !DES_TYPES.includes(des.encryptionType))
            p(`diskEncryptionSets[${i}].encryptionType must be one of ${DES_TYPES.join(", ")}`);
        if (des.keyVault !== undefined) {
            const kv = findSeedItem(seed.subscriptionId, "Microsoft.KeyVault/vaults", list(seed.keyVaults), des.keyVault);
            if (!kv) p(`diskEncryptionSets[${i}].keyVault '${String(des.keyVault)}' is not in keyVaults`);
            else if (des.keyName !== undefined && !(kv.keys ?? []).includes(des.keyName))
                p(`diskEncryptionSets[${i}].keyName '${String(des.keyName)}' is not a key of key vault ${kv.name}`);
        }
    });
    list(seed.edgeZones).forEach((z, i) => {
        if (!isObject(z)) return p(`edgeZones[${i}] must be an object {name, location}`);
        str(z.name, `edgeZones[${i}].name`, p);
        str(z.location, `edgeZones[${i}].location`, p);
    });
}

function checkVaults(c: SeedCheck): void {
    const { seed, p } = c;
    seed.vaults.forEach((v, i) => {
        if (!isObject(v)) return p(`vaults[${i}] must be an object`);
        str(v.name, `vaults[${i}].name`, p);
        str(v.location, `vaults[${i}].location`, p);
        c.inRg(v.resourceGroup, `vaults[${i}]`);
        for (const k of ["crossRegionRestore", "resourceGuardEnabled"] as const) {
            if (v[k] !== undefined && typeof v[k] !== "boolean") p(`vaults[${i}].${k} must be a boolean`);
        }
        if (v.secondaryRegion !== undefined) str(v.secondaryRegion, `vaults[${i}].secondaryRegion`, p);
        if (
            v.resourceGuardId !== undefined &&
            !(
                typeof v.resourceGuardId === "string" &&
                /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DataProtection\/resourceGuards\/[^/]+$/i.test(
                    v.resourceGuardId,
                )
            )
        ) {
            p(`vaults[${i}].resourceGuardId must be a Microsoft.DataProtection/resourceGuards resource ID`);
        }
        if (v.identity !== undefined) {
            if (!isObject(v.identity)) p(`vaults[${i}].identity must be {systemAssigned?, userAssigned?}`);
            else {
                if (v.identity.systemAssigned !== undefined && typeof v.identity.systemAssigned !== "boolean")
                    p(`vaults[${i}].identity.systemAssigned must be a boolean`);
                const ua = v.identity.userAssigned;
                if (ua !== undefined) {
                    if (!Array.isArray(ua)) p(`vaults[${i}].identity.userAssigned must be an array of identity names or IDs`);
                    else
                        ua.forEach((ref, j) => {
                            if (
                                !findSeedItem(
                                    seed.subscriptionId,
                                    "Microsoft.ManagedIdentity/userAssignedIdentities",
                                    list(seed.userAssignedIdentities),
                                    ref,
                                )
                            )
                                p(`vaults[${i}].identity.userAssigned[${j}] '${String(ref)}' is not in userAssignedIdentities`);
                        });
                }
            }
        }
    });
    c.unique("vault", seed.vaults);
}

function checkVirtualNetworks(c: SeedCheck): void {
    const { seed, p } = c;
    seed.virtualNetworks.forEach((n, i) => {
        if (!isObject(n)) return p(`virtualNetworks[${i}] must be an object`);
        str(n.name, `virtualNetworks[${i}].name`, p);
        str(n.location, `virtualNetworks[${i}].location`, p);
        str(n.addressPrefix, `virtualNetworks[${i}].addressPrefix`, p);
        c.inRg(n.resourceGroup, `virtualNetworks[${i}]`);
        if (!Array.isArray(n.subnets) || n.subnets.length === 0) p(`virtualNetworks[${i}].subnets must be a non-empty array`);
        else
            n.subnets.forEach((s, j) => {
                str(s?.name, `virtualNetworks[${i}].subnets[${j}].name`, p);
                str(s?.addressPrefix, `virtualNetworks[${i}].subnets[${j}].addressPrefix`, p);
            });
    });
    c.unique("virtual network", seed.virtualNetworks);
}

function checkStorageAccounts(c: SeedCheck): void {
    const { seed, p } = c;
    const accountNames = new Set<string>();
    seed.storageAccounts.forEach((a, i) => {
        if (!isObject(a)) return p(`storageAccounts[${i}] must be an object`);
        str(a.name, `storageAccounts[${i}].name`, p);
        str(a.location, `storageAccounts[${i}].location`, p);
        str(a.sku, `storageAccounts[${i}].sku`, p);
        c.inRg(a.resourceGroup, `storageAccounts[${i}]`);
        if (typeof a.name === "string") {
            if (!/^[a-z0-9]{3,24}$/.test(a.name)) p(`storageAccounts[${i}].name '${a.name}' must be 3-24 lowercase letters and digits`);
            if (accountNames.has(a.name)) p(`storage account ${a.name} appears twice (names are global)`);
            accountNames.add(a.name);
        }
    });
}

/** The protected VMs: disks, network, security, protection and recovery points. */
function checkVirtualMachines(c: SeedCheck): void {
    const { seed, p } = c;
    const vaultNames = new Set(seed.vaults.filter(isObject).map((v) => String(v.name).toLowerCase()));
    const vnetKeys = new Set(
        seed.virtualNetworks.filter(isObject).map((n) => `${String(n.resourceGroup)}/${String(n.name)}`.toLowerCase()),
    );
    const rpIds = new Set<string>();
    seed.virtualMachines.forEach((vm, i) => {
        const at = `virtualMachines[${i}]`;
        if (!isObject(vm)) return p(`${at} must be an object`);
        str(vm.name, `${at}.name`, p);
        str(vm.location, `${at}.location`, p);
        str(vm.vmSize, `${at}.vmSize`, p);
        c.inRg(vm.resourceGroup, at);
        if (vm.osType !== "Linux" && vm.osType !== "Windows") p(`${at}.osType must be Linux or Windows`);
        if (vm.zones !== undefined && !(Array.isArray(vm.zones) && vm.zones.every((z) => typeof z === "string")))
            p(`${at}.zones must be an array of strings`);
        disk(vm.osDisk, `${at}.osDisk`, p);
        const luns = new Set<number>();
        if (vm.dataDisks !== undefined) {
            if (!Array.isArray(vm.dataDisks)) p(`${at}.dataDisks must be an array`);
            else
                vm.dataDisks.forEach((d, j) => {
                    disk(d, `${at}.dataDisks[${j}]`, p);
                    if (!Number.isInteger(d?.lun) || d.lun < 0 || d.lun > 63) p(`${at}.dataDisks[${j}].lun must be an integer 0..63`);
                    else if (luns.has(d.lun)) p(`${at}: LUN ${d.lun} appears twice`);
                    else luns.add(d.lun);
                });
        }
        if (!isObject(vm.network)) p(`${at}.network must be {virtualNetwork, subnet}`);
        else {
            str(vm.network.virtualNetwork, `${at}.network.virtualNetwork`, p);
            str(vm.network.subnet, `${at}.network.subnet`, p);
            const vnet = String(vm.network.virtualNetwork);
            if (!vnet.startsWith("/") && !vnetKeys.has(`${String(vm.resourceGroup)}/${vnet}`.toLowerCase())) {
                p(`${at}.network.virtualNetwork '${vnet}' is not a virtual network in resource group ${String(vm.resourceGroup)}`);
            }
        }
        if (vm.isManagedVirtualMachine !== undefined && typeof vm.isManagedVirtualMachine !== "boolean")
            p(`${at}.isManagedVirtualMachine must be a boolean`);
        if (vm.isManagedVirtualMachine === false) {
            if (
                typeof vm.vhdStorageAccount !== "string" ||
                !seed.storageAccounts.some((a) => isObject(a) && a.name === vm.vhdStorageAccount)
            ) {
                p(`${at}.vhdStorageAccount must name a storage account of the seed (an unmanaged VM keeps its VHDs there)`);
            }
        }
        if (vm.securityType !== undefined && !SECURITY_TYPES.includes(vm.securityType))
            p(`${at}.securityType must be one of ${SECURITY_TYPES.join(", ")}`);
        if (
            vm.secureVMDiskEncryptionSet !== undefined &&
            !findSeedItem(
                seed.subscriptionId,
                "Microsoft.Compute/diskEncryptionSets",
                list(seed.diskEncryptionSets),
                vm.secureVMDiskEncryptionSet,
            )
        ) {
            p(`${at}.secureVMDiskEncryptionSet '${String(vm.secureVMDiskEncryptionSet)}' is not in diskEncryptionSets`);
        }
        if (vm.diskNetworkAccess !== undefined) {
            const dna = vm.diskNetworkAccess;
            if (!isObject(dna) || !NETWORK_ACCESS_POLICIES.includes(dna.policy))
                p(`${at}.diskNetworkAccess must be {policy: ${NETWORK_ACCESS_POLICIES.join(" | ")}, diskAccess?}`);
            else if (
                dna.policy === "AllowPrivate" &&
                !findSeedItem(seed.subscriptionId, "Microsoft.Compute/diskAccesses", list(seed.diskAccesses), dna.diskAccess)
            ) {
                p(
                    `${at}.diskNetworkAccess.diskAccess '${String(dna.diskAccess)}' must name a disk access of the seed (policy AllowPrivate)`,
                );
            }
        }
        if (vm.protection !== undefined) {
            if (!isObject(vm.protection) || typeof vm.protection.vault !== "string") p(`${at}.protection must be {vault, policy?}`);
            else if (!vaultNames.has(vm.protection.vault.toLowerCase()))
                p(`${at}.protection.vault '${vm.protection.vault}' is not in vaults`);
        }
        if (vm.recoveryPoints !== undefined) {
            if (!Array.isArray(vm.recoveryPoints)) p(`${at}.recoveryPoints must be an array`);
            else vm.recoveryPoints.forEach((rp, j) => checkRecoveryPoint(c, rp, `${at}.recoveryPoints[${j}]`, rpIds));
        }
    });
    c.unique("virtual machine", seed.virtualMachines);
}

/** One recovery point of a VM; `rpIds` collects the IDs so far (they are unique across the seed). */
function checkRecoveryPoint(c: SeedCheck, rp: SeedRecoveryPoint, rat: string, rpIds: Set<string>): void {
    const p = c.p;
    if (!isObject(rp)) return p(`${rat} must be an object`);
    if (typeof rp.id !== "string" || !/^\d{1,20}$/.test(rp.id)) p(`${rat}.id must be a numeric string`);
    else if (rpIds.has(rp.id)) p(`recovery point id ${rp.id} appears twice`);
    else rpIds.add(rp.id);
    if (rp.hoursAgo === undefined && rp.time === undefined) p(`${rat} needs hoursAgo or time`);
    if (rp.hoursAgo !== undefined && typeof rp.hoursAgo !== "number") p(`${rat}.hoursAgo must be a number`);
    if (rp.time !== undefined && Number.isNaN(Date.parse(String(rp.time)))) p(`${rat}.time must be an ISO 8601 time`);
    if (!["AppConsistent", "CrashConsistent", "FileSystemConsistent"].includes(String(rp.type))) {
        p(`${rat}.type must be AppConsistent, CrashConsistent or FileSystemConsistent`);
    }
    if (rp.isSourceVMEncrypted !== undefined && typeof rp.isSourceVMEncrypted !== "boolean")
        p(`${rat}.isSourceVMEncrypted must be a boolean`);
    if (rp.keyAndSecret !== undefined) {
        const ks = rp.keyAndSecret;
        if (!isObject(ks) || typeof ks.secretUrl !== "string" || typeof ks.secretVaultId !== "string")
            p(`${rat}.keyAndSecret must be {secretUrl, secretVaultId, kekUrl?, kekVaultId?}`);
        else if ((ks.kekUrl === undefined) !== (ks.kekVaultId === undefined)) p(`${rat}.keyAndSecret: kekUrl and kekVaultId go together`);
    }
    if (rp.securityType !== undefined && !SECURITY_TYPES.includes(rp.securityType))
        p(`${rat}.securityType must be one of ${SECURITY_TYPES.join(", ")}`);
    if (!Array.isArray(rp.tiers) || rp.tiers.length === 0) p(`${rat}.tiers must be a non-empty array`);
    else
        rp.tiers.forEach((t, k) => {
            const type = typeof t === "string" ? t : isObject(t) ? t.type : undefined;
            const status = typeof t === "string" ? "Valid" : isObject(t) ? t.status : undefined;
            if (!["InstantRP", "HardenedRP", "ArchivedRP"].includes(String(type)))
                p(`${rat}.tiers[${k}] type must be InstantRP, HardenedRP or ArchivedRP`);
            if (!["Valid", "Disabled", "Deleted", "Rehydrated"].includes(String(status)))
                p(`${rat}.tiers[${k}] status must be Valid, Disabled, Deleted or Rehydrated`);
        });
}

/** timing, pageSize, crrAccessTokenLifetimeSeconds, wireFormat, variants, rateLimits. */
function checkSettings(c: SeedCheck): void {
    const { seed, p } = c;
    if (seed.timing !== undefined) {
        if (!isObject(seed.timing)) p("timing must be an object");
        else
            for (const [k, v] of Object.entries(seed.timing)) {
                if (!(k in DEFAULT_TIMING)) p(`timing.${k} is not a known setting (${Object.keys(DEFAULT_TIMING).join(", ")})`);
                else if (typeof v !== "number" || !(v >= 0)) p(`timing.${k} must be a number >= 0`);
            }
    }
    if (seed.pageSize !== undefined && !(Number.isInteger(seed.pageSize) && seed.pageSize > 0)) p("pageSize must be a positive integer");
    if (
        seed.crrAccessTokenLifetimeSeconds !== undefined &&
        !(
            typeof seed.crrAccessTokenLifetimeSeconds === "number" &&
            seed.crrAccessTokenLifetimeSeconds > 0 &&
            Number.isFinite(seed.crrAccessTokenLifetimeSeconds)
        )
    ) {
        p("crrAccessTokenLifetimeSeconds must be a number > 0");
    }
    if (seed.wireFormat !== undefined && !isWireFormat(seed.wireFormat)) p('wireFormat must be "spec" or "live"');
    for (const problem of variantProblems(seed.variants)) p(problem);
    if (seed.rateLimits !== undefined) {
        if (!isObject(seed.rateLimits)) p("rateLimits must be an object {readsPerHour?, writesPerHour?, enforce?, timeScale?}");
        else {
            for (const k of ["readsPerHour", "writesPerHour"] as const) {
                const v = seed.rateLimits[k];
                if (v !== undefined && !(typeof v === "number" && v >= 1 && Number.isFinite(v))) p(`rateLimits.${k} must be a number >= 1`);
            }
            const ts = seed.rateLimits.timeScale;
            if (ts !== undefined && !(typeof ts === "number" && ts > 0 && Number.isFinite(ts)))
                p("rateLimits.timeScale must be a number > 0");
            if (seed.rateLimits.enforce !== undefined && typeof seed.rateLimits.enforce !== "boolean")
                p("rateLimits.enforce must be a boolean");
        }
    }
}

/** The applications the token endpoint knows, with their federated credentials and role assignments. */
function checkServicePrincipals(c: SeedCheck): void {
    const { seed, p } = c;
    if (seed.servicePrincipals !== undefined) {
        if (!Array.isArray(seed.servicePrincipals))
            p("servicePrincipals must be an array of {clientId, clientSecret, displayName?, objectId?}");
        else {
            const clientIds = new Set<string>();
            seed.servicePrincipals.forEach((sp, i) => {
                const at = `servicePrincipals[${i}]`;
                for (const problem of roleAssignmentProblems(
                    (sp as { roleAssignments?: unknown }).roleAssignments,
                    `${at}.roleAssignments`,
                ))
                    p(problem);
                if (!isObject(sp)) return p(`${at} must be an object {clientId, clientSecret, displayName?, objectId?}`);
                str(sp.clientId, `${at}.clientId`, p);
                str(sp.clientSecret, `${at}.clientSecret`, p);
                if (sp.displayName !== undefined) str(sp.displayName, `${at}.displayName`, p);
                if (sp.objectId !== undefined) str(sp.objectId, `${at}.objectId`, p);
                if (sp.federatedCredentials !== undefined) {
                    if (!Array.isArray(sp.federatedCredentials))
                        p(`${at}.federatedCredentials must be an array of {issuer, subject, audiences?}`);
                    else
                        sp.federatedCredentials.forEach((fc, j) => {
                            if (!isObject(fc)) return p(`${at}.federatedCredentials[${j}] must be an object {issuer, subject, audiences?}`);
                            str(fc.issuer, `${at}.federatedCredentials[${j}].issuer`, p);
                            str(fc.subject, `${at}.federatedCredentials[${j}].subject`, p);
                            if (
                                fc.audiences !== undefined &&
                                !(Array.isArray(fc.audiences) && fc.audiences.every((a) => typeof a === "string"))
                            )
                                p(`${at}.federatedCredentials[${j}].audiences must be an array of strings`);
                        });
                }
                if (typeof sp.clientId === "string") {
                    if (clientIds.has(sp.clientId.toLowerCase())) p(`${at}.clientId ${sp.clientId} appears twice`);
                    clientIds.add(sp.clientId.toLowerCase());
                }
            });
        }
    }
}

const SECURITY_TYPES: SecurityType[] = ["Standard", "TrustedLaunch", "ConfidentialVM"];
const DES_TYPES: DiskEncryptionSetType[] = [
    "EncryptionAtRestWithCustomerKey",
    "EncryptionAtRestWithPlatformAndCustomerKeys",
    "ConfidentialVmEncryptedWithCustomerKey",
];
const NETWORK_ACCESS_POLICIES: DiskNetworkAccessPolicy[] = ["AllowAll", "AllowPrivate", "DenyAll"];

function str(v: unknown, where: string, p: (m: string) => void): void {
    if (typeof v !== "string" || v.trim() === "") p(`${where} must be a non-empty string`);
}

function disk(d: unknown, where: string, p: (m: string) => void): void {
    if (!isObject(d)) return p(`${where} must be an object {sizeGB, sku, name?}`);
    if (typeof d.sizeGB !== "number" || !(d.sizeGB > 0)) p(`${where}.sizeGB must be a positive number`);
    str(d.sku, `${where}.sku`, p);
    if (d.name !== undefined) str(d.name, `${where}.name`, p);
}
