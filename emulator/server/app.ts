/**
 * The emulator application: owns the state, routers, fault registry, request log, clock,
 * identity (token issuer) and throttle, and runs each HTTP request through the pipeline
 *   admin?    → admin router
 *   identity? → log (secrets redacted) → request-stage fault (only one whose match names the
 *               path) → identity router (form body)
 *   else      → log → request-stage fault → authentication (auth "entra": a valid bearer token
 *               for ARM or storage; "anonymous": only the seed's requireAuthorization) → ARM
 *               checks (api-version, throttle) → JSON body → tick the simulated world → route
 *               → ARM headers → answer.
 */
import { IncomingMessage, ServerResponse } from "http";
import { Socket } from "net";
import { registerAdminRoutes } from "../routes/admin-routes";
import { ArmError, defaultCodeForStatus, invalidRequestContent, methodNotAllowed, missingApiVersion, noRoute } from "./arm-errors";
import { armIdentityHeaders } from "./arm-headers";
import { ArmThrottle, ThrottleOptions } from "./arm-throttle";
import { checkApiVersion } from "./api-version-registry";
import { authorizeArm, blobAllowed } from "./role-assignments";
import { storageError } from "../routes/blob-routes";
import { registerBackupRoutes } from "../routes/backup-routes";
import { registerBlobRoutes } from "../routes/blob-routes";
import { registerComputeRoutes } from "../routes/compute-routes";
import { registerCrrRoutes } from "../routes/crr-routes";
import { EmulatorState } from "../world/emulator-state";
import { AuthMode, DEFAULT_TOKEN_LIFETIME_SECONDS, EntraIdentity, SECRET_FORM_FIELDS } from "./entra-id";
import { ActiveFault, FaultRegistry } from "./faults";
import { JobClock } from "../world/job-clock";
import { WallClock } from "../world/wall-clock";
import { LoggedRequest, redactForm, RequestKind, RequestLog } from "./request-log";
import { ApiRequest, Reply, Router, splitPath } from "./router";
import { Seed } from "../world/seed";
import { WireFormat } from "../backup/wire-format";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface EmulatorAppOptions {
    /** Access log sink, one line per request. */
    accessLog?: (line: string) => void;
    /** "anonymous" (default): no token checks. "entra": every ARM and blob call needs a token from the emulator's token endpoint. */
    auth?: AuthMode;
    tokenLifetimeSeconds?: number;
    /** Enforced ARM throttle; overrides the seed's rateLimits. */
    throttle?: ThrottleOptions;
    /** Overrides the seed's wireFormat. */
    wireFormat?: WireFormat;
}

export class EmulatorApp {
    readonly faults = new FaultRegistry();
    readonly log = new RequestLog();
    readonly identity: EntraIdentity;
    readonly auth: AuthMode;
    private current: EmulatorState;
    private throttle: ArmThrottle;
    /** Real time for token expiry and throttle refill; POST /admin/clock {advanceRealSeconds} moves it. */
    readonly wallClock = new WallClock();
    private readonly armRouter = new Router();
    private readonly adminRouter = new Router();
    private readonly identityRouter = new Router();
    private readonly accessLog?: (line: string) => void;
    /** Sockets held open by a "hang" fault; destroyed on stop. */
    readonly hungSockets = new Set<Socket>();

