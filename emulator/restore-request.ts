/**
 * Validation of a Restores_Trigger body (`{properties: IaasVMRestoreRequest |
 * IaasVMRestoreWithRehydrationRequest}`) against the vault, the item, the recovery point and the
 * resources that exist, the way Azure Backup checks it before accepting (400 otherwise). The
 * result is the RestorePlan a restore job carries out.
 */
import { ArmError, invalidInput } from "./arm-errors";
import { fullType, parentResourceId, parseResourceId, resourceGroupId, sameId, sameName, sameRegion } from "./arm-ids";
import { ProtectedItemRecord, RecoveryPointRecord, VaultRecord, isArchivedOnly } from "./backup-catalog";
import { ArmResource, ResourceStore } from "./resource-store";

export type RecoveryType = "RestoreDisks" | "AlternateLocation" | "OriginalLocation";
export type RestoreObjectType = "IaasVMRestoreRequest" | "IaasVMRestoreWithRehydrationRequest";

export interface RestorePlan {
  objectType: RestoreObjectType;
  recoveryType: RecoveryType;
  vault: VaultRecord;
  item: ProtectedItemRecord;
  rp: RecoveryPointRecord;
  storageAccount: ArmResource;
  /** The target resource group (managed disks go there); absent for an unmanaged (VHD) RestoreDisks. */
  targetResourceGroup?: ArmResource;
  region: string;
  zones?: string[];
  /** LUNs of the data disks to restore (the OS disk is always restored). */
  dataLuns: number[];
  targetVm?: { id: string; name: string; resourceGroup: string };
  virtualNetwork?: ArmResource;
  subnet?: { id: string; name: string; addressPrefix: string };
  rehydration?: { priority: "Standard" | "High"; retentionDuration?: string };
  /** The request's properties, as sent. */
  properties: Record<string, unknown>;
}

const OBJECT_TYPES: RestoreObjectType[] = ["IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"];
const RECOVERY_TYPES: RecoveryType[] = ["RestoreDisks", "AlternateLocation", "OriginalLocation"];
const ZONE_REDUNDANT = /(^|_)(ZRS|GZRS|RAGZRS)$/i;

