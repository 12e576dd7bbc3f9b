/**
 * Bearer tokens for ARM and Storage, obtained at run time inside the provider process.
 *
 * Nothing here is created at module load or captured into the serialized provider: the credential is
 * built on first use from the azure-native settings (azure-settings.ts: stack config, ARM_*) or, when
 * they name none, the process environment (@azure/identity's DefaultAzureCredential reads
 * AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, workload identity, managed identity,
 * Azure CLI ...), and tokens live only in memory.
 */
import { createHash } from "crypto";
import { AzureSettings, CLOUDS, CredentialPlan, currentAzureSettings, identityDigest } from "./azure-settings";
import { HttpTransport, nodeFetchTransport } from "./http-transport";
import { processSingleton } from "../pulumi/process-singleton";

export interface TokenSource {
    /** A bearer token for `scope` (e.g. `https://management.azure.com/.default`). */
    getToken(scope: string): Promise<string>;
    /** Forget any cached token, e.g. after a 401 that says it expired. */
    invalidate(): void;
}

/** The OAuth scope for an ARM endpoint: its origin plus `/.default`. */
export function armScope(armEndpoint: string): string {
    return `${new URL(armEndpoint).origin}/.default`;
}

/** The scope for reading restored config/template blobs from the staging storage account. */
export const STORAGE_SCOPE = "https://storage.azure.com/.default";