    constructor(
        seed: Seed,
        readonly baseUrl: string,
        readonly clock: JobClock,
        private readonly options: EmulatorAppOptions = {},
    ) {
        this.accessLog = options.accessLog;
        this.auth = options.auth ?? "anonymous";
        this.current = new EmulatorState(seed, baseUrl, clock, this.wallClock);
        this.current.wireFormat = this.startupWireFormat(seed);
        this.throttle = this.throttleFor(seed);
        this.identity = new EntraIdentity(
            baseUrl,
            () => this.current.seed,
            options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
            () => this.wallClock.now(),
        );
        const state = () => this.current;
        registerBackupRoutes(this.armRouter, state, this.faults);
        registerCrrRoutes(this.armRouter, state, this.faults);
        registerComputeRoutes(this.armRouter, state);
        registerBlobRoutes(this.armRouter, state);
        this.identity.registerRoutes(this.identityRouter);
        registerAdminRoutes(this.adminRouter, {
            state,
            faults: this.faults,
            log: this.log,
            clock,
            wallClock: this.wallClock,
            identity: this.identity,
            auth: this.auth,
            reset: (newSeed?: Seed) => this.reset(newSeed),
            setWireFormat: (format: WireFormat) => {
                this.current.wireFormat = format;
            },
        });
    }

    reset(seed?: Seed): void {
        const next = seed ?? this.current.seed;
        this.current = new EmulatorState(next, this.baseUrl, this.clock, this.wallClock);
        this.current.wireFormat = seed?.wireFormat ?? this.startupWireFormat(next);
        this.throttle = this.throttleFor(next);
        this.faults.clear();
        this.log.clear();
    }

    /** The wire format at start and after a reset: the option, else the seed's, else "spec". */
    private startupWireFormat(seed: Seed): WireFormat {
        return this.options.wireFormat ?? seed.wireFormat ?? "spec";
    }

    private throttleFor(seed: Seed): ArmThrottle {
        const realNow = () => this.wallClock.now();
        if (this.options.throttle) return new ArmThrottle(this.options.throttle, true, realNow);
        const r = seed.rateLimits ?? {};
        return new ArmThrottle(
            { readsPerHour: r.readsPerHour ?? 12000, writesPerHour: r.writesPerHour ?? 1200, timeScale: r.timeScale },
            r.enforce ?? false,
            realNow,
        );
    }

    /** The http.Server request listener. */
    handle = (req: IncomingMessage, res: ServerResponse): void => {
        this.process(req, res).catch((e: unknown) => {
            this.accessLog?.(`internal error: ${(e as Error)?.stack ?? String(e)}`);
            if (!res.headersSent)
                send(
                    res,
                    req.method ?? "GET",
                    errorReply(new ArmError(500, "InternalServerError", "The emulator failed to process the request.")),
                );
            else res.destroy();
        });
    };

