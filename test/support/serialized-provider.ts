/**
 * The provider as Pulumi runs it: packed as VmRestore stores it, serialized into text with Pulumi's
 * closure serializer and loaded back, so tests exercise exactly what the engine's dynamic provider
 * process evaluates.
 */
import * as pulumi from "@pulumi/pulumi";
import { restoreProvider } from "../../provider/pulumi/restore-provider";
import { packedProvider } from "../../provider/pulumi/packed-provider";

let cached: { text: string; provider: pulumi.dynamic.ResourceProvider } | undefined;

export async function serializedProvider(): Promise<{ text: string; provider: pulumi.dynamic.ResourceProvider }> {
    if (!cached) {
        const stored = packedProvider(restoreProvider);
        const sf = await pulumi.runtime.serializeFunction(() => stored, { allowSecrets: false });
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const requireFromString = require("require-from-string") as (code: string) => { handler: () => pulumi.dynamic.ResourceProvider };
        cached = { text: sf.text, provider: requireFromString(sf.text).handler() };
    }
    return cached;
}
