/**
 * What VmRestore runs on, checked when the package is loaded: an unsupported Node.js or
 * @pulumi/pulumi is named, with the reason and the fix, before anything else can fail obscurely.
 */

/** The oldest Node.js this package supports (package.json `engines`). */
export const MIN_NODE_MAJOR = 20;
/** The range of @pulumi/pulumi this package supports (package.json `peerDependencies`). */
export const MIN_PULUMI = [3, 200, 0] as const;
export const MAX_PULUMI_MAJOR = 3;

interface PulumiPackage {
    version: string;
    engines?: { node?: string };
}

/** Each problem as a sentence; empty when the runtime is supported. */
export function runtimeProblems(nodeVersion: string, pulumi: PulumiPackage | undefined): string[] {
    const problems: string[] = [];
    const node = parseVersion(nodeVersion);
    if (!node || node[0] < MIN_NODE_MAJOR) {
        problems.push(`VmRestore needs Node.js ${MIN_NODE_MAJOR} or newer; this is Node.js ${nodeVersion}. Upgrade Node.js.`);
    }
    if (!pulumi) {
        problems.push("VmRestore needs @pulumi/pulumi (a peer dependency), which cannot be loaded here. Run `npm install @pulumi/pulumi`.");
        return problems;
    }
    const v = parseVersion(pulumi.version);
    const want = `>=${MIN_PULUMI.join(".")} <${MAX_PULUMI_MAJOR + 1}.0.0`;
    if (!v || compare(v, MIN_PULUMI) < 0 || v[0] > MAX_PULUMI_MAJOR) {
        problems.push(`VmRestore needs @pulumi/pulumi ${want}; ${pulumi.version} is installed. Run \`npm install @pulumi/pulumi@^3\`.`);
    }
    // A newer @pulumi/pulumi may itself drop this Node.js: say so here rather than deep in its code.
    const minNode = /^>=\s*(\d+)/.exec(pulumi.engines?.node ?? "");
    if (node && minNode && node[0] < Number(minNode[1])) {
        problems.push(
            `@pulumi/pulumi ${pulumi.version} requires Node.js ${pulumi.engines!.node} (its package.json "engines"); this is Node.js ${nodeVersion}. ` +
                `Use Node.js ${minNode[1]} or newer, or install an @pulumi/pulumi release that supports Node.js ${node[0]} ` +
                `(3.248.0 is the last one that supports Node.js 20).`,
        );
    }
    return problems;
}

/** Throws one error naming every problem with this runtime; nothing when it is supported. */
export function assertSupportedRuntime(): void {
    let pulumi: PulumiPackage | undefined;
    try {
        pulumi = require("@pulumi/pulumi/package.json") as PulumiPackage;
    } catch {
        pulumi = undefined;
    }
    const problems = runtimeProblems(process.versions.node, pulumi);
    if (problems.length > 0) throw new Error(`vmrestore cannot run here:\n- ${problems.join("\n- ")}`);
}

function parseVersion(v: string): [number, number, number] | undefined {
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
}
