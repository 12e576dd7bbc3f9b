/**
 * Mocha root hooks (registered in .mocharc.json): no test writes into the real home's Pulumi folder.
 *
 * Before any test file loads, PULUMI_HOME points at a temporary folder for the whole test process
 * and every process it starts (the provider's restore checkpoints, the engine's workspaces and logs
 * go there); it is removed after the run. The Pulumi CLI itself comes from PULUMI_BIN_DIR, which
 * `scripts/test.sh` computes before mocha starts; a run without it finds the CLI through
 * scripts/ensure-pulumi.sh where the user keeps it (VMRESTORE_USER_PULUMI_HOME, the PULUMI_HOME
 * mocha was started with, else ~/.pulumi).
 *
 * After the run, the `vmrestore` and `workspaces` folders of the user's PULUMI_HOME and of ~/.pulumi
 * must be as they were before: a test that wrote there (a path built from the home directory, a
 * child process given the real home) fails the run, naming the files.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const userPulumiHome = process.env.VMRESTORE_USER_PULUMI_HOME || process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
process.env.VMRESTORE_USER_PULUMI_HOME = userPulumiHome;
const testPulumiHome = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-test-home-"));
process.env.PULUMI_HOME = testPulumiHome;

/**
 * The folders of the real Pulumi home (the user's PULUMI_HOME and ~/.pulumi) that a test could write
 * into through the provider or the engine.
 */
const GUARDED = [...new Set([userPulumiHome, path.join(os.homedir(), ".pulumi")])].flatMap((home) =>
    ["vmrestore", "workspaces"].map((name) => path.join(home, name)),
);

/** Every file below the guarded folders, with its size and modification time. */
function snapshot(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string): void => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return; // absent: nothing to compare
        }
        for (const e of entries) {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) walk(full);
            else {
                const st = fs.statSync(full, { throwIfNoEntry: false });
                if (st) files.set(full, `${st.size} ${st.mtimeMs}`);
            }
        }
    };
    GUARDED.forEach(walk);
    return files;
}

/** What changed between two snapshots: files added or rewritten since the first. */
function writtenSince(before: Map<string, string>, after: Map<string, string>): string[] {
    return [...after].filter(([file, stamp]) => before.get(file) !== stamp).map(([file]) => file);
}

const before = snapshot();

export const mochaHooks = {
    afterAll(): void {
        fs.rmSync(testPulumiHome, { recursive: true, force: true });
        const written = writtenSince(before, snapshot());
        if (written.length > 0) {
            throw new Error(
                `the tests wrote into the real Pulumi home, which they must never touch: ${written.join(", ")}. ` +
                    `Give the code under test PULUMI_HOME (this run's is a temporary folder, ${testPulumiHome}) instead of a path built from the home directory.`,
            );
        }
    },
};
