/**
 * The emulator package's entry point (`require("vmrestore-emulator")`): start and stop a local
 * Azure Backup emulator from a test or a drill. The command line is `vmrestore-emulator` (cli.ts).
 */
export { EmulatorOptions, RunningEmulator, isLoopbackHost, startEmulator } from "./server/server";
