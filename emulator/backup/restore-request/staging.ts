/** The staging storage account (storageAccountId, or identityBasedRestoreDetails.targetStorageAccountId): where it is, and what kind. */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { fullType, parseResourceId, sameRegion } from "../../world/arm-ids";
import { ArmResource } from "../../world/resource-store";
import { isObject } from "../../server/json";
import { at, requiredString } from "./fields";
import { RestoreRequest } from "./plan";

const ZONE_REDUNDANT = /(^|_)(ZRS|GZRS|RAGZRS)$/i;
const PREMIUM = /^premium/i;

/** The staging account the request names, checked against the restore region and the accounts Azure Backup can stage in. */
export function checkStagingAccount(req: RestoreRequest): ArmResource {
    const { props, vault, crossRegion, restoreRegion: region } = req;
    // An identity-based staging restore may name the account only in identityBasedRestoreDetails (the official example's shape).
    const details = props.identityBasedRestoreDetails;
    const identityStaging =
        isObject(details) && typeof details.targetStorageAccountId === "string" ? details.targetStorageAccountId : undefined;
    const id = props.storageAccountId === undefined && identityStaging ? identityStaging : requiredString(props, "storageAccountId");

    const target = at("storageAccountId");
    const parsed = parseResourceId(id);
    if (!parsed || fullType(parsed)?.toLowerCase() !== "microsoft.storage/storageaccounts") {
        throw invalidInput(`The field 'storageAccountId' must be the resource ID of a storage account; got '${id}'.`, target);
    }
    const account = req.env.resources.get(id);
    if (!account || account.deletingOperationId)
        throw invalidInput(`The storage account '${id}' given in 'storageAccountId' does not exist.`, target);
    if (!sameRegion(account.location, region)) {
        throw invalidInput(
            crossRegion
                ? `The target storage account must be in the secondary region: the storage account '${account.name}' given in 'storageAccountId' is in '${account.location}', but a Cross Region Restore from vault '${vault.name}' lands in '${region}'.`
                : `Recovery Services vault and target storage account are in two different regions. The storage account '${account.name}' given in 'storageAccountId' is in '${account.location}', vault '${vault.name}' is in '${vault.location}': choose a storage account in the vault's region.`,
            target,
        );
    }
    const sku = skuOf(account);
    if (ZONE_REDUNDANT.test(sku)) {
        throw invalidInput(
            `The storage account '${account.name}' given in 'storageAccountId' is zone-redundant (${sku}); zone-redundant storage accounts are not supported as the restore staging location. Use a Standard LRS or GRS account.`,
            target,
        );
    }
    if (PREMIUM.test(sku) && !premiumStagesVhds(req)) throw premiumStaging(account.name, sku);
    const kind = String(account.body.kind ?? "StorageV2");
    if (!/^(StorageV2|Storage)$/i.test(kind)) {
        throw invalidInput(
            `The storage account '${account.name}' given in 'storageAccountId' is of kind ${kind}; only general-purpose (StorageV2 or Storage) accounts can be the restore staging location.`,
            target,
        );
    }
    return account;
}

/** premiumStaging "unmanagedOnly": a premium account stages only VHDs of an unmanaged VM restored as VHDs. */
export function checkPremiumStagingOfManagedDisks(req: RestoreRequest, account: ArmResource | undefined, managedDisks: boolean): void {
    if (!account) return;
    const sku = skuOf(account);
    if (premiumStagesVhds(req) && PREMIUM.test(sku) && managedDisks)
        throw premiumStaging(account.name, sku, " for a restore of managed disks (only VHDs of an unmanaged VM)");
}

function premiumStagesVhds(req: RestoreRequest): boolean {
    return req.env.variants?.premiumStaging === "unmanagedOnly";
}

function skuOf(account: ArmResource): string {
    return String(account.body.sku?.name ?? "");
}

function premiumStaging(name: string, sku: string, when = ""): ArmError {
    return invalidInput(
        `The storage account '${name}' given in 'storageAccountId' is a premium account (${sku}); premium storage accounts are not supported as the restore staging location${when}. Use a Standard LRS or GRS account.`,
        at("storageAccountId"),
    );
}
