/**
 * `VmRestore`: restores an Azure VM (its disks, or a new VM) from an Azure Backup recovery point.
 */
import * as pulumi from "@pulumi/pulumi";
import { restoreProvider } from "./restore-provider";
import { packedProvider } from "./packed-provider";
import * as providerHost from "../provider-host";
import { RestoreType, RestoredDataDiskOutput } from "../restore/restore-inputs";
import {
    DiskEncryptionKeysArgs,
    DiskNetworkAccessArgs,
    RecoveryPointSelectorArgs,
    RehydrationArgs,
    RestoreIdentityArgs,
} from "./input-types";

export interface VmRestoreArgs {
    /** Recovery Services vault resource ID. Either this, or vaultResourceGroupName + vaultName (in the VM's subscription). */
    vaultId?: pulumi.Input<string>;
    vaultResourceGroupName?: pulumi.Input<string>;
    vaultName?: pulumi.Input<string>;
    /** The protected VM's resource ID. The backup item is found from it. */
    sourceVmId: pulumi.Input<string>;
    /** A recovery point ID, or "latest" (default). The resolved point is pinned in state. */
    recoveryPoint?: pulumi.Input<string>;
    /** "RestoreDisks" (managed disks into targetResourceGroupId, or VHDs into the staging account), "AlternateLocation" (a new VM) or "OriginalLocation" (replaces the source VM's disks; needs allowOriginalLocationOverwrite). */
    restoreType: pulumi.Input<RestoreType>;
    /** Staging storage account: same region as the vault, not zone-redundant. */
    storageAccountId: pulumi.Input<string>;
    /** Resource group (ID) that receives the restored disks, or the new VM with its NIC and disks. Optional for RestoreDisks of unmanaged VMs (VHDs stay in the staging account). */
    targetResourceGroupId?: pulumi.Input<string>;
    /** AlternateLocation: the new VM's name, virtual network and subnet. */
    targetVmName?: pulumi.Input<string>;
    virtualNetworkId?: pulumi.Input<string>;
    subnetId?: pulumi.Input<string>;
    /** ARM endpoint (default https://management.azure.com): sovereign clouds, or the local emulator. */
    armEndpoint?: pulumi.Input<string>;
    /** Fail when the restore takes longer than this (default 720: 12 h). Changing it never restores again. */
    timeoutMinutes?: pulumi.Input<number>;
    /** Remove the restore's config/template blobs from the staging account on delete (default true). */
    deleteStagingBlobs?: pulumi.Input<boolean>;
    /** On timeout, also cancel the restore job in Azure (default false: it keeps running, and the next up resumes it). */
    cancelOnTimeout?: pulumi.Input<boolean>;
    /** Restore into the vault's paired region (Cross Region Restore must be enabled on the vault). */
    crossRegion?: pulumi.Input<boolean>;
    /** The secondary region for crossRegion (default: the Azure pair of the vault's region). */
    secondaryRegion?: pulumi.Input<string>;
    recoveryPointSelector?: pulumi.Input<RecoveryPointSelectorArgs>;
    allowOriginalLocationOverwrite?: pulumi.Input<boolean>;
    diskLuns?: pulumi.Input<pulumi.Input<number>[]>;
    osDiskOnly?: pulumi.Input<boolean>;
    /** Availability zone of what is restored; an Output that resolves to undefined means none. */
    targetZone?: pulumi.Input<string | undefined>;
    diskEncryptionSetId?: pulumi.Input<string>;
    encryptionKeys?: pulumi.Input<DiskEncryptionKeysArgs>;
    identity?: pulumi.Input<RestoreIdentityArgs>;
    diskNetworkAccess?: pulumi.Input<DiskNetworkAccessArgs>;
    securedVmOsDiskEncryptionSetId?: pulumi.Input<string>;
    edgeZone?: pulumi.Input<string>;
    resourceGuardOperationRequests?: pulumi.Input<pulumi.Input<string>[]>;
    rehydration?: pulumi.Input<RehydrationArgs>;
    /** Ask Azure during preview whether the restore can work: vault, staging account region and SKU, targets, recovery point (default true). */
    preflight?: pulumi.Input<boolean>;
    /** Recovery time objective, minutes (first trigger → verified outputs); a miss fails the resource (see verify). */
    rtoMinutes?: pulumi.Input<number>;
    /** Recovery point objective, minutes (the recovery point's age at the trigger). */
    rpoMinutes?: pulumi.Input<number>;
    /** Checks after the restore: a restored VM runs with a Ready agent; restored disks are attachable. */
    verify?: pulumi.Input<import("../restore/restore-verification").VerifySettings>;
}