export function validateRestoreRequest(
  body: unknown,
  vault: VaultRecord,
  item: ProtectedItemRecord,
  rp: RecoveryPointRecord,
  resources: ResourceStore,
): RestorePlan {
  if (!isObject(body) || !isObject(body.properties)) {
    throw invalidInput("The restore request must be a JSON object with a 'properties' object (RestoreRequestResource).", "properties");
  }
  const props = body.properties;
  const at = (field: string) => `properties.${field}`;

  const objectType = props.objectType;
  if (typeof objectType !== "string" || !OBJECT_TYPES.includes(objectType as RestoreObjectType)) {
    throw invalidInput(`The field 'objectType' must be one of ${OBJECT_TYPES.join(", ")} for an Azure IaaS VM restore; got '${String(objectType)}'.`, at("objectType"));
  }
  const recoveryType = props.recoveryType;
  if (typeof recoveryType !== "string" || !RECOVERY_TYPES.includes(recoveryType as RecoveryType)) {
    throw invalidInput(`The field 'recoveryType' must be one of ${RECOVERY_TYPES.join(", ")}; got '${String(recoveryType)}'.`, at("recoveryType"));
  }
  if (props.recoveryPointId !== undefined && props.recoveryPointId !== rp.name) {
    throw invalidInput(`The field 'recoveryPointId' ('${String(props.recoveryPointId)}') does not match the recovery point in the URL ('${rp.name}').`, at("recoveryPointId"));
  }
  const sourceResourceId = requiredString(props, "sourceResourceId");
  if (!sameId(sourceResourceId, item.sourceResourceId)) {
    throw invalidInput(`The field 'sourceResourceId' ('${sourceResourceId}') does not match the protected item's virtual machine '${item.sourceResourceId}'.`, at("sourceResourceId"));
  }

  const storageAccount = checkStagingAccount(requiredString(props, "storageAccountId"), vault, resources);

  let region = vault.location;
  if (props.region !== undefined) {
    if (typeof props.region !== "string" || props.region.trim() === "") throw invalidInput("The field 'region' must be a region name.", at("region"));
    if (!sameRegion(props.region, vault.location)) {
      throw invalidInput(
        `The field 'region' ('${props.region}') must be the vault's region '${vault.location}': a restore through this API stays in the vault's region (use Cross Region Restore for the secondary region).`,
        at("region"),
      );
    }
    region = props.region;
  }

  let rehydration: RestorePlan["rehydration"];
  if (objectType === "IaasVMRestoreWithRehydrationRequest") {
    const info = props.recoveryPointRehydrationInfo;
    if (!isObject(info)) throw invalidInput("The field 'recoveryPointRehydrationInfo' is required for an IaasVMRestoreWithRehydrationRequest.", at("recoveryPointRehydrationInfo"));
    const priority = info.rehydrationPriority;
    if (priority !== "Standard" && priority !== "High") {
      throw invalidInput(`The field 'recoveryPointRehydrationInfo.rehydrationPriority' must be Standard or High; got '${String(priority)}'.`, at("recoveryPointRehydrationInfo.rehydrationPriority"));
    }
    const retention = info.rehydrationRetentionDuration;
    if (retention !== undefined && (typeof retention !== "string" || !/^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/.test(retention) || retention === "P")) {
      throw invalidInput(`The field 'recoveryPointRehydrationInfo.rehydrationRetentionDuration' must be an ISO 8601 duration such as P15D; got '${String(retention)}'.`, at("recoveryPointRehydrationInfo.rehydrationRetentionDuration"));
    }
    if (isArchivedOnly(rp)) rehydration = { priority, retentionDuration: retention as string | undefined };
  } else if (isArchivedOnly(rp)) {
    throw new ArmError(
      400,
      "UserErrorRecoveryPointNotInValidTier",
      `The recovery point '${rp.name}' is only in the archive tier (ArchivedRP) and must be rehydrated first: send an IaasVMRestoreWithRehydrationRequest with recoveryPointRehydrationInfo.`,
      at("objectType"),
    );
  }

  let zones: string[] | undefined;
  if (props.zones !== undefined) {
    if (!Array.isArray(props.zones) || !props.zones.every((z) => typeof z === "string" && /^[123]$/.test(z))) {
      throw invalidInput("The field 'zones' must be an array with one of the zone names \"1\", \"2\", \"3\".", at("zones"));
    }
    zones = props.zones as string[];
  }

  const allLuns = rp.vm.dataDisks.map((d) => d.lun);
  let dataLuns = allLuns;
  if (props.restoreDiskLunList !== undefined && props.restoreDiskLunList !== null) {
    const list = props.restoreDiskLunList;
    if (!Array.isArray(list) || !list.every((l) => Number.isInteger(l))) throw invalidInput("The field 'restoreDiskLunList' must be an array of integer LUNs.", at("restoreDiskLunList"));
    const unknown = (list as number[]).filter((l) => !allLuns.includes(l));
    if (unknown.length > 0) {
      throw invalidInput(`The field 'restoreDiskLunList' names LUN(s) ${unknown.join(", ")} that the recovery point does not have (it has ${allLuns.length ? allLuns.join(", ") : "no data disks"}).`, at("restoreDiskLunList"));
    }
    dataLuns = allLuns.filter((l) => (list as number[]).includes(l));
  }
  if (props.restoreOnlyOSDisk === true) dataLuns = [];

  const plan: RestorePlan = {
    objectType: objectType as RestoreObjectType,
    recoveryType: recoveryType as RecoveryType,
    vault,
    item,
    rp,
    storageAccount,
    region,
    zones,
    dataLuns,
    rehydration,
    properties: props,
  };

  if (props.targetResourceGroupId !== undefined) {
    plan.targetResourceGroup = checkResourceGroup(requiredString(props, "targetResourceGroupId"), "targetResourceGroupId", resources);
  }

  if (recoveryType === "AlternateLocation") {
    if (!plan.targetResourceGroup) throw invalidInput("The field 'targetResourceGroupId' is required for recoveryType AlternateLocation.", at("targetResourceGroupId"));
    plan.targetVm = checkTargetVm(requiredString(props, "targetVirtualMachineId"), plan.targetResourceGroup, resources);
    const vnetId = requiredString(props, "virtualNetworkId");
    const vnet = resources.get(vnetId);
    if (!vnet || vnet.type !== "Microsoft.Network/virtualNetworks") throw invalidInput(`The virtual network '${vnetId}' given in 'virtualNetworkId' does not exist.`, at("virtualNetworkId"));
    if (!sameRegion(vnet.location, region)) {
      throw invalidInput(`The virtual network '${vnet.name}' given in 'virtualNetworkId' is in region '${vnet.location}' but the VM is restored in '${region}': the virtual network must be in the restore region.`, at("virtualNetworkId"));
    }
    const subnetId = requiredString(props, "subnetId");
    if (!sameId(parentResourceId(subnetId), vnet.id)) throw invalidInput(`The subnet '${subnetId}' given in 'subnetId' is not a subnet of the virtual network '${vnet.id}'.`, at("subnetId"));
    const subnet = (vnet.body.properties.subnets as Array<Record<string, any>>).find((s) => sameId(s.id, subnetId));
    if (!subnet) throw invalidInput(`The subnet '${subnetId}' given in 'subnetId' does not exist.`, at("subnetId"));
    plan.virtualNetwork = vnet;
    plan.subnet = { id: subnet.id, name: subnet.name, addressPrefix: subnet.properties.addressPrefix };
  }

  if (recoveryType === "OriginalLocation") {
    const source = resources.get(item.sourceResourceId);
    if (!source || source.deletingOperationId) {
      throw invalidInput(`The original virtual machine '${item.sourceResourceId}' no longer exists, so 'recoveryType' OriginalLocation is not possible: restore disks or restore to an alternate location instead.`, at("recoveryType"));
    }
  }
  return plan;
}

