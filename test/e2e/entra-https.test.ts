/**
 * The real credential chain, end to end: `pulumi up` through the real engine against the emulator
 * over HTTPS (its CA trusted through NODE_EXTRA_CA_CERTS, never by turning verification off), with
 * DefaultAzureCredential in the provider process getting short-lived tokens from the emulator's
 * Entra ID endpoint, which validates them on every ARM and blob call.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { VmRestore } from "../../provider";
import { readableProviderCode } from "../../provider/pulumi/packed-provider";
import { EngineStack } from "../../scripts/engine-workspace";
import { useEngineStacks } from "../support/engine-harness";
import { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET } from "../../emulator/world/seed";
import { LoggedRequest, requireEmulatorCa, seededRestoreDisks, useEmulator } from "../support/emulator-fixture";

function files(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("through the engine, over HTTPS, with Entra ID tokens", function () {
    this.timeout(5 * 60_000);
    requireEmulatorCa();
    // Tokens live 8 s while the restore takes about 20 s: the credential must renew them.
    const fx = useEmulator(180, { tls: true, auth: "entra", tokenLifetimeSeconds: 8, variants: "strict" });
    const engineStack = useEngineStacks();
    let engine: EngineStack;

    before(async () => {
        assert.ok(fx.url.startsWith("https://"));
        engine = await engineStack({
            projectName: "vmrestore-entra",
            stackName: "entra",
            program: async () => {
                const r = new VmRestore("entra-restore", seededRestoreDisks(fx.url, "vm-db01"));
                return { jobStatus: r.jobStatus, restoredDiskIds: r.restoredDiskIds };
            },
            envVars: {
                AZURE_CLIENT_ID: DRILL_CLIENT_ID,
                AZURE_CLIENT_SECRET: DRILL_CLIENT_SECRET,
                AZURE_TENANT_ID: "00000000-0000-0000-0000-0000000000aa",
                AZURE_AUTHORITY_HOST: fx.url,
                NODE_EXTRA_CA_CERTS: fx.emulator.caCertPath!,
            },
        });
    });

    it("restores with tokens from the credential chain, renewed as they expire, and a revoked one replaced", async () => {
        // One token is refused mid-restore (as if revoked): the provider gets a new one and goes on.
        await fx.admin("POST", "faults", { kind: "tokenRejected", times: 1, match: { method: "GET", pathContains: "/backupJobs/" } });
        const up = await engine.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.outputs.jobStatus.value, "Completed");
        const log = (await fx.requests()) as (LoggedRequest & { kind?: string; headers?: Record<string, string> })[];
        const tokenCalls = log.filter((r) => r.kind === "identity" && r.method === "POST");
        assert.ok(tokenCalls.length >= 2, `tokens were fetched and renewed (${tokenCalls.length} token requests)`);
        const arm = log.filter((r) => r.kind === "arm");
        assert.equal(arm.filter((r) => r.status === 401).length, 1, "only the revoked token was refused");
        assert.equal((await fx.restorePosts()).length, 1);
    });

    it("leaves no secret or token in the state files", async () => {
        // The provider code in state is packed: read it unpacked, so the search covers it too.
        const state = readableProviderCode(
            files(engine.stateDir)
                .map((f) => fs.readFileSync(f, "utf8"))
                .join("\n"),
        );
        assert.ok(state.includes("entra-restore"));
        assert.ok(!state.includes(DRILL_CLIENT_SECRET), "no client secret");
        assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(state), "no JWT");
    });

    it("destroys over the same authenticated path", async () => {
        await engine.stack.destroy({ color: "never" });
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });
});
