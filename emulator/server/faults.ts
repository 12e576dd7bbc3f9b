/**
 * The fault registry: injected misbehaviour for DR drills and tests, added with
 * POST /admin/faults. A fault has a `kind`, an optional `match` (method, pathContains,
 * pathRegex) and a schedule: `times` (next K matching calls, default 1), `nth` (skip the first
 * N-1 matching calls) or `after` (skip that many), `always: true` (never runs out).
 *
 * Each kind belongs to a stage: "request" kinds act on any ARM/blob HTTP request before (or,
 * with when:"after", instead of the response of) the route — and on the identity (token)
 * endpoints only when their `match` names a path; "restore" kinds are consumed by a
 * restore trigger and shape the operation or job it creates. New kinds register in FAULT_KINDS.
 */
import { randomUUID } from "crypto";

export type FaultStage = "request" | "restore";

export interface FaultMatch {
    method?: string;
    pathContains?: string;
    pathRegex?: string;
}

export interface FaultSpec {
    kind: string;
    match?: FaultMatch;
    times?: number;
    nth?: number;
    after?: number;
    always?: boolean;
    [key: string]: unknown;
}

export interface ActiveFault {
    id: string;
    spec: FaultSpec;
    /** Matching calls still to skip before it applies. */
    skip: number;
    /** Applications left (Infinity with always). */
    remaining: number;
    hits: number;
}

export interface FaultKindDefinition {
    stage: FaultStage;
    /** Problems with a spec of this kind (empty if fine). */
    validate(spec: FaultSpec): string[];
}

const when = (s: FaultSpec) =>
    s.when === undefined || s.when === "before" || s.when === "after" ? [] : ['when must be "before" or "after"'];

export const FAULT_KINDS: Record<string, FaultKindDefinition> = {
    http: {
        stage: "request",
        validate: (s) => [
            ...(Number.isInteger(s.status) && (s.status as number) >= 100 && (s.status as number) <= 599
                ? []
                : ["status must be an HTTP status code"]),
            ...(s.retryAfter === undefined || typeof s.retryAfter === "string" || typeof s.retryAfter === "number"
                ? []
                : ["retryAfter must be a string (the Retry-After header value)"]),
            ...(s.retryAfterMs === undefined || typeof s.retryAfterMs === "number" ? [] : ["retryAfterMs must be a number"]),
            ...(s.body === undefined || typeof s.body === "object" ? [] : ["body must be a JSON object"]),
            ...(s.headers === undefined || (typeof s.headers === "object" && s.headers !== null) ? [] : ["headers must be an object"]),
            ...when(s),
        ],
    },
    reset: { stage: "request", validate: when },
    hang: { stage: "request", validate: () => [] },
    delay: {
        stage: "request",
        validate: (s) => (typeof s.ms === "number" && s.ms >= 0 ? [] : ["ms must be a number >= 0"]),
    },
    tokenRejected: {
        stage: "request",
        validate: (s) => [
            ...(s.code === undefined || (typeof s.code === "string" && s.code !== "")
                ? []
                : ["code must be a non-empty string (default ExpiredAuthenticationToken)"]),
            ...(s.message === undefined || typeof s.message === "string" ? [] : ["message must be a string"]),
        ],
    },
    jobOutcome: {
        stage: "restore",
        validate: (s) => [
            ...(["Failed", "CompletedWithWarnings", "Cancelled"].includes(String(s.outcome))
                ? []
                : ["outcome must be Failed, CompletedWithWarnings or Cancelled"]),
            ...(s.errorCode === undefined || Number.isInteger(s.errorCode) ? [] : ["errorCode must be an integer"]),
            ...["errorString", "errorTitle"].flatMap((k) =>
                s[k] === undefined || typeof s[k] === "string" ? [] : [`${k} must be a string`],
            ),
            ...(s.recommendations === undefined ||
            (Array.isArray(s.recommendations) && s.recommendations.every((r) => typeof r === "string"))
                ? []
                : ["recommendations must be an array of strings"]),
        ],
    },
    operationFailed: {
        stage: "restore",
        validate: (s) => [
            ...(typeof s.code === "string" && s.code !== "" ? [] : ["code must be a non-empty string"]),
            ...(typeof s.message === "string" ? [] : ["message must be a string"]),
        ],
    },
    jobNeverFinishes: { stage: "restore", validate: () => [] },
    // The VM a restore creates does not come up: it never leaves "starting", or it runs without a Ready agent.
    vmBoot: {
        stage: "restore",
        validate: (s) =>
            s.outcome === "neverBoots" || s.outcome === "agentNotReady" ? [] : ['outcome must be "neverBoots" or "agentNotReady"'],
    },
};

