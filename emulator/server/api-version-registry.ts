/**
 * Which api-versions each ARM resource type registers, and the error ARM answers for one it does
 * not (docs/azure-behaviour.md, "api-versions"):
 *
 *   resource provider types   400 NoRegisteredProviderFound  "No registered resource provider found for location '{loc}'
 *                                  and API version '{v}' for type '{type}'. The supported api-versions are '…'.
 *                                  The supported locations are '…'."
 *   ARM's own (subscription,  400 InvalidApiVersionParameter "The api-version '{v}' is invalid. The supported versions are '…'."
 *   resource groups)
 *
 * Cross Region Restore is its own API line ("passivestamp", azure-rest-api-specs
 * recoveryservicesbackup/…/passivestamp): backupAadProperties, backupCrossRegionRestore,
 * backupCrrOperationsStatus/Results, backupCrrJob(s) and …/recoveryPoints/{rp}/accessToken
 * register only its versions. RecoveryPointsCrr and BackupProtectedItemsCrr share the primary
 * line's paths (…/recoveryPoints, …/backupProtectedItems): there a passivestamp version asks for
 * the secondary region's view (isCrossRegionApiVersion).
 *
 * Admin, identity and blob routes are not ARM and are not checked (blob calls carry x-ms-version).
 */
import { ArmError } from "./arm-errors";

/** The passivestamp (CRR) line: Azure's docs (2018-12-20) and the SDKs' specs (2021-11-15, 2023-01-15). */
const CRR_API_VERSIONS = ["2018-12-20", "2021-11-15", "2023-01-15"];

