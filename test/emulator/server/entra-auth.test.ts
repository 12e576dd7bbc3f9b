/**
 * auth "entra": the Entra ID–like token endpoint and token validation on every ARM and blob call.
 *
 * The proof runs the REAL credential chain — DefaultAzureCredential from @azure/identity with
 * AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID / AZURE_AUTHORITY_HOST — in a child
 * process started with NODE_EXTRA_CA_CERTS = the emulator CA (Node reads it only at process
 * start), under a network guard that refuses anything but loopback. It also shows why the
 * credential needs `disableInstanceDiscovery: true`: without it MSAL asks
 * login.microsoftonline.com (refused by the guard) and fails.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET, defaultSeed } from "../../../emulator/world/seed";
import { RunningEmulator, startEmulator } from "../../../emulator/server/server";
import { API, RPS, VAULT, call, restoreAndGetJobId, useAuthorization, useEmulator, waitForJob } from "../../support/emulator-helpers";
import { JsonAnswer, RequestLogJson } from "../../support/emulator-json";

const ROOT = path.resolve(__dirname, "../../..");
const TENANT = "00000000-0000-0000-0000-0000000000aa";
/**
 * Token lifetime of the credential-chain runs. Under MSAL's five-minute refresh offset and the
 * bearer policy's two-minute window, so the clients fetch a new token rather than reuse one; long
 * enough that no token expires while the child runs. Expiry is proven by moving the emulator's
 * real time and the child's Date.now ahead (test/support/entra-client.ts), not by waiting.
 */
const LIFETIME = 60;

interface ChildRun {
    code: number | null;
    steps: Record<string, JsonAnswer>;
    stderr: string;
}

/** Runs test/support/entra-client.ts with the CA and the AZURE_* variables set at process start. */
function runCredentialChild(emu: RunningEmulator, scenario: string): Promise<ChildRun> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "test/support/entra-client.ts"], {
        cwd: ROOT,
        env: {
            ...process.env,
            NODE_EXTRA_CA_CERTS: emu.caCertPath,
            AZURE_CLIENT_ID: DRILL_CLIENT_ID,
            AZURE_CLIENT_SECRET: DRILL_CLIENT_SECRET,
            AZURE_TENANT_ID: TENANT,
            AZURE_AUTHORITY_HOST: emu.url,
            EMULATOR_URL: emu.url,
            SCENARIO: scenario,
            TOKEN_LIFETIME_SECONDS: String(LIFETIME),
            AZURE_LOG_LEVEL: "",
        },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) =>
        child.on("exit", (code) => {
            const steps: Record<string, JsonAnswer> = {};
            for (const line of stdout.split("\n").filter(Boolean)) {
                try {
                    const parsed = JSON.parse(line);
                    steps[parsed.step] = parsed;
                } catch {
                    // not ours
                }
            }
            resolve({ code, steps, stderr });
        }),
    );
}