    private async process(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const started = Date.now();
        const method = (req.method ?? "GET").toUpperCase();
        const url = new URL(req.url ?? "/", "http://emulator.local");
        const segments = splitPath(url.pathname);
        const path = `/${segments.join("/")}`;
        const query: Record<string, string> = {};
        url.searchParams.forEach((v, k) => (query[k] = v));
        const raw = await readBody(req);

        const first = segments[0]?.toLowerCase();
        if (
            first !== "admin" &&
            first !== "subscriptions" &&
            first !== "blob" &&
            this.identityRouter.match(method, segments).kind !== "none"
        ) {
            await this.processIdentity(req, res, method, path, query, segments, raw, started);
            return;
        }

        let body: unknown;
        let bodyError: string | undefined;
        if (raw.length > 0) {
            try {
                body = JSON.parse(raw.toString("utf8"));
            } catch (e) {
                bodyError = (e as Error).message;
            }
        }

        if (segments[0]?.toLowerCase() === "admin") {
            let reply: Reply;
            try {
                if (bodyError) throw invalidRequestContent(bodyError);
                const simNow = this.current.tick();
                reply = await this.route(
                    this.adminRouter,
                    { method, path, params: {}, query, body, headers: req.headers, simNow },
                    segments,
                );
            } catch (e) {
                reply = errorReply(e, this.accessLog);
            }
            send(res, method, reply);
            this.accessLog?.(`${method} ${path} ${reply.status} ${Date.now() - started}ms (admin)`);
            return;
        }

        const isArm = first === "subscriptions";
        const kind: RequestKind = first === "blob" ? "blob" : "arm";
        const entry = this.log.start(method, path, query, req.headers, bodyError ? null : (body ?? null), kind);
        const extraHeaders: Record<string, string> = isArm ? armIdentityHeaders(req.headers) : {};
        const fault = this.faults.take("request", { method, path });
        if (fault) {
            entry.fault = fault.spec.kind;
            if (
                await this.applyEarlyFault(fault, req, res, method, path, entry, extraHeaders, started, kind === "blob" ? "storage" : "arm")
            )
                return;
        }

        let reply: Reply;
        try {
            const authFailure = this.authenticate(req.headers.authorization, kind === "blob" ? "storage" : "arm");
            if (authFailure) {
                this.finish(
                    res,
                    method,
                    path,
                    entry,
                    { ...authFailure, headers: { ...extraHeaders, ...(authFailure.headers ?? {}) } },
                    started,
                );
                return;
            }
            const denied = this.authorize(req.headers.authorization, kind, method, path, segments);
            if (denied) {
                this.finish(res, method, path, entry, { ...denied, headers: { ...extraHeaders, ...(denied.headers ?? {}) } }, started);
                return;
            }
            if (isArm) {
                if (query["api-version"] === undefined) throw missingApiVersion();
                checkApiVersion(segments, query["api-version"], (segs) => this.resourceGroupLocation(segs));
                const isRead = method === "GET" || method === "HEAD";
                const limit = this.throttle.consume(segments[1] ?? "", isRead);
                extraHeaders[limit.header] = String(limit.remaining);
                if (limit.throttled) {
                    throw new ArmError(
                        429,
                        "SubscriptionRequestsThrottled",
                        `Number of ${isRead ? "read" : "write"} requests for subscription '${segments[1]}' exceeded the limit. Please try again after '${limit.retryAfterSeconds}' seconds.`,
                        undefined,
                        { "Retry-After": String(limit.retryAfterSeconds) },
                    );
                }
                if (bodyError) throw invalidRequestContent(bodyError);
            }
            const simNow = this.current.tick();
            reply = await this.route(
                this.armRouter,
                { method, path, params: {}, query, body: bodyError ? undefined : body, headers: req.headers, simNow },
                segments,
            );
        } catch (e) {
            reply = errorReply(e, this.accessLog);
        }
        reply = { ...reply, headers: { ...extraHeaders, ...(reply.headers ?? {}) } };

        if (fault?.spec.kind === "http")
            reply = { ...httpFaultReply(fault), headers: { ...extraHeaders, ...(httpFaultReply(fault).headers ?? {}) } };
        if (fault?.spec.kind === "reset") {
            entry.status = 0;
            req.socket.destroy();
            this.accessLog?.(`${method} ${path} (reset fault after processing: connection destroyed)`);
            return;
        }
        this.finish(res, method, path, entry, reply, started);
    }

    /**
     * Applies a request-stage fault that answers before routing (hang, reset, delay, http,
     * tokenRejected). True if the request is finished.
     */
    private async applyEarlyFault(
        fault: ActiveFault,
        req: IncomingMessage,
        res: ServerResponse,
        method: string,
        path: string,
        entry: LoggedRequest,
        extraHeaders: Record<string, string>,
        started: number,
        audience: "arm" | "storage",
    ): Promise<boolean> {
        if (fault.spec.kind === "hang") {
            this.hungSockets.add(req.socket);
            req.socket.once("close", () => this.hungSockets.delete(req.socket));
            this.accessLog?.(`${method} ${path} (hang fault: no answer)`);
            return true;
        }
        if (fault.spec.kind === "reset" && fault.spec.when !== "after") {
            entry.status = 0;
            req.socket.destroy();
            this.accessLog?.(`${method} ${path} (reset fault: connection destroyed)`);
            return true;
        }
        if (fault.spec.kind === "delay") await sleep(Number(fault.spec.ms));
        if (fault.spec.kind === "http" && fault.spec.when !== "after") {
            const reply = httpFaultReply(fault);
            this.finish(res, method, path, entry, { ...reply, headers: { ...extraHeaders, ...(reply.headers ?? {}) } }, started);
            return true;
        }
        if (fault.spec.kind === "tokenRejected") {
            const reply = this.identity.injectedRejection(
                audience,
                fault.spec.code as string | undefined,
                fault.spec.message as string | undefined,
            );
            this.finish(res, method, path, entry, { ...reply, headers: { ...extraHeaders, ...(reply.headers ?? {}) } }, started);
            return true;
        }
        return false;
    }

