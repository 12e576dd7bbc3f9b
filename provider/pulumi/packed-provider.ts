/**
 * The provider as it is stored in state: compressed.
 *
 * Pulumi stores a dynamic resource's provider (its code, serialized with everything it reaches) in
 * every resource's inputs and outputs. VmRestore's is ~180 KB of JavaScript: 200 restores made a
 * 74 MB state, and every hop of every step (program → engine → provider host, engine events,
 * checkpoints) carried 2 × 180 KB per resource. What is stored instead is a small stand-in whose
 * every method unpacks the same serialized code (brotli, base64: ~40 KB) once per provider
 * process, then delegates to it. The code inside is exactly what Pulumi's serializer made of the
 * provider, secrets refused (`allowSecrets: false`); `unpackProviderCode` gives it back as text,
 * for reading a state file or checking it for secrets.
 */
import type * as pulumi from "@pulumi/pulumi";
import { processSingleton } from "./process-singleton";

/** Marks the packed form, so readers of state can tell it from plain serialized code. */
export const PACKED_PREFIX = "vmrestore-packed-provider:brotli+base64:";

/**
 * A stand-in for `provider` that carries it packed. Serializing the stand-in (Pulumi does, for
 * each resource) awaits the packing, which serializes `provider` once.
 */
export function packedProvider(provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
    const packed = packProvider(provider);
    const load = () => loadPackedProvider(packed);
    return {
        configure: async (req) => {
            const inner = await load();
            if (inner.configure) await inner.configure(req);
        },
        check: async (olds, news) => (await load()).check!(olds, news),
        diff: async (id, olds, news) => (await load()).diff!(id, olds, news),
        create: async (inputs) => (await load()).create(inputs),
        read: async (id, props) => (await load()).read!(id, props),
        update: async (id, olds, news) => (await load()).update!(id, olds, news),
        delete: async (id, props) => (await load()).delete!(id, props),
    };
}

async function packProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    const runtime = (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).runtime;
    const zlib = require("zlib") as typeof import("zlib");
    const sf = await runtime.serializeFunction(() => provider, { allowSecrets: false });
    const packed = zlib.brotliCompressSync(Buffer.from(sf.text, "utf8"), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
    return PACKED_PREFIX + packed.toString("base64");
}

/** The serialized provider code inside a packed one (as text). */
function unpackProviderCode(packed: string): string {
    if (!packed.startsWith(PACKED_PREFIX)) throw new Error("not a packed VmRestore provider");
    const zlib = require("zlib") as typeof import("zlib");
    return zlib.brotliDecompressSync(Buffer.from(packed.slice(PACKED_PREFIX.length), "base64")).toString("utf8");
}

/**
 * The provider code a stored `__provider` (or any text holding one, e.g. a state file) carries,
 * each packed payload unpacked in place: for reading state, or checking it for secrets.
 */
export function readableProviderCode(stored: string): string {
    const escaped = PACKED_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return stored.replace(new RegExp(`${escaped}[A-Za-z0-9+/=]+`, "g"), (p) => unpackProviderCode(p));
}

/** Inside the provider process: the packed provider, unpacked and loaded once per process. */
async function loadPackedProvider(packed: Promise<string>): Promise<pulumi.dynamic.ResourceProvider> {
    const text = await packed;
    const { createHash } = require("crypto") as typeof import("crypto");
    const digest = createHash("sha256").update(text).digest("hex");
    return processSingleton(`vmrestore.provider.${digest}`, () => {
        // Loaded as Pulumi's dynamic provider host loads a provider (require-from-string): a module
        // whose requires resolve from the working directory.
        const Module = require("module") as { new (id: string): NodeModuleLike; _nodeModulePaths(from: string): string[] };
        const m = new Module(`vmrestore-provider-${digest.slice(0, 12)}.js`);
        m.filename = m.id;
        m.paths = Module._nodeModulePaths(process.cwd());
        m._compile(unpackProviderCode(text), m.filename);
        return (m.exports as { handler: () => pulumi.dynamic.ResourceProvider }).handler();
    });
}

interface NodeModuleLike {
    id: string;
    filename: string;
    paths: string[];
    exports: unknown;
    _compile(code: string, filename: string): void;
}
