/**
 * VmRestore as its users get it: the two npm packages this repository publishes (vmrestore and
 * vmrestore-emulator), packed with `npm pack`, installed into Pulumi projects in temporary folders
 * outside the repository, and run with the plain `pulumi` CLI (not the Automation API).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { ChildProcess, execFileSync, spawn } from "child_process";
import { pulumiBinDir, REPO_ROOT } from "./engine-workspace";

export interface Tarballs {
    provider: string;
    emulator: string;
}

let packed: Tarballs | undefined;

/** `npm run build`, then `npm pack` of both packages (once per test process). */
export function packedTarballs(): Tarballs {
    if (packed) return packed;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-tarballs-"));
    run("npm", ["run", "--silent", "build"], REPO_ROOT);
    const pack = (from: string) => {
        const out = run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], from).trim().split("\n").pop()!;
        return path.join(dir, out);
    };
    packed = { provider: pack(REPO_ROOT), emulator: pack(path.join(REPO_ROOT, "emulator")) };
    return packed;
}

/** Runs a command; its output, or an error that carries what it printed. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
    try {
        return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`, {
            cause: e,
        });
    }
}

/** `npm install` in a project folder, from the npm cache where it can (the repository's install filled it). */
export function npmInstall(dir: string, extra: string[] = []): void {
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...extra], dir);
}

/** A folder outside the repository (removed by `removeAll`). */
export function tempProjectDir(name: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vmrestore-${name}-`));
    assertOutsideRepo(dir);
    return dir;
}

function assertOutsideRepo(dir: string): void {
    const rel = path.relative(REPO_ROOT, fs.realpathSync(dir));
    if (!rel.startsWith("..")) throw new Error(`${dir} is inside the repository`);
}

/**
 * Where the Node.js language host is, or why there is none. Plain `pulumi up` of a Node.js project
 * needs it; scripts/ensure-pulumi.sh builds it beside the CLI when it finds its source.
 */
export function languageHost(): { binDir: string; missing?: string } {
    const binDir = pulumiBinDir();
    if (fs.existsSync(path.join(binDir, "pulumi-language-nodejs"))) return { binDir };
    const onPath = (process.env.PATH ?? "").split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, "pulumi-language-nodejs")));
    if (onPath) return { binDir };
    return {
        binDir,
        missing:
            `no pulumi-language-nodejs beside ${binDir} or on PATH: plain \`pulumi up\` of a Node.js project cannot run here. ` +
            "scripts/ensure-pulumi.sh builds it from its source (../shared/tools/pulumi-language-nodejs beside the repository, or " +
            "$PULUMI_LANGUAGE_NODEJS_SRC) when there is one; the inline-program tests run without it.",
    };
}

/**
 * For a mocha test that runs plain `pulumi up`: the CLI's folder, or the test is skipped with the
 * reason printed (no language host, and no source to build one from).
 */
export function cliWithLanguageHostOrSkip(test: { skip(): void }): string {
    const host = languageHost();
    if (host.missing) {
        console.log(`      (skipped: ${host.missing})`);
        test.skip();
    }
    return host.binDir;
}

/** The plain `pulumi` CLI in a project folder, on a file backend of its own, offline. */
export class PulumiCli {
    readonly env: NodeJS.ProcessEnv;
    readonly stateDir: string;

    constructor(
        readonly projectDir: string,
        binDir: string,
        extraEnv: Record<string, string> = {},
    ) {
        this.stateDir = path.join(projectDir, ".state");
        fs.mkdirSync(this.stateDir, { recursive: true });
        this.env = {
            ...process.env,
            PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: "vmrestore-test-only",
            PULUMI_HOME: path.join(projectDir, ".pulumi-home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            ...extraEnv,
        };
    }

    run(...args: string[]): string {
        return run("pulumi", [...args, "--non-interactive", "--color", "never"], this.projectDir, this.env);
    }

    /** The stack's outputs (`pulumi stack output --json`), in the shape the caller's program exports. */
    outputs<T = Record<string, unknown>>(): T {
        return JSON.parse(this.run("stack", "output", "--json", "--show-secrets")) as T;
    }

    /** The stack's state (`pulumi stack export`), as text. */
    exportedState(): string {
        return this.run("stack", "export", "--show-secrets");
    }
}

/** The emulator's admin API (request log, leftovers, reset), wherever the emulator runs. */
export class EmulatorAdmin {
    constructor(public url = "") {}

