/**
 * The restore trigger's long-running operation, as a state machine apart from HTTP.
 *
 * `POST .../restore` answers 202 with `Azure-AsyncOperation` (`.../operationsStatus/{id}`), `Location`
 * (`.../operationResults/{id}`) and `Retry-After`. The status URL is preferred: it is the one that
 * carries `properties.jobId` when the operation has Succeeded. The Location URL only answers 202
 * then 204 with no body, so in that mode the job ID is read afterwards from the vault-level
 * `backupOperations/{id}`. Finishing the operation means the restore job was *accepted*, nothing more.
 */

export type OperationMode = "AsyncOperation" | "Location";
export type OperationStatus = "running" | "succeeded" | "failed" | "canceled";

export interface OperationState {
    mode: OperationMode;
    /** The URL polled in this mode. */
    pollUrl: string;
    /** Operation ID (last path segment of the polling URL). */
    operationId?: string;
    status: OperationStatus;
    jobId?: string;
    error?: { code?: string; message?: string };
}

/**
 * The operation a 202 names: its `Azure-AsyncOperation` URL (preferred), else its `Location`;
 * undefined when it names neither (what that means is the caller's to say).
 */
export function initOperationState(urls: { asyncOperation?: string; location?: string }): OperationState | undefined {
    const pollUrl = urls.asyncOperation ?? urls.location;
    if (!pollUrl) return undefined;
    return { mode: urls.asyncOperation ? "AsyncOperation" : "Location", pollUrl, operationId: lastSegment(pollUrl), status: "running" };
}

/** The state of an operation recorded by an earlier run (its URL only), to be followed again. */
export function resumedOperationState(pollUrl: string, mode: OperationMode = "AsyncOperation"): OperationState {
    return { mode, pollUrl, operationId: lastSegment(pollUrl), status: "running" };
}

/** Maps an Azure operation status to ours (case-insensitively; unknown values mean still running). */
function transformStatus(value: unknown): OperationStatus {
    switch (String(value ?? "").toLowerCase()) {
        case "succeeded":
            return "succeeded";
        case "failed":
            return "failed";
        case "canceled":
        case "cancelled":
            return "canceled";
        default:
            return "running";
    }
}

interface OperationStatusBody {
    status?: string;
    error?: { code?: string; message?: string };
    properties?: { objectType?: string; jobId?: string };
}

/** The next state after one poll of `pollUrl`. */
export function updateOperationState(state: OperationState, status: number, body: unknown): OperationState {
    const next: OperationState = { ...state };
    if (state.mode === "Location") {
        if (status === 202) return next;
        if (status === 200 || status === 204) {
            const b = (body ?? {}) as OperationStatusBody;
            return { ...next, status: b.status ? transformStatus(b.status) : "succeeded", jobId: b.properties?.jobId ?? state.jobId };
        }
        throw new Error(`unexpected ${status} while following the operation's Location (${state.pollUrl.replace(/\?.*$/, "")})`);
    }
    const b = (body ?? {}) as OperationStatusBody;
    const s = transformStatus(b.status);
    return {
        ...next,
        status: s,
        jobId: b.properties?.jobId ?? state.jobId,
        error: s === "failed" || s === "canceled" ? (b.error ?? { message: `operation ${b.status}` }) : undefined,
    };
}

/** The operation ID from a polling URL: the last path segment. */
function lastSegment(url: string): string | undefined {
    try {
        const parts = new URL(url).pathname.split("/").filter(Boolean);
        return parts.length ? decodeURIComponent(parts[parts.length - 1]) : undefined;
    } catch {
        return undefined;
    }
}
