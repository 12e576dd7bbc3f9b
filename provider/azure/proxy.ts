/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case forms), as curl, azure-cli and the Azure
 * SDKs read them: `https://` calls go through HTTPS_PROXY, `http://` calls through HTTP_PROXY, and
 * a host that NO_PROXY lists (a name, `.suffix` or `*.suffix`, an IP, `host:port`, or `*` for all)
 * is reached directly. Agents come from `https-proxy-agent` / `http-proxy-agent` (CONNECT tunnels
 * for TLS): node-fetch v2 takes a Node.js agent per request. One agent per proxy and process.
 */
import type { Agent } from "http";
import { namedError } from "./errors";
import { processSingleton } from "../pulumi/process-singleton";

/** A proxy variable that does not parse (an Error made by a factory: see errors.ts). */
function proxySettingsError(message: string): Error {
    return namedError("ProxySettingsError", message, {});
}

export interface ProxySettings {
    https?: URL;
    http?: URL;
    /** From HTTPS_PROXY / HTTP_PROXY (whichever spelling was set): for messages. */
    httpsVariable?: string;
    httpVariable?: string;
    noProxy: string[];
}

function variable(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | undefined {
    for (const name of names) {
        const value = env[name];
        if (value !== undefined && value.trim() !== "") return { name, value: value.trim() };
    }
    return undefined;
}

function parseProxy(v: { name: string; value: string }): URL {
    let u: URL;
    try {
        u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v.value) ? v.value : `http://${v.value}`);
    } catch {
        throw proxySettingsError(
            `The proxy URL in ${v.name} does not parse. Set it to a URL such as http://proxy.example.com:3128 (or unset ${v.name}).`,
        );
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
        throw proxySettingsError(
            `The proxy URL in ${v.name} uses the scheme '${u.protocol}'; only http:// and https:// proxies are supported. Set it to e.g. http://proxy.example.com:3128.`,
        );
    }
    if (!u.hostname) throw proxySettingsError(`The proxy URL in ${v.name} has no host. Set it to e.g. http://proxy.example.com:3128.`);
    return u;
}

/** Reads the proxy variables; throws a ProxySettingsError error naming the variable when a URL does not parse. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings {
    const https = variable(env, ["HTTPS_PROXY", "https_proxy"]);
    const http = variable(env, ["HTTP_PROXY", "http_proxy"]);
    const no = variable(env, ["NO_PROXY", "no_proxy"]);
    return {
        https: https ? parseProxy(https) : undefined,
        http: http ? parseProxy(http) : undefined,
        httpsVariable: https?.name,
        httpVariable: http?.name,
        noProxy: no
            ? no.value
                  .split(/[,\s]+/)
                  .map((s) => s.trim().toLowerCase())
                  .filter(Boolean)
            : [],
    };
}

/** True when NO_PROXY says `url` is reached directly. */
export function bypassesProxy(url: URL, noProxy: string[]): boolean {
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    return noProxy.some((entry) => {
        if (entry === "*") return true;
        let h = entry;
        let p: string | undefined;
        const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
        if (m) {
            h = m[1];
            p = m[2];
        }
        h = h.replace(/^\[|\]$/g, "").replace(/^\*/, "");
        if (p && p !== port) return false;
        if (h.startsWith(".")) return host.endsWith(h) || host === h.slice(1);
        return host === h || host.endsWith(`.${h}`);
    });
}

/** The agent for a request to `url`, or undefined to connect directly. */
export function proxyAgentFor(url: string, env: NodeJS.ProcessEnv = process.env): Agent | undefined {
    const settings = proxySettings(env);
    const target = new URL(url);
    const proxy = target.protocol === "https:" ? settings.https : settings.http;
    if (!proxy || bypassesProxy(target, settings.noProxy)) return undefined;
    const agents = processSingleton("vmrestore.proxyAgents", () => new Map<string, Agent>());
    const key = `${target.protocol} ${proxy.href}`;
    let agent = agents.get(key);
    if (!agent) {
        if (target.protocol === "https:") {
            const { HttpsProxyAgent } = require("https-proxy-agent") as typeof import("https-proxy-agent");
            agent = new HttpsProxyAgent(proxy.href, { keepAlive: true });
        } else {
            const { HttpProxyAgent } = require("http-proxy-agent") as typeof import("http-proxy-agent");
            agent = new HttpProxyAgent(proxy.href, { keepAlive: true });
        }
        agents.set(key, agent);
    }
    return agent;
}
