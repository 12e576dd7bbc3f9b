/**
 * The ARM resources that currently exist (resource groups, the vault, VMs, disks, NICs,
 * virtual networks, storage accounts), keyed case-insensitively by resource ID.
 */
import { trimId } from "./arm-ids";

export type ResourceOrigin = "seed" | "restore";

export interface ArmResource {
    /** Canonical ID, in the casing it was created with. */
    id: string;
    /** e.g. "Microsoft.Compute/disks" */
    type: string;
    name: string;
    resourceGroup: string;
    location: string;
    /** The JSON a GET answers. */
    body: Record<string, any>;
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