function claimsOf(token: string): Record<string, JsonAnswer> {
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

function form(fields: Record<string, string>): string {
    return new URLSearchParams(fields).toString();
}

describe('emulator: Entra ID–like auth (auth: "entra")', function () {
    this.timeout(60000);
    let caDir: string;
    before(() => (caDir = mkdtempSync(path.join(tmpdir(), "vmrestore-entra-"))));
    after(() => rmSync(caDir, { recursive: true, force: true }));
    const tokenUrl = (e: RunningEmulator, tenant = TENANT) => `${e.url}/${tenant}/oauth2/v2.0/token`;
    const getToken = async (e: RunningEmulator, fields: Record<string, string> = {}) =>
        call(tokenUrl(e), {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            rawBody: form({
                grant_type: "client_credentials",
                client_id: DRILL_CLIENT_ID,
                client_secret: DRILL_CLIENT_SECRET,
                scope: `${e.url}/.default`,
                ...fields,
            }),
        });

    describe("the real credential chain, with short-lived tokens", () => {
        const emu = useEmulator(() => ({ tls: true, auth: "entra", caDir, tokenLifetimeSeconds: LIFETIME }));

        it("the real DefaultAzureCredential gets a token over HTTPS; ARM calls succeed; an expired token gets 401 + WWW-Authenticate; a new token works; nothing leaves loopback", async () => {
            const e = emu.get();
            const run = await runCredentialChild(e, "chain");
            assert.equal(run.code, 0, run.stderr);
            const s = run.steps;
            assert.equal(s.error, undefined, JSON.stringify(s.error));

            const claims = s.token.claims;
            assert.equal(claims.iss, `${e.url}/${TENANT}/v2.0`);
            assert.equal(claims.tid, TENANT);
            assert.equal(claims.appid, DRILL_CLIENT_ID);
            assert.equal(claims.azp, DRILL_CLIENT_ID);
            assert.equal(claims.aud, e.url, "the scope without /.default");
            assert.equal(claims.ver, "2.0");
            assert.ok(claims.exp - claims.iat >= LIFETIME && claims.exp - claims.iat <= LIFETIME + 1);

            assert.equal(s.arm.status, 200);
            assert.equal(s.arm.body.name, "vault-prod");
            assert.equal(s.sdk.items, 6, "the official ARM SDK on the same credential (the six protected VMs of the default seed)");

            assert.equal(s.armExpired.status, 401);
            assert.equal(s.armExpired.body.error.code, "ExpiredAuthenticationToken");
            assert.match(
                s.armExpired.body.error.message,
                /^The access token expiry UTC time '\d+\/\d+\/\d{4} \d+:\d{2}:\d{2} [AP]M' is earlier than current UTC time '\d+\/\d+\/\d{4} \d+:\d{2}:\d{2} [AP]M'\.$/,
            );
            assert.match(
                s.armExpired.wwwAuthenticate,
                new RegExp(
                    `^Bearer authorization_uri="${e.url.replace(/[.]/g, "\\.")}/${TENANT}", error="invalid_token", error_description="The access token expiry UTC time .+"$`,
                ),
            );

            assert.equal(s.newToken.differs, true);
            assert.ok(s.newToken.claims.exp > claims.exp);
            assert.equal(s.armNew.status, 200);
            assert.equal(s.sdkAfterExpiry.items, 6, "the SDK's bearer policy got a fresh token by itself");

            assert.deepEqual(s.network.refused, [], "nothing tried to leave the machine");
            assert.deepEqual(s.network.connected, ["127.0.0.1"]);

            // What the emulator saw: OpenID metadata, several token requests (secret redacted), ARM calls.
            const log = (await call(`${e.url}/admin/requests`)).body.requests;
            const identity = log.filter((r: RequestLogJson) => r.kind === "identity");
            assert.ok(
                identity.some(
                    (r: RequestLogJson) =>
                        r.method === "GET" && r.path === `/${TENANT}/v2.0/.well-known/openid-configuration` && r.status === 200,
                ),
            );
            const tokenCalls = identity.filter((r: RequestLogJson) => r.method === "POST" && r.path === `/${TENANT}/oauth2/v2.0/token`);
            assert.ok(tokenCalls.length >= 3, `token requests: ${tokenCalls.length}`);
            for (const t of tokenCalls) {
                assert.equal(t.status, 200);
                assert.equal(t.requestBody.client_secret, "[redacted]");
                assert.equal(t.requestBody.grant_type, "client_credentials");
                assert.equal(t.requestBody.client_id, DRILL_CLIENT_ID);
            }
            const arm = log.filter((r: RequestLogJson) => r.kind === "arm");
            assert.deepEqual(arm.map((r: RequestLogJson) => r.status).sort(), [200, 200, 200, 200, 401]);
            assert.ok(arm.every((r: RequestLogJson) => r.headers.authorization === "[redacted]"));
            const dump = JSON.stringify(log);
            assert.ok(!dump.includes(DRILL_CLIENT_SECRET), "the client secret is nowhere in the log");
            assert.ok(!dump.includes("eyJ"), "no token is in the log");
            assert.deepEqual(
                (await call(`${e.url}/admin/requests?kind=identity`)).body.requests.map((r: RequestLogJson) => r.seq),
                identity.map((r: RequestLogJson) => r.seq),
            );
        });

        it("without disableInstanceDiscovery, @azure/identity asks login.microsoftonline.com (refused here) and cannot get a token", async () => {
            const e = emu.get();
            const run = await runCredentialChild(e, "instance-discovery-on");
            assert.equal(run.code, 0, run.stderr);
            assert.equal(run.steps.token, undefined);
            assert.match(run.steps.tokenError.message, /endpoints_resolution_error/);
            assert.deepEqual(run.steps.network.refused, ["login.microsoftonline.com"]);
            const log = (await call(`${e.url}/admin/requests?kind=identity`)).body.requests;
            assert.equal(log.filter((r: RequestLogJson) => r.method === "POST").length, 0, "it never reached the token endpoint");
        });
    });

    describe("endpoints and checks (tokens live an hour; expired ones are minted)", () => {
        const emu = useEmulator(() => ({ tls: true, auth: "entra", caDir }));

        it("serves the OpenID configuration, the signing keys and instance discovery", async () => {
            const e = emu.get();
            const oidc = await call(`${e.url}/${TENANT}/v2.0/.well-known/openid-configuration`);
            assert.equal(oidc.status, 200);
            assert.equal(oidc.body.issuer, `${e.url}/${TENANT}/v2.0`);
            assert.equal(oidc.body.token_endpoint, `${e.url}/${TENANT}/oauth2/v2.0/token`);
            assert.equal(oidc.body.jwks_uri, `${e.url}/${TENANT}/discovery/v2.0/keys`);
            assert.equal(oidc.body.authorization_endpoint, `${e.url}/${TENANT}/oauth2/v2.0/authorize`);
            assert.deepEqual(oidc.body.id_token_signing_alg_values_supported, ["RS256"]);
            assert.equal((await call(`${e.url}/common/v2.0/.well-known/openid-configuration`)).body.issuer, `${e.url}/{tenantid}/v2.0`);
            const unknownTenant = await call(`${e.url}/11111111-1111-1111-1111-111111111111/v2.0/.well-known/openid-configuration`);
            assert.equal(unknownTenant.status, 400);
            assert.match(unknownTenant.body.error_description, /^AADSTS90002: Tenant '11111111-1111-1111-1111-111111111111' not found/);

            const keys = await call(oidc.body.jwks_uri);
            assert.equal(keys.status, 200);
            assert.equal(keys.body.keys.length, 1);
            const key = keys.body.keys[0];
            assert.deepEqual([key.kty, key.use, key.alg], ["RSA", "sig", "RS256"]);
            const token = (await getToken(e)).body.access_token as string;
            const header = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
            assert.deepEqual(header, { typ: "JWT", alg: "RS256", kid: key.kid });
            // The JWKS verifies the token like any resource server would.
            const { createPublicKey, verify } = await import("crypto");
            const pub = createPublicKey({ key: { kty: "RSA", n: key.n, e: key.e }, format: "jwk" });
            const [h, p, sig] = token.split(".");
            assert.ok(verify("sha256", Buffer.from(`${h}.${p}`), pub, Buffer.from(sig, "base64url")));

            const discovery = await call(
                `${e.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${e.url}/${TENANT}/oauth2/v2.0/authorize`)}`,
            );
            assert.equal(discovery.status, 200);
            assert.equal(discovery.body.tenant_discovery_endpoint, `${e.url}/${TENANT}/v2.0/.well-known/openid-configuration`);
            assert.equal(discovery.body.metadata[0].preferred_network, new URL(e.url).host);
        });

        it("token endpoint: client credentials (form or Basic), and AADSTS errors for a wrong secret, client, scope, resource, tenant or grant", async () => {
            const e = emu.get();
            const ok = await getToken(e);
            assert.equal(ok.status, 200);
            assert.deepEqual(Object.keys(ok.body).sort(), ["access_token", "expires_in", "ext_expires_in", "token_type"]);
            assert.equal(ok.body.token_type, "Bearer");
            assert.equal(ok.body.expires_in, 3600);
            assert.equal(ok.headers.get("cache-control"), "no-store, no-cache");

            const basic = await call(tokenUrl(e), {
                method: "POST",
                headers: {
                    "Content-Type": "application/x-www-form-urlencoded",
                    Authorization: `Basic ${Buffer.from(`${DRILL_CLIENT_ID}:${DRILL_CLIENT_SECRET}`).toString("base64")}`,
                },
                rawBody: form({ grant_type: "client_credentials", scope: "https://management.azure.com/.default" }),
            });
            assert.equal(basic.status, 200);
            assert.equal(claimsOf(basic.body.access_token).aud, "https://management.azure.com");

            const cases: Array<[Record<string, string>, number, string, number, string?]> = [
                [{ client_secret: "wrong" }, 401, "invalid_client", 7000215, "Invalid client secret provided"],
                [
                    { client_id: "99999999-9999-9999-9999-999999999999" },
                    400,
                    "unauthorized_client",
                    700016,
                    "was not found in the directory",
                ],
                [{ client_secret: "" }, 401, "invalid_client", 7000218],
                [{ scope: `${e.url}/user_impersonation` }, 400, "invalid_scope", 1002012],
                [{ scope: "https://vault.azure.net/.default" }, 400, "invalid_resource", 500011],
                [{ grant_type: "password" }, 400, "unsupported_grant_type", 70003],
                [{ scope: "" }, 400, "invalid_request", 900144],
            ];
            for (const [fields, status, error, code, text] of cases) {
                const r = await getToken(e, fields);
                assert.equal(r.status, status, JSON.stringify(fields));
                assert.equal(r.body.error, error, JSON.stringify(fields));
                assert.deepEqual(r.body.error_codes, [code]);
                assert.match(
                    r.body.error_description,
                    new RegExp(
                        `^AADSTS${code}: .*Trace ID: [0-9a-f-]+ Correlation ID: [0-9a-f-]+ Timestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
                    ),
                );
                if (text) assert.ok(r.body.error_description.includes(text), r.body.error_description);
            }
            const otherTenant = await call(tokenUrl(e, "22222222-2222-2222-2222-222222222222"), {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                rawBody: form({
                    grant_type: "client_credentials",
                    client_id: DRILL_CLIENT_ID,
                    client_secret: DRILL_CLIENT_SECRET,
                    scope: `${e.url}/.default`,
                }),
            });
            assert.equal(otherTenant.status, 400);
            assert.deepEqual(otherTenant.body.error_codes, [90002]);

            const log = JSON.stringify((await call(`${e.url}/admin/requests`)).body.requests);
            assert.ok(
                !log.includes(DRILL_CLIENT_SECRET) &&
                    !log.includes("eyJ") &&
                    !log.includes(Buffer.from(`${DRILL_CLIENT_ID}:${DRILL_CLIENT_SECRET}`).toString("base64")),
            );
        });

        it("checks every ARM and blob call: missing, malformed, forged, foreign, expired and wrong-audience tokens get 401 with WWW-Authenticate", async () => {
            const e = emu.get();
            const vault = `${e.url}${VAULT}?${API}`;
            const challenge = new RegExp(
                `^Bearer authorization_uri="${e.url.replace(/[.]/g, "\\.")}/${TENANT}", error="invalid_token", error_description="[^"]+"$`,
            );
            const expect401 = async (authorization: string | undefined, code: string, message?: RegExp) => {
                const r = await call(vault, { headers: authorization === undefined ? {} : { Authorization: authorization } });
                assert.equal(r.status, 401, `${code}: ${r.text}`);
                assert.equal(r.body.error.code, code);
                if (message) assert.match(r.body.error.message, message);
                assert.match(r.headers.get("www-authenticate")!, challenge);
                assert.ok(r.headers.get("x-ms-request-id"));
            };
            await expect401(undefined, "AuthenticationFailed", /'Authorization' header is missing/);
            await expect401("Bearer not-a-jwt", "InvalidAuthenticationToken");
            await expect401("Basic Zm9vOmJhcg==", "InvalidAuthenticationToken");
            const good = (await getToken(e)).body.access_token as string;
            const [h, , sig] = good.split(".");
            const forgedPayload = Buffer.from(JSON.stringify({ ...claimsOf(good), appid: "someone-else" })).toString("base64url");
            await expect401(`Bearer ${h}.${forgedPayload}.${sig}`, "InvalidAuthenticationToken", /signature/);
            const other = await startEmulator({ tls: true, auth: "entra", caDir });
            try {
                const foreign = (await call(`${other.url}/admin/tokens`, { method: "POST", body: {}, ca: other.caCertPem })).body
                    .access_token;
                await expect401(`Bearer ${foreign}`, "InvalidAuthenticationToken", /unknown key/);
            } finally {
                await other.stop();
            }
            const expired = (await call(`${e.url}/admin/tokens`, { method: "POST", body: { expiresInSeconds: -30 } })).body.access_token;
            await expect401(
                `Bearer ${expired}`,
                "ExpiredAuthenticationToken",
                /^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/,
            );
            const storageToken = (await getToken(e, { scope: "https://storage.azure.com/.default" })).body.access_token;
            await expect401(
                `Bearer ${storageToken}`,
                "InvalidAuthenticationTokenAudience",
                /wrong audience or resource 'https:\/\/storage\.azure\.com'/,
            );

            for (const token of [
                good,
                (await getToken(e, { scope: "https://management.azure.com//.default" })).body.access_token,
                (await getToken(e, { scope: "https://management.core.windows.net/.default" })).body.access_token,
            ]) {
                assert.equal((await call(vault, { headers: { Authorization: `Bearer ${token}` } })).status, 200, claimsOf(token).aud);
            }
            const localhostAlias = (
                await call(`${e.url}/admin/tokens`, { method: "POST", body: { audience: e.url.replace("127.0.0.1", "localhost") } })
            ).body.access_token;
            assert.equal((await call(vault, { headers: { Authorization: `Bearer ${localhostAlias}` } })).status, 200);

            // Blob routes want a storage token; errors are the storage service's XML.
            const blob = `${e.url}/blob/stgrestore/none/nothing.json`;
            assert.equal(
                (await call(blob, { headers: { Authorization: `Bearer ${storageToken}` } })).status,
                404,
                "authenticated, then BlobNotFound",
            );
            const wrongAudience = await call(blob, { headers: { Authorization: `Bearer ${good}` } });
            assert.equal(wrongAudience.status, 401);
            assert.equal(wrongAudience.headers.get("x-ms-error-code"), "InvalidAuthenticationInfo");
            assert.match(wrongAudience.text, /<Code>InvalidAuthenticationInfo<\/Code>.*<AuthenticationErrorDetail>.*wrong audience/s);
            assert.match(wrongAudience.headers.get("www-authenticate")!, /resource_id="https:\/\/storage\.azure\.com"/);
            const noAuth = await call(blob);
            assert.equal(noAuth.status, 401);
            assert.equal(noAuth.headers.get("x-ms-error-code"), "NoAuthenticationInformation");

            // The admin API needs no token.
            assert.equal((await call(`${e.url}/admin`)).body.auth, "entra");
        });

        it("a whole restore runs with tokens, including reading the restored blobs with a storage token", async () => {
            const e = emu.get();
            const armToken = (await getToken(e)).body.access_token;
            useAuthorization(`Bearer ${armToken}`);
            const jobId = await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0]);
            const job = await waitForJob(e, jobId);
            assert.equal(job.properties.status, "Completed");
            const template = job.properties.extendedInfo.propertyBag["Template Blob Uri"];
            assert.equal((await call(template)).status, 401, "an ARM token does not open blobs");
            const storageToken = (await getToken(e, { scope: "https://storage.azure.com/.default" })).body.access_token;
            const blob = await call(template, { headers: { Authorization: `Bearer ${storageToken}` } });
            assert.equal(blob.status, 200);
            assert.ok(blob.body.resources);
        });

        it("the admin summary names the authority, token endpoint and client IDs (never the secret)", async () => {
            const e = emu.get();
            const admin = (await call(`${e.url}/admin`)).body;
            assert.equal(admin.identity.authorityHost, e.url);
            assert.equal(admin.identity.authority, `${e.url}/${TENANT}`);
            assert.equal(admin.identity.tokenEndpoint, `${e.url}/${TENANT}/oauth2/v2.0/token`);
            assert.deepEqual(admin.identity.clientIds, [DRILL_CLIENT_ID]);
            assert.equal(admin.identity.tokenLifetimeSeconds, 3600);
            assert.ok(!JSON.stringify(admin).includes(DRILL_CLIENT_SECRET));
        });
    });
});

