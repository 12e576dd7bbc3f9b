/**
 * A small ARM client: authenticated JSON calls with retries that honour the server's hints, and
 * errors that carry Azure's code and message.
 */
import { azureRequestError, readArmError, redactUrls } from "./errors";
import { HttpResponse, HttpTransport, isTransportError, nodeFetchTransport } from "./http-transport";
import { DEFAULT_RETRY, RetryOptions, isTransientStatus, retryDelayMs, serverRetryHintMs } from "./retry-policy";
import { TokenSource } from "./credentials";
import { PROVIDER_BUILD } from "../pulumi/provider-version";
import { processSharedReads } from "./shared-reads";

export interface ArmResponse<T = unknown> {
    status: number;
    headers: Record<string, string>;
    body: T;
    /** The body's bytes (for blobs, which are not always UTF-8 JSON). */
    bytes?: Buffer;
}

export interface ArmRequestOptions {
    body?: unknown;
    /** Appended as `api-version` unless the URL already carries one (polling URLs do). */
    apiVersion?: string;
    /** OAuth scope; defaults to the ARM scope. */
    scope?: string;
    /**
     * Whether repeating the call is harmless. A non-idempotent call (the restore trigger) is retried
     * only when the server says it did not act on it (429, or 503 with a retry hint).
     */
    idempotent?: boolean;
    /** Statuses that are answers, not errors (e.g. 404 when probing whether something exists). */
    okStatuses?: number[];
    extraHeaders?: Record<string, string>;
    /**
     * For reads of things that do not change during a deployment (vaults, protected items, recovery
     * points, staging accounts, networks): the same read by any resource in this process is sent
     * once while in flight, and its successful answer is reused for this many ms.
     */
    shareMs?: number;
}

