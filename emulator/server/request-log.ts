/**
 * The record of every ARM, blob and identity (token endpoint) request the emulator answered
 * (admin calls excluded), served by GET /admin/requests so tests and drills can assert what a
 * client sent. Secrets are never stored: the Authorization (and x-ms-authorization-auxiliary)
 * header values, the client_secret / client_assertion (…) fields of token requests, the
 * accessTokenString of Cross Region Restore bodies and the sig / access_token / client_secret /
 * code query parameters are replaced by "[redacted]". The log keeps the newest 20,000 entries.
 */

/** What a request was for: Azure Resource Manager, the blob endpoint, or the Entra ID–like identity endpoints. */
export type RequestKind = "arm" | "blob" | "identity";

export interface LoggedRequest {
    seq: number;
    kind: RequestKind;
    time: string;
    method: string;
    /** Decoded path, without the query. */
    path: string;
    query: Record<string, string>;
    /** Null until answered; 0 when the connection was reset by a fault; stays null for a hang. */
    status: number | null;
    requestBody: unknown;
    headers: Record<string, string>;
    /** Set when a fault shaped the answer. */
    fault?: string;
    durationMs?: number;
}

const MAX_ENTRIES = 20000;
const REDACTED = "[redacted]";

export class RequestLog {
    private entries: LoggedRequest[] = [];
    private seq = 0;

    start(
        method: string,
        path: string,
        query: Record<string, string>,
        headers: Record<string, string | string[] | undefined>,
        requestBody: unknown,
        kind: RequestKind = "arm",
    ): LoggedRequest {
        const entry: LoggedRequest = {
            seq: ++this.seq,
            kind,
            time: new Date().toISOString(),
            method,
            path,
            query: redactQuery(query),
            status: null,
            requestBody: kind === "identity" ? requestBody : redactBody(requestBody),
            headers: redactHeaders(headers),
        };
        this.entries.push(entry);
        if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
        return entry;
    }

    list(sinceSeq = 0, kind?: RequestKind): LoggedRequest[] {
        return this.entries.filter((e) => e.seq > sinceSeq && (kind === undefined || e.kind === kind));
    }

    clear(): void {
        this.entries = [];
    }
}

function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value === undefined) continue;
        const lower = name.toLowerCase();
        out[lower] =
            lower === "authorization" || lower === "x-ms-authorization-auxiliary"
                ? REDACTED
                : Array.isArray(value)
                  ? value.join(", ")
                  : value;
    }
    return out;
}

/** Query parameters that carry credentials (SAS signatures, tokens, secrets). */
const SECRET_QUERY_PARAMETERS = new Set(["sig", "access_token", "client_secret", "code", "client_assertion"]);

function redactQuery(query: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) out[k] = SECRET_QUERY_PARAMETERS.has(k.toLowerCase()) ? REDACTED : v;
    return out;
}

/** JSON body fields that carry credentials (the Cross Region Restore access token), at any depth. */
const SECRET_BODY_FIELDS = new Set(["accesstokenstring"]);

/** A JSON body with its secret fields replaced by "[redacted]" (a copy; the request keeps the original). */
function redactBody(body: unknown): unknown {
    if (Array.isArray(body)) return body.map(redactBody);
    if (typeof body !== "object" || body === null) return body;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
        out[k] = SECRET_BODY_FIELDS.has(k.toLowerCase()) && v !== undefined && v !== null ? REDACTED : redactBody(v);
    return out;
}

/** A form body (token request) with its secret fields replaced by "[redacted]". */
export function redactForm(form: Record<string, string>, secretFields: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) out[k] = secretFields.includes(k.toLowerCase()) ? REDACTED : v;
    return out;
}
