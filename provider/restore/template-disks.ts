/**
 * The restored disks named by a RestoreDisks job's ARM template, read the way ARM would: the blob's
 * text in whatever encoding it came (UTF-8 with or without BOM, UTF-16 with BOM and trailing NULs,
 * as the PowerShell docs show for the config blob), and disk references as template expressions —
 * literal IDs, `resourceId()` with or without subscription and resource group arguments, `concat()`,
 * `parameters()` / `variables()` with their defaults, `subscription()` / `resourceGroup()`.
 */

/** Drops the NUL characters a UTF-16 blob is padded with at its end. */
function withoutTrailingNuls(text: string): string {
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
    return text.slice(0, end);
}

/** The text of a blob: BOMs honoured, UTF-16 recognised without one, trailing NULs dropped. */
export function decodeBlobText(bytes: Buffer): string {
    let text: string;
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) text = bytes.subarray(2).toString("utf16le");
    else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) text = swapBytes(bytes.subarray(2)).toString("utf16le");
    else if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) text = bytes.subarray(3).toString("utf8");
    else if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0) text = bytes.toString("utf16le");
    else if (bytes.length >= 2 && bytes[0] === 0 && bytes[1] !== 0) text = swapBytes(bytes).toString("utf16le");
    else text = bytes.toString("utf8");
    return withoutTrailingNuls(text.replace(/^\uFEFF/, "")).trim();
}

function swapBytes(b: Buffer): Buffer {
    const out = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
    return out.swap16();
}

export interface TemplateContext {
    /** The deployment's subscription and resource group: the target resource group of the restore. */
    subscriptionId: string;
    resourceGroup: string;
    parameters: Record<string, unknown>;
    variables: Record<string, unknown>;
}

type Value = string | number | boolean | Record<string, unknown> | unknown[] | undefined;

/**
 * Evaluates a template string: `[expr]` is an expression, `[[…` an escaped literal, anything else
 * a literal. Undefined when the expression uses something this evaluator does not know.
 */
export function evaluateTemplateString(s: string, ctx: TemplateContext, depth = 0): Value {
    if (!s.startsWith("[") || !s.endsWith("]")) return s;
    if (s.startsWith("[[")) return s.slice(1);
    if (depth > 8) return undefined;
    try {
        const p = new ExpressionParser(s.slice(1, -1), ctx, depth);
        const v = p.expression();
        p.end();
        return v;
    } catch {
        return undefined;
    }
}

class ExpressionParser {
    private i: number;
    // Fields are set in the constructor, never by initializers: Pulumi's closure serializer drops those.
    constructor(
        private readonly src: string,
        private readonly ctx: TemplateContext,
        private readonly depth: number,
    ) {
        this.i = 0;
    }

    end(): void {
        this.skip();
        if (this.i !== this.src.length) throw new Error("trailing text");
    }

    expression(): Value {
        this.skip();
        let v: Value;
        const c = this.src[this.i];
        if (c === "'") v = this.string();
        else if (/[0-9-]/.test(c ?? "")) v = this.number();
        else v = this.call();
        // Property access and indexing: subscription().subscriptionId, x['y'], x[0].
        for (;;) {
            this.skip();
            if (this.src[this.i] === ".") {
                this.i++;
                const name = this.identifier();
                v = v && typeof v === "object" && !Array.isArray(v) ? ((v as Record<string, unknown>)[name] as Value) : undefined;
            } else if (this.src[this.i] === "[") {
                this.i++;
                const key = this.expression();
                this.expect("]");
                v = v && typeof v === "object" ? ((v as Record<string, unknown>)[String(key)] as Value) : undefined;
            } else return v;
        }
    }

    private call(): Value {
        const name = this.identifier().toLowerCase();
        this.expect("(");
        const args: Value[] = [];
        this.skip();
        if (this.src[this.i] !== ")") {
            for (;;) {
                args.push(this.expression());
                this.skip();
                if (this.src[this.i] === ",") {
                    this.i++;
                    continue;
                }
                break;
            }
        }
        this.expect(")");
        return this.apply(name, args);
    }

