/**
 * The Azure settings a stack already has for @pulumi/azure-native, read the way azure-native reads
 * them: each setting from the stack config `azure-native:<key>` first, else its environment
 * variable (`ARM_*`, and GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_*` for the OIDC request flow).
 * When none of them names a way to sign in, the provider keeps its own chain (AZURE_* variables
 * through DefaultAzureCredential). Sources: docs/credentials.md.
 *
 * Nothing here is kept in the serialized provider: the stack config reaches the provider process
 * through `configure` and is held in process memory (see process-singleton.ts); every value is
 * read at run time, and no value is ever put into an error message.
 */
import { createHash } from "crypto";
import { isKind, namedError } from "./errors";
import { processSingleton } from "../pulumi/process-singleton";

/** One azure-native setting: its stack config key (under `azure-native:`) and its variable(s). */
interface SettingSpec {
    key: string;
    env: string[];
    secret?: boolean;
}

export const AZURE_NATIVE_SETTINGS = {
    clientId: { key: "clientId", env: ["ARM_CLIENT_ID"] },
    tenantId: { key: "tenantId", env: ["ARM_TENANT_ID"] },
    subscriptionId: { key: "subscriptionId", env: ["ARM_SUBSCRIPTION_ID"] },
    clientSecret: { key: "clientSecret", env: ["ARM_CLIENT_SECRET"], secret: true },
    clientCertificatePath: { key: "clientCertificatePath", env: ["ARM_CLIENT_CERTIFICATE_PATH"] },
    clientCertificatePassword: { key: "clientCertificatePassword", env: ["ARM_CLIENT_CERTIFICATE_PASSWORD"], secret: true },
    environment: { key: "environment", env: ["ARM_ENVIRONMENT", "AZURE_ENVIRONMENT"] },
    metadataHost: { key: "metadataHost", env: ["ARM_METADATA_HOSTNAME"] },
    useOidc: { key: "useOidc", env: ["ARM_USE_OIDC"] },
    oidcToken: { key: "oidcToken", env: ["ARM_OIDC_TOKEN"], secret: true },
    oidcTokenFilePath: { key: "oidcTokenFilePath", env: ["ARM_OIDC_TOKEN_FILE_PATH"] },
    oidcRequestToken: { key: "oidcRequestToken", env: ["ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"], secret: true },
    oidcRequestUrl: { key: "oidcRequestUrl", env: ["ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"] },
    oidcAudience: { key: "oidcAudience", env: ["ARM_OIDC_AUDIENCE"] },
    useMsi: { key: "useMsi", env: ["ARM_USE_MSI"] },
    useDefaultAzureCredential: { key: "useDefaultAzureCredential", env: ["ARM_USE_DEFAULT_AZURE_CREDENTIAL"] },
} satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof AZURE_NATIVE_SETTINGS;

/** What an Azure cloud is reached at. */
export interface CloudEndpoints {
    name: string;
    armEndpoint: string;
    /** Entra ID (login) host, e.g. https://login.microsoftonline.com. */
    authorityHost: string;
    /** The token audience for ARM, when it is not the ARM endpoint's origin (a cloud metadata document names it). */
    armAudience?: string;
}

export const CLOUDS: Record<"public" | "usgovernment" | "china", CloudEndpoints> = {
    public: { name: "public", armEndpoint: "https://management.azure.com", authorityHost: "https://login.microsoftonline.com" },
    usgovernment: {
        name: "usgovernment",
        armEndpoint: "https://management.usgovcloudapi.net",
        authorityHost: "https://login.microsoftonline.us",
    },
    china: { name: "china", armEndpoint: "https://management.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn" },
};

/** The names azure-native accepts for `environment` (case-insensitive), and the Azure CLI's cloud names. */
const CLOUD_ALIASES: Record<string, keyof typeof CLOUDS> = {
    public: "public",
    azurecloud: "public",
    azurepubliccloud: "public",
    usgovernment: "usgovernment",
    usgov: "usgovernment",
    azureusgovernment: "usgovernment",
    azureusgovernmentcloud: "usgovernment",
    china: "china",
    azurechinacloud: "china",
};

