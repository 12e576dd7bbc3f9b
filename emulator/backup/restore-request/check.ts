/**
 * Validation of a Restores_Trigger body (`{properties: IaasVMRestoreRequest |
 * IaasVMRestoreWithRehydrationRequest}`) against the vault, the item, the recovery point and the
 * resources that exist, the way Azure Backup checks it before accepting (400 otherwise). The
 * result is the RestorePlan a restore job carries out.
 *
 * checkRestoreRequest() collects every problem it can find (what backupValidateOperation reports);
 * validateRestoreRequest() throws the first (what the restore trigger answers). A problem that makes
 * the rest meaningless (no properties, unknown objectType or recoveryType) stops the checks.
 */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { ProtectedItemRecord, RecoveryPointRecord, VaultRecord } from "../backup-catalog";
import { checkDataDiskLuns, restoresManagedDisks } from "./disks";
import { checkEncryptionDetails } from "./disk-encryption-keys";
import { checkDiskEncryptionSetId, checkSecuredVmDetails } from "./encryption-at-rest";
import { checkIdentityBasedStaging, checkIdentityInfo } from "./identity";
import { checkExtendedLocation, checkRegion, checkZones } from "./location";
import { checkDiskNetworkAccess } from "./network-access";
import { Problems, RestoreCheck, RestoreCheckOptions, RestoreEnvironment, RestorePlan, RestoreRequest } from "./plan";
import { checkRehydrationAndTier } from "./rehydration";
import { checkCrossRegionRecoveryType, checkRecoveryPointId, checkSourceResourceId, readRequestKind } from "./request-kind";
import { checkResourceGuard } from "./resource-guard";
import { checkPremiumStagingOfManagedDisks, checkStagingAccount } from "./staging";
import { checkAlternateLocation, checkOriginalVmExists, checkTargetResourceGroup } from "./targets";

/** The restore the body asks for, or the first problem with it as the ARM error the trigger answers. */
export function validateRestoreRequest(...request: Parameters<typeof checkRestoreRequest>): RestorePlan {
    const check = checkRestoreRequest(...request);
    if (check.problems.length > 0 || !check.plan) throw check.problems[0] ?? invalidInput("The restore request is not valid.");
    return check.plan;
}

/** Every problem with a restore request (in the order the trigger would meet them), and the plan when there are none. */
export function checkRestoreRequest(
    body: unknown,
    vault: VaultRecord,
    item: ProtectedItemRecord,
    rp: RecoveryPointRecord,
    env: RestoreEnvironment,
    options: RestoreCheckOptions = {},
): RestoreCheck {
    const kind = readRequestKind(body);
    if (kind instanceof ArmError) return { problems: [kind] };
    const crossRegion = options.crossRegion === true;
    const req: RestoreRequest = {
        ...kind,
        vault,
        item,
        rp,
        env,
        crossRegion,
        restoreRegion: crossRegion ? vault.secondaryRegion : vault.location,
    };
    const problems = new Problems();
    const check = <T>(validator: (req: RestoreRequest) => T) => problems.attempt(() => validator(req));

    check(checkCrossRegionRecoveryType);
    check(checkRecoveryPointId);
    check(checkSourceResourceId);
    const storageAccount = check(checkStagingAccount);
    const region = check(checkRegion);
    const rehydration = check(checkRehydrationAndTier);
    const zones = checkZones(req, problems);
    const dataLuns = check(checkDataDiskLuns);
    const targetResourceGroup = check(checkTargetResourceGroup);
    const managedDisks = check(restoresManagedDisks) ?? true;
    problems.attempt(() => checkPremiumStagingOfManagedDisks(req, storageAccount, managedDisks));
    const { targetVm, virtualNetwork, subnet } = checkAlternateLocation(req, problems, targetResourceGroup);
    check(checkOriginalVmExists);
    const diskEncryptionSet = problems.attempt(() => checkDiskEncryptionSetId(req, managedDisks));
    const ade = check(checkEncryptionDetails);
    const identity = check(checkIdentityInfo);
    const identityBasedStaging = check(checkIdentityBasedStaging);
    const networkAccess = check(checkDiskNetworkAccess);
    const securedVm = check(checkSecuredVmDetails);
    const extendedLocation = problems.attempt(() => checkExtendedLocation(req, zones, managedDisks));
    const resourceGuardOperationRequest = check(checkResourceGuard);

    if (problems.found.length > 0 || !storageAccount || !region || !dataLuns || identityBasedStaging === undefined) {
        return { problems: problems.found };
    }
    const plan: RestorePlan = {
        objectType: req.objectType,
        recoveryType: req.recoveryType,
        vault,
        item,
        rp,
        storageAccount,
        targetResourceGroup,
        region,
        zones,
        dataLuns,
        managedDisks,
        targetVm,
        virtualNetwork,
        subnet,
        rehydration,
        diskEncryptionSet,
        ade,
        identity,
        identityBasedStaging,
        networkAccess,
        securedVm,
        extendedLocation,
        resourceGuardOperationRequest,
        crossRegion,
        properties: req.props,
    };
    return { plan, problems: [] };
}
