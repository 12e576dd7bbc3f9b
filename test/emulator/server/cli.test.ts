import { strict as assert } from "assert";
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "../../../emulator/cli";
import { defaultSeed, loadSeedFile } from "../../../emulator/world/seed";
import { API, VAULT, call } from "../../support/emulator-helpers";

const ROOT = path.resolve(__dirname, "../../..");

function runCli(
    args: string[],
    env: NodeJS.ProcessEnv = process.env,
): {
    child: ChildProcessWithoutNullStreams;
    firstLine: Promise<string>;
    exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    let resolveLine: (line: string) => void;
    let rejectLine: (e: Error) => void;
    const firstLine = new Promise<string>((resolve, reject) => {
        resolveLine = resolve;
        rejectLine = reject;
    });
    child.on("exit", (code) => rejectLine(new Error(`the emulator exited (${code}) before listening: ${stderr}`)));
    child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("\n")) resolveLine(stdout.split("\n")[0]);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on("exit", (code) => resolve({ code, stdout, stderr })),
    );
    return { child, firstLine, exit };
}

describe("emulator: command line", function () {
    this.timeout(30000);
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(tmpdir(), "vmrestore-emu-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("prints exactly one listening line, logs access to stderr and stops on SIGTERM", async () => {
        const run = runCli(["--port", "0", "--speed", "36000"]);
        const line = await run.firstLine;
        const m = /^VmRestore emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
        assert.ok(m, line);
        assert.equal((await call(`${m![1]}${VAULT}?${API}`)).status, 200);
        run.child.kill("SIGTERM");
        const { code, stdout, stderr } = await run.exit;
        assert.equal(code, 0);
        assert.equal(stdout, `${line}\n`);
        assert.match(stderr, /GET \/subscriptions\/.*vault-prod 200/);
    });

    it("loads --seed file.json and stops on SIGINT; seed files are checked", async () => {
        const seed = defaultSeed();
        seed.vaults[0].name = "vault-drill";
        for (const vm of seed.virtualMachines) vm.protection = { vault: "vault-drill" };
        const file = path.join(dir, "seed.json");
        writeFileSync(file, JSON.stringify(seed));
        const run = runCli(["--seed", file, "--quiet"]);
        const url = (await run.firstLine).split(" ").pop()!;
        const vault = await call(`${url}${VAULT.replace("vault-prod", "vault-drill")}?${API}`);
        assert.equal(vault.status, 200);
        run.child.kill("SIGINT");
        assert.equal((await run.exit).code, 0);

        const bad = path.join(dir, "bad.json");
        writeFileSync(
            bad,
            JSON.stringify({
                ...seed,
                storageAccounts: [{ name: "Bad_Name", resourceGroup: "rg-restore", location: "westeurope", sku: "Standard_LRS" }],
            }),
        );
        assert.throws(
            () => loadSeedFile(bad),
            (e: Error) => /invalid seed/.test(e.message) && /Bad_Name/.test(e.message),
        );
        assert.throws(() => loadSeedFile(path.join(dir, "missing.json")), /cannot read/);
    });

    it("--print-ca-path creates the CA under ${XDG_CACHE_HOME}/vmrestore/emulator-ca and prints only its path", async () => {
        const xdg = path.join(dir, "xdg");
        const caDir = path.join(xdg, "vmrestore", "emulator-ca");
        const run = await runCli(["--print-ca-path"], { ...process.env, XDG_CACHE_HOME: xdg }).exit;
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, `${path.join(caDir, "ca.pem")}\n`);
        assert.match(readFileSync(path.join(caDir, "ca.pem"), "utf8"), /^-----BEGIN CERTIFICATE-----/);
        assert.equal(statSync(path.join(caDir, "ca-key.pem")).mode & 0o777, 0o600);
    });

    it("--tls --auth entra --wire-format live --throttle: one https line; tokens required; the flags are checked", async () => {
        const caDir = path.join(dir, "ca-tls");
        const run = runCli([
            "--tls",
            "--ca-dir",
            caDir,
            "--auth",
            "entra",
            "--token-lifetime",
            "60",
            "--wire-format",
            "live",
            "--throttle",
            "100,10,2",
            "--speed",
            "36000",
        ]);
        const line = await run.firstLine;
        const m = /^VmRestore emulator listening on (https:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
        assert.ok(m, line);
        const url = m![1];
        const ca = readFileSync(path.join(caDir, "ca.pem"), "utf8");
        assert.equal((await call(`${url}${VAULT}?${API}`, { ca })).status, 401);
        const token = (await call(`${url}/admin/tokens`, { method: "POST", body: {}, ca })).body.access_token;
        const vault = await call(`${url}${VAULT}?${API}`, { ca, headers: { Authorization: `Bearer ${token}` } });
        assert.equal(vault.status, 200);
        assert.equal(vault.headers.get("x-ms-ratelimit-remaining-subscription-reads"), "99");
        const admin = (await call(`${url}/admin`, { ca })).body;
        assert.deepEqual([admin.auth, admin.wireFormat, admin.identity.tokenLifetimeSeconds], ["entra", "live", 60]);
        run.child.kill("SIGTERM");
        const { code, stdout, stderr } = await run.exit;
        assert.equal(code, 0);
        assert.equal(stdout, `${line}\n`);
        assert.ok(stderr.includes(path.join(caDir, "ca.pem")), "names the CA on stderr");

        const bad = await runCli(["--auth", "kerberos"]).exit;
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /--auth must be anonymous or entra\nusage:/);
    });

    it("parses the new flags and refuses bad values", () => {
        const a = parseArgs([
            "--tls",
            "--ca-dir",
            "/x",
            "--auth=entra",
            "--token-lifetime",
            "5",
            "--wire-format",
            "live",
            "--throttle",
            "12000,1200,60",
            "--print-ca-path",
        ]);
        assert.deepEqual(
            [a.tls, a.caDir, a.auth, a.tokenLifetimeSeconds, a.wireFormat, a.throttle, a.printCaPath],
            [true, "/x", "entra", 5, "live", { readsPerHour: 12000, writesPerHour: 1200, timeScale: 60 }, true],
        );
        assert.deepEqual(parseArgs(["--throttle", "10,2"]).throttle, { readsPerHour: 10, writesPerHour: 2 });
        for (const bad of [
            ["--auth", "kerberos"],
            ["--wire-format", "old"],
            ["--throttle", "5"],
            ["--throttle", "0,1"],
            ["--throttle", "1,1,0"],
            ["--token-lifetime", "0"],
            ["--ca-dir"],
        ]) {
            assert.throws(() => parseArgs(bad), /usage:|needs a value/, bad.join(" "));
        }
    });
});
