/**
 * Starting and stopping the local Azure Backup emulator: an HTTP or HTTPS server (Node's http /
 * https modules) on a loopback address speaking the ARM contract of Azure Backup restores, with
 * an optional Entra ID–like token endpoint and token checks.
 *
 *   const emu = await startEmulator({ clockSpeed: 36000 });
 *   // ... point clients at emu.url ...
 *   await emu.stop();
 *
 *   const secure = await startEmulator({ tls: true, auth: "entra" });
 *   // secure.url = https://127.0.0.1:PORT; trust secure.caCertPath (NODE_EXTRA_CA_CERTS or a `ca` option)
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { createServer as createHttpsServer } from "https";
import { AddressInfo, Socket } from "net";
import { EmulatorApp } from "./app";
import { ThrottleOptions } from "./arm-throttle";
import { ensureEmulatorCa, issueServerCertificate } from "./certificate-authority";
import { AuthMode } from "./entra-id";
import { JobClock, ScaledClock } from "../world/job-clock";
import { defaultSeed, parseSeed, Seed } from "../world/seed";
import { AzureVariants, STRICT_VARIANTS } from "../world/azure-variants";
import { isWireFormat, WireFormat } from "../backup/wire-format";

export interface EmulatorOptions {
    /** Default 0 = a free port. */
    port?: number;
    /** Default "127.0.0.1"; anything that is not a loopback address is refused (throws). */
    host?: string;
    /** Default: defaultSeed() (emulator/world/seed/default-seed.ts). */
    seed?: Seed;
    /** Simulated seconds per real second; default 600. Ignored when `clock` is given. */
    clockSpeed?: number;
    /** Optional access log sink (one line per request). */
    log?: (line: string) => void;
    /** A clock to use instead of a ScaledClock(clockSpeed), e.g. manualClock() from emulator/world/job-clock.ts. */
    clock?: JobClock;
    /**
     * Serve HTTPS with a certificate from the emulator CA (emulator/server/certificate-authority.ts);
     * `url` is then https://…. Default false (plain http).
     */
    tls?: boolean;
    /** Where the emulator CA lives; default `${XDG_CACHE_HOME:-~/.cache}/vmrestore/emulator-ca`. Only with tls. */
    caDir?: string;
    /**
     * "anonymous" (default): any or no Authorization is accepted (the seed's requireAuthorization
     * aside). "entra": every ARM and blob call needs a bearer token issued by the emulator's token
     * endpoint, for the right audience, not expired (emulator/server/entra-id.ts).
     */
    auth?: AuthMode;
    /** Lifetime of issued tokens in real seconds; default 3600. */
    tokenLifetimeSeconds?: number;
    /** Enforced ARM throttle (per-subscription token buckets, 429 + Retry-After when empty); overrides the seed's rateLimits. */
    throttle?: ThrottleOptions;
    /** "spec" (default) or "live" wire formats (emulator/backup/wire-format.ts); overrides the seed's wireFormat. */
    wireFormat?: WireFormat;
    /** Where Azure varies (emulator/world/azure-variants.ts): "spec" (the defaults), "strict" (STRICT_VARIANTS) or a partial set; overrides the seed's variants. */
    variants?: "spec" | "strict" | AzureVariants;
}

export interface RunningEmulator {
    /** e.g. http://127.0.0.1:PORT (https:// with tls), no trailing slash. */
    url: string;
    port: number;
    /** With tls: the CA certificate file to trust (NODE_EXTRA_CA_CERTS) and its PEM (for a `ca` option). */
    caCertPath?: string;
    caCertPem?: string;
    stop(): Promise<void>;
}

/** True for localhost, 127.0.0.0/8 and ::1 (also as ::ffff:127.x.x.x). */
export function isLoopbackHost(host: string): boolean {
    const h = host
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, "");
    if (h === "localhost") return true;
    if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
    const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
    return !!m && Number(m[1]) === 127 && m.slice(2).every((o) => Number(o) <= 255);
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
    const host = opts.host ?? "127.0.0.1";
    if (!isLoopbackHost(host)) {
        throw new Error(`The VmRestore emulator only listens on a loopback address; refusing host '${host}'.`);
    }
    const given = opts.seed ? parseSeed(opts.seed) : defaultSeed();
    const seed =
        opts.variants === undefined
            ? given
            : {
                  ...given,
                  variants:
                      opts.variants === "strict"
                          ? { ...STRICT_VARIANTS }
                          : opts.variants === "spec"
                            ? {}
                            : parseSeed({ ...given, variants: opts.variants }).variants,
              };
    const clock = opts.clock ?? new ScaledClock(opts.clockSpeed ?? 600);
    if (opts.auth !== undefined && opts.auth !== "anonymous" && opts.auth !== "entra")
        throw new Error(`auth must be "anonymous" or "entra", got '${String(opts.auth)}'`);
    if (opts.wireFormat !== undefined && !isWireFormat(opts.wireFormat))
        throw new Error(`wireFormat must be "spec" or "live", got '${String(opts.wireFormat)}'`);

    let app: EmulatorApp | undefined;
    const listener = (req: IncomingMessage, res: ServerResponse) => {
        if (app) app.handle(req, res);
        else {
            res.writeHead(503, { "Retry-After": "1" });
            res.end();
        }
    };
    const ca = opts.tls ? ensureEmulatorCa(opts.caDir) : undefined;
    let server: Server;
    if (ca) {
        const cert = issueServerCertificate(ca, [host]);
        server = createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, listener);
    } else {
        server = createServer(listener);
    }
    server.keepAliveTimeout = 5000;
    const sockets = new Set<Socket>();
    server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(opts.port ?? 0, host, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    const hostForUrl =
        host.toLowerCase() === "localhost"
            ? "localhost"
            : address.family === "IPv6" || address.address.includes(":")
              ? `[${address.address}]`
              : address.address;
    const url = `${ca ? "https" : "http"}://${hostForUrl}:${address.port}`;
    try {
        app = new EmulatorApp(seed, url, clock, {
            accessLog: opts.log,
            auth: opts.auth,
            tokenLifetimeSeconds: opts.tokenLifetimeSeconds,
            throttle: opts.throttle,
            wireFormat: opts.wireFormat,
        });
    } catch (e) {
        server.close();
        throw e;
    }

    let stopped: Promise<void> | undefined;
    return {
        url,
        port: address.port,
        ...(ca ? { caCertPath: ca.caCertPath, caCertPem: ca.caCertPem } : {}),
        stop(): Promise<void> {
            stopped ??= new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
                for (const s of sockets) s.destroy();
            });
            return stopped;
        },
    };
}