export function isLoopbackUrl(url: string): boolean {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** True when the environment names a service principal or workload identity for @azure/identity. */
function environmentHasCredential(env: NodeJS.ProcessEnv): boolean {
    return !!(env.AZURE_CLIENT_ID && (env.AZURE_CLIENT_SECRET || env.AZURE_FEDERATED_TOKEN_FILE || env.AZURE_CLIENT_CERTIFICATE_PATH));
}

export interface TokenSourceOptions {
    /** The azure-native settings (stack config, ARM_*); read from this process when not given. */
    settings?: AzureSettings;
    /** The Entra ID host of the cloud (from `environment` or the metadata document). */
    authorityHost?: string;
    /** Where the GitHub Actions OIDC request goes through (default: node-fetch with the proxy settings). */
    transport?: HttpTransport;
}

/**
 * Chooses the credential for an endpoint:
 * - the azure-native settings (stack config `azure-native:*`, then ARM_* variables), when they name
 *   a way to sign in: service principal (secret or certificate), OIDC, managed identity, Azure CLI;
 * - else a loopback endpoint (the local emulator) with no service principal in the environment gets
 *   an anonymous placeholder token, so an offline drill never probes the managed-identity endpoint;
 * - else DefaultAzureCredential (AZURE_* variables, workload identity, managed identity, Azure CLI),
 *   with `AZURE_AUTHORITY_HOST` honoured.
 */
export function createTokenSource(armEndpoint: string, env: NodeJS.ProcessEnv = process.env, opts: TokenSourceOptions = {}): TokenSource {
    const settings = opts.settings ?? currentAzureSettings(env);
    const plan = settings.credential;
    if (plan) {
        const authorityHost = opts.authorityHost ?? env.AZURE_AUTHORITY_HOST;
        const digest = identityDigest(settings, authorityHost ?? "");
        return processSingleton(
            `vmrestore.tokens.${digest}`,
            () =>
                new AzureIdentityTokenSource(
                    () => credentialFor(plan, authorityHost, opts.transport ?? nodeFetchTransport),
                    describePlan(plan),
                ),
        );
    }
    if (isLoopbackUrl(armEndpoint) && !environmentHasCredential(env)) {
        return { getToken: async () => "emulator-anonymous", invalidate: () => undefined };
    }
    // One per process and identity: every resource and call reuses its tokens (200 restores must not
    // mean 600 token requests). Keyed by a digest, so no credential value is kept as a key.
    const identity =
        [
            "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_CLIENT_CERTIFICATE_PATH",
            "AZURE_AUTHORITY_HOST",
        ]
            .map((k) => env[k] ?? "")
            .join("\n") + `\n${opts.authorityHost ?? ""}`;
    const digest = createHash("sha256").update(identity).digest("hex");
    return processSingleton(
        `vmrestore.tokens.${digest}`,
        () =>
            new AzureIdentityTokenSource(() => {
                const azure: typeof import("@azure/identity") = require("@azure/identity");
                const authorityHost = opts.authorityHost ?? env.AZURE_AUTHORITY_HOST;
                return new azure.DefaultAzureCredential({ authorityHost, disableInstanceDiscovery: customAuthority(authorityHost) });
            }, "the AZURE_* credential chain (DefaultAzureCredential)"),
    );
}

/**
 * MSAL validates an authority against login.microsoftonline.com unless told not to; a custom one
 * (the emulator's Entra endpoint, an Azure Stack Hub's) cannot be validated there.
 */
function customAuthority(authorityHost: string | undefined): boolean | undefined {
    if (!authorityHost) return undefined;
    const known = Object.values(CLOUDS).map((c) => new URL(c.authorityHost).host);
    return !known.includes(new URL(authorityHost).host);
}

function describePlan(plan: CredentialPlan): string {
    switch (plan.kind) {
        case "client-secret":
            return "the service principal of azure-native:clientId / ARM_CLIENT_ID with its client secret";
        case "client-certificate":
            return "the service principal of azure-native:clientId / ARM_CLIENT_ID with its client certificate";
        case "oidc-token":
        case "oidc-token-file":
        case "oidc-request":
            return "OIDC (a federated token for azure-native:clientId / ARM_CLIENT_ID)";
        case "managed-identity":
            return "the managed identity (azure-native:useMsi / ARM_USE_MSI)";
        case "azure-cli":
            return "the Azure CLI's signed-in account (`az login`)";
        case "default-azure-credential":
            return "DefaultAzureCredential (azure-native:useDefaultAzureCredential)";
    }
}

/** The @azure/identity credential for a plan. Loaded here, at run time, so the module is never serialized. */
function credentialFor(
    plan: CredentialPlan,
    authorityHost: string | undefined,
    transport: HttpTransport,
): import("@azure/core-auth").TokenCredential {
    const azure: typeof import("@azure/identity") = require("@azure/identity");
    const common = { authorityHost, disableInstanceDiscovery: customAuthority(authorityHost) };
    switch (plan.kind) {
        case "client-secret":
            return new azure.ClientSecretCredential(plan.tenantId, plan.clientId, plan.clientSecret, common);
        case "client-certificate":
            return new azure.ClientCertificateCredential(
                plan.tenantId,
                plan.clientId,
                certificateOf(plan.certificatePath, plan.certificatePassword),
                common,
            );
        case "oidc-token":
            return new azure.ClientAssertionCredential(plan.tenantId, plan.clientId, async () => plan.token, common);
        case "oidc-token-file":
            return new azure.ClientAssertionCredential(plan.tenantId, plan.clientId, async () => readTokenFile(plan.path), common);
        case "oidc-request":
            return new azure.ClientAssertionCredential(plan.tenantId, plan.clientId, () => requestOidcToken(plan, transport), common);
        case "managed-identity":
            return plan.clientId ? new azure.ManagedIdentityCredential({ clientId: plan.clientId }) : new azure.ManagedIdentityCredential();
        case "azure-cli":
            return new azure.AzureCliCredential({ tenantId: plan.tenantId });
        case "default-azure-credential":
            return new azure.DefaultAzureCredential({ ...common, tenantId: plan.tenantId });
    }
}

function readTokenFile(path: string): string {
    const fs = require("fs") as typeof import("fs");
    try {
        return fs.readFileSync(path, "utf8").trim();
    } catch (e) {
        throw new Error(
            `could not read the OIDC token file named by azure-native:oidcTokenFilePath / ARM_OIDC_TOKEN_FILE_PATH (${(e as NodeJS.ErrnoException).code ?? "error"})`,
            { cause: e },
        );
    }
}

/**
 * The client certificate: a PEM file (certificate and private key), given to @azure/identity.
 * (azure-native also takes PKCS#12; @azure/identity does not: the error says how to convert.)
 */
function certificateOf(path: string, _password: string | undefined): { certificate: string } {
    const fs = require("fs") as typeof import("fs");
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(path);
    } catch (e) {
        throw new Error(
            `could not read the client certificate named by azure-native:clientCertificatePath / ARM_CLIENT_CERTIFICATE_PATH (${(e as NodeJS.ErrnoException).code ?? "error"}); check the path`,
            { cause: e },
        );
    }
    if (bytes.toString("latin1").includes("-----BEGIN")) return { certificate: bytes.toString("utf8") };
    throw new Error(
        "the client certificate (azure-native:clientCertificatePath / ARM_CLIENT_CERTIFICATE_PATH) is not a PEM file; VmRestore takes PEM (certificate and " +
            "private key in one file). Convert a .pfx with `openssl pkcs12 -in cert.pfx -out cert.pem -nodes` and point the setting at the PEM file.",
    );
}

