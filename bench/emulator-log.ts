/**
 * Reading the emulator's admin API: the request log (GET /admin/requests, by seq range), the jobs,
 * and the classification of requests the benchmark reports.
 */
import fetch from "node-fetch";
import type { LoggedRequest } from "../emulator/server/request-log";

/** One entry of the emulator's request log, as GET /admin/requests answers it. */
export type LogEntry = LoggedRequest;

export interface AdminJob {
    jobId: string;
    operation: string;
    status: string;
    entityFriendlyName: string;
    startTime: string;
    endTime?: string;
}

export async function admin<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}/admin/${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
}

export async function requestsSince(url: string, seq = 0): Promise<LogEntry[]> {
    return (await admin<{ requests: LogEntry[] }>(url, "GET", `requests?since=${seq}`)).requests;
}

export async function restoreJobs(url: string): Promise<AdminJob[]> {
    return (await admin<{ jobs: AdminJob[] }>(url, "GET", "jobs")).jobs.filter((j) => j.operation === "Restore");
}

export const isOperationPoll = (r: LogEntry) =>
    r.kind === "arm" && r.method === "GET" && /\/(operationsStatus|operationResults|backupOperations)\/[^/]+$/i.test(r.path);
export const isJobPoll = (r: LogEntry) => r.kind === "arm" && r.method === "GET" && /\/backupJobs\/[^/]+$/i.test(r.path);
export const isRestorePost = (r: LogEntry) => r.kind === "arm" && r.method === "POST" && /\/recoveryPoints\/[^/]+\/restore$/i.test(r.path);

export interface RequestCounts {
    arm: number;
    blob: number;
    operationPolls: number;
    jobPolls: number;
    /** Answered 429. */
    throttled: number;
    reads: number;
    writes: number;
}

export function countRequests(entries: LogEntry[]): RequestCounts {
    const arm = entries.filter((r) => r.kind === "arm");
    return {
        arm: arm.length,
        blob: entries.filter((r) => r.kind === "blob").length,
        operationPolls: entries.filter(isOperationPoll).length,
        jobPolls: entries.filter(isJobPoll).length,
        throttled: entries.filter((r) => r.status === 429).length,
        reads: arm.filter((r) => r.method === "GET" || r.method === "HEAD").length,
        writes: arm.filter((r) => r.method !== "GET" && r.method !== "HEAD").length,
    };
}