    /** A call to the emulator's admin API, on a connection of its own (the emulator closes idle ones). */
    admin<T = unknown>(method: string, p: string, body?: unknown): Promise<T> {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        return new Promise<T>((resolve, reject) => {
            const req = http.request(
                `${this.url}${p}`,
                {
                    method,
                    agent: false,
                    headers:
                        payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
                },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (d) => (text += d));
                    res.on("end", () => {
                        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${p}: ${res.statusCode} ${text}`));
                        else resolve((text ? JSON.parse(text) : undefined) as T);
                    });
                },
            );
            req.on("error", reject);
            req.end(payload);
        });
    }

    /** The restore POSTs the emulator received so far (in the vault, or Cross Region Restore's). */
    async restorePosts(): Promise<number> {
        const log = await this.admin<{ requests: { method: string; path: string }[] }>("GET", "/admin/requests?kind=arm");
        return log.requests.filter(
            (r) => r.method === "POST" && /(\/recoveryPoints\/[^/]+\/restore|\/backupCrossRegionRestore)$/i.test(r.path),
        ).length;
    }

    /** What restores created that still exists (disks, VMs, NICs, blobs). */
    async leftovers(): Promise<string[]> {
        const r = await this.admin<{ resources: { id: string }[] }>("GET", "/admin/resources");
        return r.resources.map((x) => x.id);
    }
}

/**
 * The emulator in a process of its own (a test or benchmark that waits for the synchronous `pulumi`
 * CLI must not host it in its own, blocked, event loop).
 */
export class InstalledEmulator extends EmulatorAdmin {
    private child?: ChildProcess;

    /** Started from an installed vmrestore-emulator package's `bin`. */
    start(projectDir: string, args: string[] = []): Promise<string> {
        return this.spawn(path.join(projectDir, "node_modules", ".bin", "vmrestore-emulator"), args, projectDir);
    }

    /** Started from this repository's source. */
    startFromSource(args: string[] = []): Promise<string> {
        const cli = path.join(REPO_ROOT, "emulator", "cli.ts");
        return this.spawn(process.execPath, ["-r", "ts-node/register/transpile-only", cli, ...args], REPO_ROOT);
    }

    private async spawn(bin: string, args: string[], cwd: string): Promise<string> {
        const child = spawn(bin, [...args, "--port", "0", "--quiet"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
        this.child = child;
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        this.url = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d) => {
                out += d;
                const m = /listening on (\S+)/.exec(out);
                if (m) resolve(m[1]);
            });
            child.once("exit", (code) => reject(new Error(`vmrestore-emulator exited (${code}) before listening: ${stderr}`)));
        });
        return this.url;
    }

    async stop(): Promise<void> {
        const child = this.child;
        if (!child || child.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        });
    }
}

/** The VmRestore resources of an exported state, with their size in the state (bytes of JSON). */
export function vmRestoresIn(stateText: string): { urn: string; bytes: number; provider: string; outputs: Record<string, unknown> }[] {
    const state = JSON.parse(stateText) as {
        deployment?: { resources?: { type?: unknown; urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
    };
    const resources = state.deployment?.resources ?? [];
    return resources
        .filter((r) => typeof r.type === "string" && r.type.endsWith(":VmRestore"))
        .map((r) => ({
            urn: r.urn,
            bytes: Buffer.byteLength(JSON.stringify(r), "utf8"),
            provider: String(r.outputs?.__provider ?? r.inputs?.__provider ?? ""),
            outputs: r.outputs ?? {},
        }));
}
