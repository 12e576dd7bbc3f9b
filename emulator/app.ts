/**
 * The emulator application: owns the state, routers, fault registry, request log, clock and
 * rate limiter, and runs each HTTP request through the pipeline
 *   admin? → admin router
 *   else   → log → request-stage fault → ARM checks (Authorization if required, api-version,
 *            rate limit) → JSON body → tick the simulated world → route → ARM headers → answer.
 */
import { IncomingMessage, ServerResponse } from "http";
import { Socket } from "net";
import { registerAdminRoutes } from "./admin-routes";
import { ArmError, defaultCodeForStatus, invalidRequestContent, methodNotAllowed, missingApiVersion, noRoute } from "./arm-errors";
import { armIdentityHeaders, RateLimiter } from "./arm-headers";
import { registerBackupRoutes } from "./backup-routes";
import { registerBlobRoutes } from "./blob-routes";
import { registerComputeRoutes } from "./compute-routes";
import { EmulatorState } from "./emulator-state";
import { ActiveFault, FaultRegistry } from "./faults";
import { JobClock } from "./job-clock";
import { LoggedRequest, RequestLog } from "./request-log";
import { ApiRequest, Reply, Router, splitPath } from "./router";
import { Seed } from "./seed";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class EmulatorApp {
  readonly faults = new FaultRegistry();
  readonly log = new RequestLog();
  private current: EmulatorState;
  private rateLimiter: RateLimiter;
  private readonly armRouter = new Router();
  private readonly adminRouter = new Router();
  /** Sockets held open by a "hang" fault; destroyed on stop. */
  readonly hungSockets = new Set<Socket>();

  constructor(seed: Seed, readonly baseUrl: string, readonly clock: JobClock, private readonly accessLog?: (line: string) => void) {
    this.current = new EmulatorState(seed, baseUrl, clock);
    this.rateLimiter = limiterFor(seed);
    const state = () => this.current;
    registerBackupRoutes(this.armRouter, state, this.faults);
    registerComputeRoutes(this.armRouter, state);
    registerBlobRoutes(this.armRouter, state);
    registerAdminRoutes(this.adminRouter, {
      state,
      faults: this.faults,
      log: this.log,
      clock,
      reset: (newSeed?: Seed) => this.reset(newSeed),
    });
  }

  reset(seed?: Seed): void {
    const next = seed ?? this.current.seed;
    this.current = new EmulatorState(next, this.baseUrl, this.clock);
    this.rateLimiter = limiterFor(next);
    this.faults.clear();
    this.log.clear();
  }

  /** The http.Server request listener. */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.process(req, res).catch((e: unknown) => {
      this.accessLog?.(`internal error: ${(e as Error)?.stack ?? String(e)}`);
      if (!res.headersSent) send(res, req.method ?? "GET", errorReply(new ArmError(500, "InternalServerError", "The emulator failed to process the request.")));
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
        reply = await this.route(this.adminRouter, { method, path, params: {}, query, body, headers: req.headers, simNow }, segments);
      } catch (e) {
        reply = errorReply(e, this.accessLog);
      }
      send(res, method, reply);
      this.accessLog?.(`${method} ${path} ${reply.status} ${Date.now() - started}ms (admin)`);
      return;
    }

    const entry = this.log.start(method, path, query, req.headers, bodyError ? null : body ?? null);
    const isArm = segments[0]?.toLowerCase() === "subscriptions";
    const extraHeaders: Record<string, string> = isArm ? armIdentityHeaders(req.headers) : {};
    const fault = this.faults.take("request", { method, path });
    if (fault) {
      entry.fault = fault.spec.kind;
      if (fault.spec.kind === "hang") {
        this.hungSockets.add(req.socket);
        req.socket.once("close", () => this.hungSockets.delete(req.socket));
        this.accessLog?.(`${method} ${path} (hang fault: no answer)`);
        return;
      }
      if (fault.spec.kind === "reset" && fault.spec.when !== "after") {
        entry.status = 0;
        req.socket.destroy();
        this.accessLog?.(`${method} ${path} (reset fault: connection destroyed)`);
        return;
      }
      if (fault.spec.kind === "delay") await sleep(Number(fault.spec.ms));
      if (fault.spec.kind === "http" && fault.spec.when !== "after") {
        const reply = httpFaultReply(fault);
        this.finish(res, method, path, entry, { ...reply, headers: { ...extraHeaders, ...(reply.headers ?? {}) } }, started);
        return;
      }
    }

    let reply: Reply;
    try {
      if (isArm) {
        if (this.current.seed.requireAuthorization && !req.headers.authorization) {
          throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        if (query["api-version"] === undefined) throw missingApiVersion();
        const limit = this.rateLimiter.consume(segments[1] ?? "", method === "GET" || method === "HEAD");
        extraHeaders[limit.header] = String(limit.remaining);
        if (limit.exhausted && this.rateLimiter.enforce) {
          throw new ArmError(429, "TooManyRequests", `Number of ${method === "GET" ? "read" : "write"} requests for subscription '${segments[1]}' exceeded the limit.`, undefined, { "Retry-After": String(limit.retryAfterSeconds) });
        }
        if (bodyError) throw invalidRequestContent(bodyError);
      }
      const simNow = this.current.tick();
      reply = await this.route(this.armRouter, { method, path, params: {}, query, body: bodyError ? undefined : body, headers: req.headers, simNow }, segments);
    } catch (e) {
      reply = errorReply(e, this.accessLog);
    }
    reply = { ...reply, headers: { ...extraHeaders, ...(reply.headers ?? {}) } };

    if (fault?.spec.kind === "http") reply = { ...httpFaultReply(fault), headers: { ...extraHeaders, ...(httpFaultReply(fault).headers ?? {}) } };
    if (fault?.spec.kind === "reset") {
      entry.status = 0;
      req.socket.destroy();
      this.accessLog?.(`${method} ${path} (reset fault after processing: connection destroyed)`);
      return;
    }
    this.finish(res, method, path, entry, reply, started);
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

function limiterFor(seed: Seed): RateLimiter {
  return new RateLimiter(seed.rateLimits?.readsPerHour ?? 12000, seed.rateLimits?.writesPerHour ?? 1200, seed.rateLimits?.enforce ?? false);
}

function errorReply(e: unknown, accessLog?: (line: string) => void): Reply {
  if (e instanceof ArmError) return { status: e.status, headers: e.headers, body: e.toBody() };
  accessLog?.(`internal error: ${(e as Error)?.stack ?? String(e)}`);
  return { status: 500, body: new ArmError(500, "InternalServerError", `The emulator failed to process the request: ${(e as Error)?.message ?? String(e)}`).toBody() };
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
  if (reply.text !== undefined) {
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