export interface ArmClientOptions {
    endpoint: string;
    armScope: string;
    tokens: TokenSource;
    transport?: HttpTransport;
    retry?: RetryOptions;
    sleep?: (ms: number) => Promise<void>;
    /** The clock retries are timed by (an HTTP-date Retry-After is read against it); default Date.now. */
    now?: () => number;
    /** Where retry notices go (one line each). */
    log?: (line: string) => void;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ArmClient {
    readonly endpoint: string;
    private readonly transport: HttpTransport;
    private readonly retry: RetryOptions;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly now: () => number;
    /** Requests sent, retries included (reported in outputs and by the benchmark). */
    requestCount: number;

    // Fields are set in constructors, never by initializers: Pulumi's closure serializer drops those.
    constructor(private readonly opts: ArmClientOptions) {
        this.requestCount = 0;
        this.endpoint = opts.endpoint.replace(/\/+$/, "");
        this.transport = opts.transport ?? nodeFetchTransport;
        this.retry = opts.retry ?? DEFAULT_RETRY;
        this.sleep = opts.sleep ?? realSleep;
        this.now = opts.now ?? Date.now;
    }

    /** An absolute URL for an ARM path (paths are taken as given: callers build them from validated IDs). */
    url(pathOrUrl: string, apiVersion?: string): string {
        const u = new URL(/^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : this.endpoint + pathOrUrl);
        if (apiVersion && !u.searchParams.has("api-version")) u.searchParams.set("api-version", apiVersion);
        return u.toString();
    }

    async get<T = unknown>(pathOrUrl: string, opts: ArmRequestOptions = {}): Promise<ArmResponse<T>> {
        const { shareMs, ...rest } = opts;
        const send = () => this.request<T>("GET", pathOrUrl, { idempotent: true, ...rest });
        if (!shareMs) return send();
        const key = `${opts.scope ?? this.opts.armScope} ${this.url(pathOrUrl, opts.apiVersion)}`;
        return (await processSharedReads().read(key, shareMs, send)) as ArmResponse<T>;
    }

    /**
     * Reads an ARM list to its end, following nextLink, and hands each item to `visit`; `visit`
     * answering true stops there (the item sought was found). Answers the number of pages read.
     */
    async list<T>(pathOrUrl: string, opts: ArmRequestOptions, visit: (item: T) => boolean | void): Promise<number> {
        let next: string | undefined = this.url(pathOrUrl, opts.apiVersion);
        let pages = 0;
        while (next) {
            const page: ArmResponse<{ value?: T[]; nextLink?: string }> = await this.get(next, opts);
            pages++;
            for (const item of page.body?.value ?? []) if (visit(item)) return pages;
            next = page.body?.nextLink;
        }
        return pages;
    }

    async request<T = unknown>(method: string, pathOrUrl: string, opts: ArmRequestOptions = {}): Promise<ArmResponse<T>> {
        const url = this.url(pathOrUrl, opts.apiVersion);
        const idempotent = opts.idempotent ?? (method === "GET" || method === "DELETE" || method === "PUT");
        const started = this.now();
        let tokenRefreshed = false;
        for (let attempt = 1; ; attempt++) {
            const token = await this.opts.tokens.getToken(opts.scope ?? this.opts.armScope);
            const headers: Record<string, string> = {
                authorization: `Bearer ${token}`,
                accept: "application/json",
                "x-ms-client-request-id": randomId(),
                "user-agent": `vmrestore-pulumi/${PROVIDER_BUILD.version}`,
                ...opts.extraHeaders,
            };
            let body: string | undefined;
            if (opts.body !== undefined) {
                body = JSON.stringify(opts.body);
                headers["content-type"] = "application/json";
            }
            let res: HttpResponse | undefined;
            let failure: string;
            let hintMs: number | undefined;
            this.requestCount++;
            try {
                res = await this.transport({ method, url, headers, body, timeoutMs: this.retry.attemptTimeoutMs });
            } catch (e) {
                if (!isTransportError(e)) throw e;
                res = undefined;
                failure = `${e.code ?? "network error"}: ${e.message}`;
                if (!idempotent) {
                    // We cannot know whether the server acted on it; the caller decides (it can look for the job).
                    throw azureRequestError(
                        `${method} ${redactUrls(url)} failed before an answer arrived (${failure}); it was not repeated because it is not safe to send twice`,
                        { status: 0, code: e.code, azureMessage: e.message, method, url },
                    );
                }
            }
            if (res) {
                const parsed = parseJson(res.text);
                if ((res.status >= 200 && res.status < 300) || opts.okStatuses?.includes(res.status)) {
                    return {
                        status: res.status,
                        headers: res.headers,
                        body: parsed as T,
                        bytes: res.bytes ?? Buffer.from(res.text, "utf8"),
                    };
                }
                const armError = readArmError(parsed);
                // Blob storage answers XML, with its code in x-ms-error-code.
                const code = armError.code ?? res.headers["x-ms-error-code"];
                const message =
                    armError.message ??
                    (typeof parsed === "string" ? /<Message>([^<]*)<\/Message>/.exec(parsed)?.[1]?.split("\n")[0] : undefined);
                const details = armError.details;
                hintMs = serverRetryHintMs(res.headers, this.now());
                failure = `${res.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
                if (res.status === 401 && !tokenRefreshed) {
                    // An expired or revoked token: get a fresh one once, then treat 401 as permanent.
                    tokenRefreshed = true;
                    this.opts.tokens.invalidate();
                    attempt--;
                    continue;
                }
                const retryable =
                    isTransientStatus(res.status) && (idempotent || res.status === 429 || (res.status === 503 && hintMs !== undefined));
                if (!retryable) {
                    throw azureRequestError(
                        describeFailure(method, url, res.status, code, message, details, res.headers["x-ms-request-id"]),
                        { status: res.status, code, azureMessage: message, method, url, requestId: res.headers["x-ms-request-id"] },
                    );
                }
            }
            const elapsed = this.now() - started;
            const delay = retryDelayMs(attempt, hintMs, this.retry);
            // Throttling that says when to come back is waited out within the time budget: a busy
            // subscription can answer 429 many times in a row without anything being wrong.
            const throttled = res?.status === 429 && hintMs !== undefined;
            const outOfBudget =
                (!throttled && attempt >= this.retry.maxAttempts) ||
                elapsed + delay > this.retry.budgetMs ||
                (hintMs !== undefined && hintMs > this.retry.maxServerHintMs);
            if (outOfBudget) {
                throw azureRequestError(
                    `${method} ${redactUrls(url)} still failing after ${attempt} attempts over ${Math.round(elapsed / 1000)} s ` +
                        `(last: ${failure!}). Azure may be throttling this subscription or having an outage; run again later.`,
                    { status: res?.status ?? 0, azureMessage: failure!, method, url },
                );
            }
            this.opts.log?.(
                `retrying ${method} ${shortPath(url)} in ${(delay / 1000).toFixed(1)} s (${failure!}${hintMs !== undefined ? `, server asked for ${(hintMs / 1000).toFixed(1)} s` : ""})`,
            );
            await this.sleep(delay);
        }
    }
}

function describeFailure(
    method: string,
    url: string,
    status: number,
    code: string | undefined,
    message: string | undefined,
    details: string[],
    requestId?: string,
): string {
    const parts = [`Azure answered ${status}${code ? ` ${code}` : ""} to ${method} ${redactUrls(url)}`];
    if (message) parts.push(`: ${redactUrls(message)}`);
    if (details.length) parts.push(` (details: ${details.map(redactUrls).join("; ")})`);
    if (requestId) parts.push(` [x-ms-request-id ${requestId}]`);
    if (status === 403) parts.push(` ${missingRoleHint(code, message, url)}`);
    return parts.join("");
}

/** What a 403 means for the identity running Pulumi: which role it lacks, at which scope. */
function missingRoleHint(code: string | undefined, message: string | undefined, url: string): string {
    const arm = /perform action '([^']+)' over scope '([^']+)'/.exec(message ?? "");
    if (arm) {
        return `The identity running Pulumi lacks a role that grants '${arm[1]}' at scope '${arm[2]}': assign it Contributor (or a narrower role with that action) on that scope or a parent, and run again.`;
    }
    if (/^Authorization(PermissionMismatch|Failure)$/i.test(code ?? "") || /\/blob\/|\.blob\./i.test(url)) {
        return "The identity running Pulumi lacks blob data access on the storage account: assign it Storage Blob Data Contributor (Storage Blob Data Reader to read only) on the account, and run again.";
    }
    return "The identity running Pulumi lacks a role for this call: check its role assignments.";
}

function parseJson(text: string): unknown {
    if (!text) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function shortPath(url: string): string {
    const u = new URL(url);
    const p = u.pathname;
    const i = p.search(/\/(protectedItems|backupJobs|backupOperations|disks|virtualMachines|networkInterfaces)\//i);
    return i > 0 ? "…" + decodeURIComponent(p.slice(i)) : decodeURIComponent(p);
}

function randomId(): string {
    const { randomUUID } = require("crypto") as typeof import("crypto");
    return randomUUID();
}