    private apply(name: string, args: Value[]): Value {
        const { ctx } = this;
        const str = (v: Value) => (v === undefined ? undefined : typeof v === "object" ? undefined : String(v));
        switch (name) {
            case "concat":
                if (args.every((a) => Array.isArray(a))) return (args as unknown[][]).flat();
                return args.some((a) => str(a) === undefined) ? undefined : args.map(str).join("");
            case "parameters": {
                const p = ctx.parameters[String(args[0])] as { defaultValue?: unknown; value?: unknown } | undefined;
                const v = p?.value ?? p?.defaultValue;
                return typeof v === "string" ? evaluateTemplateString(v, ctx, this.depth + 1) : (v as Value);
            }
            case "variables": {
                const v = ctx.variables[String(args[0])];
                return typeof v === "string" ? evaluateTemplateString(v, ctx, this.depth + 1) : (v as Value);
            }
            case "subscription":
                return { subscriptionId: ctx.subscriptionId, id: `/subscriptions/${ctx.subscriptionId}` };
            case "resourcegroup":
                return { name: ctx.resourceGroup, id: `/subscriptions/${ctx.subscriptionId}/resourceGroups/${ctx.resourceGroup}` };
            case "tolower":
                return str(args[0])?.toLowerCase();
            case "toupper":
                return str(args[0])?.toUpperCase();
            case "format": {
                const f = str(args[0]);
                return f?.replace(/\{(\d+)\}/g, (_, n: string) => str(args[Number(n) + 1]) ?? "");
            }
            case "resourceid":
                return resourceIdOf(args.map(str), ctx);
            default:
                return undefined;
        }
    }

    private string(): string {
        this.i++;
        let out = "";
        for (;;) {
            const c = this.src[this.i++];
            if (c === undefined) throw new Error("unterminated string");
            if (c === "'") {
                if (this.src[this.i] === "'") {
                    out += "'";
                    this.i++;
                    continue;
                }
                return out;
            }
            out += c;
        }
    }

    private number(): number {
        const m = /^-?\d+/.exec(this.src.slice(this.i));
        if (!m) throw new Error("number expected");
        this.i += m[0].length;
        return Number(m[0]);
    }

    private identifier(): string {
        this.skip();
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.i));
        if (!m) throw new Error("identifier expected");
        this.i += m[0].length;
        return m[0];
    }

    private expect(c: string): void {
        this.skip();
        if (this.src[this.i] !== c) throw new Error(`'${c}' expected`);
        this.i++;
    }

    private skip(): void {
        while (this.src[this.i] === " " || this.src[this.i] === "\t" || this.src[this.i] === "\n" || this.src[this.i] === "\r") this.i++;
    }
}

/**
 * ARM's resourceId([subscriptionId], [resourceGroupName], resourceType, name1, name2…): the
 * arguments before the first one holding a '/' (the type) are the subscription and resource group.
 */
