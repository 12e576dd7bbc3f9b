/**
 * A small path router: patterns like `/subscriptions/:sub/resourceGroups/:rg` whose literal
 * segments match case-insensitively, `:name` captures one (decoded) segment and a final
 * `*name` captures the rest of the path. A path that matches a pattern under another method
 * answers 405.
 */
import { IncomingHttpHeaders } from "http";

export interface ApiRequest {
    method: string;
    /** Decoded path without the query. */
    path: string;
    params: Record<string, string>;
    query: Record<string, string>;
    /** Parsed JSON body (undefined when empty). */
    body: unknown;
    headers: IncomingHttpHeaders;
    /** The simulated clock reading this request was served at (after EmulatorState.tick()). */
    simNow: number;
}

export interface Reply {
    status: number;
    headers?: Record<string, string>;
    /** JSON body. */
    body?: unknown;
    /** Raw body (takes precedence over body). */
    text?: string;
    /** Raw bytes (take precedence over text and body). */
    raw?: Buffer;
    contentType?: string;
}

export type Handler = (req: ApiRequest) => Reply | Promise<Reply>;

interface Route {
    methods: string[];
    parts: string[];
    handler: Handler;
}

export type RouteMatch =
    | { kind: "found"; handler: Handler; params: Record<string, string> }
    | { kind: "methodNotAllowed"; allowed: string[] }
    | { kind: "none" };

export class Router {
    private readonly routes: Route[] = [];

    add(methods: string | string[], pattern: string, handler: Handler): this {
        const list = (Array.isArray(methods) ? methods : [methods]).map((m) => m.toUpperCase());
        this.routes.push({ methods: list, parts: splitPath(pattern), handler });
        return this;
    }

    match(method: string, segments: string[]): RouteMatch {
        const allowed: string[] = [];
        for (const route of this.routes) {
            const params = matchParts(route.parts, segments);
            if (!params) continue;
            if (route.methods.includes(method.toUpperCase())) return { kind: "found", handler: route.handler, params };
            allowed.push(...route.methods);
        }
        return allowed.length > 0 ? { kind: "methodNotAllowed", allowed } : { kind: "none" };
    }
}

/** Splits a raw URL path into decoded segments (empty segments and trailing slashes dropped). */
export function splitPath(path: string): string[] {
    return path
        .split("/")
        .filter((s) => s.length > 0)
        .map((s) => {
            try {
                return decodeURIComponent(s);
            } catch {
                return s;
            }
        });
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.startsWith("*")) {
            if (i >= segments.length) return undefined;
            params[part.slice(1)] = segments.slice(i).join("/");
            return params;
        }
        const seg = segments[i];
        if (seg === undefined) return undefined;
        if (part.startsWith(":")) params[part.slice(1)] = seg;
        else if (part.toLowerCase() !== seg.toLowerCase()) return undefined;
    }
    return segments.length === parts.length ? params : undefined;
}
