/**
 * The admin API under /admin (not ARM: no api-version, not logged, not subject to faults, no
 * token needed): request log, reset, seed, clock, wire format, resources created by restores,
 * jobs, the fault registry and a token mint for tests. Documented in docs/emulator.md.
 */
import { ArmError } from "../server/arm-errors";
import { AzureVariants, variantProblems } from "../world/azure-variants";
import { roleAssignmentProblems } from "../server/role-assignments";
import { EmulatorState } from "../world/emulator-state";
import { AuthMode, EntraIdentity } from "../server/entra-id";
import { FaultRegistry, FaultSpecError, FAULT_KINDS } from "../server/faults";
import { JobClock } from "../world/job-clock";
import { WallClock } from "../world/wall-clock";
import { RestoreJob } from "../backup/restore-job";
import { RequestKind, RequestLog } from "../server/request-log";
import { removeResource } from "../world/resource-lifecycle";
import { Router } from "../server/router";
import { parseSeed, Seed, SeedError } from "../world/seed";
import { isWireFormat, WireFormat } from "../backup/wire-format";

export interface AdminContext {
    state(): EmulatorState;
    faults: FaultRegistry;
    log: RequestLog;
    clock: JobClock;
    /** Real time for token expiry and throttle refill. */
    wallClock: WallClock;
    identity: EntraIdentity;
    auth: AuthMode;
    /** Back to the seed state (or to a new seed): resources, jobs, operations, log, faults, rate limits, wire format. */
    reset(seed?: Seed): void;
    setWireFormat(format: WireFormat): void;
}

