/**
 * Asynchronous operations the emulator tracks: the acceptance of a triggered restore
 * (operationsStatus / operationResults / backupOperations; a cross-region one at
 * locations/{region}/backupCrrOperationsStatus), a triggered validation
 * (backupValidateOperationsStatuses / backupValidateOperationResults), the cancellation of a job
 * (backupJobs/{job}/operationResults), and ARM DELETEs of compute/network resources
 * (locations/{loc}/operations). Like jobs, they only change state in EmulatorState.tick().
 */
import { JsonObject } from "../server/json";
import { randomUUID } from "crypto";

export type OperationStatus = "InProgress" | "Succeeded" | "Failed" | "Canceled";

interface OperationBase {
    id: string;
    realStartMs: number;
    simStartMs: number;
    status: OperationStatus;
    /** Simulated offset at which it finished. */
    endOffsetMs?: number;
    error?: { code: string; message: string; httpStatus?: number };
}

export interface RestoreOperation extends OperationBase {
    kind: "restore";
    vaultId: string;
    itemId: string;
    /** The job it created; revealed in the status once the operation has Succeeded. */
    jobId?: string;
    acceptAfterMs: number;
    /** A fault that makes the operation end Failed instead. */
    failure?: { code: string; message: string; httpStatus?: number };
    /** A Cross Region Restore: tracked at locations/{region}/backupCrrOperationsStatus, not under the item or vault. */
    crossRegion?: { region: string };
}

/** One entry of validationResults (ErrorDetail). */
export interface ValidationResult {
    code: string;
    message: string;
    recommendations: string[];
}

/** backupTriggerValidateOperation: the results are known at once, reported after doneAfterMs. */
export interface ValidateOperation extends OperationBase {
    kind: "validate";
    vaultId: string;
    doneAfterMs: number;
    results: ValidationResult[];
}

export interface CancelOperation extends OperationBase {
    kind: "cancel";
    vaultId: string;
    jobId: string;
}

export interface DeleteOperation extends OperationBase {
    kind: "delete";
    resourceId: string;
    namespace: string;
    location: string;
    doneAfterMs: number;
}

export type AsyncOperation = RestoreOperation | CancelOperation | DeleteOperation | ValidateOperation;

export class OperationRegistry {
    private readonly ops = new Map<string, AsyncOperation>();

    add<T extends AsyncOperation>(op: Omit<T, "id" | "status"> & { id?: string }): T {
        const full = { ...op, id: op.id ?? randomUUID(), status: "InProgress" } as unknown as T;
        this.ops.set(full.id.toLowerCase(), full);
        return full;
    }

    get(id: string): AsyncOperation | undefined {
        return this.ops.get(id.toLowerCase());
    }

    all(): AsyncOperation[] {
        return [...this.ops.values()];
    }

    finish(op: AsyncOperation, status: OperationStatus, nowSim: number): void {
        op.status = status;
        op.endOffsetMs = Math.max(0, nowSim - op.simStartMs);
    }
}

/** OperationStatus JSON (the shape of ProtectedItemOperationStatus.json). */
export function renderOperationStatus(op: AsyncOperation, iso: (ms: number) => string): JsonObject {
    const out: JsonObject = { id: op.id, name: op.id, status: op.status, startTime: iso(op.realStartMs) };
    if (op.status !== "InProgress" && op.endOffsetMs !== undefined) out.endTime = iso(op.realStartMs + op.endOffsetMs);
    if (op.status === "Failed" && op.error) out.error = { code: op.error.code, message: op.error.message };
    if (op.kind === "restore" && op.status === "Succeeded" && op.jobId) {
        out.properties = { objectType: "OperationStatusJobExtendedInfo", jobId: op.jobId };
    }
    if (op.kind === "validate" && op.status === "Succeeded") {
        out.properties = {
            objectType: "OperationStatusValidateOperationExtendedInfo",
            validateOperationResponse: { validationResults: op.results.map((r) => ({ ...r, recommendations: [...r.recommendations] })) },
        };
    }
    return out;
}
