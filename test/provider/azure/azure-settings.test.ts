/**
 * The azure-native settings (stack config `azure-native:*`, then ARM_* variables): precedence, the
 * credential each combination selects, and the errors a half-set or conflicting setup gets —
 * before any request, naming the setting and never its value.
 */
import { strict as assert } from "assert";
import { isSettingsError, resolveAzureSettings } from "../../../provider/azure/azure-settings";
import { createRuntime } from "../../../provider/pulumi/provider-runtime";
import { VAULT } from "../../support/emulator-fixture";
import { useProviderWorld } from "../../support/provider-harness";

const SECRET = "sp-secret-" + Math.random().toString(36).slice(2);
const TENANT = "11111111-1111-1111-1111-111111111111";
const CLIENT = "22222222-2222-2222-2222-222222222222";

const config = (o: Record<string, string>) => new Map(Object.entries(o));

/** The settings error `fn` throws (the test fails if it throws none, or another error); it never carries a secret. */
function failure(fn: () => unknown): Error {
    let thrown: Error | undefined;
    assert.throws(fn, (e: Error) => {
        assert.ok(isSettingsError(e), `a settings error, got ${String(e)}`);
        assert.ok(!e.message.includes(SECRET), "the message never carries a secret");
        thrown = e;
        return true;
    });
    return thrown!;
}

