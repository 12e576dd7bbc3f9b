/**
 * Bearer tokens for ARM and Storage, obtained at run time inside the provider process.
 *
 * Nothing here is created at module load or captured into the serialized provider: the credential is
 * built on first use from the process environment (@azure/identity's DefaultAzureCredential reads
 * AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, workload identity, managed identity,
 * Azure CLI ...), and tokens live only in memory.
 */
import { processSingleton } from "./process-singleton";

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

/**
 * Chooses the credential for an endpoint:
 * - a loopback endpoint (the local emulator) with no service principal in the environment gets an
 *   anonymous placeholder token, so an offline drill never probes the managed-identity endpoint;
 * - everything else uses DefaultAzureCredential, with `AZURE_AUTHORITY_HOST` honoured.
 */
export function createTokenSource(armEndpoint: string, env: NodeJS.ProcessEnv = process.env): TokenSource {
    if (isLoopbackUrl(armEndpoint) && !environmentHasCredential(env)) {
        return { getToken: async () => "emulator-anonymous", invalidate: () => undefined };
    }
    // One per process and identity: every resource and call reuses its tokens (200 restores must not
    // mean 600 token requests). Keyed by a digest, so no credential value is kept as a key.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { createHash } = require("crypto") as typeof import("crypto");
    const identity = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_AUTHORITY_HOST"]
        .map((k) => env[k] ?? "").join("\n");
    const digest = createHash("sha256").update(identity).digest("hex");
    return processSingleton(`vmrestore.tokens.${digest}`, () => new AzureIdentityTokenSource(env));
}

class AzureIdentityTokenSource implements TokenSource {
    private credential: import("@azure/core-auth").TokenCredential | undefined;
    private readonly cache: Map<string, { token: string; expiresOn: number }>;

    constructor(private readonly env: NodeJS.ProcessEnv) {
        this.cache = new Map();
    }

    async getToken(scope: string): Promise<string> {
        const cached = this.cache.get(scope);
        // Refresh five minutes before expiry, so a long poll never carries a token that lapses mid-flight.
        if (cached && cached.expiresOn - Date.now() > 5 * 60_000) return cached.token;
        if (!this.credential) {
            // Loaded here, at run time, so the module is never serialized with the provider.
            // eslint-disable-next-line @typescript-eslint/no-var-requires
            const identity: typeof import("@azure/identity") = require("@azure/identity");
            const authorityHost = this.env.AZURE_AUTHORITY_HOST;
            this.credential = new identity.DefaultAzureCredential({
                authorityHost,
                // MSAL validates a custom authority against login.microsoftonline.com unless told not
                // to; a loopback authority (the emulator's Entra endpoint) cannot be validated there.
                disableInstanceDiscovery: authorityHost ? isLoopbackUrl(authorityHost) : undefined,
            });
        }
        let result: import("@azure/core-auth").AccessToken | null;
        try {
            result = await this.credential.getToken(scope);
        } catch (e) {
            throw new Error(
                `could not get an Azure token for ${scope}: ${(e as Error).message}. ` +
                    "Sign in with `az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET " +
                    "(or a workload/managed identity) for the account that runs `pulumi up`.",
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
