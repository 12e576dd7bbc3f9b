/**
 * The one seam through which the provider talks to the network. Everything above it works on plain
 * request/response records, so a test or a benchmark can count, delay or replace calls here.
 */
import { isKind, namedError } from "./errors";
import { proxyAgentFor } from "./proxy";

export interface HttpRequest {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
    /** Abandon the attempt after this many milliseconds. */
    timeoutMs: number;
}

export interface HttpResponse {
    status: number;
    /** Header names in lower case. */
    headers: Record<string, string>;
    /** The raw body text ("" when there is none). */
    text: string;
    /** The body's bytes, when the transport keeps them (blobs may be UTF-16 or carry a BOM). */
    bytes?: Buffer;
}

export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

/** A network-level failure (reset, refused, timed out): no HTTP status was received. */
export interface TransportError extends Error {
    kind: "TransportError";
    code?: string;
}

function transportError(message: string, code: string | undefined): TransportError {
    return namedError("TransportError", message, { code }) as TransportError;
}

export const isTransportError = (e: unknown): e is TransportError => isKind(e, "TransportError");

/**
 * The default transport: node-fetch, loaded when first used (not captured into the provider's closure),
 * through the proxy HTTPS_PROXY / HTTP_PROXY name unless NO_PROXY exempts the host (see proxy.ts).
 */
export const nodeFetchTransport: HttpTransport = async (req) => {
    const fetch: typeof import("node-fetch").default = require("node-fetch");
    // A proxy variable that does not parse is a settings error, not a network failure: never retried.
    const agent = proxyAgentFor(req.url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
        const res = await fetch(req.url, {
            method: req.method,
            headers: req.headers,
            body: req.body,
            // node-fetch's types predate the global AbortSignal; the runtime object is compatible.
            signal: controller.signal as unknown as import("node-fetch").RequestInit["signal"],
            redirect: "manual",
            agent,
        });
        const bytes = await res.buffer();
        const text = bytes.toString("utf8");
        const headers: Record<string, string> = {};
        res.headers.forEach((value, name) => {
            headers[name.toLowerCase()] = value;
        });
        return { status: res.status, headers, text, bytes };
    } catch (e) {
        const err = e as { name?: string; code?: string; message?: string };
        if (err.name === "AbortError") {
            throw transportError(`no answer within ${Math.round(req.timeoutMs / 1000)} s`, "ETIMEDOUT");
        }
        throw transportError(err.message ?? String(e), err.code);
    } finally {
        clearTimeout(timer);
    }
};
