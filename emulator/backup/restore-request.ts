/**
 * Validation of a Restores_Trigger body (`{properties: IaasVMRestoreRequest |
 * IaasVMRestoreWithRehydrationRequest}`) against the vault, the item, the recovery point and the
 * resources that exist, the way Azure Backup checks it before accepting (400 otherwise). The
 * result is the RestorePlan a restore job carries out.
 *
 * checkRestoreRequest() collects every problem it can find (what backupValidateOperation reports);
 * validateRestoreRequest() throws the first (what the restore trigger answers). A problem that makes
 * the rest meaningless (no properties, unknown objectType or recoveryType) stops the checks.
 */
import { ArmError, invalidInput } from "../server/arm-errors";
import { AzureVariants } from "../world/azure-variants";
import { fullType, parentResourceId, parseResourceId, resourceGroupId, sameId, sameName, sameRegion } from "../world/arm-ids";
import { ProtectedItemRecord, RecoveryPointRecord, VaultRecord, hasValidTier, isArchivedOnly } from "./backup-catalog";
import { ArmResource, ResourceStore } from "../world/resource-store";
import { Seed } from "../world/seed";

export type RecoveryType = "RestoreDisks" | "AlternateLocation" | "OriginalLocation";
export type RestoreObjectType = "IaasVMRestoreRequest" | "IaasVMRestoreWithRehydrationRequest";

/** TargetDiskNetworkAccessOption (bms.json). */
export type DiskNetworkAccessOption = "SameAsOnSourceDisks" | "EnablePrivateAccessForAllDisks" | "EnablePublicAccessForAllDisks";

export interface AdeKeys {
    secretKeyUrl: string;
    secretKeyVaultId: string;
    kekUrl?: string;
    kekVaultId?: string;
}

export interface RestorePlan {
    objectType: RestoreObjectType;
    recoveryType: RecoveryType;
    vault: VaultRecord;
    item: ProtectedItemRecord;
    rp: RecoveryPointRecord;
    storageAccount: ArmResource;
    /** The target resource group (managed disks go there); absent for an unmanaged (VHD) RestoreDisks and for OriginalLocation. */
    targetResourceGroup?: ArmResource;
    /** The restore region: the vault's, or the secondary region for a cross-region restore. */
    region: string;
    zones?: string[];
    /** LUNs of the data disks to restore (the OS disk is always restored). */
    dataLuns: number[];
    /** false: the disks are restored as VHD blobs (an unmanaged VM without targetResourceGroupId). */
    managedDisks: boolean;
    targetVm?: { id: string; name: string; resourceGroup: string };
    virtualNetwork?: ArmResource;
    subnet?: { id: string; name: string; addressPrefix: string };
    rehydration?: { priority: "Standard" | "High"; retentionDuration: string; retentionDays: number };
    /** diskEncryptionSetId: encryption at rest with a customer-managed key. */
    diskEncryptionSet?: { id: string; encryptionType: string };
    /** encryptionDetails of an Azure Disk Encryption (ADE) point. */
    ade?: AdeKeys;
    /** identityInfo: the vault identity the restore runs as. */
    identity?: { type: "SystemAssigned" } | { type: "UserAssigned"; id: string };
    /** identityBasedRestoreDetails: the staging account is reached with that identity. */
    identityBasedStaging: boolean;
    /** targetDiskNetworkAccessSettings (undefined: same as the source disks). */
    networkAccess?: { option: DiskNetworkAccessOption; diskAccessId?: string };
    /** securedVMDetails of a Confidential VM. */
    securedVm?: { osDiskEncryptionSetId: string };
    extendedLocation?: { name: string; type: "EdgeZone" };
    /** The resourceGuardOperationRequests entry that authorized the restore (Multi-User Authorization). */
    resourceGuardOperationRequest?: string;
    /** A Cross Region Restore (backupCrossRegionRestore): lands in the vault's secondary region. */
    crossRegion: boolean;
    /** The request's properties, as sent. */
    properties: Record<string, unknown>;
}

/** What the checks need besides the request: the resources that exist and the seed (edge zones, Key Vault contents). */
export interface RestoreEnvironment {
    resources: ResourceStore;
    seed: Seed;
    /** Where Azure varies (crossZonalRestore); default the spec-shaped answers. */
    variants?: Required<AzureVariants>;
}

export interface RestoreCheckOptions {
    /** A Cross Region Restore: the targets must be in the vault's secondary region. */
    crossRegion?: boolean;
}

export interface RestoreCheck {
    /** Set when there are no problems. */
    plan?: RestorePlan;
    problems: ArmError[];
}

const OBJECT_TYPES: RestoreObjectType[] = ["IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"];
const RECOVERY_TYPES: RecoveryType[] = ["RestoreDisks", "AlternateLocation", "OriginalLocation"];
const NETWORK_OPTIONS: DiskNetworkAccessOption[] = [
    "SameAsOnSourceDisks",
    "EnablePrivateAccessForAllDisks",
    "EnablePublicAccessForAllDisks",
];
const ZONE_REDUNDANT = /(^|_)(ZRS|GZRS|RAGZRS)$/i;
/** How long a rehydrated copy may be kept (rehydrationRetentionDuration): 10 to 30 days. */
export const REHYDRATION_RETENTION_DAYS = { min: 10, max: 30, default: 15 } as const;