export type CredentialPlan =
    | { kind: "default-azure-credential"; tenantId?: string }
    | { kind: "client-certificate"; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
    | { kind: "client-secret"; tenantId: string; clientId: string; clientSecret: string }
    | { kind: "oidc-token"; tenantId: string; clientId: string; token: string }
    | { kind: "oidc-token-file"; tenantId: string; clientId: string; path: string }
    | { kind: "oidc-request"; tenantId: string; clientId: string; requestUrl: string; requestToken: string; audience: string }
    | { kind: "managed-identity"; clientId?: string }
    | { kind: "azure-cli"; tenantId?: string };

export interface AzureSettings {
    /** A fixed cloud (`environment`), or undefined when none is set. */
    cloud?: CloudEndpoints;
    /** `metadataHost`: the cloud's endpoints are read from its metadata document. */
    metadataHost?: string;
    /** How to sign in, or undefined: the provider's own chain (AZURE_*, DefaultAzureCredential). */
    credential?: CredentialPlan;
    subscriptionId?: string;
    /** Where each credential setting came from, for messages (names only, never values). */
    origin: string;
}

/** A setting that is missing, malformed or contradicted (an Error made by a factory: see errors.ts). */
export function settingsError(message: string): Error {
    return namedError("AzureSettingsError", message, {});
}

export const isSettingsError = (e: unknown): boolean => isKind(e, "AzureSettingsError");

/** The stack config the provider process was configured with (the `azure-native:*` keys only). */
export interface ConfiguredStackSettings {
    values: Map<string, string>;
}

/** The process-wide store `configure` writes to. Never serialized: it lives on the global object. */
function stackSettings(): ConfiguredStackSettings {
    return processSingleton("vmrestore.azureNativeConfig", () => ({ values: new Map<string, string>() }));
}

/** Keeps the `azure-native:*` keys of the stack config (called from the provider's `configure`). */
export function rememberStackConfig(get: (key: string) => string | undefined): void {
    const store = stackSettings();
    store.values.clear();
    for (const spec of Object.values(AZURE_NATIVE_SETTINGS)) {
        const v = get(`azure-native:${spec.key}`);
        if (v !== undefined && v !== "") store.values.set(spec.key, v);
    }
}

const nameOf = (spec: SettingSpec) => `azure-native:${spec.key} (or ${spec.env.join(" / ")})`;

/**
 * Reads the azure-native settings from stack config (first) and the environment, checks them and
 * chooses the credential — before any request is sent. Throws an AzureSettingsError that names the
 * settings and the fix; it never contains a value.
 */
export function resolveAzureSettings(config: Map<string, string>, env: NodeJS.ProcessEnv = process.env): AzureSettings {
    const conflicts: string[] = [];
    const read = (name: SettingName): string | undefined => {
        const spec: SettingSpec = AZURE_NATIVE_SETTINGS[name];
        const fromConfig = config.get(spec.key);
        const envName = spec.env.find((e) => env[e] !== undefined && env[e] !== "");
        const fromEnv = envName ? env[envName] : undefined;
        if (fromConfig !== undefined && fromEnv !== undefined && fromConfig.trim() !== fromEnv.trim()) {
            conflicts.push(`the stack config azure-native:${spec.key} and the variable ${envName} are both set, to different values`);
        }
        const v = (fromConfig ?? fromEnv)?.trim();
        return v === "" ? undefined : v;
    };
    const flag = (name: SettingName): boolean => {
        const v = read(name);
        if (v === undefined) return false;
        if (/^(true|1)$/i.test(v)) return true;
        if (/^(false|0)$/i.test(v)) return false;
        throw settingsError(`${nameOf(AZURE_NATIVE_SETTINGS[name])} must be true or false. Set it to "true" or "false", or remove it.`);
    };

    const s = Object.fromEntries(
        (Object.keys(AZURE_NATIVE_SETTINGS) as SettingName[])
            .filter((n) => !["useOidc", "useMsi", "useDefaultAzureCredential"].includes(n))
            .map((n) => [n, read(n)]),
    ) as Partial<Record<SettingName, string>>;
    const useOidc = flag("useOidc");
    const useMsi = flag("useMsi");
    const useDefault = flag("useDefaultAzureCredential");
    if (conflicts.length > 0) {
        throw settingsError(
            `Conflicting Azure settings: ${conflicts.join("; ")}. azure-native would silently use the stack config; ` +
                "VmRestore refuses to guess. Remove one of the two (`pulumi config rm azure-native:<key>`, or unset the variable), or make them equal.",
        );
    }

    let cloud: CloudEndpoints | undefined;
    if (s.environment) {
        const key = CLOUD_ALIASES[s.environment.toLowerCase().replace(/[\s_-]/g, "")];
        if (!key) {
            throw settingsError(
                `${nameOf(AZURE_NATIVE_SETTINGS.environment)} names an unknown Azure cloud. Use one of public, usgovernment or china ` +
                    "(or AzureCloud, AzureUSGovernment, AzureChinaCloud); for Azure Stack Hub or another custom cloud set azure-native:metadataHost instead.",
            );
        }
        cloud = CLOUDS[key];
    }
    let metadataHost: string | undefined;
    if (s.metadataHost) metadataHost = checkMetadataHost(s.metadataHost);

    const origin = config.size > 0 ? "stack config azure-native:* and ARM_* variables" : "ARM_* variables";
    const need = (what: string, fields: SettingName[]): void => {
        const missing = fields.filter((f) => !s[f]);
        if (missing.length > 0) {
            throw settingsError(
                `${what} is configured, but ${missing.map((m) => nameOf(AZURE_NATIVE_SETTINGS[m])).join(" and ")} ${missing.length > 1 ? "are" : "is"} not set. ` +
                    `Set ${missing.length > 1 ? "them" : "it"} (e.g. \`pulumi config set azure-native:${AZURE_NATIVE_SETTINGS[missing[0]].key} <value>\`), or remove the partial service principal settings to sign in another way.`,
            );
        }
    };
    let credential: CredentialPlan | undefined;
    if (useDefault) {
        credential = { kind: "default-azure-credential", tenantId: s.tenantId };
    } else if (s.clientCertificatePath) {
        need("A service principal with a client certificate (azure-native:clientCertificatePath / ARM_CLIENT_CERTIFICATE_PATH)", [
            "clientId",
            "tenantId",
        ]);
        credential = {
            kind: "client-certificate",
            tenantId: s.tenantId!,
            clientId: s.clientId!,
            certificatePath: s.clientCertificatePath,
            certificatePassword: s.clientCertificatePassword,
        };
    } else if (s.clientSecret) {
        need("A service principal with a client secret (azure-native:clientSecret / ARM_CLIENT_SECRET)", ["clientId", "tenantId"]);
        credential = { kind: "client-secret", tenantId: s.tenantId!, clientId: s.clientId!, clientSecret: s.clientSecret };
    } else if (useOidc) {
        need("OIDC (azure-native:useOidc / ARM_USE_OIDC)", ["clientId", "tenantId"]);
        if (s.oidcToken) credential = { kind: "oidc-token", tenantId: s.tenantId!, clientId: s.clientId!, token: s.oidcToken };
        else if (s.oidcTokenFilePath)
            credential = { kind: "oidc-token-file", tenantId: s.tenantId!, clientId: s.clientId!, path: s.oidcTokenFilePath };
        else if (s.oidcRequestUrl && s.oidcRequestToken) {
            checkUrl(s.oidcRequestUrl, AZURE_NATIVE_SETTINGS.oidcRequestUrl);
            credential = {
                kind: "oidc-request",
                tenantId: s.tenantId!,
                clientId: s.clientId!,
                requestUrl: s.oidcRequestUrl,
                requestToken: s.oidcRequestToken,
                audience: s.oidcAudience ?? "api://AzureADTokenExchange",
            };
        } else {
            throw settingsError(
                `OIDC is turned on (${nameOf(AZURE_NATIVE_SETTINGS.useOidc)}) but no token is given: set ${nameOf(AZURE_NATIVE_SETTINGS.oidcToken)}, ` +
                    `${nameOf(AZURE_NATIVE_SETTINGS.oidcTokenFilePath)}, or both ${nameOf(AZURE_NATIVE_SETTINGS.oidcRequestUrl)} and ${nameOf(AZURE_NATIVE_SETTINGS.oidcRequestToken)} ` +
                    "(GitHub Actions sets the ACTIONS_ID_TOKEN_REQUEST_* pair when the job has `permissions: id-token: write`).",
            );
        }
    } else if (useMsi) {
        credential = { kind: "managed-identity", clientId: s.clientId };
    } else if (s.clientId || s.clientCertificatePassword) {
        throw settingsError(
            `${nameOf(AZURE_NATIVE_SETTINGS.clientId)} is set, but nothing says how to sign in as it. Set ${nameOf(AZURE_NATIVE_SETTINGS.clientSecret)}, ` +
                `${nameOf(AZURE_NATIVE_SETTINGS.clientCertificatePath)}, ${nameOf(AZURE_NATIVE_SETTINGS.useOidc)}=true or ${nameOf(AZURE_NATIVE_SETTINGS.useMsi)}=true; ` +
                "or remove it to sign in with the Azure CLI (`az login`).",
        );
    } else if (config.size > 0 && (s.tenantId || s.subscriptionId)) {
        // azure-native's last resort: the Azure CLI's signed-in account.
        credential = { kind: "azure-cli", tenantId: s.tenantId };
    }
    return { cloud, metadataHost, credential, subscriptionId: s.subscriptionId, origin };
}

function checkUrl(value: string, spec: SettingSpec): URL {
    try {
        const u = new URL(value);
        if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
        return u;
    } catch {
        throw settingsError(`${nameOf(spec)} is not a valid http(s) URL. Set it to a URL such as https://example.com/path.`);
    }
}

/** `metadataHost` is a host name (azure-native, Terraform: `management.local.azurestack.external`), optionally with a port or scheme. */
function checkMetadataHost(value: string): string {
    const withScheme = /^https?:\/\//i.test(value) ? value : `https://${value}`;
    const u = checkUrl(withScheme, AZURE_NATIVE_SETTINGS.metadataHost);
    if (u.pathname !== "/" || u.search) {
        throw settingsError(
            `${nameOf(AZURE_NATIVE_SETTINGS.metadataHost)} must be a host name (with an optional port), not a URL with a path. Set it to e.g. management.local.azurestack.external.`,
        );
    }
    return u.origin;
}

/** The settings of this process: the configured stack config, then the environment. */
export function currentAzureSettings(env: NodeJS.ProcessEnv = process.env): AzureSettings {
    return resolveAzureSettings(stackSettings().values, env);
}

/** A digest of what identifies a sign-in, so credentials can be shared per identity without keeping values as keys. */
export function identityDigest(settings: AzureSettings, extra: string): string {
    return createHash("sha256")
        .update(JSON.stringify([settings.credential ?? null, settings.cloud ?? null, settings.metadataHost ?? null, extra]))
        .digest("hex");
}
