/**
 * No credential value reaches state, outputs, logs or error messages — for every source the
 * azure-native settings add: stack config (through `configure`), ARM_* variables, OIDC tokens and
 * the GitHub Actions request token. Each source restores once (with the right value) and fails once
 * (with a wrong one), against the emulator over HTTPS with Entra ID tokens.
 */
import { strict as assert } from "assert";
import fetch from "node-fetch";
import * as pulumi from "@pulumi/pulumi";
import { readableProviderCode } from "../../../provider/pulumi/packed-provider";
import { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET, DRILL_OIDC_REQUEST_TOKEN } from "../../../emulator/world/seed";
import { serializedProvider } from "../../support/serialized-provider";
import { RG_RESTORE, STAGING, VAULT, vmId } from "../../support/emulator-fixture";
import { skipWithoutEmulatorCa, useProviderWorld } from "../../support/provider-harness";

const TENANT = "00000000-0000-0000-0000-0000000000aa";
const VARIABLES = [
    "ARM_CLIENT_ID",
    "ARM_TENANT_ID",
    "ARM_CLIENT_SECRET",
    "ARM_USE_OIDC",
    "ARM_OIDC_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ARM_METADATA_HOSTNAME",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "AZURE_AUTHORITY_HOST",
];

interface Source {
    name: string;
    config: Record<string, string>;
    env: Record<string, string>;
    /** The values that must never show. */
    secrets: string[];
}

describe("credential values never reach state, outputs, logs or errors", function () {
    this.timeout(120_000);
    const { fx } = useProviderWorld({ tls: true, auth: "entra" });
    let provider: pulumi.dynamic.ResourceProvider;
    let code: string;
    let idToken: string;

    before(async function () {
        skipWithoutEmulatorCa(this);
        ({ provider, text: code } = await serializedProvider());
        idToken = (
            (await (await fetch(`${fx.url}/oidc/token`, { headers: { authorization: `Bearer ${DRILL_OIDC_REQUEST_TOKEN}` } })).json()) as {
                value: string;
            }
        ).value;
    });
    after(async () => {
        if (provider) await configure({});
    });

    const configure = (values: Record<string, string>) =>
        provider.configure!({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } });

    /** Runs `fn` with these variables only (of the credential ones) and the console captured. */
    async function run<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<{ result?: T; error?: Error; printed: string }> {
        const saved = new Map(VARIABLES.map((k) => [k, process.env[k]]));
        for (const k of VARIABLES) delete process.env[k];
        Object.assign(process.env, env);
        const printed: string[] = [];
        const log = console.log;
        console.log = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
        try {
            return { result: await fn(), printed: printed.join("\n") };
        } catch (e) {
            return { error: e as Error, printed: printed.join("\n") };
        } finally {
            console.log = log;
            for (const [k, v] of saved) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    }

    const props = () => ({
        resourceName: "secrets",
        vaultId: VAULT,
        sourceVmId: vmId("vm-web01"),
        restoreType: "RestoreDisks",
        storageAccountId: STAGING,
        targetResourceGroupId: RG_RESTORE,
        preflight: false,
    });
    const host = () => new URL(fx.url).host;
    const sources = (): Source[] => [
        {
            name: "stack config clientSecret",
            config: {
                "azure-native:clientId": DRILL_CLIENT_ID,
                "azure-native:tenantId": TENANT,
                "azure-native:clientSecret": DRILL_CLIENT_SECRET,
                "azure-native:metadataHost": host(),
            },
            env: {},
            secrets: [DRILL_CLIENT_SECRET],
        },
        {
            name: "ARM_CLIENT_SECRET",
            config: {},
            env: {
                ARM_CLIENT_ID: DRILL_CLIENT_ID,
                ARM_TENANT_ID: TENANT,
                ARM_CLIENT_SECRET: DRILL_CLIENT_SECRET,
                ARM_METADATA_HOSTNAME: host(),
            },
            secrets: [DRILL_CLIENT_SECRET],
        },
        {
            name: "ARM_OIDC_TOKEN",
            config: {},
            env: {
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: DRILL_CLIENT_ID,
                ARM_TENANT_ID: TENANT,
                ARM_OIDC_TOKEN: idToken,
                ARM_METADATA_HOSTNAME: host(),
            },
            secrets: [idToken],
        },
        {
            name: "stack config oidcRequestToken (GitHub Actions flow)",
            config: {
                "azure-native:useOidc": "true",
                "azure-native:clientId": DRILL_CLIENT_ID,
                "azure-native:tenantId": TENANT,
                "azure-native:oidcRequestUrl": `${fx.url}/oidc/token`,
                "azure-native:oidcRequestToken": DRILL_OIDC_REQUEST_TOKEN,
                "azure-native:metadataHost": host(),
            },
            env: {},
            secrets: [DRILL_OIDC_REQUEST_TOKEN],
        },
        {
            name: "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            config: {},
            env: {
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: DRILL_CLIENT_ID,
                ARM_TENANT_ID: TENANT,
                ACTIONS_ID_TOKEN_REQUEST_URL: `${fx.url}/oidc/token`,
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: DRILL_OIDC_REQUEST_TOKEN,
                ARM_METADATA_HOSTNAME: host(),
            },
            secrets: [DRILL_OIDC_REQUEST_TOKEN],
        },
    ];
    /** The same source with every secret value changed (a wrong secret, a tampered token). */
    const wrong = (s: Source): Source => {
        const change = (v: string) => (s.secrets.includes(v) ? (v.includes(".") ? v.slice(0, -4) + "AAAA" : `${v}-wrong`) : v);
        const map = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, change(v)]));
        return { ...s, config: map(s.config), env: map(s.env), secrets: [...s.secrets, ...s.secrets.map(change)] };
    };
    const jwt = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;

    function assertClean(where: string, text: string, secrets: string[]): void {
        for (const s of secrets) assert.ok(!text.includes(s), `${where} holds a credential value`);
        assert.ok(!jwt.test(text), `${where} holds a token`);
    }

    it("for each source: a restore with the right value, a clear failure with a wrong one", async () => {
        for (const source of sources()) {
            await fx.reset();
            await configure(source.config);
            const ok = await run(source.env, async () => provider.create((await provider.check!({}, props())).inputs));
            assert.equal(ok.error, undefined, `${source.name}: ${ok.error?.message}`);
            assert.equal(ok.result!.outs.jobStatus, "Completed", source.name);
            assertClean(`${source.name}: outputs (state)`, JSON.stringify(ok.result), source.secrets);
            assertClean(`${source.name}: printed lines`, ok.printed, source.secrets);
            await run(source.env, () => provider.delete!(ok.result!.id, ok.result!.outs));

            const bad = wrong(source);
            await configure(bad.config);
            const failed = await run(bad.env, async () => provider.create((await provider.check!({}, props())).inputs));
            assert.ok(failed.error, `${source.name}: a wrong value fails`);
            assert.match(failed.error!.message, /could not get an Azure token/, source.name);
            assertClean(`${source.name}: the error`, `${failed.error!.message}\n${failed.error!.stack ?? ""}`, bad.secrets);
            assertClean(`${source.name}: printed lines`, failed.printed, bad.secrets);
        }
        // The provider code stored in state holds none of them either (configuration lives in process memory).
        assertClean(
            "the serialized provider",
            readableProviderCode(code),
            sources().flatMap((s) => wrong(s).secrets),
        );
    });
});
