/**
 * An Entra ID–like identity endpoint for the emulator, enough for the real @azure/identity
 * (MSAL Node underneath) to get app-only tokens with the client credentials grant, and the
 * validation of those tokens on ARM and blob calls (auth "entra").
 *
 * Endpoints (under the emulator's base URL, no api-version):
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration   OpenID metadata (also /{tenant}/.well-known/…)
 *   GET  /{tenant}/discovery/v2.0/keys                     JWKS with the signing key (also /discovery/keys)
 *   GET  /common/discovery/instance?authorization_endpoint=…   instance discovery (MSAL asks
 *        login.microsoftonline.com for this, not the emulator: clients disable it — see docs)
 *   POST /{tenant}/oauth2/v2.0/token                       client_credentials → access token, with a
 *        client secret or a client assertion (workload identity federation: a JWT of a federated
 *        credential's issuer and subject, audience api://AzureADTokenExchange)
 *   GET  /oidc/token?audience=…                            a GitHub Actions–like ID token service (the
 *        ACTIONS_ID_TOKEN_REQUEST_URL flow): bearer request token → `{ value: <JWT> }`, issuer `{url}/oidc`
 *   GET  /metadata/endpoints?api-version=2022-09-01        the cloud metadata document (custom clouds,
 *        Azure Stack Hub; azure-native/Terraform `metadataHost`): resourceManager, authentication
 *        {loginEndpoint, audiences}; api-version 2015-01-01 / 1.0 answer Azure Stack Hub's older form
 *
 * Tokens are RS256 JWTs signed by a key generated when the emulator starts (so tokens of an
 * earlier run no longer verify): iss `{url}/{tenant}/v2.0`, tid, appid/azp (client id), oid/sub,
 * aud (the requested scope without `/.default`), iat/nbf/exp, ver 2.0. Expiry is judged on real
 * time, never on the compressed job clock.
 */
import { createHash, generateKeyPairSync, KeyObject, randomUUID, sign, timingSafeEqual, verify } from "crypto";
import { ArmError } from "./arm-errors";
import { storageError } from "../routes/blob-routes";
import { Reply, Router } from "./router";
import { DRILL_OIDC_REQUEST_TOKEN, DRILL_SERVICE_PRINCIPAL, Seed, SeedServicePrincipal } from "../world/seed";
import { usDateTime } from "../backup/time-format";

export type AuthMode = "anonymous" | "entra";

/** Which audiences a request needs: ARM (management) or Azure Storage (blob routes). */
export type Audience = "arm" | "storage";

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** Tolerance on `nbf` (a client's clock running behind); `exp` is judged exactly. */
const NBF_SKEW_SECONDS = 300;
const ARM_PUBLIC_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"];
const STORAGE_AUDIENCES = ["https://storage.azure.com"];
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** Lifetime of the ID tokens of the emulator's OIDC token service (GitHub's are about 5 minutes). */
const OIDC_ID_TOKEN_SECONDS = 300;
/** Form fields never shown in the request log. */
export const SECRET_FORM_FIELDS = ["client_secret", "client_assertion", "assertion", "refresh_token", "password", "code", "code_verifier"];

export interface TokenClaims {
    aud: string;
    iss: string;
    iat: number;
    nbf: number;
    exp: number;
    appid: string;
    appidacr: string;
    azp: string;
    azpacr: string;
    idp: string;
    oid: string;
    sub: string;
    tid: string;
    uti: string;
    ver: string;
    [claim: string]: unknown;
}

export type TokenCheck =
    { ok: true; claims: TokenClaims } | { ok: false; reason: "missing" | "invalid" | "expired" | "audience" | "issuer"; message: string };

interface SigningKey {
    kid: string;
    privateKey: KeyObject;
    publicKey: KeyObject;
}

export class EntraIdentity {
    private key?: SigningKey;

