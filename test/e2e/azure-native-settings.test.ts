/**
 * A stack set up for @pulumi/azure-native alone — stack config `azure-native:*` or ARM_* variables,
 * no AZURE_* variables, no `armEndpoint` input — runs VmRestore through the real engine against the
 * emulator as a custom cloud (HTTPS, Entra ID tokens): the provider reads the settings in
 * `configure`, discovers the ARM endpoint, login endpoint and audience from the cloud metadata
 * document of `metadataHost`, and signs in as azure-native would (client secret; OIDC with the
 * GitHub Actions ID token request flow). No setting value reaches the state.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { VmRestore, VmRestoreArgs } from "../../provider";
import { readableProviderCode } from "../../provider/pulumi/packed-provider";
import { EngineStack } from "../../scripts/engine-workspace";
import { useEngineStacks } from "../support/engine-harness";
import { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET, DRILL_OIDC_REQUEST_TOKEN } from "../../emulator/world/seed";
import { LoggedRequest, requireEmulatorCa, seededRestoreDisks, SUB, useEmulator } from "../support/emulator-fixture";

const TENANT = "00000000-0000-0000-0000-0000000000aa";
type Logged = LoggedRequest & { kind?: string; requestBody: Record<string, string> | null };

function files(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The provider process must not fall back on anything of the test runner's. */
const NO_AZURE_VARIABLES = { AZURE_CLIENT_ID: "", AZURE_CLIENT_SECRET: "", AZURE_TENANT_ID: "", AZURE_AUTHORITY_HOST: "" };

