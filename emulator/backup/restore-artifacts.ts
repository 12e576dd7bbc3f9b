/**
 * What a completed restore job leaves behind, created as ARM resources and blobs:
 * - RestoreDisks: managed disks in the target resource group ({vm}-osdisk-{yyyyMMdd-HHmmss},
 *   {vm}-datadisk-{lun}-{yyyyMMdd-HHmmss}) or, without targetResourceGroupId, VHD blobs in the
 *   staging container; plus the VM config blob and the ARM template blob that references the
 *   restored disks by full resource ID.
 * - AlternateLocation: the disks, a NIC in the request's subnet, the VM at targetVirtualMachineId,
 *   and the config blob.
 * - OriginalLocation: new disks swapped into the source VM (its old disks stay, detached), and the
 *   config blob.
 * The request's options shape them: zones, extendedLocation, diskEncryptionSetId (encryption),
 * encryptionDetails (ADE encryptionSettingsCollection), targetDiskNetworkAccessSettings
 * (networkAccessPolicy), securedVMDetails (the confidential OS disk's securityProfile).
 * A restore whose target vanished while it ran fails instead (RestoreArtifactError).
 */
import { JsonObject } from "../server/json";
import { randomUUID } from "crypto";
import { resourceId, sameId } from "../world/arm-ids";
import { diskBody, nicBody, vmBody } from "../world/arm-resource-bodies";
import { restoreTemplate, TemplateDisk } from "./arm-template";
import { AzureVariants, resolveVariants } from "../world/azure-variants";
import { DiskSnapshot } from "./backup-catalog";
import { BlobStore, blobUrl } from "../world/blob-store";
import { nextPrivateIp } from "../world/private-ip";
import { ArmResource, ResourceStore } from "../world/resource-store";
import { attachDisk, detachDisk } from "../world/resource-lifecycle";
import { JobErrorInfo, RestoreJob, restoresFromSnapshot } from "./restore-job";
import { RestorePlan } from "./restore-request";
import { adeSettings } from "../world/world-builder";
import { nameStamp } from "./time-format";

export interface ArtifactContext {
    resources: ResourceStore;
    blobs: BlobStore;
    baseUrl: string;
    subscriptionId: string;
    /** Template and blob shapes where Azure varies (default: full IDs, UTF-8, template present). */
    variants?: Required<AzureVariants>;
}

export class RestoreArtifactError extends Error {
    constructor(readonly info: JobErrorInfo) {
        super(info.errorString);
    }
}

export interface RestoreArtifacts {
    propertyBag: Record<string, string>;
    /** ARM IDs and blob URLs of everything created. */
    created: string[];
}

interface RestoredDisk extends TemplateDisk {
    source: DiskSnapshot;
}