/** The restore the body asks for, or the first problem with it as the ARM error the trigger answers. */
export function validateRestoreRequest(
    body: unknown,
    vault: VaultRecord,
    item: ProtectedItemRecord,
    rp: RecoveryPointRecord,
    env: RestoreEnvironment,
    options: RestoreCheckOptions = {},
): RestorePlan {
    const check = checkRestoreRequest(body, vault, item, rp, env, options);
    if (check.problems.length > 0 || !check.plan) throw check.problems[0] ?? invalidInput("The restore request is not valid.");
    return check.plan;
}

/** Every problem with a restore request (in the order the trigger would meet them), and the plan when there are none. */
export function checkRestoreRequest(
    body: unknown,
    vault: VaultRecord,
    item: ProtectedItemRecord,
    rp: RecoveryPointRecord,
    env: RestoreEnvironment,
    options: RestoreCheckOptions = {},
): RestoreCheck {
    const problems: ArmError[] = [];
    /** Runs one check; a problem is recorded and the checks go on. */
    const soft = <T>(fn: () => T): T | undefined => {
        try {
            return fn();
        } catch (e) {
            if (e instanceof ArmError) {
                problems.push(e);
                return undefined;
            }
            throw e;
        }
    };
    const { resources } = env;
    const crossRegion = options.crossRegion === true;
    const restoreRegion = crossRegion ? vault.secondaryRegion : vault.location;

    if (!isObject(body) || !isObject(body.properties)) {
        return {
            problems: [
                invalidInput(
                    "The restore request must be a JSON object with a 'properties' object (RestoreRequestResource).",
                    "properties",
                ),
            ],
        };
    }
    const props = body.properties;
    const at = (field: string) => `properties.${field}`;

    const objectType = props.objectType;
    if (typeof objectType !== "string" || !OBJECT_TYPES.includes(objectType as RestoreObjectType)) {
        return {
            problems: [
                invalidInput(
                    `The field 'objectType' must be one of ${OBJECT_TYPES.join(", ")} for an Azure IaaS VM restore; got '${String(objectType)}'.`,
                    at("objectType"),
                ),
            ],
        };
    }
    const recoveryType = props.recoveryType;
    if (typeof recoveryType !== "string" || !RECOVERY_TYPES.includes(recoveryType as RecoveryType)) {
        return {
            problems: [
                invalidInput(
                    `The field 'recoveryType' must be one of ${RECOVERY_TYPES.join(", ")}; got '${String(recoveryType)}'.`,
                    at("recoveryType"),
                ),
            ],
        };
    }
    if (crossRegion && recoveryType === "OriginalLocation") {
        problems.push(
            invalidInput(
                "Cross Region Restore restores disks or a new VM in the secondary region: 'recoveryType' OriginalLocation is not supported (use RestoreDisks or AlternateLocation).",
                at("recoveryType"),
            ),
        );
    }
    if (props.recoveryPointId !== undefined && props.recoveryPointId !== rp.name) {
        problems.push(
            invalidInput(
                `The field 'recoveryPointId' ('${String(props.recoveryPointId)}') does not match the recovery point in the URL ('${rp.name}').`,
                at("recoveryPointId"),
            ),
        );
    }
    soft(() => {
        const sourceResourceId = requiredString(props, "sourceResourceId");
        if (!sameId(sourceResourceId, item.sourceResourceId)) {
            throw invalidInput(
                `The field 'sourceResourceId' ('${sourceResourceId}') does not match the protected item's virtual machine '${item.sourceResourceId}'.`,
                at("sourceResourceId"),
            );
        }
    });

    // An identity-based staging restore may name the account only in identityBasedRestoreDetails (the official example's shape).
    const identityStaging =
        isObject(props.identityBasedRestoreDetails) && typeof props.identityBasedRestoreDetails.targetStorageAccountId === "string"
            ? props.identityBasedRestoreDetails.targetStorageAccountId
            : undefined;
    const storageAccount = soft(() =>
        checkStagingAccount(
            props.storageAccountId === undefined && identityStaging ? identityStaging : requiredString(props, "storageAccountId"),
            vault,
            restoreRegion,
            crossRegion,
            resources,
            env.variants?.premiumStaging === "unmanagedOnly",
        ),
    );

    let region = restoreRegion;
    soft(() => {
        if (props.region === undefined) return;
        if (typeof props.region !== "string" || props.region.trim() === "")
            throw invalidInput("The field 'region' must be a region name.", at("region"));
        if (!sameRegion(props.region, restoreRegion)) {
            throw invalidInput(
                crossRegion
                    ? `The field 'region' ('${props.region}') must be the vault's secondary region '${restoreRegion}': a Cross Region Restore lands in the paired region of '${vault.location}'.`
                    : `The field 'region' ('${props.region}') must be the vault's region '${vault.location}': a restore through this API stays in the vault's region (use Cross Region Restore for the secondary region).`,
                at("region"),
            );
        }
        region = props.region;
    });

    let rehydration: RestorePlan["rehydration"];
    soft(() => {
        if (objectType === "IaasVMRestoreWithRehydrationRequest") {
            const info = props.recoveryPointRehydrationInfo;
            if (!isObject(info))
                throw invalidInput(
                    "The field 'recoveryPointRehydrationInfo' is required for an IaasVMRestoreWithRehydrationRequest.",
                    at("recoveryPointRehydrationInfo"),
                );
            const priority = info.rehydrationPriority;
            if (priority !== "Standard" && priority !== "High") {
                throw invalidInput(
                    `The field 'recoveryPointRehydrationInfo.rehydrationPriority' must be Standard or High; got '${String(priority)}'.`,
                    at("recoveryPointRehydrationInfo.rehydrationPriority"),
                );
            }
            const retention = info.rehydrationRetentionDuration ?? `P${REHYDRATION_RETENTION_DAYS.default}D`;
            const days = retentionDays(retention);
            if (days === undefined || days < REHYDRATION_RETENTION_DAYS.min || days > REHYDRATION_RETENTION_DAYS.max) {
                throw invalidInput(
                    `The field 'recoveryPointRehydrationInfo.rehydrationRetentionDuration' must be an ISO 8601 duration of ${REHYDRATION_RETENTION_DAYS.min} to ${REHYDRATION_RETENTION_DAYS.max} days (P${REHYDRATION_RETENTION_DAYS.min}D to P${REHYDRATION_RETENTION_DAYS.max}D); got '${String(retention)}'.`,
                    at("recoveryPointRehydrationInfo.rehydrationRetentionDuration"),
                );
            }
            if (isArchivedOnly(rp)) rehydration = { priority, retentionDuration: String(retention), retentionDays: days };
        }
        if (crossRegion && !hasValidTier(rp, "HardenedRP")) {
            throw new ArmError(
                400,
                "UserErrorRecoveryPointNotInValidTier",
                `The recovery point '${rp.name}' has no vault-standard copy (HardenedRP) in the secondary region: Cross Region Restore restores only vault-tier points (not snapshot-only or archive-only ones).`,
                at("recoveryPointId"),
            );
        }
        if (objectType !== "IaasVMRestoreWithRehydrationRequest" && isArchivedOnly(rp)) {
            throw new ArmError(
                400,
                "UserErrorRecoveryPointNotInValidTier",
                `The recovery point '${rp.name}' is only in the archive tier (ArchivedRP) and must be rehydrated first: send an IaasVMRestoreWithRehydrationRequest with recoveryPointRehydrationInfo.`,
                at("objectType"),
            );
        }
    });

    let zones: string[] | undefined;
    soft(() => {
        if (props.zones === undefined || props.zones === null) return;
        if (
            !Array.isArray(props.zones) ||
            props.zones.length !== 1 ||
            !props.zones.every((z) => typeof z === "string" && /^[123]$/.test(z))
        ) {
            throw invalidInput('The field \'zones\' must be an array with one of the zone names "1", "2", "3".', at("zones"));
        }
        zones = props.zones as string[];
        const sourceZones = rp.vm.zones ?? [];
        if (recoveryType === "OriginalLocation" && !(sourceZones.length === 1 && sourceZones[0] === zones[0])) {
            throw invalidInput(
                `The field 'zones' cannot move an OriginalLocation restore: the restored disks replace those of '${rp.vm.name}', which is ${sourceZones.length ? `in zone ${sourceZones.join(", ")}` : "not zonal"}. Restore disks or a new VM to choose a zone.`,
                at("zones"),
            );
        }
        const moves = !(sourceZones.length === 1 && sourceZones[0] === zones[0]);
        const fromSnapshot = !crossRegion && rp.tiers.some((t) => t.type === "InstantRP" && t.status === "Valid");
        if (moves && env.variants?.crossZonalRestore === "zrsVaultOrSnapshot" && !fromSnapshot && !/^zone/i.test(vault.storageRedundancy)) {
            throw new ArmError(
                400,
                "UserErrorCrossZonalRestoreNotSupported",
                `Cross Zonal Restore to zone ${zones[0]} of '${rp.vm.name}' (${sourceZones.length ? `in zone ${sourceZones.join(", ")}` : "not zonal"}) from the vault tier needs a zone-redundant vault; vault '${vault.name}' is ${vault.storageRedundancy}. Restore from a snapshot-tier point, or without a zone.`,
                at("zones"),
            );
        }
    });
    if (recoveryType === "OriginalLocation" && !zones && rp.vm.zones && rp.vm.zones.length > 0) zones = [...rp.vm.zones];

    const allLuns = rp.vm.dataDisks.map((d) => d.lun);
    let dataLuns = allLuns;
    soft(() => {
        if (props.restoreDiskLunList === undefined || props.restoreDiskLunList === null) return;
        const list = props.restoreDiskLunList;
        if (!Array.isArray(list) || !list.every((l) => Number.isInteger(l)))
            throw invalidInput("The field 'restoreDiskLunList' must be an array of integer LUNs.", at("restoreDiskLunList"));
        const unknown = (list as number[]).filter((l) => !allLuns.includes(l));
        if (unknown.length > 0) {
            throw invalidInput(
                `The field 'restoreDiskLunList' names LUN ${unknown.join(", ")}, which the recovery point '${rp.name}' does not have (it has ${allLuns.length ? `data disk LUNs ${allLuns.join(", ")}` : "no data disks"}).`,
                at("restoreDiskLunList"),
            );
        }
        dataLuns = allLuns.filter((l) => (list as number[]).includes(l));
    });
    if (props.restoreOnlyOSDisk === true) dataLuns = [];

    let targetResourceGroup: ArmResource | undefined;
    if (props.targetResourceGroupId !== undefined && recoveryType !== "OriginalLocation") {
        targetResourceGroup = soft(() =>
            checkResourceGroup(requiredString(props, "targetResourceGroupId"), "targetResourceGroupId", resources),
        );
    }

    // Managed disks, or VHD blobs: only an unmanaged VM restores to VHDs, and only without a target resource group.
    let managedDisks = true;
    if (recoveryType === "RestoreDisks" && props.targetResourceGroupId === undefined) {
        if (rp.vm.isManaged) {
            problems.push(
                invalidInput(
                    `The field 'targetResourceGroupId' is required: '${rp.vm.name}' has managed disks, which are restored as managed disks into a resource group (only a VM with unmanaged disks can be restored as VHDs into the staging account).`,
                    at("targetResourceGroupId"),
                ),
            );
        } else if (props.restoreWithManagedDisks === true) {
            problems.push(
                invalidInput(
                    "The field 'restoreWithManagedDisks' restores the unmanaged disks as managed disks, which needs 'targetResourceGroupId'.",
                    at("targetResourceGroupId"),
                ),
            );
        } else {
            managedDisks = false;
        }
    }
    if (recoveryType === "OriginalLocation" && !rp.vm.isManaged) managedDisks = false;
    // premiumStaging "unmanagedOnly": a premium account stages only VHDs of an unmanaged VM restored as VHDs.
    soft(() => {
        const sku = String(storageAccount?.body.sku?.name ?? "");
        if (env.variants?.premiumStaging === "unmanagedOnly" && /^premium/i.test(sku) && managedDisks)
            throw premiumStaging(storageAccount!.name, sku, " for a restore of managed disks (only VHDs of an unmanaged VM)");
    });

    let targetVm: RestorePlan["targetVm"];
    let virtualNetwork: ArmResource | undefined;
    let subnet: RestorePlan["subnet"];
    if (recoveryType === "AlternateLocation") {
        soft(() => {
            if (props.targetResourceGroupId === undefined)
                throw invalidInput(
                    "The field 'targetResourceGroupId' is required for recoveryType AlternateLocation.",
                    at("targetResourceGroupId"),
                );
        });
        if (targetResourceGroup)
            targetVm = soft(() => checkTargetVm(requiredString(props, "targetVirtualMachineId"), targetResourceGroup!, resources));
        soft(() => {
            const vnetId = requiredString(props, "virtualNetworkId");
            const vnet = resources.get(vnetId);
            if (!vnet || vnet.type !== "Microsoft.Network/virtualNetworks")
                throw invalidInput(`The virtual network '${vnetId}' given in 'virtualNetworkId' does not exist.`, at("virtualNetworkId"));
            if (!sameRegion(vnet.location, restoreRegion)) {
                throw invalidInput(
                    `The virtual network '${vnet.name}' given in 'virtualNetworkId' is in region '${vnet.location}' but the VM is restored in '${restoreRegion}': the virtual network must be in the restore region.`,
                    at("virtualNetworkId"),
                );
            }
            const subnetId = requiredString(props, "subnetId");
            if (!sameId(parentResourceId(subnetId), vnet.id))
                throw invalidInput(
                    `The subnet '${subnetId}' given in 'subnetId' is not a subnet of the virtual network '${vnet.id}'.`,
                    at("subnetId"),
                );
            const found = (vnet.body.properties.subnets as Array<Record<string, any>>).find((s) => sameId(s.id, subnetId));
            if (!found) throw invalidInput(`The subnet '${subnetId}' given in 'subnetId' does not exist.`, at("subnetId"));
            virtualNetwork = vnet;
            subnet = { id: found.id, name: found.name, addressPrefix: found.properties.addressPrefix };
        });
    }

    if (recoveryType === "OriginalLocation") {
        const source = resources.get(item.sourceResourceId);
        if (!source || source.deletingOperationId) {
            problems.push(
                invalidInput(
                    `The original virtual machine '${item.sourceResourceId}' no longer exists, so 'recoveryType' OriginalLocation is not possible: restore disks or restore to an alternate location instead.`,
                    at("recoveryType"),
                ),
            );
        }
    }

    // diskEncryptionSetId: encryption at rest with a customer-managed key.
    const diskEncryptionSet = soft(() => {
        if (props.diskEncryptionSetId === undefined || props.diskEncryptionSetId === null) return undefined;
        const des = checkDiskEncryptionSet(requiredString(props, "diskEncryptionSetId"), "diskEncryptionSetId", restoreRegion, resources);
        const type = String(des.body.properties?.encryptionType ?? "EncryptionAtRestWithCustomerKey");
        if (type === "ConfidentialVmEncryptedWithCustomerKey") {
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
    });

    // encryptionDetails: Azure Disk Encryption keys.
    const ade = soft(() => checkEncryptionDetails(props, rp, env));

    // identityInfo / identityBasedRestoreDetails: the vault identity the restore runs as.
    let identity: RestorePlan["identity"];
    soft(() => {
        const info = props.identityInfo;
        if (info === undefined || info === null) return;
        if (!isObject(info))
            throw invalidInput(
                "The field 'identityInfo' must be {isSystemAssignedIdentity, managedIdentityResourceId?}.",
                at("identityInfo"),
            );
        if (info.isSystemAssignedIdentity === true) {
            if (
                info.managedIdentityResourceId !== undefined &&
                info.managedIdentityResourceId !== null &&
                info.managedIdentityResourceId !== ""
            ) {
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
            identity = { type: "SystemAssigned" };
            return;
        }
        if (info.isSystemAssignedIdentity !== false && info.isSystemAssignedIdentity !== undefined) {
            throw invalidInput(
                "The field 'identityInfo.isSystemAssignedIdentity' must be a boolean.",
                at("identityInfo.isSystemAssignedIdentity"),
            );
        }
        const id = info.managedIdentityResourceId;
        if (typeof id !== "string" || id.trim() === "") {
            throw invalidInput(
                "The field 'identityInfo.managedIdentityResourceId' is required for a user-assigned identity (isSystemAssignedIdentity false).",
                at("identityInfo.managedIdentityResourceId"),
            );
        }
        const res = resources.get(id);
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
        identity = { type: "UserAssigned", id: res.id };
    });
    let identityBasedStaging = false;
    soft(() => {
        const details = props.identityBasedRestoreDetails;
        if (details === undefined || details === null) return;
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
        if (props.identityInfo === undefined || props.identityInfo === null) {
            throw invalidInput(
                "The field 'identityBasedRestoreDetails' needs 'identityInfo': the identity the staging account is reached with.",
                at("identityInfo"),
            );
        }
        identityBasedStaging = true;
    });

    // targetDiskNetworkAccessSettings.
    const networkAccess = soft((): RestorePlan["networkAccess"] => {
        const s = props.targetDiskNetworkAccessSettings;
        if (s === undefined || s === null) return undefined;
        if (!isObject(s))
            throw invalidInput(
                "The field 'targetDiskNetworkAccessSettings' must be {targetDiskNetworkAccessOption, targetDiskAccessId?}.",
                at("targetDiskNetworkAccessSettings"),
            );
        const option = s.targetDiskNetworkAccessOption;
        if (typeof option !== "string" || !NETWORK_OPTIONS.includes(option as DiskNetworkAccessOption)) {
            throw invalidInput(
                `The field 'targetDiskNetworkAccessSettings.targetDiskNetworkAccessOption' must be one of ${NETWORK_OPTIONS.join(", ")}; got '${String(option)}'.`,
                at("targetDiskNetworkAccessSettings.targetDiskNetworkAccessOption"),
            );
        }
        const accessId = s.targetDiskAccessId;
        if (option !== "EnablePrivateAccessForAllDisks") {
            if (accessId !== undefined && accessId !== null && accessId !== "") {
                throw invalidInput(
                    `The field 'targetDiskNetworkAccessSettings.targetDiskAccessId' goes only with EnablePrivateAccessForAllDisks, not with ${option}.`,
                    at("targetDiskNetworkAccessSettings.targetDiskAccessId"),
                );
            }
            return { option: option as DiskNetworkAccessOption };
        }
        if (typeof accessId !== "string" || accessId.trim() === "") {
            throw invalidInput(
                "The field 'targetDiskNetworkAccessSettings.targetDiskAccessId' (a Microsoft.Compute/diskAccesses ID) is required with EnablePrivateAccessForAllDisks.",
                at("targetDiskNetworkAccessSettings.targetDiskAccessId"),
            );
        }
        const access = resources.get(accessId);
        if (!access || access.type !== "Microsoft.Compute/diskAccesses") {
            throw invalidInput(
                `The disk access '${accessId}' given in 'targetDiskNetworkAccessSettings.targetDiskAccessId' does not exist.`,
                at("targetDiskNetworkAccessSettings.targetDiskAccessId"),
            );
        }
        if (!sameRegion(access.location, restoreRegion)) {
            throw invalidInput(
                `The disk access '${access.name}' is in '${access.location}' but the disks are restored in '${restoreRegion}': the disk access must be in the restore region.`,
                at("targetDiskNetworkAccessSettings.targetDiskAccessId"),
            );
        }
        return { option: "EnablePrivateAccessForAllDisks", diskAccessId: access.id };
    });

    // securedVMDetails: Confidential VMs.
    const securedVm = soft((): RestorePlan["securedVm"] => {
        const details = props.securedVMDetails;
        const confidential = rp.securityType === "ConfidentialVM";
        const given = details !== undefined && details !== null;
        if (!confidential) {
            if (given)
                throw invalidInput(
                    `The field 'securedVMDetails' applies to Confidential VMs; the recovery point '${rp.name}' is of a ${rp.securityType === "Standard" ? "standard" : rp.securityType} VM.`,
                    at("securedVMDetails"),
                );
            return undefined;
        }
        if (
            !given ||
            !isObject(details) ||
            typeof details.securedVMOsDiskEncryptionSetId !== "string" ||
            details.securedVMOsDiskEncryptionSetId.trim() === ""
        ) {
            throw invalidInput(
                `The recovery point '${rp.name}' is of a Confidential VM (securityType ConfidentialVM): the restore needs 'securedVMDetails.securedVMOsDiskEncryptionSetId', a disk encryption set of type ConfidentialVmEncryptedWithCustomerKey for the OS disk.`,
                at("securedVMDetails.securedVMOsDiskEncryptionSetId"),
            );
        }
        const des = checkDiskEncryptionSet(
            details.securedVMOsDiskEncryptionSetId,
            "securedVMDetails.securedVMOsDiskEncryptionSetId",
            restoreRegion,
            resources,
        );
        if (des.body.properties?.encryptionType !== "ConfidentialVmEncryptedWithCustomerKey") {
            throw invalidInput(
                `The disk encryption set '${des.name}' given in 'securedVMDetails.securedVMOsDiskEncryptionSetId' has encryptionType ${String(des.body.properties?.encryptionType)}; a Confidential VM's OS disk needs one of type ConfidentialVmEncryptedWithCustomerKey.`,
                at("securedVMDetails.securedVMOsDiskEncryptionSetId"),
            );
        }
        return { osDiskEncryptionSetId: des.id };
    });

    // extendedLocation: an Azure Extended Zone.
    const extendedLocation = soft((): RestorePlan["extendedLocation"] => {
        const x = props.extendedLocation;
        if (x === undefined || x === null) return undefined;
        if (!isObject(x) || typeof x.name !== "string" || x.name.trim() === "")
            throw invalidInput("The field 'extendedLocation' must be {name, type: \"EdgeZone\"}.", at("extendedLocation"));
        if (x.type !== "EdgeZone")
            throw invalidInput(`The field 'extendedLocation.type' must be EdgeZone; got '${String(x.type)}'.`, at("extendedLocation.type"));
        const zonesHere = (env.seed.edgeZones ?? []).filter((z) => sameRegion(z.location, restoreRegion));
        if (!zonesHere.some((z) => sameName(z.name, x.name))) {
            throw invalidInput(
                `The edge zone '${x.name}' given in 'extendedLocation.name' is not an extended zone of region '${restoreRegion}' (${zonesHere.length ? `it has ${zonesHere.map((z) => z.name).join(", ")}` : "it has none"}).`,
                at("extendedLocation.name"),
            );
        }
        if (zones)
            throw invalidInput(
                "The fields 'zones' and 'extendedLocation' cannot be combined: an extended zone has no availability zones.",
                at("zones"),
            );
        if (!managedDisks)
            throw invalidInput(
                "The field 'extendedLocation' applies to managed disks: a restore to VHD blobs cannot target an edge zone.",
                at("extendedLocation"),
            );
        return { name: zonesHere.find((z) => sameName(z.name, x.name))!.name, type: "EdgeZone" };
    });

    // resourceGuardOperationRequests: Multi-User Authorization.
    const resourceGuardOperationRequest = soft(() => checkResourceGuard(props, vault));

    if (problems.length > 0 || !storageAccount) return { problems };
    const plan: RestorePlan = {
        objectType: objectType as RestoreObjectType,
        recoveryType: recoveryType as RecoveryType,
        vault,
        item,
        rp,
        storageAccount,
        targetResourceGroup,
        region,
        zones,
        dataLuns,
        managedDisks,
        targetVm,
        virtualNetwork,
        subnet,
        rehydration,
        diskEncryptionSet,
        ade,
        identity,
        identityBasedStaging,
        networkAccess,
        securedVm,
        extendedLocation,
        resourceGuardOperationRequest,
        crossRegion,
        properties: props,
    };
    return { plan, problems };
}

/** Whole days of an ISO 8601 duration given in days or weeks (P15D, P2W); undefined otherwise. */
function retentionDays(v: unknown): number | undefined {
    if (typeof v !== "string") return undefined;
    const m = /^P(?:(\d+)W)?(?:(\d+)D)?$/.exec(v);
    if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
    return Number(m[1] ?? 0) * 7 + Number(m[2] ?? 0);
}

function premiumStaging(name: string, sku: string, when = ""): ArmError {
    return invalidInput(
        `The storage account '${name}' given in 'storageAccountId' is a premium account (${sku}); premium storage accounts are not supported as the restore staging location${when}. Use a Standard LRS or GRS account.`,
        "properties.storageAccountId",
    );
}

function checkStagingAccount(
    id: string,
    vault: VaultRecord,
    region: string,
    crossRegion: boolean,
    resources: ResourceStore,
    premiumMayStage = false,
): ArmResource {
    const target = "properties.storageAccountId";
    const parsed = parseResourceId(id);
    if (!parsed || fullType(parsed)?.toLowerCase() !== "microsoft.storage/storageaccounts") {
        throw invalidInput(`The field 'storageAccountId' must be the resource ID of a storage account; got '${id}'.`, target);
    }
    const account = resources.get(id);
    if (!account || account.deletingOperationId)
        throw invalidInput(`The storage account '${id}' given in 'storageAccountId' does not exist.`, target);
    if (!sameRegion(account.location, region)) {
        throw invalidInput(
            crossRegion
                ? `The target storage account must be in the secondary region: the storage account '${account.name}' given in 'storageAccountId' is in '${account.location}', but a Cross Region Restore from vault '${vault.name}' lands in '${region}'.`
                : `Recovery Services vault and target storage account are in two different regions. The storage account '${account.name}' given in 'storageAccountId' is in '${account.location}', vault '${vault.name}' is in '${vault.location}': choose a storage account in the vault's region.`,
            target,
        );
    }
    const sku = String(account.body.sku?.name ?? "");
    if (ZONE_REDUNDANT.test(sku)) {
        throw invalidInput(
            `The storage account '${account.name}' given in 'storageAccountId' is zone-redundant (${sku}); zone-redundant storage accounts are not supported as the restore staging location. Use a Standard LRS or GRS account.`,
            target,
        );
    }
    if (/^premium/i.test(sku) && !premiumMayStage) throw premiumStaging(account.name, sku);
    const kind = String(account.body.kind ?? "StorageV2");
    if (!/^(StorageV2|Storage)$/i.test(kind)) {
        throw invalidInput(
            `The storage account '${account.name}' given in 'storageAccountId' is of kind ${kind}; only general-purpose (StorageV2 or Storage) accounts can be the restore staging location.`,
            target,
        );
    }
    return account;
}

function checkResourceGroup(id: string, field: string, resources: ResourceStore): ArmResource {
    const parsed = parseResourceId(id);
    if (!parsed?.resourceGroup || parsed.namespace !== undefined) {
        throw invalidInput(
            `The field '${field}' must be a resource group ID (/subscriptions/{id}/resourceGroups/{name}); got '${id}'.`,
            `properties.${field}`,
        );
    }
    const rg = resources.get(resourceGroupId(parsed.subscriptionId, parsed.resourceGroup));
    if (!rg) throw invalidInput(`The resource group '${parsed.resourceGroup}' given in '${field}' does not exist.`, `properties.${field}`);
    return rg;
}

function checkTargetVm(id: string, targetRg: ArmResource, resources: ResourceStore): { id: string; name: string; resourceGroup: string } {
    const target = "properties.targetVirtualMachineId";
    const parsed = parseResourceId(id);
    if (!parsed?.resourceGroup || fullType(parsed)?.toLowerCase() !== "microsoft.compute/virtualmachines") {
        throw invalidInput(`The field 'targetVirtualMachineId' must be a virtual machine resource ID; got '${id}'.`, target);
    }
    if (!sameName(parsed.resourceGroup, targetRg.name)) {
        throw invalidInput(
            `The virtual machine '${id}' given in 'targetVirtualMachineId' must be in the target resource group '${targetRg.name}' given in 'targetResourceGroupId'.`,
            target,
        );
    }
    const name = parsed.names[0];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9]$/.test(name)) {
        throw invalidInput(`'${name}' given in 'targetVirtualMachineId' is not a valid virtual machine name.`, target);
    }
    if (resources.get(id)) {
        throw invalidInput(
            `A virtual machine named '${name}' already exists in resource group '${parsed.resourceGroup}': choose another name in 'targetVirtualMachineId'.`,
            target,
        );
    }
    return {
        id: `${resourceGroupId(parsed.subscriptionId, targetRg.name)}/providers/Microsoft.Compute/virtualMachines/${name}`,
        name,
        resourceGroup: targetRg.name,
    };
}

