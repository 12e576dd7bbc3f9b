import { strict as assert } from "assert";
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { defaultSeed, loadSeedFile } from "../../emulator/seed";
import { API, VAULT, call } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");

function runCli(args: string[]): { child: ChildProcessWithoutNullStreams; firstLine: Promise<string>; exit: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", ...args], { cwd: ROOT });
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
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
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
    writeFileSync(bad, JSON.stringify({ ...seed, storageAccounts: [{ name: "Bad_Name", resourceGroup: "rg-restore", location: "westeurope", sku: "Standard_LRS" }] }));
    assert.throws(() => loadSeedFile(bad), (e: Error) => /invalid seed/.test(e.message) && /Bad_Name/.test(e.message));
    assert.throws(() => loadSeedFile(path.join(dir, "missing.json")), /cannot read/);
  });
});
