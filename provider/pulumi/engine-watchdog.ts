/**
 * Inside the dynamic provider process: exit when the Pulumi engine that started us is gone.
 *
 * If `pulumi up` is killed (SIGKILL, a lost CI runner), the engine dies but the provider process it
 * started lives on as an orphan, still polling Azure, and its writes to the closed stdout fail
 * forever (Pulumi's host logs each failure to the same closed pipe). Exiting is right: nobody can
 * receive the result, and the restore job is found again by the next run (checkpoint or job list).
 */
import { processSingleton } from "./process-singleton";

export function exitWhenEngineGone(): void {
    // Once per process (every provider call comes here; a module-level flag would not remember).
    const watchdog = processSingleton("vmrestore.engineWatchdog", () => ({ installed: false }));
    if (watchdog.installed) return;
    watchdog.installed = true;
    // Only in the dynamic provider host, whose one argument is the engine's address.
    if (!/dynamic-provider/.test(process.argv[1] ?? "")) return;
    const m = /^(.+):(\d+)$/.exec(process.argv[2] ?? "");
    if (!m) return;
    const [, host, port] = m;
    const onPipeError = (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") process.exit(3);
    };
    process.stdout.on("error", onPipeError);
    process.stderr.on("error", onPipeError);
    const net: typeof import("net") = require("net");
    const timer = setInterval(() => {
        const socket = net.connect({ host: host.replace(/^\[|\]$/g, ""), port: Number(port) });
        socket.once("connect", () => socket.destroy());
        socket.once("error", (e: NodeJS.ErrnoException) => {
            if (e.code === "ECONNREFUSED") process.exit(3);
        });
    }, 5_000);
    timer.unref();
}
