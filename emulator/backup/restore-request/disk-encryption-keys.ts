/** encryptionDetails: the Azure Disk Encryption (ADE) keys of an encrypted VM's point, in Key Vaults that exist. */
import { invalidInput } from "../../server/arm-errors";
import { sameName } from "../../world/arm-ids";
import { isObject } from "../../server/json";
import { AdeKeys, RestoreRequest } from "./plan";

const KEY_FIELDS = ["secretKeyUrl", "secretKeyVaultId", "kekUrl", "kekVaultId"];

/**
 * encryptionDetails against the point: an ADE point needs encryptionEnabled with the BEK secret
 * (and the KEK when the point has one) in Key Vaults that exist; other points must not claim it.
 */
export function checkEncryptionDetails(req: RestoreRequest): AdeKeys | undefined {
    const { rp } = req;
    const d = req.props.encryptionDetails;
    const target = (f: string) => `properties.encryptionDetails${f ? `.${f}` : ""}`;
    if (d !== undefined && d !== null && !isObject(d))
        throw invalidInput(
            "The field 'encryptionDetails' must be {encryptionEnabled, kekUrl?, kekVaultId?, secretKeyUrl?, secretKeyVaultId?}.",
            target(""),
        );
    const enabled = isObject(d) && d.encryptionEnabled === true;
    if (!rp.isSourceVMEncrypted) {
        if (enabled)
            throw invalidInput(
                `The field 'encryptionDetails.encryptionEnabled' is true, but the recovery point '${rp.name}' is of a VM without Azure Disk Encryption (isSourceVMEncrypted false).`,
                target("encryptionEnabled"),
            );
        return undefined;
    }
    const str = (f: string): string | undefined => {
        const v = isObject(d) ? d[f] : undefined;
        return typeof v === "string" && v.trim() !== "" ? v : undefined;
    };
    if (!KEY_FIELDS.some((f) => str(f) !== undefined)) return keysTheRecoveryPointRecorded(req);
    if (!enabled) {
        throw invalidInput(
            `The recovery point '${rp.name}' is of a VM encrypted with Azure Disk Encryption (isSourceVMEncrypted true): keys were given in 'encryptionDetails', so encryptionEnabled must be true.`,
            target("encryptionEnabled"),
        );
    }
    const secretKeyUrl = str("secretKeyUrl");
    const secretKeyVaultId = str("secretKeyVaultId");
    if (!secretKeyUrl || !secretKeyVaultId) {
        throw invalidInput(
            `An Azure Disk Encryption restore needs 'encryptionDetails.secretKeyUrl' and 'encryptionDetails.secretKeyVaultId' (the BEK secret of recovery point '${rp.name}').`,
            target(secretKeyUrl ? "secretKeyVaultId" : "secretKeyUrl"),
        );
    }
    const kekUrl = str("kekUrl");
    const kekVaultId = str("kekVaultId");
    if ((kekUrl === undefined) !== (kekVaultId === undefined))
        throw invalidInput(
            "The fields 'encryptionDetails.kekUrl' and 'encryptionDetails.kekVaultId' go together.",
            target(kekUrl ? "kekVaultId" : "kekUrl"),
        );
    if (rp.keyAndSecret?.kekUrl && !kekUrl) {
        throw invalidInput(
            `The recovery point '${rp.name}' was encrypted with a key encryption key (KEK): give 'encryptionDetails.kekUrl' and 'encryptionDetails.kekVaultId'.`,
            target("kekUrl"),
        );
    }
    checkKeyVaultItem(req, secretKeyUrl, secretKeyVaultId, "secrets", "secretKeyUrl", "secretKeyVaultId");
    if (kekUrl && kekVaultId) checkKeyVaultItem(req, kekUrl, kekVaultId, "keys", "kekUrl", "kekVaultId");
    return { secretKeyUrl, secretKeyVaultId, ...(kekUrl && kekVaultId ? { kekUrl, kekVaultId } : {}) };
}

/** No keys given (azure-cli sends none): the service restores with the keys the recovery point recorded. */
function keysTheRecoveryPointRecorded(req: RestoreRequest): AdeKeys {
    const { rp } = req;
    const ks = rp.keyAndSecret;
    if (!ks?.secretUrl || !ks.secretVaultId) {
        throw invalidInput(
            `The recovery point '${rp.name}' is of a VM encrypted with Azure Disk Encryption and records no BEK secret: give 'encryptionDetails' with secretKeyUrl and secretKeyVaultId.`,
            "properties.encryptionDetails.secretKeyUrl",
        );
    }
    return {
        secretKeyUrl: ks.secretUrl,
        secretKeyVaultId: ks.secretVaultId,
        ...(ks.kekUrl && ks.kekVaultId ? { kekUrl: ks.kekUrl, kekVaultId: ks.kekVaultId } : {}),
    };
}

/** A secret or key URL of the Key Vault given next to it, naming a secret or key that vault holds. */
function checkKeyVaultItem(
    req: RestoreRequest,
    url: string,
    vaultId: string,
    kind: "secrets" | "keys",
    urlField: string,
    vaultField: string,
): void {
    const kv = req.env.resources.get(vaultId);
    if (!kv || kv.type !== "Microsoft.KeyVault/vaults")
        throw invalidInput(
            `The Key Vault '${vaultId}' given in 'encryptionDetails.${vaultField}' does not exist.`,
            `properties.encryptionDetails.${vaultField}`,
        );
    const parsed = parseUrl(url);
    const vaultHost = new URL(String(kv.body.properties?.vaultUri ?? `https://${kv.name}.vault.azure.net/`)).host.toLowerCase();
    const m = parsed ? new RegExp(`^/${kind}/([A-Za-z0-9-]+)(?:/([0-9a-fA-F]{32}))?/?$`).exec(parsed.pathname) : null;
    if (!parsed || parsed.protocol !== "https:" || parsed.host.toLowerCase() !== vaultHost || !m) {
        throw invalidInput(
            `The field 'encryptionDetails.${urlField}' ('${url}') must be a ${kind === "secrets" ? "secret" : "key"} URL of the Key Vault '${kv.name}' given in '${vaultField}' (https://${vaultHost}/${kind}/{name}/{version}).`,
            `properties.encryptionDetails.${urlField}`,
        );
    }
    const seedKv = (req.env.seed.keyVaults ?? []).find((k) => sameName(k.name, kv.name) && sameName(k.resourceGroup, kv.resourceGroup));
    const names = seedKv?.[kind];
    if (names && !names.includes(m[1])) {
        throw invalidInput(
            `The Key Vault '${kv.name}' has no ${kind === "secrets" ? "secret" : "key"} named '${m[1]}' (given in 'encryptionDetails.${urlField}').`,
            `properties.encryptionDetails.${urlField}`,
        );
    }
}

function parseUrl(url: string): URL | undefined {
    try {
        return new URL(url);
    } catch {
        return undefined;
    }
}