describe("through the engine with azure-native settings alone (custom cloud from metadataHost)", function () {
    this.timeout(5 * 60_000);
    requireEmulatorCa();
    const fx = useEmulator(180, { tls: true, auth: "entra" });
    const engineStack = useEngineStacks();

    const program =
        (name: string, extra: Partial<VmRestoreArgs> = {}, opts: pulumi.CustomResourceOptions = {}) =>
        async () => {
            // No armEndpoint: the endpoint comes from the cloud metadata document.
            const r = new VmRestore(name, { ...seededRestoreDisks(undefined, "vm-db01"), ...extra }, opts);
            return { jobStatus: r.jobStatus, restoredDiskIds: r.restoredDiskIds };
        };

    async function upAndDown(engine: EngineStack, secrets: string[], events: EngineEvent[] = [], output: string[] = []): Promise<Logged[]> {
        await fx.reset();
        const up = await engine.stack.up({ color: "never", onEvent: (e) => events.push(e), onOutput: (s) => output.push(s) });
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.outputs.jobStatus.value, "Completed");
        const log = (await fx.requests()) as Logged[];
        const state = readableProviderCode(
            files(engine.stateDir)
                .map((f) => fs.readFileSync(f, "utf8"))
                .join("\n"),
        );
        for (const s of secrets) assert.ok(!state.includes(s), "no credential value in the state");
        assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(state), "no token in the state");
        await engine.stack.destroy({ color: "never" });
        assert.deepEqual(await fx.restoredLeftovers(), []);
        return log;
    }

    it("stack config azure-native:* (service principal with a secret, metadataHost); nested Outputs; heartbeat; customTimeouts warned", async () => {
        const engine = await engineStack({
            projectName: "vmrestore-azure-native",
            stackName: "config",
            // A nested Output, resolved by the engine before the provider sees it.
            program: program(
                "config-restore",
                { recoveryPointSelector: { notAfter: pulumi.output("2099-01-01T00:00:00Z").apply((t) => t) } },
                { customTimeouts: { create: "5m" } },
            ),
            // The restore takes about 20 s here: a heartbeat every 2 s shows in the engine's output.
            envVars: { ...NO_AZURE_VARIABLES, NODE_EXTRA_CA_CERTS: fx.emulator.caCertPath!, VMRESTORE_HEARTBEAT_SECONDS: "2" },
            config: {
                "azure-native:clientId": DRILL_CLIENT_ID,
                "azure-native:tenantId": TENANT,
                "azure-native:subscriptionId": SUB,
                "azure-native:metadataHost": new URL(fx.url).host,
            },
        });
        await engine.stack.setConfig("azure-native:clientSecret", { value: DRILL_CLIENT_SECRET, secret: true });
        const events: EngineEvent[] = [];
        const output: string[] = [];
        const log = await upAndDown(engine, [DRILL_CLIENT_SECRET], events, output);
        const diagnostics = events.flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
        const beats = diagnostics.filter((d) => /restoring: job \S+ InProgress.*elapsed .*next check/.test(d.message));
        assert.ok(beats.length >= 2, `heartbeats in the engine output: ${beats.length}`);
        assert.ok(output.join("").includes("restoring: job"), "and in the printed output");
        const warning = diagnostics.find(
            (d) => d.severity === "warning" && d.message.includes("customTimeouts has no effect on VmRestore"),
        );
        assert.ok(warning, "customTimeouts is warned about");
        assert.match(warning!.urn ?? "", /config-restore$/, "on the resource");
        assert.ok(
            !output.join("").includes(DRILL_CLIENT_SECRET) && !diagnostics.some((d) => d.message.includes(DRILL_CLIENT_SECRET)),
            "no secret in the engine output",
        );
        assert.ok(
            log.some((r) => r.method === "GET" && r.path === "/metadata/endpoints" && r.status === 200),
            "the cloud was discovered",
        );
        const tokens = log.filter((r) => r.kind === "identity" && r.method === "POST");
        assert.ok(
            tokens.length >= 1 && tokens.every((r) => r.status === 200 && r.requestBody?.client_secret === "[redacted]"),
            "tokens with the client secret",
        );
        const arm = log.filter((r) => r.kind === "arm");
        assert.ok(arm.length > 0 && arm.every((r) => r.status !== 401), "every ARM call authenticated");
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("ARM_* variables: OIDC with the GitHub Actions ID token request flow", async () => {
        const engine = await engineStack({
            projectName: "vmrestore-azure-native",
            stackName: "oidc",
            program: program("oidc-restore"),
            envVars: {
                ...NO_AZURE_VARIABLES,
                NODE_EXTRA_CA_CERTS: fx.emulator.caCertPath!,
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: DRILL_CLIENT_ID,
                ARM_TENANT_ID: TENANT,
                ARM_SUBSCRIPTION_ID: SUB,
                ARM_METADATA_HOSTNAME: new URL(fx.url).host,
                ACTIONS_ID_TOKEN_REQUEST_URL: `${fx.url}/oidc/token?api-version=2.0`,
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: DRILL_OIDC_REQUEST_TOKEN,
            },
        });
        const log = await upAndDown(engine, [DRILL_OIDC_REQUEST_TOKEN]);
        assert.ok(
            log.some((r) => r.path === "/oidc/token" && r.query.audience === "api://AzureADTokenExchange" && r.status === 200),
            "an ID token was requested",
        );
        const tokens = log.filter((r) => r.kind === "identity" && r.method === "POST");
        assert.ok(
            tokens.length >= 1 &&
                tokens.every(
                    (r) =>
                        r.status === 200 && r.requestBody?.client_assertion === "[redacted]" && r.requestBody?.client_secret === undefined,
                ),
            "tokens for a client assertion, no secret",
        );
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("a half-set service principal fails the preview before any request, naming the setting", async () => {
        const engine = await engineStack({
            projectName: "vmrestore-azure-native",
            stackName: "half",
            program: program("half-restore"),
            envVars: { ...NO_AZURE_VARIABLES, NODE_EXTRA_CA_CERTS: fx.emulator.caCertPath! },
            config: { "azure-native:clientId": DRILL_CLIENT_ID, "azure-native:metadataHost": new URL(fx.url).host },
        });
        await engine.stack.setConfig("azure-native:clientSecret", { value: DRILL_CLIENT_SECRET, secret: true });
        await fx.reset();
        await assert.rejects(engine.stack.preview({ color: "never" }), (e: Error) => {
            assert.match(e.message, /azure-native:tenantId \(or ARM_TENANT_ID\) is not set/);
            assert.ok(!e.message.includes(DRILL_CLIENT_SECRET));
            return true;
        });
        assert.deepEqual(
            (await fx.requests()).filter((r) => !r.path.startsWith("/admin")),
            [],
            "nothing was sent",
        );
    });
});