/** GitHub Actions' ID token request: GET {url}&audience=… with the request token as bearer → `{ value }`. */
async function requestOidcToken(plan: Extract<CredentialPlan, { kind: "oidc-request" }>, transport: HttpTransport): Promise<string> {
    const url = new URL(plan.requestUrl);
    url.searchParams.set("audience", plan.audience);
    const res = await transport({
        method: "GET",
        url: url.toString(),
        headers: { accept: "application/json", authorization: `Bearer ${plan.requestToken}` },
        timeoutMs: 30_000,
    });
    const where = "the OIDC token request (azure-native:oidcRequestUrl / ACTIONS_ID_TOKEN_REQUEST_URL)";
    if (res.status < 200 || res.status > 299) {
        throw new Error(
            `${where} answered ${res.status}; check that the job may request ID tokens (GitHub Actions: \`permissions: id-token: write\`) and that the request token is current`,
        );
    }
    let value: unknown;
    try {
        value = (JSON.parse(res.text) as { value?: unknown }).value;
    } catch {
        value = undefined;
    }
    if (typeof value !== "string" || !value) throw new Error(`${where} answered without a token ('value')`);
    return value;
}

class AzureIdentityTokenSource implements TokenSource {
    private credential: import("@azure/core-auth").TokenCredential | undefined;
    private readonly cache: Map<string, { token: string; expiresOn: number }>;

    constructor(
        private readonly make: () => import("@azure/core-auth").TokenCredential,
        private readonly description: string,
    ) {
        this.cache = new Map();
    }

    async getToken(scope: string): Promise<string> {
        const cached = this.cache.get(scope);
        // Refresh five minutes before expiry, so a long poll never carries a token that lapses mid-flight.
        if (cached && cached.expiresOn - Date.now() > 5 * 60_000) return cached.token;
        if (!this.credential) this.credential = this.make();
        let result: import("@azure/core-auth").AccessToken | null;
        try {
            result = await this.credential.getToken(scope);
        } catch (e) {
            throw tokenError(
                `could not get an Azure token for ${scope} with ${this.description}: ${redactSecrets((e as Error).message)}. ` +
                    "Check the azure-native:* stack config and ARM_* variables (see docs/credentials.md); without them, sign in with `az login`, " +
                    "or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (or a workload/managed identity) for the account that runs `pulumi up`.",
            );
        }
        if (!result) throw new Error(`no Azure token was returned for ${scope}; check the credential in the environment`);
        this.cache.set(scope, { token: result.token, expiresOn: result.expiresOnTimestamp });
        return result.token;
    }

    invalidate(): void {
        this.cache.clear();
    }
}

/** Removes anything that looks like a token (a JWT) from a message. */
function redactSecrets(message: string): string {
    return message.replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "<token>");
}

/** A token failure as users see it: the message is already redacted, and the original error (which may quote a secret) is not kept. */
function tokenError(message: string): Error {
    return new Error(message);
}