    /**
     * Role-based access (auth "entra"): the 403 Azure answers when none of the caller's role
     * assignments grants the request (emulator/server/role-assignments.ts), else undefined.
     */
    private authorize(
        authorization: string | undefined,
        kind: RequestKind,
        method: string,
        path: string,
        segments: string[],
    ): Reply | undefined {
        if (this.auth !== "entra") return undefined;
        const check = this.identity.check(authorization, kind === "blob" ? "storage" : "arm");
        if (!check.ok) return undefined;
        const principal = { appId: String(check.claims.appid), objectId: String(check.claims.oid) };
        const assignments = this.current.roleAssignmentsOf(principal.appId);
        if (kind === "blob") {
            const account = this.current.resources
                .all()
                .find(
                    (r) =>
                        r.type.toLowerCase() === "microsoft.storage/storageaccounts" &&
                        r.name.toLowerCase() === (segments[1] ?? "").toLowerCase(),
                );
            if (!account || blobAllowed(assignments, method, account.id)) return undefined;
            return storageError(
                403,
                "AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission.",
            );
        }
        try {
            authorizeArm(assignments, principal, method, path, segments);
            return undefined;
        } catch (e) {
            return errorReply(e);
        }
    }

    /** The location of the resource group an ARM path names (for ARM's api-version error). */
    private resourceGroupLocation(segments: string[]): string | undefined {
        if (segments[2]?.toLowerCase() !== "resourcegroups" || !segments[3]) return undefined;
        return this.current.seed.resourceGroups.find((rg) => rg.name.toLowerCase() === segments[3].toLowerCase())?.location;
    }

    /** The 401 answer if the request is not authenticated as the auth mode requires, else undefined. */
    private authenticate(authorization: string | undefined, audience: "arm" | "storage"): Reply | undefined {
        if (this.auth === "entra") {
            const check = this.identity.check(authorization, audience);
            return check.ok ? undefined : this.identity.rejection(audience, check);
        }
        if (audience === "arm" && this.current.seed.requireAuthorization && !authorization) {
            const e = new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
            return { status: 401, body: e.toBody() };
        }
        return undefined;
    }

    /** The identity endpoints: form bodies, secrets redacted in the log, faulted only by faults whose match names the path. */
    private async processIdentity(
        req: IncomingMessage,
        res: ServerResponse,
        method: string,
        path: string,
        query: Record<string, string>,
        segments: string[],
        raw: Buffer,
        started: number,
    ): Promise<void> {
        const contentType = String(req.headers["content-type"] ?? "").toLowerCase();
        let form: Record<string, string> | undefined;
        if (raw.length > 0 && (contentType.startsWith("application/x-www-form-urlencoded") || contentType === "")) {
            form = {};
            new URLSearchParams(raw.toString("utf8")).forEach((v, k) => (form![k] = v));
        }
        const entry = this.log.start(method, path, query, req.headers, form ? redactForm(form, SECRET_FORM_FIELDS) : null, "identity");
        const fault = this.faults.take("request", { method, path, pathMatchRequired: true }, ["http", "reset", "hang", "delay"]);
        if (fault) {
            entry.fault = fault.spec.kind;
            if (await this.applyEarlyFault(fault, req, res, method, path, entry, {}, started, "arm")) return;
        }
        let reply: Reply;
        try {
            if (raw.length > 0 && !form) {
                reply = {
                    status: 400,
                    body: {
                        error: "invalid_request",
                        error_description: "AADSTS900144: The request body must be application/x-www-form-urlencoded.",
                        error_codes: [900144],
                    },
                };
            } else {
                reply = await this.route(
                    this.identityRouter,
                    { method, path, params: {}, query, body: form, headers: req.headers, simNow: this.clock.now() },
                    segments,
                );
            }
        } catch (e) {
            reply = errorReply(e, this.accessLog);
        }
        if (fault?.spec.kind === "http" && fault.spec.when === "after") reply = httpFaultReply(fault);
        if (fault?.spec.kind === "reset" && fault.spec.when === "after") {
            entry.status = 0;
            req.socket.destroy();
            return;
        }
        send(res, method, reply);
        entry.status = reply.status;
        entry.durationMs = Date.now() - started;
        this.accessLog?.(`${method} ${path} ${reply.status} ${entry.durationMs}ms (identity)`);
    }

