/**
 * Starting and stopping the local Azure Backup emulator: an HTTP server (Node's http module)
 * on a loopback address speaking the ARM contract of Azure Backup restores.
 *
 *   const emu = await startEmulator({ clockSpeed: 36000 });
 *   // ... point clients at emu.url ...
 *   await emu.stop();
 */
import { createServer, Server } from "http";
import { AddressInfo, Socket } from "net";
import { EmulatorApp } from "./app";
import { JobClock, ScaledClock } from "./job-clock";
import { defaultSeed, parseSeed, Seed } from "./seed";

export interface EmulatorOptions {
  /** Default 0 = a free port. */
  port?: number;
  /** Default "127.0.0.1"; anything that is not a loopback address is refused (throws). */
  host?: string;
  /** Default: defaultSeed() from emulator/seed.ts. */
  seed?: Seed;
  /** Simulated seconds per real second; default 600. Ignored when `clock` is given. */
  clockSpeed?: number;
  /** Optional access log sink (one line per request). */
  log?: (line: string) => void;
  /** A clock to use instead of a ScaledClock(clockSpeed), e.g. manualClock() from emulator/job-clock.ts. */
  clock?: JobClock;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** True for localhost, 127.0.0.0/8 and ::1 (also as ::ffff:127.x.x.x). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
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
  const seed = opts.seed ? parseSeed(opts.seed) : defaultSeed();
  const clock = opts.clock ?? new ScaledClock(opts.clockSpeed ?? 600);

  let app: EmulatorApp | undefined;
  const server: Server = createServer((req, res) => {
    if (app) app.handle(req, res);
    else {
      res.writeHead(503, { "Retry-After": "1" });
      res.end();
    }
  });
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
  const hostForUrl = host.toLowerCase() === "localhost" ? "localhost" : address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  app = new EmulatorApp(seed, url, clock, opts.log);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port: address.port,
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