function checkDiskEncryptionSet(id: string, field: string, region: string, resources: ResourceStore): ArmResource {
    const target = `properties.${field}`;
    const parsed = parseResourceId(id);
    if (!parsed?.resourceGroup || fullType(parsed)?.toLowerCase() !== "microsoft.compute/diskencryptionsets") {
        throw invalidInput(
            `The field '${field}' must be the resource ID of a disk encryption set (Microsoft.Compute/diskEncryptionSets); got '${id}'.`,
            target,
        );
    }
    const des = resources.get(id);
    if (!des || des.deletingOperationId) throw invalidInput(`The disk encryption set '${id}' given in '${field}' does not exist.`, target);
    if (!sameRegion(des.location, region)) {
        throw invalidInput(
            `The disk encryption set '${des.name}' given in '${field}' is in '${des.location}' but the disks are restored in '${region}': a disk encryption set must be in the region of its disks.`,
            target,
        );
    }
    return des;
}

/**
 * encryptionDetails against the point: an ADE point needs encryptionEnabled with the BEK secret
 * (and the KEK when the point has one) in Key Vaults that exist; other points must not claim it.
 */
function checkEncryptionDetails(props: Record<string, any>, rp: RecoveryPointRecord, env: RestoreEnvironment): AdeKeys | undefined {
    const d = props.encryptionDetails;
    const target = (f: string) => `properties.encryptionDetails${f ? `.${f}` : ""}`;
    if (d !== undefined && d !== null && !isObject(d))
        throw invalidInput(
            "The field 'encryptionDetails' must be {encryptionEnabled, kekUrl?, kekVaultId?, secretKeyUrl?, secretKeyVaultId?}.",
            target(""),
        );
    const enabled = isObject(d) && d.encryptionEnabled === true;
    if (!rp.isSourceVMEncrypted) {
        if (enabled)
            throw invalidInput(
                `The field 'encryptionDetails.encryptionEnabled' is true, but the recovery point '${rp.name}' is of a VM without Azure Disk Encryption (isSourceVMEncrypted false).`,
                target("encryptionEnabled"),
            );
        return undefined;
    }
    const str = (f: string): string | undefined => (isObject(d) && typeof d[f] === "string" && d[f].trim() !== "" ? d[f] : undefined);
    if (!["secretKeyUrl", "secretKeyVaultId", "kekUrl", "kekVaultId"].some((f) => str(f) !== undefined)) {
        // No keys given (azure-cli sends none): the service restores with the keys the recovery point recorded.
        const ks = rp.keyAndSecret;
        if (!ks?.secretUrl || !ks.secretVaultId) {
            throw invalidInput(
                `The recovery point '${rp.name}' is of a VM encrypted with Azure Disk Encryption and records no BEK secret: give 'encryptionDetails' with secretKeyUrl and secretKeyVaultId.`,
                target("secretKeyUrl"),
            );
        }
        return {
            secretKeyUrl: ks.secretUrl,
            secretKeyVaultId: ks.secretVaultId,
            ...(ks.kekUrl && ks.kekVaultId ? { kekUrl: ks.kekUrl, kekVaultId: ks.kekVaultId } : {}),
        };
    }
    if (!enabled) {
        throw invalidInput(
            `The recovery point '${rp.name}' is of a VM encrypted with Azure Disk Encryption (isSourceVMEncrypted true): keys were given in 'encryptionDetails', so encryptionEnabled must be true.`,
            target("encryptionEnabled"),
        );
    }
    const secretKeyUrl = str("secretKeyUrl");
    const secretKeyVaultId = str("secretKeyVaultId");
    if (!secretKeyUrl || !secretKeyVaultId) {
        throw invalidInput(
            `An Azure Disk Encryption restore needs 'encryptionDetails.secretKeyUrl' and 'encryptionDetails.secretKeyVaultId' (the BEK secret of recovery point '${rp.name}').`,
            target(secretKeyUrl ? "secretKeyVaultId" : "secretKeyUrl"),
        );
    }
    const kekUrl = str("kekUrl");
    const kekVaultId = str("kekVaultId");
    if ((kekUrl === undefined) !== (kekVaultId === undefined))
        throw invalidInput(
            "The fields 'encryptionDetails.kekUrl' and 'encryptionDetails.kekVaultId' go together.",
            target(kekUrl ? "kekVaultId" : "kekUrl"),
        );
    if (rp.keyAndSecret?.kekUrl && !kekUrl) {
        throw invalidInput(
            `The recovery point '${rp.name}' was encrypted with a key encryption key (KEK): give 'encryptionDetails.kekUrl' and 'encryptionDetails.kekVaultId'.`,
            target("kekUrl"),
        );
    }
    checkKeyVaultItem(secretKeyUrl, secretKeyVaultId, "secrets", "secretKeyUrl", "secretKeyVaultId", env);
    if (kekUrl && kekVaultId) checkKeyVaultItem(kekUrl, kekVaultId, "keys", "kekUrl", "kekVaultId", env);
    return { secretKeyUrl, secretKeyVaultId, ...(kekUrl && kekVaultId ? { kekUrl, kekVaultId } : {}) };
}

