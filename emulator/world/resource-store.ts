/**
 * The ARM resources that currently exist (resource groups, the vault, VMs, disks, NICs,
 * virtual networks, storage accounts), keyed case-insensitively by resource ID.
 */
import { trimId } from "./arm-ids";

export type ResourceOrigin = "seed" | "restore";

/** `{id}` references between resources (a NIC's VM, a disk of a VM, an IP configuration's subnet). */
export interface IdRef {
    id: string;
}

/** A VM's disk slot in storageProfile (managed disk or VHD). */
export interface VmDiskSlot {
    lun?: number;
    name?: string;
    osType?: string;
    managedDisk?: { id?: string; [field: string]: unknown };
    vhd?: { uri: string };
    [field: string]: unknown;
}

/**
 * The `properties` of the resources the emulator serves. The fields its own code reads are typed;
 * everything else (what a GET answers as is) is carried unchecked.
 */
export interface ArmResourceProperties {
    provisioningState?: string;
    /** Disks. */
    diskState?: string;
    /** NICs. */
    virtualMachine?: IdRef;
    ipConfigurations?: Array<{
        id?: string;
        name?: string;
        properties?: { subnet?: IdRef; privateIPAddress?: string; [field: string]: unknown };
        [field: string]: unknown;
    }>;
    /** Virtual networks. */
    subnets?: SubnetBody[];
    /** VMs. */
    storageProfile?: { osDisk?: VmDiskSlot; dataDisks?: VmDiskSlot[]; [field: string]: unknown };
    networkProfile?: { networkInterfaces?: Array<IdRef & { [field: string]: unknown }>; [field: string]: unknown };
    /** Disk encryption sets. */
    encryptionType?: string;
    /** Key Vaults. */
    vaultUri?: string;
    [field: string]: unknown;
}

export interface SubnetBody {
    id: string;
    name: string;
    properties: { addressPrefix: string; ipConfigurations?: IdRef[]; [field: string]: unknown };
    [field: string]: unknown;
}

/** The JSON of an ARM resource as a GET answers it. */
export interface ArmResourceBody {
    id: string;
    name?: string;
    type?: string;
    location?: string;
    sku?: { name?: string; [field: string]: unknown };
    kind?: string;
    zones?: string[];
    /** Disks: the VM a disk is attached to. */
    managedBy?: string;
    properties: ArmResourceProperties;
    [field: string]: unknown;
}

export interface ArmResource {
    /** Canonical ID, in the casing it was created with. */
    id: string;
    /** e.g. "Microsoft.Compute/disks" */
    type: string;
    name: string;
    resourceGroup: string;
    location: string;
    /** The JSON a GET answers. */
    body: ArmResourceBody;
    origin: ResourceOrigin;
    /** The restore job that created it. */
    jobId?: string;
    /** Set while an ARM DELETE is in flight: the resource still answers GET (provisioningState Deleting). */
    deletingOperationId?: string;
}

export class ResourceStore {
    private readonly byId = new Map<string, ArmResource>();

    get(id: string): ArmResource | undefined {
        return this.byId.get(key(id));
    }

    has(id: string): boolean {
        return this.byId.has(key(id));
    }

    put(resource: ArmResource): ArmResource {
        this.byId.set(key(resource.id), resource);
        return resource;
    }

    delete(id: string): boolean {
        return this.byId.delete(key(id));
    }

    all(): ArmResource[] {
        return [...this.byId.values()];
    }

    ofType(type: string, resourceGroup?: string): ArmResource[] {
        return this.all().filter(
            (r) =>
                r.type.toLowerCase() === type.toLowerCase() &&
                (resourceGroup === undefined || r.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
        );
    }
}

function key(id: string): string {
    return trimId(id).toLowerCase();
}
