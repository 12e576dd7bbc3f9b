/**
 * Engine stacks for the end-to-end suites: each made through the Automation API (scripts/
 * engine-workspace.ts) in a temporary folder, and removed after the suite.
 */
import { createEngineStack, EngineStack, EngineStackOptions } from "../../scripts/engine-workspace";

/** `stack(options)` makes an engine stack that is cleaned up after the suite. */
export function useEngineStacks(): (options: EngineStackOptions) => Promise<EngineStack> {
    const made: EngineStack[] = [];
    after(() => {
        for (const e of made.splice(0)) e.cleanup();
    });
    return async (options) => {
        const e = await createEngineStack(options);
        made.push(e);
        return e;
    };
}
