/**
 * A drill report: per restore the recovery point and its age (achieved RPO), trigger and end times,
 * the time to restore (achieved RTO), objectives, checks, job IDs and the cleanup result. Built
 * from any stack that uses VmRestore: from `pulumi stack export` JSON (a file, or the Automation
 * API's `exportStack()`), not only from the bundled drill.
 */
import type { DrillCheck, DrillObjectives } from "../restore/restore-verification";

export const REPORT_SCHEMA = "vmrestore.drill-report/v1";

export interface CleanupResult {
    /** True when the API the provider uses shows none of the restore's resources or staging blobs. */
    verified: boolean;
    /** Restored resources and staging blobs still found (IDs; blob URIs without their query). */
    remaining: string[];
    detail: string;
}

export interface RestoreReport {
    /** The Pulumi resource name. */
    name: string;
    urn?: string;
    /** The source VM's name and ID. */
    vm: string;
    sourceVmId: string;
    restoreType: string;
    recoveryPointId?: string;
    recoveryPointTime?: string;
    recoveryPointType?: string;
    /** Age of the point at the first trigger: the achieved RPO. */
    recoveryPointAgeSeconds?: number;
    triggeredAt?: string;
    verifiedAt?: string;
    jobId?: string;
    jobStatus?: string;
    jobStartTime?: string;
    jobEndTime?: string;
    jobDurationSeconds?: number;
    /** First trigger → verified outputs: the achieved RTO. */
    timeToRestoreSeconds?: number;
    objectives: DrillObjectives;
    checks: DrillCheck[];
    violations: string[];
    restoredVmId?: string;
    restoredDiskIds: string[];
    /** passed: restored, verified, objectives met; failed: a check or objective failed, or the restore did not finish. */
    result: "passed" | "failed";
    /** Why it failed, one line each. */
    failures: string[];
    cleanup?: CleanupResult;
}

export interface DrillReport {
    schema: typeof REPORT_SCHEMA;
    generatedAt: string;
    project?: string;
    /** The stacks the report covers (several for a sharded drill). */
    stacks: string[];
    summary: {
        restores: number;
        passed: number;
        failed: number;
        cleanupVerified?: boolean;
        longestTimeToRestoreSeconds?: number;
        oldestRecoveryPointAgeSeconds?: number;
    };
    restores: RestoreReport[];
}

/** `pulumi stack export` JSON: only what the report reads. */
export interface StackExport {
    version?: number;
    deployment?: {
        manifest?: unknown;
        resources?: { urn?: string; type?: string; id?: string; outputs?: Record<string, unknown>; inputs?: Record<string, unknown> }[];
    };
}