describe('emulator: tokens with auth "anonymous" and custom service principals', () => {
    const seed = defaultSeed();
    seed.servicePrincipals = [{ clientId: "app-one", clientSecret: "s3cret-one", objectId: "11111111-0000-0000-0000-000000000001" }];
    const emu = useEmulator(() => ({ seed }));

    it("accepts any or no Authorization by default, yet issues tokens (over plain http too) for the seed's applications", async () => {
        const e = emu.get();
        assert.equal((await call(`${e.url}${VAULT}?${API}`)).status, 200);
        assert.equal((await call(`${e.url}${VAULT}?${API}`, { headers: { Authorization: "Bearer whatever" } })).status, 200);
        const r = await call(`${e.url}/${TENANT}/oauth2/v2.0/token`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            rawBody: form({
                grant_type: "client_credentials",
                client_id: "app-one",
                client_secret: "s3cret-one",
                scope: `${e.url}/.default`,
            }),
        });
        assert.equal(r.status, 200, r.text);
        const claims = claimsOf(r.body.access_token);
        assert.equal(claims.oid, "11111111-0000-0000-0000-000000000001");
        assert.equal(claims.iss, `${e.url}/${TENANT}/v2.0`);
        assert.ok(
            claims.exp - claims.iat >= 3600 && claims.exp - claims.iat <= 3601,
            "valid for at least the lifetime (whole seconds, rounded up)",
        );
    });

    it("a seed without servicePrincipals gets the default drill application; [] means none", async () => {
        const e = emu.get();
        const ask = () =>
            call(`${e.url}/${TENANT}/oauth2/v2.0/token`, {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                rawBody: form({
                    grant_type: "client_credentials",
                    client_id: DRILL_CLIENT_ID,
                    client_secret: DRILL_CLIENT_SECRET,
                    scope: `${e.url}/.default`,
                }),
            });
        assert.equal((await ask()).status, 400, "the custom seed has only app-one");
        const { servicePrincipals: _omit, ...withoutKey } = defaultSeed();
        await call(`${e.url}/admin/seed`, { method: "PUT", body: withoutKey });
        assert.equal((await ask()).status, 200);
        assert.deepEqual((await call(`${e.url}/admin`)).body.identity.clientIds, [DRILL_CLIENT_ID]);
        await call(`${e.url}/admin/seed`, { method: "PUT", body: { ...defaultSeed(), servicePrincipals: [] } });
        assert.equal((await ask()).body.error, "unauthorized_client");
    });
});