/** Microsoft.RecoveryServices vaults and their backup children (bms.json lines, RecoveryServices vault lines, and the versions the live service writes into its polling URLs). */
const RECOVERY_SERVICES = [
    "2016-06-01",
    "2016-08-10",
    "2016-12-01",
    "2017-07-01",
    "2018-01-10",
    "2019-05-13",
    "2019-06-15",
    "2020-02-02",
    "2020-09-01",
    "2020-10-01",
    "2020-12-01",
    "2021-01-01",
    "2021-02-01",
    "2021-02-10",
    "2021-03-01",
    "2021-04-01",
    "2021-06-01",
    "2021-07-01",
    "2021-08-01",
    "2021-10-01",
    "2021-12-01",
    "2022-01-01",
    "2022-02-01",
    "2022-03-01",
    "2022-04-01",
    "2022-06-01-preview",
    "2022-09-01-preview",
    "2022-09-30-preview",
    "2022-10-01",
    "2023-01-01",
    "2023-02-01",
    "2023-04-01",
    "2023-06-01",
    "2023-08-01",
    "2024-01-01",
    "2024-02-01",
    "2024-04-01",
    "2024-04-30-preview",
    "2024-07-30-preview",
    "2024-10-01",
    "2024-11-01-preview",
    "2025-01-01",
    "2025-02-01",
    "2025-08-01",
    "2026-01-01",
    "2026-02-01",
];
const COMPUTE = [
    "2015-06-15",
    "2016-03-30",
    "2017-03-30",
    "2017-12-01",
    "2018-04-01",
    "2018-06-01",
    "2018-10-01",
    "2019-03-01",
    "2019-07-01",
    "2019-12-01",
    "2020-06-01",
    "2020-12-01",
    "2021-03-01",
    "2021-04-01",
    "2021-07-01",
    "2021-11-01",
    "2022-03-01",
    "2022-08-01",
    "2022-11-01",
    "2023-03-01",
    "2023-07-01",
    "2023-09-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-04-01",
];
/** The disk resource provider's line (disks, snapshots, diskEncryptionSets, diskAccesses). */
const DISKS = [
    "2016-04-30-preview",
    "2017-03-30",
    "2018-06-01",
    "2018-09-30",
    "2019-03-01",
    "2019-07-01",
    "2019-11-01",
    "2020-05-01",
    "2020-06-30",
    "2020-09-30",
    "2020-12-01",
    "2021-04-01",
    "2021-08-01",
    "2021-12-01",
    "2022-03-02",
    "2022-07-02",
    "2023-01-02",
    "2023-04-02",
    "2023-10-02",
    "2024-03-02",
    "2025-01-02",
];
const NETWORK = [
    "2015-06-15",
    "2016-09-01",
    "2017-06-01",
    "2018-01-01",
    "2018-08-01",
    "2019-02-01",
    "2019-09-01",
    "2020-05-01",
    "2020-11-01",
    "2021-02-01",
    "2021-05-01",
    "2021-08-01",
    "2022-01-01",
    "2022-05-01",
    "2022-07-01",
    "2022-09-01",
    "2022-11-01",
    "2023-02-01",
    "2023-04-01",
    "2023-05-01",
    "2023-06-01",
    "2023-09-01",
    "2023-11-01",
    "2024-01-01",
    "2024-03-01",
    "2024-05-01",
    "2024-07-01",
];
const STORAGE = [
    "2015-06-15",
    "2016-01-01",
    "2016-12-01",
    "2017-06-01",
    "2017-10-01",
    "2018-02-01",
    "2018-07-01",
    "2018-11-01",
    "2019-04-01",
    "2019-06-01",
    "2020-08-01-preview",
    "2021-01-01",
    "2021-02-01",
    "2021-04-01",
    "2021-06-01",
    "2021-08-01",
    "2021-09-01",
    "2022-05-01",
    "2022-09-01",
    "2023-01-01",
    "2023-04-01",
    "2023-05-01",
    "2024-01-01",
    "2025-01-01",
];
const KEY_VAULT = [
    "2015-06-01",
    "2016-10-01",
    "2018-02-14",
    "2019-09-01",
    "2021-10-01",
    "2022-07-01",
    "2023-02-01",
    "2023-07-01",
    "2024-11-01",
];
const MANAGED_IDENTITY = [
    "2015-08-31-preview",
    "2018-11-30",
    "2021-09-30-preview",
    "2022-01-31-preview",
    "2023-01-31",
    "2023-07-31-preview",
    "2024-11-30",
];
const DATA_PROTECTION = ["2021-01-01", "2022-04-01", "2023-01-01", "2023-05-01", "2024-04-01", "2025-01-01"];
/** ARM's own: subscriptions and resource groups. */
const RESOURCES = [
    "2014-04-01",
    "2015-01-01",
    "2016-02-01",
    "2016-06-01",
    "2016-09-01",
    "2017-05-10",
    "2018-05-01",
    "2019-05-01",
    "2019-10-01",
    "2020-06-01",
    "2021-01-01",
    "2021-04-01",
    "2022-01-01",
    "2022-09-01",
    "2022-12-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-08-01",
    "2024-11-01",
    "2025-03-01",
];

/** Regions the emulator's provider types are "registered" in (named in the error, as ARM does). */
const LOCATIONS = [
    "westeurope",
    "northeurope",
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "westus3",
    "centralus",
    "northcentralus",
    "southcentralus",
    "westcentralus",
    "uksouth",
    "ukwest",
    "francecentral",
    "germanywestcentral",
    "swedencentral",
    "switzerlandnorth",
    "norwayeast",
    "southeastasia",
    "eastasia",
    "japaneast",
    "japanwest",
    "australiaeast",
    "australiasoutheast",
    "centralindia",
    "southindia",
    "koreacentral",
    "canadacentral",
    "canadaeast",
    "brazilsouth",
    "southafricanorth",
    "uaenorth",
];

const NAMESPACE_VERSIONS: Record<string, string[]> = {
    "microsoft.recoveryservices": RECOVERY_SERVICES,
    "microsoft.compute": COMPUTE,
    "microsoft.network": NETWORK,
    "microsoft.storage": STORAGE,
    "microsoft.keyvault": KEY_VAULT,
    "microsoft.managedidentity": MANAGED_IDENTITY,
    "microsoft.dataprotection": DATA_PROTECTION,
};
const DISK_TYPES = new Set(["disks", "snapshots", "diskencryptionsets", "diskaccesses"]);
const CRR_LOCATION_TYPES = new Set([
    "backupaadproperties",
    "backupcrossregionrestore",
    "backupcrroperationsstatus",
    "backupcrroperationresults",
    "backupcrrjob",
    "backupcrrjobs",
]);

