/** How a seed's items are referenced (by resource ID or name) and how its Key Vault secrets and keys are addressed. */
import { isObject } from "../../server/json";
import { createHash } from "crypto";

/**
 * The seed item a reference names: a full resource ID (`/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{name}`,
 * case-insensitive) or a bare name (the first item of that name).
 */
export function findSeedItem<T extends { name: string; resourceGroup: string }>(
    subscriptionId: string,
    type: string,
    items: T[],
    ref: unknown,
): T | undefined {
    if (typeof ref !== "string" || ref.trim() === "") return undefined;
    const valid = items.filter((it) => isObject(it) && typeof it.name === "string");
    if (ref.startsWith("/")) {
        const want = ref.replace(/\/+$/, "").toLowerCase();
        return valid.find(
            (it) =>
                `/subscriptions/${subscriptionId}/resourceGroups/${it.resourceGroup}/providers/${type}/${it.name}`.toLowerCase() === want,
        );
    }
    return valid.find((it) => it.name.toLowerCase() === ref.toLowerCase());
}

/** Deterministic 32-hex version of a Key Vault secret or key (the seed names them; versions are derived). */
function keyVaultItemVersion(vaultName: string, name: string): string {
    return createHash("sha256").update(`${vaultName.toLowerCase()}/${name}`).digest("hex").slice(0, 32);
}

/** https://{vault}.vault.azure.net/{secrets|keys}/{name}/{version}: how a seed Key Vault's secrets and keys are addressed. */
export function keyVaultItemUrl(vaultName: string, kind: "secrets" | "keys", name: string): string {
    return `https://${vaultName.toLowerCase()}.vault.azure.net/${kind}/${name}/${keyVaultItemVersion(vaultName, name)}`;
}
