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
import { RestoreRecord } from "./record";
import { resumedOperationState } from "../polling/operation-tracker";

/**
 * What the checkpoint file holds: the restore record (record.ts), without the operation URL's query.
 * Files an earlier version wrote (vault, point ID, times, operation URL or job ID) are read too.
 */
export type RestoreCheckpoint = RestoreRecord;

interface EarlierCheckpoint {
    vaultPath: string;
    recoveryPointId: string;
    triggeredAt: number;
    firstTriggeredAt?: number;
    operationUrl?: string;
    jobId?: string;
}

function fromFile(raw: unknown): RestoreCheckpoint | undefined {
    const r = raw as Partial<RestoreRecord> & Partial<EarlierCheckpoint>;
    if (!r || typeof r.vaultPath !== "string" || typeof r.triggeredAt !== "number") return undefined;
    if (r.recoveryPoint) return r as RestoreRecord;
    if (typeof r.recoveryPointId !== "string") return undefined;
    return {
        vaultPath: r.vaultPath,
        vaultLocation: "",
        vmName: "",
        protectedItemId: "",
        protectedItemPath: "",
        recoveryPoint: { id: r.recoveryPointId, time: "", type: "", tiers: [] },
        operation: r.operationUrl && !r.jobId ? resumedOperationState(r.operationUrl) : undefined,
        jobId: r.jobId,
        triggeredAt: r.triggeredAt,
        firstTriggeredAt: r.firstTriggeredAt ?? r.triggeredAt,
        origin: "checkpoint",
    };
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
                return fromFile(JSON.parse(fs.readFileSync(file(key), "utf8")));
            } catch {
                return undefined;
            }
        },
        save(key, c) {
            try {
                fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
                const tmp = `${file(key)}.${process.pid}.tmp`;
                const safe = { ...c, operation: c.operation && { ...c.operation, pollUrl: c.operation.pollUrl.replace(/\?.*$/, "") } };
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