describe("azure-native settings", () => {
    it("reads a service principal from stack config, like azure-native", () => {
        const s = resolveAzureSettings(config({ clientId: CLIENT, tenantId: TENANT, clientSecret: SECRET, subscriptionId: "sub" }), {});
        assert.equal(s.credential?.kind, "client-secret");
        assert.equal(s.subscriptionId, "sub");
    });

    it("reads the same from ARM_* variables when the stack config does not set them", () => {
        const s = resolveAzureSettings(config({ tenantId: TENANT }), { ARM_CLIENT_ID: CLIENT, ARM_CLIENT_SECRET: SECRET });
        assert.deepEqual(s.credential, { kind: "client-secret", tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
    });

    it("picks the credential in azure-native's order: certificate, secret, OIDC, managed identity", () => {
        const base = { ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT };
        assert.equal(
            resolveAzureSettings(config({}), { ...base, ARM_CLIENT_CERTIFICATE_PATH: "/c.pem", ARM_CLIENT_SECRET: SECRET }).credential
                ?.kind,
            "client-certificate",
        );
        assert.equal(
            resolveAzureSettings(config({}), { ...base, ARM_CLIENT_SECRET: SECRET, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "t" }).credential
                ?.kind,
            "client-secret",
        );
        assert.equal(
            resolveAzureSettings(config({}), { ...base, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "t", ARM_USE_MSI: "true" }).credential?.kind,
            "oidc-token",
        );
        assert.deepEqual(resolveAzureSettings(config({}), { ARM_USE_MSI: "true" }).credential, {
            kind: "managed-identity",
            clientId: undefined,
        });
        assert.equal(
            resolveAzureSettings(config({ useDefaultAzureCredential: "true" }), base).credential?.kind,
            "default-azure-credential",
        );
    });

    it("takes GitHub Actions' ID token request variables for OIDC", () => {
        const s = resolveAzureSettings(config({}), {
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: CLIENT,
            ARM_TENANT_ID: TENANT,
            ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/x?api-version=2.0",
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: SECRET,
        });
        assert.equal(s.credential?.kind, "oidc-request");
        assert.equal((s.credential as { audience: string }).audience, "api://AzureADTokenExchange");
    });

    it("falls back to the provider's own chain when nothing names a way to sign in", () => {
        assert.equal(resolveAzureSettings(config({}), { AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET }).credential, undefined);
        assert.equal(resolveAzureSettings(config({ tenantId: TENANT }), {}).credential?.kind, "azure-cli");
    });

    it("environment picks the cloud: ARM endpoint and authority", () => {
        assert.equal(
            resolveAzureSettings(config({ environment: "usgovernment" }), {}).cloud?.armEndpoint,
            "https://management.usgovcloudapi.net",
        );
        assert.equal(resolveAzureSettings(config({}), { ARM_ENVIRONMENT: "china" }).cloud?.authorityHost, "https://login.chinacloudapi.cn");
        assert.equal(resolveAzureSettings(config({ environment: "AzureCloud" }), {}).cloud?.armEndpoint, "https://management.azure.com");
        const e = failure(() => resolveAzureSettings(config({ environment: "germany" }), {}));
        assert.match(e.message, /azure-native:environment \(or ARM_ENVIRONMENT \/ AZURE_ENVIRONMENT\) names an unknown Azure cloud/);
        assert.match(e.message, /public, usgovernment or china/);
    });

    it("refuses a half-set service principal, naming what is missing", () => {
        let e = failure(() => resolveAzureSettings(config({ clientSecret: SECRET }), { ARM_TENANT_ID: TENANT }));
        assert.match(e.message, /client secret .* is configured, but azure-native:clientId \(or ARM_CLIENT_ID\) is not set/);
        e = failure(() => resolveAzureSettings(config({}), { ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT }));
        assert.match(e.message, /azure-native:clientId \(or ARM_CLIENT_ID\) is set, but nothing says how to sign in as it/);
        e = failure(() => resolveAzureSettings(config({}), { ARM_USE_OIDC: "true", ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT }));
        assert.match(e.message, /OIDC is turned on .* but no token is given/);
        e = failure(() => resolveAzureSettings(config({ useMsi: "yes" }), {}));
        assert.match(e.message, /azure-native:useMsi \(or ARM_USE_MSI\) must be true or false/);
    });

    it("refuses stack config and variables that disagree, without printing either value", () => {
        const e = failure(() =>
            resolveAzureSettings(config({ clientId: CLIENT, tenantId: TENANT, clientSecret: SECRET }), {
                ARM_CLIENT_SECRET: SECRET + "-other",
            }),
        );
        assert.match(e.message, /azure-native:clientSecret and the variable ARM_CLIENT_SECRET are both set, to different values/);
        assert.match(e.message, /pulumi config rm azure-native:<key>/);
        // The same value in both places is fine.
        assert.equal(
            resolveAzureSettings(config({ clientId: CLIENT, tenantId: TENANT, clientSecret: SECRET }), { ARM_CLIENT_ID: CLIENT }).credential
                ?.kind,
            "client-secret",
        );
    });

    it("checks metadataHost and OIDC request URLs before anything is sent", () => {
        assert.equal(
            resolveAzureSettings(config({ metadataHost: "management.local.azurestack.external" }), {}).metadataHost,
            "https://management.local.azurestack.external",
        );
        assert.equal(resolveAzureSettings(config({}), { ARM_METADATA_HOSTNAME: "127.0.0.1:8443" }).metadataHost, "https://127.0.0.1:8443");
        let e = failure(() => resolveAzureSettings(config({ metadataHost: "host/with/path" }), {}));
        assert.match(e.message, /azure-native:metadataHost \(or ARM_METADATA_HOSTNAME\) must be a host name/);
        e = failure(() =>
            resolveAzureSettings(config({}), {
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: CLIENT,
                ARM_TENANT_ID: TENANT,
                ARM_OIDC_REQUEST_URL: "not a url",
                ARM_OIDC_REQUEST_TOKEN: SECRET,
            }),
        );
        assert.match(e.message, /azure-native:oidcRequestUrl .* is not a valid http\(s\) URL/);
    });
});

describe("azure-native settings and an emulator armEndpoint", function () {
    this.timeout(60_000);
    const { fx } = useProviderWorld();

    it("ARM_* set for real Azure does not reach an armEndpoint on this machine (an offline drill)", async () => {
        const saved = { ...process.env };
        Object.assign(process.env, { ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT, ARM_CLIENT_SECRET: SECRET });
        try {
            const rt = await createRuntime({ armEndpoint: fx.url }, { write: () => undefined });
            // With the service principal, this would ask login.microsoftonline.com for a token first.
            const vault = await rt.arm.get(VAULT, { apiVersion: "2026-02-01" });
            assert.equal(vault.status, 200);
            assert.equal((await fx.requests()).filter((r) => (r as { kind?: string }).kind === "identity").length, 0);
        } finally {
            for (const k of ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_CLIENT_SECRET"]) if (saved[k] === undefined) delete process.env[k];
        }
    });
});
