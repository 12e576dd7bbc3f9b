/**
 * The ARM deployment template a RestoreDisks job leaves in the staging account
 * (azuredeploy{guid}.json): it builds a VM from the restored disks, whose FULL resource IDs it
 * names in storageProfile.osDisk.managedDisk.id and dataDisks[].managedDisk.id (or the VHD URIs
 * of an unmanaged restore).
 */
import { JsonObject } from "../server/json";
import { vmSecurityProfile } from "../world/arm-resource-bodies";
import { TemplateDiskRefs } from "../world/azure-variants";

export interface TemplateDisk {
    name: string;
    lun: number;
    sku: string;
    sizeGB: number;
    /** Managed disk resource ID. */
    id?: string;
    /** Unmanaged restore: the VHD blob URI. */
    vhdUri?: string;
    /** managedDisk.diskEncryptionSet.id */
    diskEncryptionSetId?: string;
    /** managedDisk.securityProfile (a confidential OS disk). */
    securityProfile?: JsonObject;
}

export interface TemplateInput {
    vmName: string;
    location: string;
    zones?: string[];
    vmSize: string;
    osType: string;
    /** Standard, TrustedLaunch or ConfidentialVM: the VM's securityProfile. */
    securityType?: string;
    extendedLocation?: { name: string; type: string };
    osDisk: TemplateDisk;
    dataDisks: TemplateDisk[];
    /** Defaults for the template's network parameters (the source VM's). */
    virtualNetworkName: string;
    virtualNetworkResourceGroup: string;
    subnetName: string;
    /** How the VM names its disks (emulator/world/azure-variants.ts); default full literal IDs. */
    diskRefs?: TemplateDiskRefs;
}

/** A managed disk's ID as the template variant writes it. */
function diskIdRef(id: string, lun: number, style: TemplateDiskRefs): string {
    const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/disks\/([^/]+)$/i.exec(id);
    if (!m) return id;
    const [, rg, name] = m;
    if (style === "resourceIdWithGroup") return `[resourceId('${rg}', 'Microsoft.Compute/disks', '${name}')]`;
    if (style === "concat")
        return `[concat('/subscriptions/', subscription().subscriptionId, '/resourceGroups/', '${rg}', '/providers/Microsoft.Compute/disks/', '${name}')]`;
    if (style === "parameters")
        return `[resourceId(variables('diskResourceGroup'), 'Microsoft.Compute/disks', parameters('${diskParameter(lun)}'))]`;
    return id;
}

function diskParameter(lun: number): string {
    return lun < 0 ? "OsDiskName" : `DataDisk${lun}Name`;
}

export function restoreTemplate(t: TemplateInput): JsonObject {
    const style = t.diskRefs ?? "fullIds";
    const diskRef = (d: TemplateDisk) =>
        d.id
            ? {
                  managedDisk: {
                      id: diskIdRef(d.id, d.lun, style),
                      storageAccountType: d.sku,
                      ...(d.diskEncryptionSetId ? { diskEncryptionSet: { id: d.diskEncryptionSetId } } : {}),
                      ...(d.securityProfile ? { securityProfile: d.securityProfile } : {}),
                  },
              }
            : { vhd: { uri: d.vhdUri } };
    const security = vmSecurityProfile(t.securityType);
    const vm: JsonObject = {
        type: "Microsoft.Compute/virtualMachines",
        apiVersion: "2024-03-01",
        name: "[parameters('VirtualMachineName')]",
        location: "[parameters('Location')]",
        dependsOn: ["[resourceId('Microsoft.Network/networkInterfaces', parameters('NetworkInterfaceName'))]"],
        ...(t.extendedLocation ? { extendedLocation: { ...t.extendedLocation } } : {}),
        properties: {
            hardwareProfile: { vmSize: "[parameters('VirtualMachineSize')]" },
            ...(security ? { securityProfile: security } : {}),
            storageProfile: {
                osDisk: {
                    osType: t.osType,
                    name: t.osDisk.name,
                    createOption: "Attach",
                    caching: "ReadWrite",
                    diskSizeGB: t.osDisk.sizeGB,
                    ...diskRef(t.osDisk),
                },
                dataDisks: t.dataDisks.map((d) => ({
                    lun: d.lun,
                    name: d.name,
                    createOption: "Attach",
                    caching: "None",
                    diskSizeGB: d.sizeGB,
                    ...diskRef(d),
                })),
            },
            networkProfile: {
                networkInterfaces: [
                    {
                        id: "[resourceId('Microsoft.Network/networkInterfaces', parameters('NetworkInterfaceName'))]",
                        properties: { primary: true },
                    },
                ],
            },
            diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        },
    };
    if (t.zones && t.zones.length > 0) vm.zones = [...t.zones];
    return {
        $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        contentVersion: "1.0.0.0",
        parameters: {
            VirtualMachineName: { type: "string", defaultValue: t.vmName },
            VirtualMachineSize: { type: "string", defaultValue: t.vmSize },
            Location: { type: "string", defaultValue: t.location },
            VirtualNetwork: { type: "string", defaultValue: t.virtualNetworkName },
            VirtualNetworkResourceGroup: { type: "string", defaultValue: t.virtualNetworkResourceGroup },
            Subnet: { type: "string", defaultValue: t.subnetName },
            NetworkInterfaceName: { type: "string", defaultValue: `${t.vmName}-nic-restored` },
            ...(style === "parameters"
                ? Object.fromEntries(
                      [t.osDisk, ...t.dataDisks]
                          .filter((d) => d.id)
                          .map((d) => [diskParameter(d.lun), { type: "string", defaultValue: d.id!.split("/").pop() }]),
                  )
                : {}),
        },
        variables: {
            ...(style === "parameters" && t.osDisk.id ? { diskResourceGroup: t.osDisk.id.split("/")[4] } : {}),
            subnetRef:
                "[resourceId(parameters('VirtualNetworkResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', parameters('VirtualNetwork'), parameters('Subnet'))]",
        },
        resources: [
            {
                type: "Microsoft.Network/networkInterfaces",
                apiVersion: "2023-09-01",
                name: "[parameters('NetworkInterfaceName')]",
                location: "[parameters('Location')]",
                ...(t.extendedLocation ? { extendedLocation: { ...t.extendedLocation } } : {}),
                properties: {
                    ipConfigurations: [
                        {
                            name: "ipconfig1",
                            properties: { privateIPAllocationMethod: "Dynamic", subnet: { id: "[variables('subnetRef')]" } },
                        },
                    ],
                },
            },
            vm,
        ],
        outputs: {},
    };
}