    constructor(
        readonly baseUrl: string,
        private readonly seed: () => Seed,
        readonly tokenLifetimeSeconds: number = DEFAULT_TOKEN_LIFETIME_SECONDS,
        private readonly realNow: () => number = () => Date.now(),
    ) {
        if (!(tokenLifetimeSeconds > 0) || !Number.isFinite(tokenLifetimeSeconds))
            throw new Error(`tokenLifetimeSeconds must be a finite number > 0, got ${tokenLifetimeSeconds}`);
    }

    get tenantId(): string {
        return this.seed().tenantId;
    }

    /** `{url}/{tenant}`: the authority a client configures (AZURE_AUTHORITY_HOST is `{url}`). */
    authority(): string {
        return `${this.baseUrl}/${this.tenantId}`;
    }

    issuer(tenant: string = this.tenantId): string {
        return `${this.baseUrl}/${tenant}/v2.0`;
    }

    /** Signs a token for `clientId` and `audience`; `lifetimeSeconds` may be negative (already expired) for tests. */
    issueToken(
        clientId: string,
        audience: string,
        lifetimeSeconds: number = this.tokenLifetimeSeconds,
    ): { token: string; claims: TokenClaims } {
        const sp = this.principal(clientId);
        const nowSeconds = this.realNow() / 1000;
        const now = Math.floor(nowSeconds);
        // Rounded up: a token is valid for at least its lifetime (the claims are whole seconds).
        const exp = Math.ceil(nowSeconds + lifetimeSeconds);
        const claims: TokenClaims = {
            aud: audience,
            iss: this.issuer(),
            iat: now,
            nbf: Math.min(now, exp),
            exp,
            appid: sp?.clientId ?? clientId,
            appidacr: "1",
            azp: sp?.clientId ?? clientId,
            azpacr: "1",
            idp: this.issuer(),
            oid: sp ? objectIdOf(sp) : derivedObjectId(clientId),
            sub: sp ? objectIdOf(sp) : derivedObjectId(clientId),
            tid: this.tenantId,
            uti: Buffer.from(randomUUID().replace(/-/g, ""), "hex").toString("base64url"),
            ver: "2.0",
        };
        const key = this.signingKey();
        const header = { typ: "JWT", alg: "RS256", kid: key.kid };
        const input = `${b64json(header)}.${b64json(claims)}`;
        const signature = sign("sha256", Buffer.from(input), key.privateKey).toString("base64url");
        return { token: `${input}.${signature}`, claims };
    }

