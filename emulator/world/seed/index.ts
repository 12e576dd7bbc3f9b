/**
 * The emulator's starting world. `defaultSeed()` is the world the project's tests and drills use;
 * `--seed file.json` (or PUT /admin/seed) replaces it with a document of the same shape, which
 * `parseSeed` checks and fills in.
 */
export * from "./types";
export * from "./default-seed";
export * from "./parse";
export * from "./lookup";
