/**
 * Command line: starts the emulator and prints one line,
 *   VmRestore emulator listening on http://127.0.0.1:PORT
 * to stdout; access logs go to stderr. Stops on SIGINT/SIGTERM.
 *
 *   node -r ts-node/register/transpile-only emulator/cli.ts [--port N] [--seed file.json] [--speed N] [--host H] [--quiet]
 */
import { loadSeedFile, SeedError } from "./seed";
import { startEmulator } from "./server";

interface CliArgs {
  port: number;
  seedFile?: string;
  speed?: number;
  host?: string;
  quiet: boolean;
}

const USAGE = "usage: emulator/cli.ts [--port N] [--seed file.json] [--speed N] [--host 127.0.0.1] [--quiet]";

function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { port: 0, quiet: false };
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
  const seed = args.seedFile ? loadSeedFile(args.seedFile) : undefined;
  const emulator = await startEmulator({
    port: args.port,
    host: args.host,
    seed,
    clockSpeed: args.speed,
    log: args.quiet ? undefined : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`VmRestore emulator listening on ${emulator.url}\n`);
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

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof SeedError || e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