type Props = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** True for the state of a VmRestore resource (a dynamic resource with VmRestore's outputs). */
function isVmRestore(r: { type?: string; outputs?: Props }): boolean {
    const o = r.outputs ?? {};
    return /dynamic/i.test(r.type ?? "") && typeof o.sourceVmId === "string" && typeof o.restoreType === "string" && "__provider" in o;
}

/** One restore's report entry from its outputs (as stored in state, or as returned by `up`). */
export function restoreReportOf(outputs: Props, urn?: string): RestoreReport {
    const o = outputs;
    const sourceVmId = str(o.sourceVmId) ?? "";
    const checks = (Array.isArray(o.checks) ? o.checks : []) as DrillCheck[];
    const objectives = (o.objectives && typeof o.objectives === "object" ? o.objectives : {}) as DrillObjectives;
    const violations = (Array.isArray(o.violations) ? o.violations : []) as string[];
    const failures = [...violations];
    const jobStatus = str(o.jobStatus);
    const completed = jobStatus === "Completed" || jobStatus === "CompletedWithWarnings";
    if (!completed) failures.unshift(`restore job ${str(o.jobId) ?? "(none)"} is ${jobStatus ?? "unknown"}, not Completed`);
    else if (o.restoreIncomplete === true && violations.length === 0)
        failures.unshift("the restore did not reach verified outputs (restoreIncomplete)");
    return {
        name: str(o.resourceName) ?? (urn ? urn.split("::").pop()! : sourceVmId.split("/").pop()!),
        urn,
        vm: sourceVmId.split("/").pop() ?? sourceVmId,
        sourceVmId,
        restoreType: str(o.restoreType) ?? "",
        recoveryPointId: str(o.recoveryPointId),
        recoveryPointTime: str(o.recoveryPointTime),
        recoveryPointType: str(o.recoveryPointType),
        recoveryPointAgeSeconds: num(o.recoveryPointAgeSeconds),
        triggeredAt: str(o.restoreTriggeredAt),
        verifiedAt: str(o.restoreVerifiedAt),
        jobId: str(o.jobId),
        jobStatus,
        jobStartTime: str(o.jobStartTime),
        jobEndTime: str(o.jobEndTime),
        jobDurationSeconds: num(o.jobDurationSeconds),
        timeToRestoreSeconds: o.restoreIncomplete === true && violations.length === 0 ? undefined : num(o.timeToRestoreSeconds),
        objectives,
        checks,
        violations,
        restoredVmId: str(o.restoredVmId),
        restoredDiskIds: (Array.isArray(o.restoredDiskIds) ? o.restoredDiskIds : []) as string[],
        result: failures.length === 0 ? "passed" : "failed",
        failures,
    };
}

/** The VmRestore resources a stack's state holds: URN and recorded outputs. */
export function vmRestoresIn(state: StackExport): { urn?: string; outputs: Props }[] {
    const resources = state.deployment?.resources;
    if (!Array.isArray(resources)) throw new Error("not `pulumi stack export` output: it has no deployment.resources list");
    return resources.filter(isVmRestore).map((r) => ({ urn: r.urn, outputs: r.outputs! }));
}

/** The restores a stack's state holds. */
export function restoresFromStackExport(state: StackExport): RestoreReport[] {
    return vmRestoresIn(state).map((r) => restoreReportOf(r.outputs, r.urn));
}

/** A report of these restores. */
export function drillReport(restores: RestoreReport[], o: { stacks: string[]; project?: string; now?: Date }): DrillReport {
    const sorted = [...restores].sort((a, b) => (a.triggeredAt ?? "").localeCompare(b.triggeredAt ?? "") || a.name.localeCompare(b.name));
    const times = sorted.map((r) => r.timeToRestoreSeconds).filter((x): x is number => x !== undefined);
    const ages = sorted.map((r) => r.recoveryPointAgeSeconds).filter((x): x is number => x !== undefined);
    const withCleanup = sorted.filter((r) => r.cleanup);
    return {
        schema: REPORT_SCHEMA,
        generatedAt: (o.now ?? new Date()).toISOString(),
        project: o.project,
        stacks: o.stacks,
        summary: {
            restores: sorted.length,
            passed: sorted.filter((r) => r.result === "passed").length,
            failed: sorted.filter((r) => r.result === "failed").length,
            cleanupVerified: withCleanup.length ? withCleanup.every((r) => r.cleanup!.verified) : undefined,
            longestTimeToRestoreSeconds: times.length ? Math.max(...times) : undefined,
            oldestRecoveryPointAgeSeconds: ages.length ? Math.max(...ages) : undefined,
        },
        restores: sorted,
    };
}

/** A report from `pulumi stack export` JSON. */
export function reportFromStackExport(state: StackExport, o: { stack: string; project?: string; now?: Date }): DrillReport {
    return drillReport(restoresFromStackExport(state), { stacks: [o.stack], project: o.project, now: o.now });
}

/** One report of several (a sharded drill's shards). */
export function mergeReports(reports: DrillReport[], now?: Date): DrillReport {
    const stacks = reports.flatMap((r) => r.stacks);
    const merged = drillReport(
        reports.flatMap((r) => r.restores),
        { stacks, project: reports.find((r) => r.project)?.project, now },
    );
    const names = new Set<string>();
    for (const r of merged.restores) {
        if (names.has(r.name))
            throw new Error(`the reports to merge both hold a restore named "${r.name}": each shard must restore different VMs`);
        names.add(r.name);
    }
    return merged;
}

/** Marks a restore failed when its cleanup left something behind. */
export function withCleanup(r: RestoreReport, cleanup: CleanupResult): RestoreReport {
    const failures = cleanup.verified ? r.failures : [...r.failures, `cleanup: ${cleanup.detail}`];
    return { ...r, cleanup, failures, result: failures.length === 0 ? "passed" : "failed" };
}
