/**
 * A Pulumi stack driven by the real engine through the Automation API, offline: a local file backend
 * in a temporary folder, a passphrase secrets provider, no update checks and no plugin downloads.
 * Used by the drill and by the end-to-end tests.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import type { LocalWorkspace as LocalWorkspaceType, Stack, PulumiFn } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** The directory holding `pulumi`: $PULUMI_BIN_DIR, else whatever scripts/ensure-pulumi.sh finds or builds. */
export function pulumiBinDir(): string {
    const fromEnv = process.env.PULUMI_BIN_DIR;
    if (fromEnv && fs.existsSync(path.join(fromEnv, "pulumi"))) return fromEnv;
    // Under the tests PULUMI_HOME is a private temporary folder (test/support/private-home.ts); the
    // CLI is looked up (or built) where the user keeps it.
    const userHome = process.env.VMRESTORE_USER_PULUMI_HOME;
    const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        env: userHome ? { ...process.env, PULUMI_HOME: userHome } : process.env,
    });
    const dir = out.trim().split("\n").pop()!;
    process.env.PULUMI_BIN_DIR = dir;
    return dir;
}

export interface EngineStackOptions {
    projectName: string;
    stackName: string;
    program: PulumiFn;
    /** Extra environment for the engine and the provider processes it starts. */
    envVars?: Record<string, string>;
    /** Stack config (`project:key` or `key`) as plain values. */
    config?: Record<string, string>;
    /** Reuse an existing backend/work folder (to run the same stack again). */
    baseDir?: string;
    /** Any Pulumi backend URL (file://, azblob://, s3://, https://api.pulumi.com); default a file backend in baseDir/state. */
    backendUrl?: string;
}

export interface EngineStack {
    stack: Stack;
    workspace: LocalWorkspaceType;
    /** Holds the file backend (`state/`) and the workspace (`work/`). */
    baseDir: string;
    stateDir: string;
    /** The backend the stack's state lives in. */
    backendUrl: string;
    /** Removes the temporary folders. */
    cleanup(): void;
}

/** A passphrase for the throwaway local backend only; it protects nothing outside the temp folder. */
const DRILL_PASSPHRASE = "vmrestore-offline-drill";

export async function createEngineStack(o: EngineStackOptions): Promise<EngineStack> {
    const { LocalWorkspace, PulumiCommand } = await import("@pulumi/pulumi/automation");
    const binDir = pulumiBinDir();
    const baseDir = o.baseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-engine-"));
    const stateDir = path.join(baseDir, "state");
    const workDir = path.join(baseDir, "work");
    fs.mkdirSync(stateDir, { recursive: true });
    fs.mkdirSync(workDir, { recursive: true });
    // The dynamic provider process resolves @pulumi/pulumi (and the provider's own packages) from
    // the workspace folder, so give it this repository's node_modules.
    const modules = path.join(workDir, "node_modules");
    if (!fs.existsSync(modules)) fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), modules, "dir");

    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(binDir), skipVersionCheck: true });
    const backendUrl = o.backendUrl ?? `file://${stateDir}`;
    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backendUrl,
        // A team backend's own passphrase when one is set; the throwaway one otherwise.
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? DRILL_PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_HOME: process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi"),
        PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
        ...o.envVars,
    };
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: o.stackName, projectName: o.projectName, program: o.program },
        {
            workDir,
            pulumiCommand,
            envVars,
            projectSettings: { name: o.projectName, runtime: "nodejs", backend: { url: backendUrl } },
        },
    );
    for (const [k, v] of Object.entries(o.config ?? {})) await stack.setConfig(k, { value: v });
    return {
        stack,
        workspace: stack.workspace as LocalWorkspaceType,
        baseDir,
        stateDir,
        backendUrl,
        cleanup: () => fs.rmSync(baseDir, { recursive: true, force: true }),
    };
}