function checkStagingAccount(id: string, vault: VaultRecord, resources: ResourceStore): ArmResource {
  const target = "properties.storageAccountId";
  const parsed = parseResourceId(id);
  if (!parsed || fullType(parsed)?.toLowerCase() !== "microsoft.storage/storageaccounts") {
    throw invalidInput(`The field 'storageAccountId' must be the resource ID of a storage account; got '${id}'.`, target);
  }
  const account = resources.get(id);
  if (!account || account.deletingOperationId) throw invalidInput(`The storage account '${id}' given in 'storageAccountId' does not exist.`, target);
  if (!sameRegion(account.location, vault.location)) {
    throw invalidInput(
      `Recovery Services vault and target storage account are in two different regions. The storage account '${account.name}' given in 'storageAccountId' is in '${account.location}', vault '${vault.name}' is in '${vault.location}': choose a storage account in the vault's region.`,
      target,
    );
  }
  const sku = String(account.body.sku?.name ?? "");
  if (ZONE_REDUNDANT.test(sku)) {
    throw invalidInput(`The storage account '${account.name}' given in 'storageAccountId' is zone-redundant (${sku}); zone-redundant storage accounts are not supported as the restore staging location. Use a Standard LRS or GRS account.`, target);
  }
  if (/^premium/i.test(sku)) {
    throw invalidInput(`The storage account '${account.name}' given in 'storageAccountId' is a premium account (${sku}); premium storage accounts are not supported as the restore staging location. Use a Standard LRS or GRS account.`, target);
  }
  const kind = String(account.body.kind ?? "StorageV2");
  if (!/^(StorageV2|Storage)$/i.test(kind)) {
    throw invalidInput(`The storage account '${account.name}' given in 'storageAccountId' is of kind ${kind}; only general-purpose (StorageV2 or Storage) accounts can be the restore staging location.`, target);
  }
  return account;
}

function checkResourceGroup(id: string, field: string, resources: ResourceStore): ArmResource {
  const parsed = parseResourceId(id);
  if (!parsed?.resourceGroup || parsed.namespace !== undefined) {
    throw invalidInput(`The field '${field}' must be a resource group ID (/subscriptions/{id}/resourceGroups/{name}); got '${id}'.`, `properties.${field}`);
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
    throw invalidInput(`The virtual machine '${id}' given in 'targetVirtualMachineId' must be in the target resource group '${targetRg.name}' given in 'targetResourceGroupId'.`, target);
  }
  const name = parsed.names[0];
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9]$/.test(name)) {
    throw invalidInput(`'${name}' given in 'targetVirtualMachineId' is not a valid virtual machine name.`, target);
  }
  if (resources.get(id)) {
    throw invalidInput(`A virtual machine named '${name}' already exists in resource group '${parsed.resourceGroup}': choose another name in 'targetVirtualMachineId'.`, target);
  }
  return { id: `${resourceGroupId(parsed.subscriptionId, targetRg.name)}/providers/Microsoft.Compute/virtualMachines/${name}`, name, resourceGroup: targetRg.name };
}

function requiredString(props: Record<string, unknown>, field: string): string {
  const v = props[field];
  if (typeof v !== "string" || v.trim() === "") throw invalidInput(`The field '${field}' is required and must be a non-empty string.`, `properties.${field}`);
  return v;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
