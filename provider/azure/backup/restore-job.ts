/**
 * Reading an `AzureIaaSVMJob` as it really arrives (formats differ from the spec; see FACTS.md).
 */
import { parseDurationMs } from "./duration";

export type JobStatus = "InProgress" | "Completed" | "CompletedWithWarnings" | "Failed" | "Cancelled" | "Cancelling" | "Unknown";

export interface JobErrorDetail {
    errorCode?: number | string;
    errorString?: string;
    errorTitle?: string;
    recommendations: string[];
}

export interface JobTask {
    taskId: string;
    status: string;
    progressPercentage?: number;
}

export interface RestoreJobView {
    jobId: string;
    status: JobStatus;
    terminal: boolean;
    succeeded: boolean;
    operation?: string;
    entityFriendlyName?: string;
    startTime?: string;
    endTime?: string;
    /** Server-side elapsed time so far (or in all, when done). */
    durationMs?: number;
    progressPercentage?: number;
    estimatedRemainingMs?: number;
    tasks: JobTask[];
    errors: JobErrorDetail[];
    propertyBag: Record<string, string>;
    dynamicErrorMessage?: string;
    cancellable: boolean;
    /** The server's retry hint on the response that carried this view, ms. */
    serverHintMs?: number;
}

const STATUSES: JobStatus[] = ["InProgress", "Completed", "CompletedWithWarnings", "Failed", "Cancelled", "Cancelling"];
const TERMINAL: JobStatus[] = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"];

function normalizeJobStatus(value: unknown): JobStatus {
    const s = String(value ?? "").toLowerCase();
    if (s === "canceled") return "Cancelled";
    return STATUSES.find((x) => x.toLowerCase() === s) ?? "Unknown";
}

interface JobBody {
    name?: string;
    properties?: {
        status?: string;
        operation?: string;
        entityFriendlyName?: string;
        startTime?: string;
        endTime?: string;
        duration?: string;
        actionsInfo?: unknown[];
        errorDetails?: { errorCode?: number | string; errorString?: string; errorTitle?: string; recommendations?: string[] }[];
        extendedInfo?: {
            tasksList?: { taskId?: string; status?: string; progressPercentage?: number }[];
            propertyBag?: Record<string, string>;
            progressPercentage?: number;
            estimatedRemainingDuration?: string;
            dynamicErrorMessage?: string;
        };
    };
}

/** Property bag lookup that ignores case and stray white space in keys ("Recovery point time "). */
export function bagValue(bag: Record<string, string>, key: string): string | undefined {
    const want = key.trim().toLowerCase();
    for (const [k, v] of Object.entries(bag)) if (k.trim().toLowerCase() === want) return v;
    return undefined;
}

export function readRestoreJob(jobId: string, body: unknown): RestoreJobView {
    const p = ((body ?? {}) as JobBody).properties ?? {};
    const ext = p.extendedInfo ?? {};
    const status = normalizeJobStatus(p.status);
    const actions = (p.actionsInfo ?? []).map((a) => String(a).toLowerCase());
    return {
        jobId,
        status,
        terminal: TERMINAL.includes(status),
        succeeded: status === "Completed" || status === "CompletedWithWarnings",
        operation: p.operation,
        entityFriendlyName: p.entityFriendlyName,
        startTime: p.startTime,
        endTime: p.endTime,
        durationMs: parseDurationMs(p.duration),
        progressPercentage: typeof ext.progressPercentage === "number" ? ext.progressPercentage : undefined,
        estimatedRemainingMs: parseDurationMs(ext.estimatedRemainingDuration),
        tasks: (ext.tasksList ?? []).map((t) => ({
            taskId: t.taskId ?? "task",
            status: t.status ?? "Unknown",
            progressPercentage: t.progressPercentage,
        })),
        errors: (p.errorDetails ?? []).map((e) => ({
            errorCode: e.errorCode,
            errorString: e.errorString,
            errorTitle: e.errorTitle,
            recommendations: e.recommendations ?? [],
        })),
        propertyBag: ext.propertyBag ?? {},
        dynamicErrorMessage: ext.dynamicErrorMessage,
        // `["Cancellable"]` or the numeric form `[1]`.
        cancellable: actions.includes("cancellable") || actions.includes("1"),
    };
}

/** The job's errors as one message: code, text and what Azure recommends. */
export function describeJobErrors(job: RestoreJobView): string {
    const lines = job.errors.map((e) => {
        const head = [e.errorCode !== undefined ? `error ${e.errorCode}` : undefined, e.errorTitle].filter(Boolean).join(" ");
        const rec = e.recommendations.length ? ` Recommended: ${e.recommendations.join(" ")}` : "";
        return `${head ? head + ": " : ""}${e.errorString ?? "(no error text)"}${rec}`;
    });
    if (job.dynamicErrorMessage) lines.push(job.dynamicErrorMessage);
    return lines.length ? lines.join(" | ") : "Azure gave no error details";
}