export function createRestoreArtifacts(job: RestoreJob, ctx: ArtifactContext): RestoreArtifacts {
    const plan = job.plan;
    const { resources, blobs, baseUrl } = ctx;
    const sub = ctx.subscriptionId;
    const vm = plan.rp.vm;
    const stamp = nameStamp(job.startMs());
    const created: string[] = [];
    const completedMs = job.at(job.totalSeconds * 1000);
    const variants = ctx.variants ?? resolveVariants(undefined);

    const account = resources.get(plan.storageAccount.id);
    if (!account)
        fail(
            404001,
            `The staging storage account '${plan.storageAccount.name}' was deleted while the restore ran.`,
            "Staging storage account not found",
        );
    if (plan.targetResourceGroup && !resources.get(plan.targetResourceGroup.id)) {
        fail(
            404002,
            `The target resource group '${plan.targetResourceGroup.name}' was deleted while the restore ran.`,
            "Target resource group not found",
        );
    }

    const guid = randomUUID();
    const container = containerName(vm.name, guid);
    const putBlob = (name: string, content: unknown, contentType = "application/json") => {
        blobs.put({
            account: account.name,
            container,
            name,
            content: typeof content === "string" ? content : JSON.stringify(content, null, 2),
            encoding: variants.blobEncoding,
            contentType,
            createdMs: completedMs,
            origin: "restore",
            jobId: job.id,
        });
        const url = blobUrl(baseUrl, account.name.toLowerCase(), container, name);
        created.push(url);
        return url;
    };

    // Where the disks go and what they are called.
    let diskRg: string | undefined;
    let diskPrefix = vm.name;
    if (plan.recoveryType === "AlternateLocation" && plan.targetVm) {
        diskRg = plan.targetVm.resourceGroup;
        diskPrefix = plan.targetVm.name;
    } else if (plan.recoveryType === "OriginalLocation") {
        diskRg = vm.resourceGroup;
    } else if (plan.targetResourceGroup) {
        diskRg = plan.targetResourceGroup.name;
    }

    if (plan.recoveryType === "AlternateLocation" && plan.targetVm && resources.get(plan.targetVm.id)) {
        fail(
            409001,
            `A virtual machine named '${plan.targetVm.name}' was created in resource group '${plan.targetVm.resourceGroup}' while the restore ran.`,
            "Target virtual machine already exists",
        );
    }
    if (plan.recoveryType === "AlternateLocation" && plan.subnet && !resources.get(plan.virtualNetwork?.id ?? "")) {
        fail(
            404003,
            `The virtual network '${plan.virtualNetwork?.name}' was deleted while the restore ran.`,
            "Target virtual network not found",
        );
    }
    const sourceVm = plan.recoveryType === "OriginalLocation" ? resources.get(vm.id) : undefined;
    if (plan.recoveryType === "OriginalLocation" && (!sourceVm || sourceVm.deletingOperationId)) {
        fail(404004, `The original virtual machine '${vm.name}' was deleted while the restore ran.`, "Original virtual machine not found");
    }

    const sourceDisks: DiskSnapshot[] = [vm.osDisk, ...vm.dataDisks.filter((d) => plan.dataLuns.includes(d.lun))];
    const fromSnapshot = restoresFromSnapshot(plan);
    const ade = plan.ade
        ? adeSettings({
              secretUrl: plan.ade.secretKeyUrl,
              secretVaultId: plan.ade.secretKeyVaultId,
              kekUrl: plan.ade.kekUrl,
              kekVaultId: plan.ade.kekVaultId,
          })
        : undefined;
    // Unmanaged OriginalLocation with originalStorageAccountOption: the VHDs go back to the VM's own account.
    const vhdAccount =
        !plan.managedDisks && plan.recoveryType === "OriginalLocation" && plan.properties.originalStorageAccountOption === true
            ? (/\/blob\/([^/]+)\//.exec(vm.osDisk.vhdUri ?? "")?.[1] ?? account.name)
            : account.name;
    const restored: RestoredDisk[] = sourceDisks.map((src) => {
        const baseName =
            variants.restoredDiskNames === "other"
                ? `${diskPrefix}-restored-${src.lun < 0 ? "os" : src.lun}-${guid.slice(0, 8)}`
                : src.lun < 0
                  ? `${diskPrefix}-osdisk-${stamp}`
                  : `${diskPrefix}-datadisk-${src.lun}-${stamp}`;
        if (!plan.managedDisks || !diskRg) {
            const vhdName = `${baseName}.vhd`;
            const content = JSON.stringify(
                { kind: "PageBlob", description: "VHD restored by the VmRestore emulator", sizeGB: src.sizeGB, sourceDisk: src.id },
                null,
                2,
            );
            const vhdContainer = vhdAccount === account.name ? container : "vhds";
            blobs.put({
                account: vhdAccount,
                container: vhdContainer,
                name: vhdName,
                content,
                contentType: "application/octet-stream",
                createdMs: completedMs,
                origin: "restore",
                jobId: job.id,
            });
            const uri = blobUrl(baseUrl, vhdAccount.toLowerCase(), vhdContainer, vhdName);
            created.push(uri);
            return { name: baseName, lun: src.lun, sku: src.sku, sizeGB: src.sizeGB, vhdUri: uri, source: src };
        }
        const name = uniqueName(resources, sub, diskRg, baseName);
        const access = diskNetworkAccess(plan, src);
        const body = diskBody({
            subscriptionId: sub,
            resourceGroup: diskRg,
            name,
            location: plan.region,
            sizeGB: src.sizeGB,
            sku: src.sku,
            osType: src.lun < 0 ? vm.osType : undefined,
            zones: plan.zones,
            extendedLocation: plan.extendedLocation,
            encryption: plan.diskEncryptionSet
                ? { type: plan.diskEncryptionSet.encryptionType, diskEncryptionSetId: plan.diskEncryptionSet.id }
                : undefined,
            encryptionSettingsCollection: ade,
            networkAccessPolicy: access.policy,
            diskAccessId: access.diskAccessId,
            securityProfile: src.lun < 0 ? osDiskSecurityProfile(plan) : undefined,
            creationData: fromSnapshot
                ? {
                      createOption: "Copy",
                      sourceResourceId: `/subscriptions/${sub}/resourceGroups/AzureBackupRG_${plan.vault.location}_1/providers/Microsoft.Compute/snapshots/AzureBackup_${plan.rp.name}_${src.lun < 0 ? "osdisk" : `datadisk${src.lun}`}`,
                  }
                : {
                      createOption: "Import",
                      storageAccountId: account.id,
                      sourceUri: `${baseUrl}/blob/${account.name}/${container}/${name}.vhd`,
                  },
            createdMs: completedMs,
        });
        resources.put({
            id: body.id,
            type: "Microsoft.Compute/disks",
            name,
            resourceGroup: diskRg,
            location: plan.region,
            body,
            origin: "restore",
            jobId: job.id,
        });
        created.push(body.id);
        if (!fromSnapshot) {
            // A restore from the vault tier stages each disk as a VHD in the staging container, and
            // leaves it there (the managed disk is imported from it).
            const vhd = JSON.stringify(
                {
                    kind: "PageBlob",
                    description: "Staging VHD of a vault-tier restore (left by Azure Backup)",
                    sizeGB: src.sizeGB,
                    disk: body.id,
                },
                null,
                2,
            );
            blobs.put({
                account: account.name,
                container,
                name: `${name}.vhd`,
                content: vhd,
                contentType: "application/octet-stream",
                createdMs: completedMs,
                origin: "restore",
                jobId: job.id,
            });
            created.push(blobUrl(baseUrl, account.name.toLowerCase(), container, `${name}.vhd`));
        }
        return {
            name,
            lun: src.lun,
            sku: src.sku,
            sizeGB: src.sizeGB,
            id: body.id,
            diskEncryptionSetId: plan.diskEncryptionSet?.id,
            securityProfile: src.lun < 0 ? vmDiskSecurityProfile(plan) : undefined,
            source: src,
        };
    });
    const osDisk = restored[0];
    const dataDisks = restored.slice(1);

    const bag: Record<string, string> = {};
    const configName = `config-${vm.name.toLowerCase()}-${guid}.json`;
    const configUri = putBlob(configName, vm.config);
    bag["Config Blob Container Name"] = container;
    bag["Config Blob Name"] = configName;
    bag["Config Blob Uri"] = configUri;

    if (plan.recoveryType === "RestoreDisks") {
        const sourceVnet = resources.get(vm.subnetId.replace(/\/subnets\/[^/]+$/i, ""));
        const template = restoreTemplate({
            vmName: vm.name,
            location: plan.region,
            zones: plan.zones,
            vmSize: vm.vmSize,
            osType: vm.osType,
            securityType: plan.rp.securityType,
            extendedLocation: plan.extendedLocation,
            osDisk,
            dataDisks,
            virtualNetworkName: sourceVnet?.name ?? "",
            virtualNetworkResourceGroup: sourceVnet?.resourceGroup ?? vm.resourceGroup,
            subnetName: vm.subnetId.split("/").pop() ?? "default",
            diskRefs: variants.templateDiskRefs,
        });
        if (variants.templateBlob !== "absent") {
            const uri = putBlob(`azuredeploy${guid}.json`, template);
            bag["Template Blob Uri"] = uri;
            if (variants.templateBlob === "unreadable") blobs.delete(account.name, container, `azuredeploy${guid}.json`);
        }
    }

    if (plan.recoveryType === "AlternateLocation" && plan.targetVm && plan.subnet) {
        const rg = plan.targetVm.resourceGroup;
        const nicName = uniqueName(resources, sub, rg, `${plan.targetVm.name}-nic-${stamp}`, "Microsoft.Network/networkInterfaces");
        const vmId = resourceId(sub, rg, "Microsoft.Compute/virtualMachines", plan.targetVm.name);
        const nic = nicBody({
            subscriptionId: sub,
            resourceGroup: rg,
            name: nicName,
            location: plan.region,
            subnetId: plan.subnet.id,
            privateIp: nextPrivateIp(resources, plan.subnet.id, plan.subnet.addressPrefix),
            virtualMachineId: vmId,
            extendedLocation: plan.extendedLocation,
        });
        resources.put({
            id: nic.id,
            type: "Microsoft.Network/networkInterfaces",
            name: nicName,
            resourceGroup: rg,
            location: plan.region,
            body: nic,
            origin: "restore",
            jobId: job.id,
        });
        created.push(nic.id);
        const body = vmBody({
            subscriptionId: sub,
            resourceGroup: rg,
            name: plan.targetVm.name,
            location: plan.region,
            vmSize: vm.vmSize,
            osType: vm.osType,
            zones: plan.zones,
            extendedLocation: plan.extendedLocation,
            securityType: plan.rp.securityType,
            osDisk: {
                name: osDisk.name,
                id: osDisk.id,
                sku: osDisk.sku,
                sizeGB: osDisk.sizeGB,
                createOption: "Attach",
                diskEncryptionSetId: osDisk.diskEncryptionSetId,
                securityProfile: osDisk.securityProfile,
            },
            dataDisks: dataDisks.map((d) => ({
                lun: d.lun,
                name: d.name,
                id: d.id,
                sku: d.sku,
                sizeGB: d.sizeGB,
                createOption: "Attach" as const,
                diskEncryptionSetId: d.diskEncryptionSetId,
            })),
            nicIds: [nic.id],
            withOsProfile: false,
            createdMs: completedMs,
        });
        resources.put({
            id: body.id,
            type: "Microsoft.Compute/virtualMachines",
            name: plan.targetVm.name,
            resourceGroup: rg,
            location: plan.region,
            body,
            origin: "restore",
            jobId: job.id,
        });
        created.push(body.id);
        for (const d of restored) if (d.id) attachDisk(resources, d.id, body.id);
    }

    if (plan.recoveryType === "OriginalLocation" && sourceVm) {
        swapDisks(resources, sourceVm, restored);
    }

    return { propertyBag: bag, created };
}

/**
 * OriginalLocation: the VM's storageProfile points to the restored disks (managed disks, or VHD
 * URIs for an unmanaged VM). The replaced managed disks stay, detached (Unattached, no managedBy);
 * the replaced VHD blobs stay where they were.
 */
function swapDisks(resources: ResourceStore, vmRes: ArmResource, restored: RestoredDisk[]): void {
    const storage = (vmRes.body.properties.storageProfile ??= {});
    const dataDisks = (storage.dataDisks ??= []);
    const managedDisk = (d: RestoredDisk) => ({
        storageAccountType: d.sku,
        id: d.id,
        ...(d.diskEncryptionSetId ? { diskEncryptionSet: { id: d.diskEncryptionSetId } } : {}),
        ...(d.securityProfile ? { securityProfile: d.securityProfile } : {}),
    });
    for (const d of restored) {
        if (d.vhdUri) {
            if (d.lun < 0) storage.osDisk = { ...storage.osDisk, name: d.name, createOption: "Attach", vhd: { uri: d.vhdUri } };
            else {
                const idx = dataDisks.findIndex((x) => x.lun === d.lun);
                const entry = {
                    lun: d.lun,
                    name: d.name,
                    createOption: "Attach",
                    caching: "None",
                    diskSizeGB: d.sizeGB,
                    vhd: { uri: d.vhdUri },
                    deleteOption: "Detach",
                    toBeDetached: false,
                };
                if (idx >= 0) dataDisks[idx] = entry;
                else dataDisks.push(entry);
            }
            continue;
        }
        if (!d.id) continue;
        if (d.lun < 0) {
            const oldOsDisk = storage.osDisk?.managedDisk?.id;
            if (oldOsDisk) detachDisk(resources, oldOsDisk);
            storage.osDisk = { ...storage.osDisk, name: d.name, createOption: "Attach", managedDisk: managedDisk(d) };
        } else {
            const idx = dataDisks.findIndex((x) => x.lun === d.lun);
            const entry = {
                lun: d.lun,
                name: d.name,
                createOption: "Attach",
                caching: "None",
                diskSizeGB: d.sizeGB,
                managedDisk: managedDisk(d),
                deleteOption: "Detach",
                toBeDetached: false,
            };
            if (idx >= 0) {
                const old = dataDisks[idx].managedDisk?.id;
                if (old && !sameId(old, d.id)) detachDisk(resources, old);
                dataDisks[idx] = entry;
            } else {
                dataDisks.push(entry);
            }
        }
        attachDisk(resources, d.id, vmRes.id);
    }
    delete storage.imageReference;
}

/** networkAccessPolicy (and disk access) of a restored disk: the request's setting, else the source disk's. */
function diskNetworkAccess(plan: RestorePlan, src: DiskSnapshot): { policy: string; diskAccessId?: string } {
    switch (plan.networkAccess?.option) {
        case "EnablePrivateAccessForAllDisks":
            return { policy: "AllowPrivate", diskAccessId: plan.networkAccess.diskAccessId };
        case "EnablePublicAccessForAllDisks":
            return { policy: "AllowAll" };
        default:
            return { policy: src.networkAccessPolicy, diskAccessId: src.diskAccessId };
    }
}

/** The restored OS disk's properties.securityProfile: confidential encryption with securedVMDetails' DES, or Trusted Launch. */
function osDiskSecurityProfile(plan: RestorePlan): JsonObject | undefined {
    if (plan.rp.securityType === "ConfidentialVM") {
        return plan.securedVm
            ? {
                  securityType: "ConfidentialVM_DiskEncryptedWithCustomerKey",
                  secureVMDiskEncryptionSetId: plan.securedVm.osDiskEncryptionSetId,
              }
            : { securityType: "ConfidentialVM_DiskEncryptedWithPlatformKey" };
    }
    if (plan.rp.securityType === "TrustedLaunch") return { securityType: "TrustedLaunch" };
    return undefined;
}

/** storageProfile.osDisk.managedDisk.securityProfile of a VM attaching the restored confidential OS disk. */
function vmDiskSecurityProfile(plan: RestorePlan): JsonObject | undefined {
    if (plan.rp.securityType !== "ConfidentialVM") return undefined;
    return {
        securityEncryptionType: "DiskWithVMGuestState",
        ...(plan.securedVm ? { diskEncryptionSet: { id: plan.securedVm.osDiskEncryptionSetId } } : {}),
    };
}

function uniqueName(resources: ResourceStore, sub: string, rg: string, base: string, type = "Microsoft.Compute/disks"): string {
    let name = base;
    for (let i = 1; resources.get(resourceId(sub, rg, type, name)); i++) name = `${base}-${i}`;
    return name;
}

/** Staging container: {vm}-{guid without dashes}, lowercase, at most 63 characters. */
function containerName(vmName: string, guid: string): string {
    const vm =
        vmName
            .toLowerCase()
            .replace(/[^a-z0-9-]/g, "-")
            .replace(/-+/g, "-")
            .replace(/^-|-$/g, "") || "vm";
    return `${vm.slice(0, 30)}-${guid.replace(/-/g, "")}`.slice(0, 63);
}

function fail(errorCode: number, errorString: string, errorTitle: string): never {
    throw new RestoreArtifactError({
        errorCode,
        errorString,
        errorTitle,
        recommendations: ["Check the restore targets and trigger the restore again."],
    });
}
