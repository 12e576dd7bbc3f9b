/**
 * The ARM deployment template a RestoreDisks job leaves in the staging account
 * (azuredeploy{guid}.json): it builds a VM from the restored disks, whose FULL resource IDs it
 * names in storageProfile.osDisk.managedDisk.id and dataDisks[].managedDisk.id (or the VHD URIs
 * of an unmanaged restore).
 */
import { vmSecurityProfile } from "./arm-resource-bodies";

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
  securityProfile?: Record<string, any>;
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
}

export function restoreTemplate(t: TemplateInput): Record<string, any> {
  const diskRef = (d: TemplateDisk) =>
    d.id
      ? {
          managedDisk: {
            id: d.id,
            storageAccountType: d.sku,
            ...(d.diskEncryptionSetId ? { diskEncryptionSet: { id: d.diskEncryptionSetId } } : {}),
            ...(d.securityProfile ? { securityProfile: d.securityProfile } : {}),
          },
        }
      : { vhd: { uri: d.vhdUri } };
  const security = vmSecurityProfile(t.securityType);
  const vm: Record<string, any> = {
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
        osDisk: { osType: t.osType, name: t.osDisk.name, createOption: "Attach", caching: "ReadWrite", diskSizeGB: t.osDisk.sizeGB, ...diskRef(t.osDisk) },
        dataDisks: t.dataDisks.map((d) => ({ lun: d.lun, name: d.name, createOption: "Attach", caching: "None", diskSizeGB: d.sizeGB, ...diskRef(d) })),
      },
      networkProfile: {
        networkInterfaces: [{ id: "[resourceId('Microsoft.Network/networkInterfaces', parameters('NetworkInterfaceName'))]", properties: { primary: true } }],
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
    },
    variables: {
      subnetRef: "[resourceId(parameters('VirtualNetworkResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', parameters('VirtualNetwork'), parameters('Subnet'))]",
    },
    resources: [
      {
        type: "Microsoft.Network/networkInterfaces",
        apiVersion: "2023-09-01",
        name: "[parameters('NetworkInterfaceName')]",
        location: "[parameters('Location')]",
        ...(t.extendedLocation ? { extendedLocation: { ...t.extendedLocation } } : {}),
        properties: {
          ipConfigurations: [{ name: "ipconfig1", properties: { privateIPAllocationMethod: "Dynamic", subnet: { id: "[variables('subnetRef')]" } } }],
        },
      },
      vm,
    ],
    outputs: {},
  };
}
