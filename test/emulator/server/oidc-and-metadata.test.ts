/**
 * The emulator as a custom cloud: its cloud metadata document, its GitHub Actions–like ID token
 * service, and client assertions (workload identity federation) at its token endpoint.
 */
import { strict as assert } from "assert";
import fetch from "node-fetch";
import { DRILL_CLIENT_ID, DRILL_OIDC_REQUEST_TOKEN } from "../../../emulator/world/seed";
import { RunningEmulator, startEmulator } from "../../../emulator/server/server";

const TENANT = "00000000-0000-0000-0000-0000000000aa";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

describe("emulator: cloud metadata and OIDC federation", function () {
    this.timeout(30_000);
    let emu: RunningEmulator;
    before(async () => {
        emu = await startEmulator({ port: 0, auth: "entra" });
    });
    after(async () => emu?.stop());

    const json = async (url: string, init?: Parameters<typeof fetch>[1]) => {
        const res = await fetch(url, init);
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const idToken = async (audience?: string) =>
        (
            await json(`${emu.url}/oidc/token${audience ? `?audience=${encodeURIComponent(audience)}` : ""}`, {
                headers: { authorization: `Bearer ${DRILL_OIDC_REQUEST_TOKEN}` },
            })
        ).body.value as string;
    const exchange = (assertion: string, extra: Record<string, string> = {}) =>
        json(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: DRILL_CLIENT_ID,
                scope: `${emu.url}/.default`,
                client_assertion_type: JWT_BEARER,
                client_assertion: assertion,
                ...extra,
            }).toString(),
        });

    it("serves the metadata document azure-native / Terraform read from metadataHost (2022-09-01)", async () => {
        const { status, body } = await json(`${emu.url}/metadata/endpoints?api-version=2022-09-01`);
        assert.equal(status, 200);
        assert.equal(body.resourceManager, `${emu.url}/`);
        assert.equal(body.authentication.loginEndpoint, `${emu.url}/`);
        assert.deepEqual(body.authentication.audiences, [`${emu.url}/`]);
        assert.equal(body.authentication.tenant, "common");
        assert.equal(typeof body.name, "string");
        assert.equal(typeof body.suffixes.storage, "string");
    });

    it("serves Azure Stack Hub's older form, and refuses a missing or unknown api-version", async () => {
        const old = await json(`${emu.url}/metadata/endpoints?api-version=2015-01-01`);
        assert.equal(old.status, 200);
        assert.equal(old.body.resourceManager, undefined);
        assert.deepEqual(old.body.authentication.audiences, [`${emu.url}/`]);
        assert.equal((await json(`${emu.url}/metadata/endpoints`)).body.error.code, "MissingApiVersionParameter");
        assert.equal((await json(`${emu.url}/metadata/endpoints?api-version=2019-05-01`)).body.error.code, "InvalidApiVersionParameter");
    });

    it("issues ID tokens only for the request token, and exchanges them for access tokens", async () => {
        assert.equal((await json(`${emu.url}/oidc/token`, { headers: { authorization: "Bearer wrong" } })).status, 401);
        const assertion = await idToken();
        const claims = JSON.parse(Buffer.from(assertion.split(".")[1], "base64url").toString("utf8"));
        assert.equal(claims.iss, `${emu.url}/oidc`);
        assert.equal(claims.aud, "api://AzureADTokenExchange");
        const { status, body } = await exchange(assertion);
        assert.equal(status, 200, JSON.stringify(body));
        const vault = await fetch(
            `${emu.url}/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod?api-version=2026-02-01`,
            { headers: { authorization: `Bearer ${body.access_token}` } },
        );
        assert.equal(vault.status, 200, "the exchanged token opens ARM");
    });

    it("refuses assertions that do not match a federated credential, with Entra's codes", async () => {
        const wrongAudience = await exchange(await idToken("api://SomethingElse"));
        assert.equal(wrongAudience.status, 400);
        assert.match(wrongAudience.body.error_description, /^AADSTS700212:/);
        const token = await idToken();
        const [h, p] = token.split(".");
        const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "repo:evil/repo:ref:refs/heads/main" })).toString("base64url")}.${token.split(".")[2]}`;
        assert.match((await exchange(forged)).body.error_description, /^AADSTS700027:/, "a changed payload fails signature validation");
        const otherIssuer = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(JSON.stringify({ iss: "https://token.actions.githubusercontent.com", sub: "x", aud: "api://AzureADTokenExchange" })).toString("base64url")}.`;
        assert.match((await exchange(otherIssuer)).body.error_description, /^AADSTS700211:/);
        assert.match((await exchange(token, { client_assertion_type: "other" })).body.error_description, /^AADSTS90014:/);
        const log = (await json(`${emu.url}/admin/requests`)).body.requests as {
            requestBody: Record<string, string> | null;
            kind?: string;
        }[];
        const posted = log.filter((r) => r.kind === "identity" && r.requestBody?.client_assertion);
        assert.ok(
            posted.length > 0 && posted.every((r) => r.requestBody!.client_assertion === "[redacted]"),
            "assertions are redacted in the request log",
        );
    });
});