    /** Checks an `Authorization` header value for a request that needs `audience`. */
    check(authorization: string | undefined, audience: Audience): TokenCheck {
        if (!authorization)
            return { ok: false, reason: "missing", message: "The authentication failed because of missing 'Authorization' header." };
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (!m)
            return { ok: false, reason: "invalid", message: "The 'Authorization' header is not a bearer token ('Bearer <access token>')." };
        const parts = m[1].split(".");
        if (parts.length !== 3)
            return { ok: false, reason: "invalid", message: "The access token is not a valid JWT (three base64url parts)." };
        let header: { alg?: unknown; kid?: unknown };
        let claims: TokenClaims;
        try {
            header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
            claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
        } catch {
            return { ok: false, reason: "invalid", message: "The access token is not a valid JWT (its header or payload is not JSON)." };
        }
        if (typeof claims !== "object" || claims === null)
            return { ok: false, reason: "invalid", message: "The access token payload is not a JSON object." };
        const key = this.signingKey();
        if (header.alg !== "RS256" || header.kid !== key.kid) {
            return {
                ok: false,
                reason: "invalid",
                message: "The access token is signed with an unknown key: get a new token from this emulator's token endpoint.",
            };
        }
        const validSignature = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2], "base64url"));
        if (!validSignature) return { ok: false, reason: "invalid", message: "The access token signature is invalid." };
        if (claims.iss !== this.issuer() || claims.tid !== this.tenantId) {
            return {
                ok: false,
                reason: "issuer",
                message: `The access token is from the wrong issuer '${String(claims.iss)}'. It must match the tenant '${this.issuer()}' associated with this subscription. Please use the authority (URL) '${this.authority()}' to get the token.`,
            };
        }
        if (!this.principal(String(claims.appid))) {
            return {
                ok: false,
                reason: "invalid",
                message: `The access token was issued to application '${String(claims.appid)}', which does not exist in tenant '${this.tenantId}'.`,
            };
        }
        const now = this.realNow() / 1000;
        if (typeof claims.exp !== "number" || typeof claims.nbf !== "number")
            return { ok: false, reason: "invalid", message: "The access token has no 'exp' or 'nbf' claim." };
        if (now >= claims.exp) {
            return {
                ok: false,
                reason: "expired",
                message: `The access token expiry UTC time '${usDateTime(claims.exp * 1000)}' is earlier than current UTC time '${usDateTime(this.realNow())}'.`,
            };
        }
        if (claims.nbf > now + NBF_SKEW_SECONDS) {
            return {
                ok: false,
                reason: "invalid",
                message: `The access token is not valid before UTC time '${usDateTime(claims.nbf * 1000)}'; current UTC time is '${usDateTime(this.realNow())}'.`,
            };
        }
        const allowed = this.audiences(audience);
        if (typeof claims.aud !== "string" || !allowed.some((a) => sameAudience(a, claims.aud))) {
            return {
                ok: false,
                reason: "audience",
                message: `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences '${allowed.flatMap((a) => [`${a}/`, a]).join("','")}'.`,
            };
        }
        return { ok: true, claims };
    }

    /** The audiences accepted for ARM calls (the emulator's own origin, under any loopback name, and public ARM) or blob calls. */
    audiences(audience: Audience): string[] {
        if (audience === "storage") return [...STORAGE_AUDIENCES];
        return [...loopbackAliases(this.baseUrl), ...ARM_PUBLIC_AUDIENCES];
    }

    /** The 401 answer for a failed check (or an injected tokenRejected fault), ARM envelope (with `code`, if given) or storage XML. */
    rejection(audience: Audience, failure: { reason: string; message: string }, code?: string): Reply {
        const description = failure.message.replace(/"/g, "'");
        const challenge = `Bearer authorization_uri="${this.authority()}", error="invalid_token", error_description="${description}"`;
        if (audience === "storage") {
            // The storage service has its own codes; an ARM code (from a tokenRejected fault) does not apply.
            const storageCode = failure.reason === "missing" ? "NoAuthenticationInformation" : "InvalidAuthenticationInfo";
            const reply = storageError(
                401,
                storageCode,
                "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.",
                failure.reason === "missing" ? undefined : failure.message,
            );
            return {
                ...reply,
                headers: {
                    ...(reply.headers ?? {}),
                    "WWW-Authenticate": `Bearer authorization_uri="${this.authority()}", resource_id="${STORAGE_AUDIENCES[0]}", error="invalid_token", error_description="${description}"`,
                },
            };
        }
        const armCode =
            code ??
            (failure.reason === "missing"
                ? "AuthenticationFailed"
                : failure.reason === "expired"
                  ? "ExpiredAuthenticationToken"
                  : failure.reason === "audience"
                    ? "InvalidAuthenticationTokenAudience"
                    : failure.reason === "issuer"
                      ? "InvalidAuthenticationTokenTenant"
                      : "InvalidAuthenticationToken");
        const message = failure.reason === "missing" ? "Authentication failed. The 'Authorization' header is missing." : failure.message;
        const error = new ArmError(401, armCode, message, undefined, { "WWW-Authenticate": challenge });
        return { status: 401, headers: error.headers, body: error.toBody() };
    }

    /** The 401 of a `tokenRejected` fault: by default as if the token had expired a minute ago. */
    injectedRejection(audience: Audience, code?: string, message?: string): Reply {
        const now = this.realNow();
        const expired = `The access token expiry UTC time '${usDateTime(now - 60_000)}' is earlier than current UTC time '${usDateTime(now)}'.`;
        const reason = code && code !== "ExpiredAuthenticationToken" ? "invalid" : "expired";
        return this.rejection(audience, { reason, message: message ?? expired }, code);
    }

    /** The seed's applications; a seed that does not mention `servicePrincipals` gets the default drill application. */
    principals(): SeedServicePrincipal[] {
        return this.seed().servicePrincipals ?? [DRILL_SERVICE_PRINCIPAL];
    }

    principal(clientId: string): SeedServicePrincipal | undefined {
        return this.principals().find((sp) => sp.clientId.toLowerCase() === clientId.toLowerCase());
    }

    jwks(): { keys: Array<Record<string, unknown>> } {
        const key = this.signingKey();
        const jwk = key.publicKey.export({ format: "jwk" }) as { n: string; e: string };
        return { keys: [{ kty: "RSA", use: "sig", alg: "RS256", kid: key.kid, n: jwk.n, e: jwk.e, issuer: this.issuer() }] };
    }

    private signingKey(): SigningKey {
        if (!this.key) {
            const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
            const kid = createHash("sha1")
                .update(publicKey.export({ type: "spki", format: "der" }))
                .digest("base64url");
            this.key = { kid, privateKey, publicKey };
        }
        return this.key;
    }

    // --- routes

    registerRoutes(router: Router): void {
        const openid = (tenant: string, v2: boolean): Reply => {
            const t = this.knownTenant(tenant);
            if (!t.ok) return t.reply;
            const issuerTenant = t.generic ? "{tenantid}" : this.tenantId;
            const base = `${this.baseUrl}/${tenant}`;
            return {
                status: 200,
                body: {
                    token_endpoint: `${base}/oauth2/${v2 ? "v2.0/" : ""}token`,
                    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
                    jwks_uri: `${base}/discovery/${v2 ? "v2.0/" : ""}keys`,
                    response_modes_supported: ["query", "fragment", "form_post"],
                    subject_types_supported: ["pairwise"],
                    id_token_signing_alg_values_supported: ["RS256"],
                    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
                    scopes_supported: ["openid", "profile", "email", "offline_access"],
                    grant_types_supported: ["client_credentials"],
                    issuer: v2 ? `${this.baseUrl}/${issuerTenant}/v2.0` : `${this.baseUrl}/${issuerTenant}/`,
                    request_uri_parameter_supported: false,
                    authorization_endpoint: `${base}/oauth2/${v2 ? "v2.0/" : ""}authorize`,
                    device_authorization_endpoint: `${base}/oauth2/${v2 ? "v2.0/" : ""}devicecode`,
                    end_session_endpoint: `${base}/oauth2/${v2 ? "v2.0/" : ""}logout`,
                    http_logout_supported: true,
                    frontchannel_logout_supported: true,
                    claims_supported: [
                        "sub",
                        "iss",
                        "aud",
                        "exp",
                        "iat",
                        "nbf",
                        "tid",
                        "ver",
                        "oid",
                        "appid",
                        "azp",
                        "azpacr",
                        "appidacr",
                        "idp",
                        "uti",
                    ],
                    tenant_region_scope: "EU",
                    cloud_instance_name: "vmrestore.emulator",
                },
            };
        };
        router.add("GET", "/:tenant/v2.0/.well-known/openid-configuration", (req) => openid(req.params.tenant, true));
        router.add("GET", "/:tenant/.well-known/openid-configuration", (req) => openid(req.params.tenant, false));
        const keys = (tenant: string): Reply => {
            const t = this.knownTenant(tenant);
            return t.ok ? { status: 200, body: this.jwks() } : t.reply;
        };
        router.add("GET", "/:tenant/discovery/v2.0/keys", (req) => keys(req.params.tenant));
        router.add("GET", "/:tenant/discovery/keys", (req) => keys(req.params.tenant));
        router.add("GET", "/:tenant/discovery/instance", (req) => {
            const endpoint = req.query.authorization_endpoint;
            let tenant = this.tenantId;
            if (endpoint) {
                try {
                    const first = new URL(endpoint).pathname.split("/").filter(Boolean)[0];
                    if (first) tenant = first;
                } catch {
                    return aadError(400, "invalid_instance", 50049, "Unknown or invalid instance.", this.baseUrl);
                }
            }
            const host = new URL(this.baseUrl).host;
            return {
                status: 200,
                body: {
                    tenant_discovery_endpoint: `${this.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
                    "api-version": "1.1",
                    metadata: [
                        {
                            preferred_network: host,
                            preferred_cache: host,
                            aliases: [...new Set([host, ...loopbackAliases(this.baseUrl).map((u) => new URL(u).host)])],
                        },
                    ],
                },
            };
        });
        router.add("GET", "/metadata/endpoints", (req) => this.metadata(req.query["api-version"]));
        router.add("GET", "/oidc/token", (req) => this.oidcIdToken(req.headers.authorization, req.query.audience));
        router.add("POST", "/:tenant/oauth2/v2.0/token", (req) =>
            this.token(req.params.tenant, req.body as Record<string, string> | undefined, req.headers.authorization),
        );
        router.add("POST", "/:tenant/oauth2/token", (req) =>
            this.token(req.params.tenant, req.body as Record<string, string> | undefined, req.headers.authorization),
        );
    }

    private knownTenant(tenant: string): { ok: true; generic: boolean } | { ok: false; reply: Reply } {
        const t = tenant.toLowerCase();
        if (t === this.tenantId.toLowerCase()) return { ok: true, generic: false };
        if (t === "common" || t === "organizations") return { ok: true, generic: true };
        return {
            ok: false,
            reply: aadError(
                400,
                "invalid_tenant",
                90002,
                `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. This emulator has tenant '${this.tenantId}'.`,
                this.baseUrl,
            ),
        };
    }

    private token(tenant: string, form: Record<string, string> | undefined, authorization: string | undefined): Reply {
        const t = this.knownTenant(tenant);
        if (!t.ok) return t.reply;
        if (t.generic)
            return aadError(
                400,
                "invalid_request",
                90002,
                `The client credentials grant needs a tenant: use ${this.authority()}, not '${tenant}'.`,
                this.baseUrl,
            );
        const f = form ?? {};
        let clientId = f.client_id;
        let clientSecret = f.client_secret;
        const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
        if (basic) {
            const decoded = Buffer.from(basic[1], "base64").toString("utf8");
            const i = decoded.indexOf(":");
            if (i > 0) {
                clientId ??= decodeURIComponent(decoded.slice(0, i));
                clientSecret ??= decodeURIComponent(decoded.slice(i + 1));
            }
        }
        const grant = f.grant_type;
        if (!grant)
            return aadError(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
                this.baseUrl,
            );
        if (grant !== "client_credentials") {
            return aadError(
                400,
                "unsupported_grant_type",
                70003,
                `The app requested an unsupported grant type '${grant}'. This emulator supports only 'client_credentials'.`,
                this.baseUrl,
            );
        }
        if (!clientId)
            return aadError(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'client_id'.",
                this.baseUrl,
            );
        const sp = this.principal(clientId);
        if (!sp) {
            return aadError(
                400,
                "unauthorized_client",
                700016,
                `Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
                this.baseUrl,
            );
        }
        if (f.client_assertion !== undefined) {
            if (f.client_assertion_type !== JWT_BEARER) {
                return aadError(
                    400,
                    "invalid_request",
                    90014,
                    `The request body must contain the following parameter: 'client_assertion_type' with the value '${JWT_BEARER}'.`,
                    this.baseUrl,
                );
            }
            const failure = this.checkAssertion(f.client_assertion, sp);
            if (failure) return failure;
        } else if (!clientSecret)
            return aadError(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                this.baseUrl,
            );
        else if (!sameSecret(clientSecret, sp.clientSecret)) {
            return aadError(
                401,
                "invalid_client",
                7000215,
                `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${sp.clientId}'.`,
                this.baseUrl,
            );
        }
        const scope = (f.scope ?? "").split(/\s+/).filter((x) => x && !OIDC_SCOPES.has(x.toLowerCase()));
        if (scope.length === 0)
            return aadError(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'scope'.",
                this.baseUrl,
            );
        if (scope.length > 1 || !scope[0].toLowerCase().endsWith("/.default")) {
            return aadError(
                400,
                "invalid_scope",
                1002012,
                `The provided value for scope ${scope.join(" ")} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
                this.baseUrl,
            );
        }
        const resource = scope[0].slice(0, -"/.default".length);
        const known = [...this.audiences("arm"), ...this.audiences("storage")];
        if (!known.some((a) => sameAudience(a, resource))) {
            return aadError(
                400,
                "invalid_resource",
                500011,
                `The resource principal named ${resource} was not found in the tenant named ${this.tenantId}. This emulator issues tokens for: ${known.join(", ")}.`,
                this.baseUrl,
            );
        }
        const { token } = this.issueToken(sp.clientId, resource);
        return {
            status: 200,
            headers: { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
            body: {
                token_type: "Bearer",
                expires_in: this.tokenLifetimeSeconds,
                ext_expires_in: this.tokenLifetimeSeconds,
                access_token: token,
            },
        };
    }

    /** The cloud metadata document (see the header comment for the forms). */
    metadata(apiVersion: string | undefined): Reply {
        const base = `${this.baseUrl}/`;
        if (!apiVersion) {
            const e = new ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            );
            return { status: 400, body: e.toBody() };
        }
        if (apiVersion === "2015-01-01" || apiVersion === "1.0") {
            return {
                status: 200,
                body: {
                    galleryEndpoint: base,
                    graphEndpoint: base,
                    portalEndpoint: base,
                    authentication: { loginEndpoint: base, audiences: [base] },
                },
            };
        }
        if (apiVersion < "2022-09-01") {
            const e = new ArmError(
                400,
                "InvalidApiVersionParameter",
                `The api-version '${apiVersion}' is invalid. The supported versions are '2022-09-01,2015-01-01,1.0'.`,
            );
            return { status: 400, body: e.toBody() };
        }
        const host = new URL(this.baseUrl).host;
        return {
            status: 200,
            body: {
                name: "VmRestoreEmulator",
                portal: base,
                resourceManager: base,
                authentication: { loginEndpoint: base, audiences: [base], tenant: "common", identityProvider: "AAD" },
                microsoftGraphResourceId: base,
                graph: base,
                suffixes: { storage: host, keyVaultDns: `vault.${host}`, acrLoginServer: `azurecr.${host}` },
            },
        };
    }

    /** The OIDC issuer of the emulator's ID token service. */
    oidcIssuer(): string {
        return `${this.baseUrl}/oidc`;
    }

    /** A GitHub Actions–like ID token: the request token as bearer, `audience` as asked (default api://AzureADTokenExchange). */
    private oidcIdToken(authorization: string | undefined, audience: string | undefined): Reply {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
        if (!m || !sameSecret(m[1], DRILL_OIDC_REQUEST_TOKEN)) {
            return {
                status: 401,
                body: {
                    message:
                        "Bad credentials: the ID token request needs the request token (ACTIONS_ID_TOKEN_REQUEST_TOKEN) as a bearer token.",
                },
            };
        }
        const now = Math.floor(this.realNow() / 1000);
        const sp = this.principals().find((p) =>
            p.federatedCredentials?.some((fc) => fc.issuer === "emulator" || fc.issuer === this.oidcIssuer()),
        );
        const subject =
            sp?.federatedCredentials?.find((fc) => fc.issuer === "emulator" || fc.issuer === this.oidcIssuer())?.subject ?? "repo:unknown";
        const claims = {
            iss: this.oidcIssuer(),
            sub: subject,
            aud: audience || TOKEN_EXCHANGE_AUDIENCE,
            iat: now,
            nbf: now,
            exp: now + OIDC_ID_TOKEN_SECONDS,
            jti: randomUUID(),
        };
        return { status: 200, body: { count: 1, value: this.signJwt(claims) } };
    }

    private signJwt(claims: Record<string, unknown>): string {
        const key = this.signingKey();
        const input = `${b64json({ typ: "JWT", alg: "RS256", kid: key.kid })}.${b64json(claims)}`;
        return `${input}.${sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`;
    }

    /** Workload identity federation: the assertion must be a current JWT of a federated credential of `sp`. Answers the error, or undefined. */
    private checkAssertion(assertion: string, sp: SeedServicePrincipal): Reply | undefined {
        const parts = assertion.split(".");
        let header: { alg?: unknown; kid?: unknown } | undefined;
        let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown; nbf?: unknown } | undefined;
        try {
            header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
            claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
        } catch {
            header = undefined;
        }
        if (parts.length !== 3 || !header || !claims || typeof claims !== "object") {
            return aadError(400, "invalid_client", 50027, "JWT token is invalid or malformed.", this.baseUrl);
        }
        const federated = (sp.federatedCredentials ?? []).map((fc) => ({
            ...fc,
            issuer: fc.issuer === "emulator" ? this.oidcIssuer() : fc.issuer,
        }));
        const byIssuer = federated.filter((fc) => fc.issuer === claims!.iss);
        if (byIssuer.length === 0) {
            return aadError(
                400,
                "invalid_client",
                700211,
                `No matching federated identity record found for presented assertion issuer '${String(claims.iss)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
                this.baseUrl,
            );
        }
        const key = this.signingKey();
        const signed =
            header.alg === "RS256" &&
            header.kid === key.kid &&
            verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2], "base64url"));
        if (!signed) return aadError(401, "invalid_client", 700027, "Client assertion failed signature validation.", this.baseUrl);
        const bySubject = byIssuer.filter((fc) => fc.subject === claims!.sub);
        if (bySubject.length === 0) {
            return aadError(
                400,
                "invalid_client",
                700213,
                `No matching federated identity record found for presented assertion subject '${String(claims.sub)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
                this.baseUrl,
            );
        }
        const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
        if (!bySubject.some((fc) => (fc.audiences ?? [TOKEN_EXCHANGE_AUDIENCE]).some((a) => auds.includes(a)))) {
            return aadError(
                400,
                "invalid_client",
                700212,
                `No matching federated identity record found for presented assertion audience '${auds.map(String).join(",")}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
                this.baseUrl,
            );
        }
        const now = this.realNow() / 1000;
        if (
            typeof claims.exp !== "number" ||
            now >= claims.exp ||
            (typeof claims.nbf === "number" && claims.nbf > now + NBF_SKEW_SECONDS)
        ) {
            return aadError(400, "invalid_client", 700024, "Client assertion is not within its valid time range.", this.baseUrl);
        }
        return undefined;
    }
}