function checkKeyVaultItem(
    url: string,
    vaultId: string,
    kind: "secrets" | "keys",
    urlField: string,
    vaultField: string,
    env: RestoreEnvironment,
): void {
    const kv = env.resources.get(vaultId);
    if (!kv || kv.type !== "Microsoft.KeyVault/vaults")
        throw invalidInput(
            `The Key Vault '${vaultId}' given in 'encryptionDetails.${vaultField}' does not exist.`,
            `properties.encryptionDetails.${vaultField}`,
        );
    let parsed: URL | undefined;
    try {
        parsed = new URL(url);
    } catch {
        parsed = undefined;
    }
    const vaultHost = new URL(String(kv.body.properties?.vaultUri ?? `https://${kv.name}.vault.azure.net/`)).host.toLowerCase();
    const m = parsed ? new RegExp(`^/${kind}/([A-Za-z0-9-]+)(?:/([0-9a-fA-F]{32}))?/?$`).exec(parsed.pathname) : null;
    if (!parsed || parsed.protocol !== "https:" || parsed.host.toLowerCase() !== vaultHost || !m) {
        throw invalidInput(
            `The field 'encryptionDetails.${urlField}' ('${url}') must be a ${kind === "secrets" ? "secret" : "key"} URL of the Key Vault '${kv.name}' given in '${vaultField}' (https://${vaultHost}/${kind}/{name}/{version}).`,
            `properties.encryptionDetails.${urlField}`,
        );
    }
    const seedKv = (env.seed.keyVaults ?? []).find((k) => sameName(k.name, kv.name) && sameName(k.resourceGroup, kv.resourceGroup));
    const names = seedKv?.[kind];
    if (names && !names.includes(m[1])) {
        throw invalidInput(
            `The Key Vault '${kv.name}' has no ${kind === "secrets" ? "secret" : "key"} named '${m[1]}' (given in 'encryptionDetails.${urlField}').`,
            `properties.encryptionDetails.${urlField}`,
        );
    }
}

