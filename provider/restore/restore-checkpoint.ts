/**
 * A local record of a restore in flight, written the moment Azure accepts the restore and removed
 * when the resource's create returns. If `pulumi up` is killed in between (SIGKILL, a lost CI
 * runner), the next run on the same machine finds the record and adopts that exact job instead of
 * starting a second restore. (On another machine, the job finder does the same from Azure's job list.)
 *
 * Holds no credential: vault path, job ID, operation URL (without its query) and times only.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import { VmRestoreInputs } from "./restore-inputs";

export interface RestoreCheckpoint {
    vaultPath: string;
    recoveryPointId: string;
    /** Epoch ms of the trigger (of this run's adoption, for an adopted job). */
    triggeredAt: number;
    /** Epoch ms of the restore's first trigger (an adopted job's start in Azure); absent: triggeredAt. */
    firstTriggeredAt?: number;
    operationUrl?: string;
    jobId?: string;
}

function checkpointDir(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi"), "vmrestore", "restores");
}

/** One restore intent: the resource's name and everything that decides what is restored where. */
export function checkpointKey(inputs: VmRestoreInputs, resourceName: string | undefined): string {
    const lower = (s?: string) => (s ?? "").toLowerCase();
    const parts = [
        resourceName ?? "",
        lower(inputs.vaultId),
        lower(inputs.vaultResourceGroupName),
        lower(inputs.vaultName),
        lower(inputs.sourceVmId),
        inputs.recoveryPoint ?? "latest",
        inputs.restoreType,
        lower(inputs.storageAccountId),
        lower(inputs.targetResourceGroupId),
        lower(inputs.targetVmName),
        lower(inputs.subnetId),
    ];
    return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

export interface CheckpointStore {
    load(key: string): RestoreCheckpoint | undefined;
    save(key: string, c: RestoreCheckpoint): void;
    remove(key: string): void;
}

/** Files under ~/.pulumi/vmrestore/restores (or $PULUMI_HOME). Failures to write are not fatal. */
export function fileCheckpointStore(dir: string = checkpointDir(), warn: (line: string) => void = () => undefined): CheckpointStore {
    const file = (key: string) => path.join(dir, `${key}.json`);
    return {
        load(key) {
            try {
                return JSON.parse(fs.readFileSync(file(key), "utf8")) as RestoreCheckpoint;
            } catch {
                return undefined;
            }
        },
        save(key, c) {
            try {
                fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
                const tmp = `${file(key)}.${process.pid}.tmp`;
                const safe = { ...c, operationUrl: c.operationUrl?.replace(/\?.*$/, "") };
                fs.writeFileSync(tmp, JSON.stringify(safe), { mode: 0o600 });
                fs.renameSync(tmp, file(key));
            } catch (e) {
                warn(
                    `could not record the restore in ${dir} (${(e as Error).message}); a killed run would find the job through Azure's job list instead`,
                );
            }
        },
        remove(key) {
            fs.rmSync(file(key), { force: true });
        },
    };
}