/** An AAD (STS) error body: {error, error_description "AADSTSnnn: … Trace ID … Correlation ID … Timestamp …", error_codes, …}. */
function aadError(status: number, error: string, code: number, text: string, baseUrl: string): Reply {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date()
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
    return {
        status,
        headers: { "Cache-Control": "no-store, no-cache", Pragma: "no-cache", "x-ms-request-id": traceId },
        body: {
            error,
            error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
            error_codes: [code],
            timestamp,
            trace_id: traceId,
            correlation_id: correlationId,
            error_uri: `${baseUrl}/error?code=${code}`,
        },
    };
}

/** The emulator origin under each loopback name (127.0.0.1, localhost, [::1]) with its port. */
function loopbackAliases(baseUrl: string): string[] {
    const u = new URL(baseUrl);
    const port = u.port ? `:${u.port}` : "";
    return [
        ...new Set([
            `${u.protocol}//${u.host}`,
            `${u.protocol}//127.0.0.1${port}`,
            `${u.protocol}//localhost${port}`,
            `${u.protocol}//[::1]${port}`,
        ]),
    ];
}

/** Audiences compare case-insensitively and with or without a trailing slash. */
function sameAudience(a: string, b: string): boolean {
    return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

function sameSecret(given: string, expected: string): boolean {
    const a = createHash("sha256").update(given).digest();
    const b = createHash("sha256").update(expected).digest();
    return timingSafeEqual(a, b);
}

function objectIdOf(sp: SeedServicePrincipal): string {
    return sp.objectId ?? derivedObjectId(sp.clientId);
}

/** A stable GUID-shaped object ID for an application. */
function derivedObjectId(clientId: string): string {
    const h = createHash("sha256").update(`vmrestore-emulator-sp:${clientId.toLowerCase()}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function b64json(v: unknown): string {
    return Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
}
