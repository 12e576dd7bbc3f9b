/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY: ARM, blob and token calls go through a real forwarding proxy
 * started on loopback; NO_PROXY exempts hosts; a proxy URL that does not parse is an error naming
 * the variable, before any request.
 */
import { strict as assert } from "assert";
import { bypassesProxy, proxySettings } from "../../../provider/azure/proxy";
import { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET } from "../../../emulator/world/seed";
import { EmulatorFixture, LoggedRequest } from "../../support/emulator-fixture";
import { skipWithoutEmulatorCa, useProviderWorld } from "../../support/provider-harness";
import { ForwardProxy, startForwardProxy } from "../../support/forward-proxy";

const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
const AZURE_VARS = ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST"];

function withEnv(vars: Record<string, string | undefined>): () => void {
    const saved = new Map([...PROXY_VARS, ...AZURE_VARS, ...Object.keys(vars)].map((k) => [k, process.env[k]]));
    for (const k of [...PROXY_VARS, ...AZURE_VARS]) delete process.env[k];
    for (const [k, v] of Object.entries(vars)) if (v !== undefined) process.env[k] = v;
    return () => {
        for (const [k, v] of saved) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
}

describe("proxy variables", () => {
    it("a proxy URL that does not parse is an error naming the variable", () => {
        assert.throws(() => proxySettings({ HTTPS_PROXY: "http://[::1" }), /The proxy URL in HTTPS_PROXY does not parse/);
        assert.throws(() => proxySettings({ http_proxy: "socks5://proxy:1080" }), /http_proxy uses the scheme 'socks5:'/);
        assert.equal(proxySettings({ HTTPS_PROXY: "proxy.corp:3128" }).https?.href, "http://proxy.corp:3128/");
    });

    it("NO_PROXY: names, suffixes, ports and *", () => {
        const u = (s: string) => new URL(s);
        assert.ok(bypassesProxy(u("https://management.azure.com/x"), [".azure.com"]));
        assert.ok(bypassesProxy(u("https://management.azure.com/x"), ["azure.com"]));
        assert.ok(bypassesProxy(u("https://management.azure.com/x"), ["*.azure.com"]));
        assert.ok(!bypassesProxy(u("https://management.azure.com/x"), ["login.microsoftonline.com"]));
        assert.ok(bypassesProxy(u("http://127.0.0.1:8443/x"), ["127.0.0.1:8443"]));
        assert.ok(!bypassesProxy(u("http://127.0.0.1:8443/x"), ["127.0.0.1:9000"]));
        assert.ok(bypassesProxy(u("https://anything.example/"), ["*"]));
    });
});

describe("VmRestore through a forwarding proxy", function () {
    this.timeout(120_000);
    const world = useProviderWorld();
    const { fx } = world;
    const provider = () => world.provider();
    let proxy: ForwardProxy;
    let restoreEnv: () => void = () => undefined;
    beforeEach(async () => {
        proxy = await startForwardProxy();
    });
    afterEach(async () => {
        restoreEnv();
        await proxy.close();
    });

    const props = (armEndpoint: string) => world.restoreDisks({ resourceName: "proxied", armEndpoint, preflight: false });
    const azureCalls = async (): Promise<LoggedRequest[]> => (await fx.requests()).filter((r) => !r.path.startsWith("/admin"));

    it("sends every ARM and blob call through HTTP_PROXY", async () => {
        restoreEnv = withEnv({ HTTP_PROXY: proxy.url });
        const checked = await provider().check!({}, props(fx.url));
        const { outs } = await provider().create(checked.inputs);
        assert.equal(outs.jobStatus, "Completed");
        const calls = await azureCalls();
        const forwarded = proxy.seen.filter((s) => !s.startsWith("CONNECT"));
        assert.equal(forwarded.length, calls.length, "each request the emulator received came through the proxy");
        assert.ok(
            forwarded.some((s) => s.startsWith(`POST ${fx.url}/subscriptions/`) && s.includes("/restore?")),
            "the restore POST",
        );
        assert.ok(
            forwarded.some((s) => s.includes("/blob/")),
            "the template blob read",
        );
        await provider().delete!(outs.jobId, outs);
    });

    it("NO_PROXY exempts a host", async () => {
        restoreEnv = withEnv({ HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
        const checked = await provider().check!({}, props(fx.url));
        const { outs } = await provider().create(checked.inputs);
        assert.equal(outs.jobStatus, "Completed");
        assert.deepEqual(proxy.seen, []);
        await provider().delete!(outs.jobId, outs);
    });

    it("a bad proxy URL fails before any request, naming the variable", async () => {
        restoreEnv = withEnv({ HTTP_PROXY: "http://[bad", HTTPS_PROXY: undefined });
        await assert.rejects(provider().create(props(fx.url)), /The proxy URL in HTTP_PROXY does not parse/);
        assert.deepEqual(await azureCalls(), []);
    });

    describe("over HTTPS, with Entra ID tokens", () => {
        const secure = new EmulatorFixture();
        before(async function () {
            skipWithoutEmulatorCa(this);
            await secure.start(36_000, { tls: true, auth: "entra" });
        });
        after(() => secure.stop());

        it("token calls (@azure/identity) and ARM calls go through HTTPS_PROXY (CONNECT)", async () => {
            const port = new URL(secure.url).port;
            // ARM under another loopback name than the authority, so the proxy's CONNECT lines tell the two apart.
            restoreEnv = withEnv({
                HTTPS_PROXY: proxy.url,
                AZURE_CLIENT_ID: DRILL_CLIENT_ID,
                AZURE_CLIENT_SECRET: DRILL_CLIENT_SECRET,
                AZURE_TENANT_ID: "00000000-0000-0000-0000-0000000000aa",
                AZURE_AUTHORITY_HOST: secure.url,
            });
            // Pre-flight (check) makes token and ARM calls, no blob calls: 127.0.0.1 is the token endpoint's name.
            const checked = await provider().check!({}, { ...props(`https://localhost:${port}`), preflight: true });
            assert.deepEqual(checked.failures, []);
            assert.deepEqual(
                [...new Set(proxy.seen)].sort(),
                [`CONNECT 127.0.0.1:${port}`, `CONNECT localhost:${port}`],
                "token and ARM calls tunnelled",
            );
            const tokenCalls = ((await secure.requests()) as (LoggedRequest & { kind?: string })[]).filter((r) => r.kind === "identity");
            assert.ok(tokenCalls.length > 0);
            const { outs } = await provider().create(checked.inputs);
            assert.equal(outs.jobStatus, "Completed");
            await provider().delete!(outs.jobId, outs);
            assert.ok(!proxy.seen.join("\n").includes(DRILL_CLIENT_SECRET));
        });
    });
});