function resourceIdOf(args: (string | undefined)[], ctx: TemplateContext): string | undefined {
    if (args.some((a) => a === undefined)) return undefined;
    const a = args as string[];
    const typeAt = a.findIndex((x) => x.includes("/"));
    if (typeAt < 0 || typeAt > 2) return undefined;
    const scope = a.slice(0, typeAt);
    const sub = scope.length === 2 ? scope[0] : ctx.subscriptionId;
    const rg = scope.length === 2 ? scope[1] : scope.length === 1 ? scope[0] : ctx.resourceGroup;
    const [namespace, ...types] = a[typeAt].split("/");
    const names = a.slice(typeAt + 1);
    if (names.length !== types.length) return undefined;
    const path = types.map((t, i) => `${t}/${names[i]}`).join("/");
    return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${namespace}/${path}`;
}

interface StorageProfileLike {
    osDisk?: { managedDisk?: { id?: string }; vhd?: { uri?: string } };
    dataDisks?: { lun?: number | string; managedDisk?: { id?: string }; vhd?: { uri?: string } }[];
}

export interface TemplateDisks {
    osDiskId?: string;
    dataDisks: { lun: number; diskId: string }[];
    vhdUris: string[];
}

/** The managed disks (or VHDs) the template's virtual machine attaches, as full IDs. */
export function disksOfTemplate(
    template: unknown,
    deployment: { subscriptionId: string; resourceGroup: string },
): TemplateDisks | undefined {
    if (!template || typeof template !== "object") return undefined;
    const t = template as { parameters?: Record<string, unknown>; variables?: Record<string, unknown>; resources?: unknown };
    const ctx: TemplateContext = { ...deployment, parameters: t.parameters ?? {}, variables: t.variables ?? {} };
    const resources = Array.isArray(t.resources) ? t.resources : Object.values((t.resources as Record<string, unknown>) ?? {});
    const vm = resources.find(
        (r) => String((r as { type?: unknown })?.type ?? "").toLowerCase() === "microsoft.compute/virtualmachines",
    ) as { properties?: { storageProfile?: StorageProfileLike } } | undefined;
    if (!vm) return undefined;
    const profile = vm.properties?.storageProfile;
    const diskId = (ref: string | undefined) => {
        if (!ref) return undefined;
        const v = evaluateTemplateString(ref, ctx);
        return typeof v === "string" &&
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/disks\/[^/]+$/i.test(v)
            ? v
            : undefined;
    };
    const uri = (ref: string | undefined) => {
        const v = ref ? evaluateTemplateString(ref, ctx) : undefined;
        return typeof v === "string" && /^https?:\/\//i.test(v) ? v : undefined;
    };
    const data = (profile?.dataDisks ?? []).map((d) => ({ lun: Number(d.lun ?? 0), d })).sort((a, b) => a.lun - b.lun);
    return {
        osDiskId: diskId(profile?.osDisk?.managedDisk?.id),
        dataDisks: data
            .map(({ lun, d }) => ({ lun, diskId: diskId(d.managedDisk?.id) }))
            .filter((x): x is { lun: number; diskId: string } => !!x.diskId),
        vhdUris: [uri(profile?.osDisk?.vhd?.uri), ...data.map(({ d }) => uri(d.vhd?.uri))].filter((x): x is string => !!x),
    };
}

/**
 * Disks named as Azure names restored disks — `{vm}-osdisk-{yyyyMMdd-HHmmss}` and
 * `{vm}-datadisk-{lun}-{yyyyMMdd-HHmmss}` (a `-N` suffix when the name was taken) — created at or
 * after `sinceMs`; of several restores' sets, the one stamped nearest after `sinceMs`.
 */
export function restoredDisksByName(
    disks: { id?: string; name?: string; properties?: { timeCreated?: string } }[],
    vmName: string,
    sinceMs: number,
): TemplateDisks {
    const esc = vmName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const os = new RegExp(`^${esc}-osdisk-(\\d{8}-\\d{6})(?:-\\d+)?$`, "i");
    const dd = new RegExp(`^${esc}-datadisk-(\\d+)-(\\d{8}-\\d{6})(?:-\\d+)?$`, "i");
    const stampMs = (s: string) =>
        Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
    const sets = new Map<string, TemplateDisks>();
    for (const d of disks) {
        if (!d.id || !d.name) continue;
        const created = Date.parse(d.properties?.timeCreated ?? "");
        // Names carry whole seconds: allow the second the trigger happened in.
        if (Number.isFinite(created) && created < sinceMs - 1000) continue;
        const o = os.exec(d.name);
        const m = o ? undefined : dd.exec(d.name);
        const stamp = o?.[1] ?? m?.[2];
        if (!stamp || stampMs(stamp) < sinceMs - 1000) continue;
        const set = sets.get(stamp) ?? { dataDisks: [], vhdUris: [] };
        if (o) set.osDiskId = d.id;
        else if (m) set.dataDisks.push({ lun: Number(m[1]), diskId: d.id });
        sets.set(stamp, set);
    }
    const first = [...sets.keys()].sort()[0];
    const found = first ? sets.get(first)! : { dataDisks: [], vhdUris: [] };
    found.dataDisks.sort((a, b) => a.lun - b.lun);
    return found;
}