/** The entry of resourceGuardOperationRequests that authorizes a restore from a vault under Multi-User Authorization. */
function checkResourceGuard(props: Record<string, any>, vault: VaultRecord): string | undefined {
    const list = props.resourceGuardOperationRequests;
    const target = "properties.resourceGuardOperationRequests";
    if (list !== undefined && list !== null && !(Array.isArray(list) && list.every((x) => typeof x === "string"))) {
        throw invalidInput("The field 'resourceGuardOperationRequests' must be an array of resource guard operation request IDs.", target);
    }
    if (!vault.resourceGuardEnabled) return undefined;
    const guard = vault.resourceGuardId.replace(/\/+$/, "").toLowerCase();
    const entries = (list as string[] | undefined) ?? [];
    const match = entries.find((e) => {
        const lower = e.replace(/\/+$/, "").toLowerCase();
        if (!lower.startsWith(`${guard}/`)) return false;
        const rest = lower.slice(guard.length + 1).split("/");
        return rest.length === 2 && rest[0].includes("restore") && rest[1] !== "";
    });
    if (!match) {
        throw new ArmError(
            400,
            "UserErrorMissingResourceGuardOperationRequest",
            `The vault '${vault.name}' is protected by Multi-User Authorization with the resource guard '${vault.resourceGuardId}': a restore needs an approved request of that guard in 'resourceGuardOperationRequests', e.g. '${vault.resourceGuardId}/triggerRestoreRequests/default'${entries.length ? ` (the request gave ${entries.map((e) => `'${e}'`).join(", ")}, none of that guard)` : ""}.`,
            target,
        );
    }
    return match;
}

function requiredString(props: Record<string, unknown>, field: string): string {
    const v = props[field];
    if (typeof v !== "string" || v.trim() === "")
        throw invalidInput(`The field '${field}' is required and must be a non-empty string.`, `properties.${field}`);
    return v;
}

export function isObject(v: unknown): v is Record<string, any> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