export class VmRestore extends pulumi.dynamic.Resource {
    declare public readonly jobId: pulumi.Output<string>;
    declare public readonly jobStatus: pulumi.Output<string>;
    declare public readonly jobStartTime: pulumi.Output<string | undefined>;
    declare public readonly jobEndTime: pulumi.Output<string | undefined>;
    declare public readonly jobDuration: pulumi.Output<string | undefined>;
    declare public readonly jobDurationSeconds: pulumi.Output<number | undefined>;
    declare public readonly warnings: pulumi.Output<string[]>;
    declare public readonly vaultLocation: pulumi.Output<string>;
    declare public readonly protectedItemId: pulumi.Output<string>;
    declare public readonly recoveryPointId: pulumi.Output<string>;
    declare public readonly recoveryPointTime: pulumi.Output<string>;
    declare public readonly recoveryPointType: pulumi.Output<string>;
    declare public readonly recoveryPointTiers: pulumi.Output<string[]>;
    declare public readonly restoredDiskIds: pulumi.Output<string[]>;
    declare public readonly osDiskId: pulumi.Output<string | undefined>;
    declare public readonly dataDisks: pulumi.Output<RestoredDataDiskOutput[]>;
    declare public readonly restoredVmId: pulumi.Output<string | undefined>;
    declare public readonly networkInterfaceIds: pulumi.Output<string[]>;
    declare public readonly configBlobUri: pulumi.Output<string | undefined>;
    /** Secret: may carry a SAS. */
    declare public readonly templateBlobUri: pulumi.Output<string | undefined>;
    declare public readonly restoreTriggeredAt: pulumi.Output<string>;
    declare public readonly timeToRestoreSeconds: pulumi.Output<number>;
    /** Age of the recovery point at the first trigger, seconds (the achieved RPO). */
    declare public readonly recoveryPointAgeSeconds: pulumi.Output<number | undefined>;
    /** When the outputs were verified: the end of timeToRestoreSeconds. */
    declare public readonly restoreVerifiedAt: pulumi.Output<string | undefined>;
    /** The verify checks with their results. */
    declare public readonly checks: pulumi.Output<import("../restore/restore-verification").DrillCheck[] | undefined>;
    /** rtoMinutes / rpoMinutes against what was achieved. */
    declare public readonly objectives: pulumi.Output<import("../restore/restore-verification").DrillObjectives | undefined>;
    /** Failed checks and objectives (empty: passed). */
    declare public readonly violations: pulumi.Output<string[] | undefined>;
    /** Restored resources a refresh found deleted outside Pulumi (the next up restores again). */
    declare public readonly missingResourceIds: pulumi.Output<string[] | undefined>;
    /** True while a restore started in Azure has not finished: the next up resumes it. */
    declare public readonly restoreIncomplete: pulumi.Output<boolean | undefined>;
    /** The region the restore landed in (the secondary region for a cross-region restore). */
    declare public readonly restoreRegion: pulumi.Output<string>;
    /** Unmanaged restores: the restored disks as VHD blob URIs. */
    declare public readonly restoredVhdUris: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: VmRestoreArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = [
            "jobId",
            "jobStatus",
            "jobStartTime",
            "jobEndTime",
            "jobDuration",
            "jobDurationSeconds",
            "warnings",
            "vaultLocation",
            "protectedItemId",
            "recoveryPointId",
            "recoveryPointTime",
            "recoveryPointType",
            "recoveryPointTiers",
            "restoredDiskIds",
            "osDiskId",
            "dataDisks",
            "restoredVmId",
            "networkInterfaceIds",
            "configBlobUri",
            "templateBlobUri",
            "restoreTriggeredAt",
            "timeToRestoreSeconds",
            "missingResourceIds",
            "restoreIncomplete",
            "restoreRegion",
            "restoredVhdUris",
            "recoveryPointAgeSeconds",
            "restoreVerifiedAt",
            "checks",
            "objectives",
            "violations",
        ];
        const props: Record<string, unknown> = { ...args, resourceName: name };
        for (const o of outputs) props[o] = undefined;
        // `import`: the engine reads an imported resource before it has a dynamic provider's code, which
        // fails in Pulumi's dynamic provider host. So the job ID is handed to `create` instead, which
        // adopts the finished restore (reads the job and what it restored) and never restores again.
        if (opts?.import) {
            props.importJobId = opts.import;
            opts = { ...opts, import: undefined };
        }
        super(
            storedProvider(),
            name,
            props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["templateBlobUri"] }),
            "vmrestore",
            "VmRestore",
        );
        if (opts?.customTimeouts) {
            // The engine does not pass customTimeouts to dynamic providers; say so, on this resource.
            void pulumi.log.warn(
                "customTimeouts has no effect on VmRestore (Pulumi does not give it to dynamic providers): set the timeoutMinutes input instead (default 720, i.e. 12 h).",
                this,
            );
        }
    }
}

let stored: pulumi.dynamic.ResourceProvider | undefined;

/**
 * The provider object every VmRestore of this program stores. One object, so Pulumi serializes it
 * once for all resources — unless the program turned Pulumi's dynamic provider cache off
 * (PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS=false), which then holds here too.
 */
function storedProvider(): pulumi.dynamic.ResourceProvider {
    if (process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS === "false") return makeStoredProvider();
    if (!stored) stored = makeStoredProvider();
    return stored;
}

/**
 * Installed from npm (this file under node_modules): a stand-in that delegates to
 * `vmrestore/provider-host`, which Pulumi stores as a `require` of that name (~1 KB per resource).
 * Anywhere else (this repository, a linked checkout) Pulumi would store all of the provider's code
 * by value, so it is stored packed (see packed-provider.ts).
 */
function makeStoredProvider(): pulumi.dynamic.ResourceProvider {
    if (!isInstalledPackage()) return packedProvider(restoreProvider);
    return {
        configure: (req) => providerHost.configure(req),
        check: (olds, news) => providerHost.check(olds, news),
        diff: (id, olds, news) => providerHost.diff(id, olds, news),
        create: (inputs) => providerHost.create(inputs),
        read: (id, props) => providerHost.read(id, props),
        update: (id, olds, news) => providerHost.update(id, olds, news),
        delete: (id, props) => providerHost.delete(id, props),
    };
}

function isInstalledPackage(): boolean {
    return __filename.split(/[\\/]/).includes("node_modules");
}