export function registerAdminRoutes(router: Router, admin: AdminContext): void {
    router.add("GET", "/admin", () => {
        const s = admin.state();
        return {
            status: 200,
            body: {
                emulator: "VmRestore local Azure Backup emulator",
                baseUrl: s.baseUrl,
                subscriptionId: s.seed.subscriptionId,
                tenantId: s.seed.tenantId,
                clock: { speed: admin.clock.speed },
                wireFormat: s.wireFormat,
                auth: admin.auth,
                identity: {
                    authorityHost: s.baseUrl,
                    authority: admin.identity.authority(),
                    issuer: admin.identity.issuer(),
                    tokenEndpoint: `${admin.identity.authority()}/oauth2/v2.0/token`,
                    tokenLifetimeSeconds: admin.identity.tokenLifetimeSeconds,
                    clientIds: admin.identity.principals().map((sp) => sp.clientId),
                    armAudiences: admin.identity.audiences("arm"),
                    storageAudiences: admin.identity.audiences("storage"),
                },
                endpoints: [
                    "/admin/requests",
                    "/admin/reset",
                    "/admin/seed",
                    "/admin/clock",
                    "/admin/wire-format",
                    "/admin/tokens",
                    "/admin/resources",
                    "/admin/jobs",
                    "/admin/faults",
                ],
            },
        };
    });

    router.add("GET", "/admin/requests", (req) => {
        const since = Number(req.query.since ?? 0);
        const kind = req.query.kind;
        if (kind !== undefined && kind !== "arm" && kind !== "blob" && kind !== "identity")
            throw new ArmError(400, "InvalidKind", "kind must be arm, blob or identity.");
        return { status: 200, body: { requests: admin.log.list(Number.isFinite(since) ? since : 0, kind as RequestKind | undefined) } };
    });
    router.add("DELETE", "/admin/requests", () => {
        admin.log.clear();
        return { status: 204 };
    });

    router.add("POST", "/admin/reset", () => {
        admin.reset();
        return { status: 200, body: { reset: true } };
    });

    router.add("GET", "/admin/seed", () => ({ status: 200, body: admin.state().seed }));
    router.add("PUT", "/admin/seed", (req) => {
        let seed: Seed;
        try {
            seed = parseSeed(req.body);
        } catch (e) {
            if (e instanceof SeedError) throw new ArmError(400, "InvalidSeed", e.problems.join("; "));
            throw e;
        }
        admin.reset(seed);
        return { status: 200, body: admin.state().seed };
    });

    const clockView = () => ({
        speed: admin.clock.speed,
        simulatedMs: Math.round(admin.clock.now()),
        realAheadMs: admin.wallClock.aheadMs,
    });
    router.add("GET", "/admin/clock", () => ({ status: 200, body: clockView() }));
    router.add("POST", "/admin/clock", (req) => {
        const body = (req.body ?? {}) as { speed?: unknown; advanceSeconds?: unknown; advanceRealSeconds?: unknown };
        if (typeof body !== "object" || Array.isArray(body))
            throw new ArmError(
                400,
                "InvalidClockRequest",
                "The body must be {speed?: number, advanceSeconds?: number, advanceRealSeconds?: number}.",
            );
        if (body.speed !== undefined) {
            if (typeof body.speed !== "number" || !(body.speed >= 0) || !Number.isFinite(body.speed))
                throw new ArmError(400, "InvalidClockRequest", "speed must be a finite number >= 0.");
            admin.clock.setSpeed(body.speed);
        }
        if (body.advanceSeconds !== undefined) {
            if (typeof body.advanceSeconds !== "number" || !(body.advanceSeconds >= 0) || !Number.isFinite(body.advanceSeconds)) {
                throw new ArmError(400, "InvalidClockRequest", "advanceSeconds must be a finite number >= 0.");
            }
            admin.clock.advance(body.advanceSeconds);
        }
        if (body.advanceRealSeconds !== undefined) {
            const seconds = body.advanceRealSeconds;
            if (typeof seconds !== "number" || !(seconds >= 0) || !Number.isFinite(seconds)) {
                throw new ArmError(400, "InvalidClockRequest", "advanceRealSeconds must be a finite number >= 0.");
            }
            admin.wallClock.advance(seconds);
        }
        admin.state().tick();
        return { status: 200, body: clockView() };
    });

    router.add("GET", "/admin/wire-format", () => ({ status: 200, body: { wireFormat: admin.state().wireFormat } }));
    router.add("POST", "/admin/wire-format", (req) => {
        const body = req.body as { wireFormat?: unknown } | undefined;
        if (!body || typeof body !== "object" || !isWireFormat(body.wireFormat))
            throw new ArmError(400, "InvalidWireFormat", 'The body must be {"wireFormat": "spec" | "live"}.');
        admin.setWireFormat(body.wireFormat);
        return { status: 200, body: { wireFormat: admin.state().wireFormat } };
    });

    // Role assignments (auth "entra"): {clientId?, role, scope}; clientId defaults to the seed's first principal.
    router.add("GET", "/admin/role-assignments", () => ({
        status: 200,
        body: { roleAssignments: Object.fromEntries(admin.state().roleAssignments) },
    }));
    const assignmentOf = (body: Record<string, unknown>): { clientId: string; role: string; scope?: string } => {
        const clientId = String(body.clientId ?? admin.identity.principals()[0]?.clientId ?? "").toLowerCase();
        if (!admin.state().roleAssignments.has(clientId) && admin.identity.principal(clientId))
            admin.state().roleAssignments.set(clientId, admin.state().roleAssignmentsOf(clientId));
        if (!admin.state().roleAssignments.has(clientId))
            throw new ArmError(400, "InvalidRoleAssignment", `clientId must be one of the seed's servicePrincipals.`);
        const problems = roleAssignmentProblems([{ role: body.role, scope: body.scope ?? "/subscriptions/x" }], "body");
        if (problems.length) throw new ArmError(400, "InvalidRoleAssignment", problems.join("; "));
        return { clientId, role: String(body.role), scope: body.scope === undefined ? undefined : String(body.scope) };
    };
    router.add("POST", "/admin/role-assignments", (req) => {
        const a = assignmentOf((req.body ?? {}) as Record<string, unknown>);
        if (!a.scope) throw new ArmError(400, "InvalidRoleAssignment", "scope is required.");
        admin.state().roleAssignments.get(a.clientId)!.push({ role: a.role, scope: a.scope });
        return { status: 200, body: { roleAssignments: admin.state().roleAssignments.get(a.clientId) } };
    });
    // Removes the principal's assignments of that role (at that scope, when given).
    router.add("DELETE", "/admin/role-assignments", (req) => {
        const a = assignmentOf(req.query as Record<string, unknown>);
        const list = admin.state().roleAssignments.get(a.clientId)!;
        const keep = list.filter(
            (x) => !(x.role.toLowerCase() === a.role.toLowerCase() && (!a.scope || x.scope.toLowerCase() === a.scope.toLowerCase())),
        );
        admin.state().roleAssignments.set(a.clientId, keep);
        return { status: 200, body: { roleAssignments: keep } };
    });

    router.add("GET", "/admin/variants", () => ({ status: 200, body: { variants: admin.state().variants } }));
    router.add("POST", "/admin/variants", (req) => {
        const problems = variantProblems(req.body, "body");
        if (req.body === undefined || problems.length > 0)
            throw new ArmError(
                400,
                "InvalidVariants",
                `The body must be a partial variants object: ${problems.join("; ") || "empty body"}.`,
            );
        const s = admin.state();
        s.variants = { ...s.variants, ...(req.body as AzureVariants) };
        return { status: 200, body: { variants: s.variants } };
    });

    // A token without the OAuth dance (curl drills, tests): {clientId?, audience?, expiresInSeconds?}.
    // expiresInSeconds may be 0 or negative for an already expired token.
    router.add("POST", "/admin/tokens", (req) => {
        const body = (req.body ?? {}) as { clientId?: unknown; audience?: unknown; expiresInSeconds?: unknown };
        if (typeof body !== "object" || Array.isArray(body))
            throw new ArmError(400, "InvalidTokenRequest", "The body must be {clientId?, audience?, expiresInSeconds?}.");
        const sps = admin.identity.principals();
        const clientId = body.clientId === undefined ? sps[0]?.clientId : body.clientId;
        if (typeof clientId !== "string" || !admin.identity.principal(clientId))
            throw new ArmError(
                400,
                "InvalidTokenRequest",
                `clientId must be one of the seed's servicePrincipals (${sps.map((sp) => sp.clientId).join(", ") || "none"}).`,
            );
        const audience = body.audience === undefined ? admin.state().baseUrl : body.audience;
        if (typeof audience !== "string" || audience === "")
            throw new ArmError(400, "InvalidTokenRequest", "audience must be a non-empty string.");
        const lifetime = body.expiresInSeconds === undefined ? admin.identity.tokenLifetimeSeconds : body.expiresInSeconds;
        if (typeof lifetime !== "number" || !Number.isFinite(lifetime))
            throw new ArmError(400, "InvalidTokenRequest", "expiresInSeconds must be a finite number.");
        const { token, claims } = admin.identity.issueToken(clientId, audience, lifetime);
        return { status: 200, body: { token_type: "Bearer", access_token: token, expires_on: claims.exp, claims } };
    });

    router.add("GET", "/admin/resources", (req) => {
        const s = admin.state();
        const all = req.query.all === "true";
        const resources: Array<Record<string, unknown>> = s.resources
            .all()
            .filter((r) => all || r.origin === "restore")
            .map((r) => ({
                id: r.id,
                type: r.type,
                origin: r.origin,
                ...(r.jobId ? { jobId: r.jobId } : {}),
                ...(r.deletingOperationId ? { deleting: true } : {}),
            }));
        for (const b of s.blobs.list()) {
            if (!all && b.origin !== "restore") continue;
            resources.push({
                id: `${s.baseUrl}/blob/${b.account}/${b.container}/${b.name}`,
                type: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs",
                origin: b.origin,
                ...(b.jobId ? { jobId: b.jobId } : {}),
            });
        }
        return { status: 200, body: { resources } };
    });

    router.add("DELETE", "/admin/resources", (req) => {
        const s = admin.state();
        const id = req.query.id;
        if (!id) throw new ArmError(400, "MissingId", "Give the resource to delete as ?id=<ARM resource ID or blob URL>.");
        const blob = /\/blob\/([^/]+)\/([^/]+)\/(.+)$/.exec(id);
        if (blob && !id.startsWith("/subscriptions")) {
            const name = decodeURIComponent(blob[3]);
            if (!s.blobs.delete(blob[1], blob[2], name)) throw new ArmError(404, "ResourceNotFound", `No blob ${id}.`);
            return { status: 200, body: { deleted: id } };
        }
        const res = s.resources.get(id);
        if (!res) throw new ArmError(404, "ResourceNotFound", `No resource ${id}.`);
        removeResource(s.resources, res, true);
        return { status: 200, body: { deleted: res.id } };
    });

    router.add("GET", "/admin/jobs", () => {
        const s = admin.state();
        const jobs = s.jobs().map((j) => {
            const rendered = j.render(true);
            const out: Record<string, unknown> = {
                jobId: j.id,
                id: rendered.id,
                operation: j.operation,
                status: j.status(),
                entityFriendlyName: j.entityFriendlyName,
                startTime: rendered.properties.startTime,
                endTime: rendered.properties.endTime,
                progressPercentage: rendered.properties.extendedInfo?.progressPercentage,
            };
            if (j instanceof RestoreJob) {
                out.recoveryType = j.plan.recoveryType;
                out.recoveryPointId = j.plan.rp.name;
                out.sourceResourceId = j.plan.item.sourceResourceId;
                out.createdResources = j.createdResources;
                out.propertyBag = rendered.properties.extendedInfo?.propertyBag;
            }
            return out;
        });
        return { status: 200, body: { jobs } };
    });

    router.add("GET", "/admin/faults", () => ({ status: 200, body: { faults: admin.faults.list(), kinds: Object.keys(FAULT_KINDS) } }));
    router.add("POST", "/admin/faults", (req) => {
        try {
            const fault = admin.faults.add(req.body);
            return { status: 201, body: { id: fault.id, ...fault.spec } };
        } catch (e) {
            if (e instanceof FaultSpecError) throw new ArmError(400, "InvalidFault", e.message);
            throw e;
        }
    });
    router.add("DELETE", "/admin/faults", () => {
        admin.faults.clear();
        return { status: 204 };
    });
    router.add("DELETE", "/admin/faults/:id", (req) => {
        if (!admin.faults.remove(req.params.id)) throw new ArmError(404, "ResourceNotFound", `No fault ${req.params.id}.`);
        return { status: 204 };
    });
}
