#!/usr/bin/env node
/**
 * Command line: starts the emulator and prints one line,
 *   VmRestore emulator listening on http://127.0.0.1:PORT      (https://… with --tls)
 * to stdout; access logs go to stderr. Stops on SIGINT/SIGTERM.
 *
 *   node -r ts-node/register/transpile-only emulator/cli.ts [--port N] [--seed file.json] [--speed N] [--host H] [--quiet]
 *        [--tls] [--ca-dir DIR] [--auth anonymous|entra] [--token-lifetime SECONDS] [--wire-format spec|live]
 *        [--throttle READS,WRITES[,SCALE]] [--variants spec|strict]
 *   … emulator/cli.ts --print-ca-path [--ca-dir DIR]   creates the emulator CA if needed, prints its
 *        certificate's path and exits: export NODE_EXTRA_CA_CERTS="$(… --print-ca-path)"
 */
import { ThrottleOptions } from "./server/arm-throttle";
import { ensureEmulatorCa } from "./server/certificate-authority";
import { AuthMode } from "./server/entra-id";
import { isWireFormat, WireFormat } from "./backup/wire-format";

export interface CliArgs {
    port: number;
    seedFile?: string;
    speed?: number;
    host?: string;
    quiet: boolean;
    tls: boolean;
    caDir?: string;
    printCaPath: boolean;
    auth?: AuthMode;
    tokenLifetimeSeconds?: number;
    wireFormat?: WireFormat;
    variants?: "spec" | "strict";
    throttle?: ThrottleOptions;
}

const USAGE =
    "usage: emulator/cli.ts [--port N] [--seed file.json] [--speed N] [--host 127.0.0.1] [--quiet] [--tls] [--ca-dir DIR]\n" +
    "                       [--auth anonymous|entra] [--token-lifetime SECONDS] [--wire-format spec|live] [--throttle READS,WRITES[,SCALE]]\n" +
    "                       [--variants spec|strict]\n" +
    "       emulator/cli.ts --print-ca-path [--ca-dir DIR]";

/** Parses the command line (throws with the usage on a bad argument). */
export function parseArgs(argv: string[]): CliArgs {
    const out: CliArgs = { port: 0, quiet: false, tls: false, printCaPath: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
            return v;
        };
        switch (flag) {
            case "--port": {
                const n = Number(value());
                if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be 0..65535\n${USAGE}`);
                out.port = n;
                break;
            }
            case "--seed":
                out.seedFile = value();
                break;
            case "--speed": {
                const n = Number(value());
                if (!(n >= 0) || !Number.isFinite(n)) throw new Error(`--speed must be a number >= 0\n${USAGE}`);
                out.speed = n;
                break;
            }
            case "--host":
                out.host = value();
                break;
            case "--quiet":
                out.quiet = true;
                break;
            case "--tls":
                out.tls = true;
                break;
            case "--ca-dir":
                out.caDir = value();
                break;
            case "--print-ca-path":
                out.printCaPath = true;
                break;
            case "--auth": {
                const v = value();
                if (v !== "anonymous" && v !== "entra") throw new Error(`--auth must be anonymous or entra\n${USAGE}`);
                out.auth = v;
                break;
            }
            case "--token-lifetime": {
                const n = Number(value());
                if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--token-lifetime must be a number of seconds > 0\n${USAGE}`);
                out.tokenLifetimeSeconds = n;
                break;
            }
            case "--wire-format": {
                const v = value();
                if (!isWireFormat(v)) throw new Error(`--wire-format must be spec or live\n${USAGE}`);
                out.wireFormat = v;
                break;
            }
            case "--variants": {
                const v = value();
                if (v !== "spec" && v !== "strict") throw new Error(`--variants must be spec or strict\n${USAGE}`);
                out.variants = v;
                break;
            }
            case "--throttle": {
                const parts = value().split(",").map(Number);
                if (
                    parts.length < 2 ||
                    parts.length > 3 ||
                    !(parts[0] >= 1) ||
                    !(parts[1] >= 1) ||
                    parts.some((n) => !Number.isFinite(n)) ||
                    (parts[2] !== undefined && !(parts[2] > 0))
                ) {
                    throw new Error(`--throttle must be READS,WRITES[,SCALE] (per hour, >= 1; scale > 0)\n${USAGE}`);
                }
                out.throttle = {
                    readsPerHour: parts[0],
                    writesPerHour: parts[1],
                    ...(parts[2] !== undefined ? { timeScale: parts[2] } : {}),
                };
                break;
            }
            case "--help":
            case "-h":
                process.stdout.write(`${USAGE}\n`);
                process.exit(0);
                break;
            default:
                throw new Error(`unknown argument ${arg}\n${USAGE}`);
        }
    }
    return out;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    if (args.printCaPath) {
        process.stdout.write(`${ensureEmulatorCa(args.caDir).caCertPath}\n`);
        return;
    }
    // Loaded here, not at the top: --print-ca-path (run before every test and drill) needs neither.
    const { loadSeedFile } = await import("./world/seed");
    const { startEmulator } = await import("./server/server");
    const seed = args.seedFile ? loadSeedFile(args.seedFile) : undefined;
    const emulator = await startEmulator({
        port: args.port,
        host: args.host,
        seed,
        clockSpeed: args.speed,
        tls: args.tls,
        caDir: args.caDir,
        auth: args.auth,
        tokenLifetimeSeconds: args.tokenLifetimeSeconds,
        wireFormat: args.wireFormat,
        variants: args.variants,
        throttle: args.throttle,
        log: args.quiet ? undefined : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    process.stdout.write(`VmRestore emulator listening on ${emulator.url}\n`);
    if (!args.quiet && emulator.caCertPath)
        process.stderr.write(`TLS certificate issued by the emulator CA ${emulator.caCertPath} (trust it with NODE_EXTRA_CA_CERTS)\n`);
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${signal}: stopping the emulator\n`);
        emulator.stop().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
    });
}