    private finish(res: ServerResponse, method: string, path: string, entry: LoggedRequest, reply: Reply, started: number): void {
        send(res, method, reply);
        entry.status = reply.status;
        entry.durationMs = Date.now() - started;
        this.accessLog?.(`${method} ${path} ${reply.status} ${entry.durationMs}ms${entry.fault ? ` (fault: ${entry.fault})` : ""}`);
    }

    private async route(router: Router, req: ApiRequest, segments: string[]): Promise<Reply> {
        const match = router.match(req.method, segments);
        if (match.kind === "none") throw noRoute(req.path);
        if (match.kind === "methodNotAllowed") throw methodNotAllowed(req.method, req.path);
        return match.handler({ ...req, params: match.params });
    }
}

function errorReply(e: unknown, accessLog?: (line: string) => void): Reply {
    if (e instanceof ArmError) return { status: e.status, headers: e.headers, body: e.toBody() };
    accessLog?.(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    return {
        status: 500,
        body: new ArmError(
            500,
            "InternalServerError",
            `The emulator failed to process the request: ${(e as Error)?.message ?? String(e)}`,
        ).toBody(),
    };
}

function httpFaultReply(fault: ActiveFault): Reply {
    const spec = fault.spec;
    const status = Number(spec.status);
    const headers: Record<string, string> = {};
    if (spec.retryAfter !== undefined) headers["Retry-After"] = String(spec.retryAfter);
    if (spec.retryAfterMs !== undefined) {
        headers["retry-after-ms"] = String(spec.retryAfterMs);
        headers["x-ms-retry-after-ms"] = String(spec.retryAfterMs);
    }
    for (const [k, v] of Object.entries((spec.headers as Record<string, unknown> | undefined) ?? {})) headers[k] = String(v);
    const body = spec.body ?? { error: { code: defaultCodeForStatus(status), message: `The emulator injected an HTTP ${status} fault.` } };
    return { status, headers, body: status === 204 ? undefined : body };
}

function send(res: ServerResponse, method: string, reply: Reply): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: Buffer | undefined;
    if (reply.raw !== undefined) {
        payload = reply.raw;
        headers["Content-Type"] = reply.contentType ?? "application/octet-stream";
    } else if (reply.text !== undefined) {
        payload = Buffer.from(reply.text, "utf8");
        headers["Content-Type"] = reply.contentType ?? "text/plain; charset=utf-8";
    } else if (reply.body !== undefined) {
        payload = Buffer.from(JSON.stringify(reply.body), "utf8");
        headers["Content-Type"] = reply.contentType ?? "application/json; charset=utf-8";
    }
    if (reply.status === 204 || reply.status === 304) payload = undefined;
    headers["Content-Length"] = String(payload?.length ?? 0);
    res.writeHead(reply.status, headers);
    res.end(method === "HEAD" ? undefined : payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY_BYTES) {
                reject(new Error("request body too large"));
                req.destroy();
                return;
            }
            chunks.push(c);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}
