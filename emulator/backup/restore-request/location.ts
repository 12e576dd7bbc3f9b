/** Where the restore lands: region, availability zone, extended (edge) zone. */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { sameRegion, sameName } from "../../world/arm-ids";
import { isObject } from "../../server/json";
import { at, isAbsent } from "./fields";
import { Problems, RestorePlan, RestoreRequest } from "./plan";

/** The region the request names (it must be the restore region), or the restore region when it names none. */
export function checkRegion(req: RestoreRequest): string {
    const { props, crossRegion, restoreRegion, vault } = req;
    if (props.region === undefined) return restoreRegion;
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
    return props.region;
}

/**
 * The zone the request names, checked against the source VM's zone (an OriginalLocation restore
 * cannot move; a cross-zonal move may need a zone-redundant vault); an OriginalLocation restore
 * without zones keeps the source VM's.
 */
export function checkZones(req: RestoreRequest, problems: Problems): string[] | undefined {
    const zones = problems.attempt(() => zonesOf(req));
    if (zones) problems.attempt(() => checkZoneMove(req, zones));
    else if (req.recoveryType === "OriginalLocation" && req.rp.vm.zones && req.rp.vm.zones.length > 0) return [...req.rp.vm.zones];
    return zones;
}

function zonesOf(req: RestoreRequest): string[] | undefined {
    const zones = req.props.zones;
    if (isAbsent(zones)) return undefined;
    if (!Array.isArray(zones) || zones.length !== 1 || !zones.every((z) => typeof z === "string" && /^[123]$/.test(z))) {
        throw invalidInput('The field \'zones\' must be an array with one of the zone names "1", "2", "3".', at("zones"));
    }
    return zones as string[];
}

function checkZoneMove(req: RestoreRequest, zones: string[]): void {
    const { rp, vault } = req;
    const sourceZones = rp.vm.zones ?? [];
    const sourceZoneText = sourceZones.length ? `in zone ${sourceZones.join(", ")}` : "not zonal";
    const moves = !(sourceZones.length === 1 && sourceZones[0] === zones[0]);
    if (req.recoveryType === "OriginalLocation" && moves) {
        throw invalidInput(
            `The field 'zones' cannot move an OriginalLocation restore: the restored disks replace those of '${rp.vm.name}', which is ${sourceZoneText}. Restore disks or a new VM to choose a zone.`,
            at("zones"),
        );
    }
    const fromSnapshot = !req.crossRegion && rp.tiers.some((t) => t.type === "InstantRP" && t.status === "Valid");
    if (moves && req.env.variants?.crossZonalRestore === "zrsVaultOrSnapshot" && !fromSnapshot && !/^zone/i.test(vault.storageRedundancy)) {
        throw new ArmError(
            400,
            "UserErrorCrossZonalRestoreNotSupported",
            `Cross Zonal Restore to zone ${zones[0]} of '${rp.vm.name}' (${sourceZoneText}) from the vault tier needs a zone-redundant vault; vault '${vault.name}' is ${vault.storageRedundancy}. Restore from a snapshot-tier point, or without a zone.`,
            at("zones"),
        );
    }
}

/** extendedLocation: an Azure Extended Zone of the restore region, for managed disks and without availability zones. */
export function checkExtendedLocation(
    req: RestoreRequest,
    zones: string[] | undefined,
    managedDisks: boolean,
): RestorePlan["extendedLocation"] {
    const x = req.props.extendedLocation;
    if (isAbsent(x)) return undefined;
    if (!isObject(x) || typeof x.name !== "string" || x.name.trim() === "")
        throw invalidInput("The field 'extendedLocation' must be {name, type: \"EdgeZone\"}.", at("extendedLocation"));
    if (x.type !== "EdgeZone")
        throw invalidInput(`The field 'extendedLocation.type' must be EdgeZone; got '${String(x.type)}'.`, at("extendedLocation.type"));
    const name = x.name;
    const zonesHere = (req.env.seed.edgeZones ?? []).filter((z) => sameRegion(z.location, req.restoreRegion));
    const edgeZone = zonesHere.find((z) => sameName(z.name, name));
    if (!edgeZone) {
        throw invalidInput(
            `The edge zone '${name}' given in 'extendedLocation.name' is not an extended zone of region '${req.restoreRegion}' (${zonesHere.length ? `it has ${zonesHere.map((z) => z.name).join(", ")}` : "it has none"}).`,
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
    return { name: edgeZone.name, type: "EdgeZone" };
}