export interface RegisteredType {
    /** How ARM names the type in its error ("vaults/backupProtectedItems", "locations/backupCrrJob"). */
    type: string;
    versions: string[];
    /** ARM's own resource types (subscriptions, resource groups) answer InvalidApiVersionParameter. */
    armNative: boolean;
    /** The location named in the error. */
    location?: string;
}

export function isCrossRegionApiVersion(v: string | undefined): boolean {
    return v !== undefined && CRR_API_VERSIONS.includes(v);
}

/** The registered type an ARM path (segments after the host) addresses, or undefined when the emulator does not know it. */
function registeredType(segments: string[]): RegisteredType | undefined {
    const lower = segments.map((s) => s.toLowerCase());
    if (lower[0] !== "subscriptions" || lower.length < 2) return undefined;
    const providers = lower.indexOf("providers");
    if (providers < 0) {
        const type = lower.length <= 2 ? "subscriptions" : "resourceGroups";
        return { type, versions: RESOURCES, armNative: true };
    }
    const namespace = lower[providers + 1];
    const rest = segments.slice(providers + 2);
    const restLower = lower.slice(providers + 2);
    const base = namespace ? NAMESPACE_VERSIONS[namespace] : undefined;
    if (!base || rest.length === 0) return undefined;
    // Type names: the provider's type, then every second segment (child types).
    const typeParts = rest.filter((_, i) => i % 2 === 0);
    const type = typeParts.join("/");
    const location = restLower[0] === "locations" ? restLower[1] : undefined;
    if (namespace === "microsoft.recoveryservices") {
        if (restLower[0] === "locations" && CRR_LOCATION_TYPES.has(restLower[2] ?? ""))
            return { type, versions: CRR_API_VERSIONS, armNative: false, location };
        if (restLower[restLower.length - 1] === "accesstoken") return { type, versions: CRR_API_VERSIONS, armNative: false, location };
        const last = typeParts[typeParts.length - 1]?.toLowerCase();
        // BackupProtectedItemsCrr and RecoveryPointsCrr: the primary line's paths, read with the CRR line's versions.
        if (
            restLower[0] === "vaults" &&
            (last === "backupprotecteditems" || last === "recoverypoints") &&
            restLower[restLower.length - 1] !== "restore"
        ) {
            return { type, versions: [...base, ...CRR_API_VERSIONS].sort(), armNative: false, location };
        }
        return { type, versions: base, armNative: false, location };
    }
    // Compute's location-level operations serve both the VM and the disk lines.
    if (namespace === "microsoft.compute" && restLower[0] === "locations")
        return { type, versions: [...COMPUTE, ...DISKS].sort(), armNative: false, location };
    if (namespace === "microsoft.compute" && DISK_TYPES.has(restLower[0])) return { type, versions: DISKS, armNative: false, location };
    return { type, versions: base, armNative: false, location };
}

/** Throws ARM's 400 when the request's api-version is not registered for the path's resource type. */
export function checkApiVersion(segments: string[], apiVersion: string, locationOf: (segments: string[]) => string | undefined): void {
    const t = registeredType(segments);
    if (!t || t.versions.includes(apiVersion)) return;
    const supported = [...t.versions].reverse();
    if (t.armNative) {
        throw new ArmError(
            400,
            "InvalidApiVersionParameter",
            `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
        );
    }
    const location = t.location ?? locationOf(segments) ?? "global";
    throw new ArmError(
        400,
        "NoRegisteredProviderFound",
        `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${t.type}'. ` +
            `The supported api-versions are '${supported.join(", ")}'. The supported locations are '${LOCATIONS.join(", ")}'.`,
    );
}
