/**
 * The provider as Pulumi runs it: packed as VmRestore stores it, serialized into text with Pulumi's
 * closure serializer and loaded back, so tests exercise exactly what the engine's dynamic provider
 * process evaluates.
 */
import * as pulumi from "@pulumi/pulumi";
import requireFromString from "require-from-string";
import { restoreProvider } from "../../provider/pulumi/restore-provider";
import { packedProvider } from "../../provider/pulumi/packed-provider";

let cached: { text: string; provider: pulumi.dynamic.ResourceProvider } | undefined;

export async function serializedProvider(): Promise<{ text: string; provider: pulumi.dynamic.ResourceProvider }> {
    if (!cached) {
        const stored = packedProvider(restoreProvider);
        const sf = await pulumi.runtime.serializeFunction(() => stored, { allowSecrets: false });
        const loaded = requireFromString(sf.text) as { handler: () => pulumi.dynamic.ResourceProvider };
        cached = { text: sf.text, provider: loaded.handler() };
    }
    return cached;
}