export class FaultSpecError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("; "));
    }
}

export interface FaultContext {
    method: string;
    /** Path without query. */
    path: string;
    /**
     * Only faults whose match names a path (pathContains / pathRegex) apply: the identity (token)
     * endpoints, so that a catch-all fault meant for ARM does not break getting a token.
     */
    pathMatchRequired?: boolean;
}

export class FaultRegistry {
    private faults: ActiveFault[] = [];

    add(input: unknown): ActiveFault {
        if (typeof input !== "object" || input === null || Array.isArray(input))
            throw new FaultSpecError(["a fault must be a JSON object with a kind"]);
        const spec = input as FaultSpec;
        const def = FAULT_KINDS[spec.kind];
        if (!def) throw new FaultSpecError([`unknown kind '${String(spec.kind)}'; known kinds: ${Object.keys(FAULT_KINDS).join(", ")}`]);
        const problems = def.validate(spec);
        if (spec.match !== undefined) {
            if (typeof spec.match !== "object" || spec.match === null)
                problems.push("match must be an object {method?, pathContains?, pathRegex?}");
            else if (spec.match.pathRegex !== undefined) {
                try {
                    new RegExp(spec.match.pathRegex, "i");
                } catch {
                    problems.push("match.pathRegex is not a valid regular expression");
                }
            }
        }
        for (const k of ["times", "nth", "after"] as const) {
            const v = spec[k];
            if (v !== undefined && !(Number.isInteger(v) && (v as number) >= (k === "after" ? 0 : 1)))
                problems.push(`${k} must be an integer >= ${k === "after" ? 0 : 1}`);
        }
        if (problems.length > 0) throw new FaultSpecError(problems);
        const fault: ActiveFault = {
            id: randomUUID(),
            spec: JSON.parse(JSON.stringify(spec)) as FaultSpec,
            skip: spec.after ?? (spec.nth !== undefined ? spec.nth - 1 : 0),
            remaining: spec.always ? Number.POSITIVE_INFINITY : (spec.times ?? 1),
            hits: 0,
        };
        this.faults.push(fault);
        return fault;
    }

    list(): Array<Record<string, unknown>> {
        return this.faults.map((f) => ({
            id: f.id,
            ...f.spec,
            pendingSkips: f.skip,
            remaining: Number.isFinite(f.remaining) ? f.remaining : "always",
            hits: f.hits,
        }));
    }

    clear(): void {
        this.faults = [];
    }

    remove(id: string): boolean {
        const before = this.faults.length;
        this.faults = this.faults.filter((f) => f.id !== id);
        return this.faults.length !== before;
    }

    /**
     * The fault to apply to this call, if any, among the given stage (and kinds). Every matching
     * fault counts the call toward its `nth`/`after`; the first one due applies and is used up.
     */
    take(stage: FaultStage, ctx: FaultContext, kinds?: string[]): ActiveFault | undefined {
        let chosen: ActiveFault | undefined;
        for (const f of this.faults) {
            if (FAULT_KINDS[f.spec.kind]?.stage !== stage) continue;
            if (kinds && !kinds.includes(f.spec.kind)) continue;
            if (ctx.pathMatchRequired && !(f.spec.match?.pathContains || f.spec.match?.pathRegex)) continue;
            if (!matches(f.spec.match, ctx)) continue;
            if (f.skip > 0) {
                f.skip--;
                continue;
            }
            if (!chosen) chosen = f;
        }
        if (chosen) {
            chosen.hits++;
            chosen.remaining--;
            if (chosen.remaining <= 0) this.faults = this.faults.filter((f) => f !== chosen);
        }
        return chosen;
    }
}

function matches(match: FaultMatch | undefined, ctx: FaultContext): boolean {
    if (!match) return true;
    if (match.method && match.method.toUpperCase() !== ctx.method.toUpperCase()) return false;
    if (match.pathContains && !ctx.path.toLowerCase().includes(match.pathContains.toLowerCase())) return false;
    if (match.pathRegex && !new RegExp(match.pathRegex, "i").test(ctx.path)) return false;
    return true;
}
