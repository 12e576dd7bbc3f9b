/**
 * JSON of protected items (AzureIaaSComputeVMProtectedItem) and recovery points
 * (IaasVMRecoveryPoint), shaped like the official examples.
 */
import { JsonObject } from "../server/json";
import { ProtectedItemRecord, RecoveryPointRecord, shortContainerName } from "./backup-catalog";
import { armTimestamp } from "./time-format";
import { tierDetail, WireFormat } from "./wire-format";

const PROTECTED_ITEM_TYPE = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems";
export const RECOVERY_POINT_TYPE = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints";

export function renderProtectedItem(item: ProtectedItemRecord): { name: string; properties: JsonObject; [field: string]: unknown } {
    const latest = item.recoveryPoints[0];
    const oldest = item.recoveryPoints[item.recoveryPoints.length - 1];
    const properties: JsonObject = {
        protectedItemType: "Microsoft.Compute/virtualMachines",
        backupManagementType: "AzureIaasVM",
        workloadType: "VM",
        containerName: shortContainerName(item.containerName),
        sourceResourceId: item.sourceResourceId,
        policyId: `${item.vault.id}/backupPolicies/${item.policyName}`,
        policyName: item.policyName,
        friendlyName: item.friendlyName,
        virtualMachineId: item.sourceResourceId,
        protectionStatus: "Healthy",
        protectionState: "Protected",
        healthStatus: "Passed",
        lastBackupStatus: "Completed",
        protectedItemDataId: item.protectedItemDataId,
        isArchiveEnabled: item.recoveryPoints.some((rp) => rp.tiers.some((t) => t.type === "ArchivedRP")),
        policyType: "V2",
        vaultId: item.vault.id,
        extendedInfo: {
            recoveryPointCount: item.recoveryPoints.length,
            policyInconsistent: false,
            ...(oldest ? { oldestRecoveryPoint: armTimestamp(oldest.timeMs) } : {}),
            ...(newestArchived(item) ? { newestRecoveryPointInArchive: armTimestamp(newestArchived(item)!.timeMs) } : {}),
        },
    };
    if (latest) {
        properties.lastRecoveryPoint = armTimestamp(latest.timeMs);
        properties.lastBackupTime = armTimestamp(latest.timeMs + 25 * 60_000);
    }
    return { id: item.id, name: item.itemName, type: PROTECTED_ITEM_TYPE, properties };
}

function newestArchived(item: ProtectedItemRecord): RecoveryPointRecord | undefined {
    return item.recoveryPoints.find((rp) => rp.tiers.some((t) => t.type === "ArchivedRP"));
}

export function renderRecoveryPoint(item: ProtectedItemRecord, rp: RecoveryPointRecord, format: WireFormat = "spec"): JsonObject {
    const vm = rp.vm;
    const disks = [vm.osDisk, ...vm.dataDisks];
    const premium = disks.filter((d) => /^premium/i.test(d.sku)).length;
    const archived = rp.tiers.some((t) => t.type === "ArchivedRP");
    const properties: JsonObject = {
        objectType: "IaasVMRecoveryPoint",
        recoveryPointType: rp.type,
        recoveryPointTime: armTimestamp(rp.timeMs),
        recoveryPointAdditionalInfo: "",
        sourceVMStorageType:
            premium === 0 ? "NormalStorage" : premium === disks.length ? "PremiumVMOnPremiumStorage" : "PremiumVMOnPartialPremiumStorage",
        isSourceVMEncrypted: rp.isSourceVMEncrypted,
        ...(rp.isSourceVMEncrypted && rp.keyAndSecret ? { keyAndSecret: keyAndSecretJson(rp) } : {}),
        isInstantIlrSessionActive: false,
        recoveryPointTierDetails: rp.tiers.map((t) => {
            const detail: JsonObject = tierDetail(format, t.type, t.status);
            if (t.type === "ArchivedRP" && t.status === "Rehydrated" && rp.rehydrated)
                detail.extendedInfo = { RehydratedRPExpiryTime: armTimestamp(rp.rehydrated.expiresRealMs) };
            return detail;
        }),
        isManagedVirtualMachine: vm.isManaged,
        virtualMachineSize: vm.vmSize,
        originalStorageAccountOption: !vm.isManaged,
        osType: vm.osType,
        recoveryPointDiskConfiguration: {
            numberOfDisksIncludedInBackup: disks.length,
            numberOfDisksAttachedToVm: disks.length,
            includedDiskList: disks.map((d) => ({ lun: d.lun, name: d.name })),
            excludedDiskList: [],
        },
        recoveryPointMoveReadinessInfo: {
            ArchivedRP: archived
                ? {
                      isReadyForMove: false,
                      additionalInfo: "Recovery point cannot be moved to archive tier since it has already been moved.",
                  }
                : {
                      isReadyForMove: rp.tiers.every((t) => t.type !== "InstantRP"),
                      ...(rp.tiers.some((t) => t.type === "InstantRP")
                          ? { additionalInfo: "Recovery points with an instant (snapshot) tier cannot be moved to the archive tier." }
                          : {}),
                  },
        },
        securityType: rp.securityType === "Standard" ? "None" : rp.securityType,
        recoveryPointProperties: {
            expiryTime: armTimestamp(rp.timeMs + (archived ? 365 : 30) * 86400_000),
            ruleName: "DailyBackup",
            isSoftDeleted: false,
        },
        isPrivateAccessEnabledOnAnyDisk: disks.some((d) => d.networkAccessPolicy === "AllowPrivate"),
    };
    if (vm.zones && vm.zones.length > 0) properties.zones = [...vm.zones];
    return { id: `${item.id}/recoveryPoints/${rp.name}`, name: rp.name, type: RECOVERY_POINT_TYPE, properties };
}

/** keyAndSecret of an ADE point: where the BEK secret (and KEK) were, and the encryption mechanism. */
function keyAndSecretJson(rp: RecoveryPointRecord): JsonObject {
    const k = rp.keyAndSecret!;
    return {
        bekDetails: {
            secretUrl: k.secretUrl,
            secretVaultId: k.secretVaultId,
            secretData: Buffer.from(`emulator BEK backup of ${rp.vm.name}`).toString("base64"),
        },
        ...(k.kekUrl
            ? {
                  kekDetails: {
                      keyUrl: k.kekUrl,
                      keyVaultId: k.kekVaultId,
                      keyBackupData: Buffer.from(`emulator KEK backup of ${rp.vm.name}`).toString("base64"),
                  },
              }
            : {}),
        encryptionMechanism: "SinglePass",
    };
}
