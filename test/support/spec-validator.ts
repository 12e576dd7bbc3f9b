/**
 * Validates JSON values against the definitions of the official Azure Backup swagger
 * (test/spec-data/azure-backup/2026-02-01/bms.json, kept in this repository with its source and
 * license note; or $AZURE_SPEC_DIR/2026-02-01/bms.json) with ajv.
 *
 * Swagger 2.0 is turned into JSON Schema:
 * - `#/definitions/X` refs stay; the few refs into ARM common-types (Resource, ProxyResource,
 *   ErrorResponse, ErrorAdditionalInfo) point at local stand-ins with the same properties.
 * - Polymorphism: a reference to a type that has subtypes (a `discriminator` such as objectType,
 *   jobType, protectedItemType) validates against the concrete subtype chosen by the value of the
 *   discriminator (`x-ms-discriminator-value`, or the subtype's name); an unknown value is an
 *   error. allOf chains to the base type are kept as allOf.
 * - `x-ms-*`, `discriminator`, `description`, `example` are dropped; `additionalProperties`,
 *   `required`, `enum` are kept as in the spec; `format: date-time` and `duration` are checked,
 *   numeric formats (int32, int64, double, float) and other string formats are not.
 * - `readOnly`: ignored when validating a response (the default); with {mode: "request"} a
 *   readOnly property that is present is an error (clients must not send them).
 * - `null` is not a value of any type (swagger has no x-nullable here); {allowNulls: true} treats
 *   null-valued properties as absent, as real services and some official examples write them.
 *
 *   validateDefinition("JobResource", body)  // → [] when valid, else "path: message" strings
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { existsSync, readFileSync } from "fs";
import * as path from "path";

export type ValidationMode = "response" | "request";

type Json = Record<string, unknown>;

/** A swagger definition: the fields the conversion reads are typed. */
interface SwaggerDefinition {
    allOf?: Json[];
    discriminator?: string;
    "x-ms-discriminator-value"?: string;
    [field: string]: unknown;
}

const COMMON_STANDINS: Record<string, Json> = {
    __common_Resource: {
        type: "object",
        properties: {
            id: { type: "string", vmrReadOnly: true },
            name: { type: "string", vmrReadOnly: true },
            type: { type: "string", vmrReadOnly: true },
            systemData: { type: "object", vmrReadOnly: true },
        },
    },
    __common_ProxyResource: { type: "object", allOf: [{ $ref: "#/definitions/__common_Resource" }] },
    __common_ErrorAdditionalInfo: { type: "object", properties: { type: { type: "string" }, info: { type: "object" } } },
    __common_ErrorDetail: {
        type: "object",
        properties: {
            code: { type: "string" },
            message: { type: "string" },
            target: { type: "string" },
            details: { type: "array", items: { $ref: "#/definitions/__common_ErrorDetail" } },
            additionalInfo: { type: "array", items: { $ref: "#/definitions/__common_ErrorAdditionalInfo" } },
        },
    },
    __common_ErrorResponse: { type: "object", properties: { error: { $ref: "#/definitions/__common_ErrorDetail" } } },
};

const DROPPED_KEYS = new Set(["description", "discriminator", "example", "examples", "externalDocs", "x-nullable", "title"]);

export function specPath(): string {
    const fromEnv = process.env.AZURE_SPEC_DIR;
    const candidates = [
        ...(fromEnv ? [path.join(fromEnv, "2026-02-01", "bms.json")] : []),
        path.resolve(__dirname, "../spec-data/azure-backup/2026-02-01/bms.json"),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new Error(`bms.json not found (looked in ${candidates.join(", ")}); set AZURE_SPEC_DIR`);
    return found;
}

interface Compiled {
    ajv: Ajv;
    definitions: Json;
    polymorphic: Set<string>;
}

const compiled: Partial<Record<ValidationMode, Compiled>> = {};
const validators = new Map<string, ValidateFunction>();

/** Errors of `value` against the bms.json definition `definitionName` (polymorphic types resolved by discriminator). */
export function validateDefinition(
    definitionName: string,
    value: unknown,
    options: { mode?: ValidationMode; allowNulls?: boolean } = {},
): string[] {
    const mode = options.mode ?? "response";
    if (options.allowNulls) value = withoutNulls(value);
    const c = (compiled[mode] ??= compile(mode));
    if (!(definitionName in c.definitions)) return [`unknown definition '${definitionName}'`];
    const key = `${mode}:${definitionName}`;
    let validate = validators.get(key);
    if (!validate) {
        const ref = c.polymorphic.has(definitionName)
            ? `bms#/definitions/${polyName(definitionName)}`
            : `bms#/definitions/${definitionName}`;
        validate = c.ajv.getSchema(ref);
        if (!validate) return [`cannot compile definition '${definitionName}'`];
        validators.set(key, validate);
    }
    if (validate(value)) return [];
    return formatErrors(validate.errors ?? []);
}

/** Names of all definitions in the spec. */
export function definitionNames(): string[] {
    const c = (compiled.response ??= compile("response"));
    return Object.keys(c.definitions).filter((n) => !n.startsWith("__"));
}

function compile(mode: ValidationMode): Compiled {
    const spec = JSON.parse(readFileSync(specPath(), "utf8")) as { definitions: Record<string, SwaggerDefinition> };
    const source = spec.definitions;

    // Parent links (allOf refs) and discriminator property per definition.
    const parents = new Map<string, string[]>();
    for (const [name, def] of Object.entries(source)) {
        parents.set(
            name,
            (def.allOf ?? []).map((a) => localRefName(a.$ref)).filter((n): n is string => n !== undefined && n in source),
        );
    }
    const discriminatorOf = (name: string, seen = new Set<string>()): string | undefined => {
        if (seen.has(name)) return undefined;
        seen.add(name);
        const own = source[name]?.discriminator;
        if (typeof own === "string") return own;
        for (const p of parents.get(name) ?? []) {
            const d = discriminatorOf(p, seen);
            if (d) return d;
        }
        return undefined;
    };
    const descendants = (name: string): string[] => {
        const out = new Set<string>();
        const visit = (n: string) => {
            for (const [child, ps] of parents) {
                if (ps.includes(n) && !out.has(child)) {
                    out.add(child);
                    visit(child);
                }
            }
        };
        visit(name);
        return [...out];
    };

    const polymorphic = new Set<string>();
    const polySchemas: Json = {};
    for (const name of Object.keys(source)) {
        const prop = discriminatorOf(name);
        if (!prop) continue;
        const subs = descendants(name);
        if (subs.length === 0) continue;
        polymorphic.add(name);
        const members = [name, ...subs];
        const valueOf = (n: string) => source[n]["x-ms-discriminator-value"] ?? n;
        polySchemas[polyName(name)] = {
            type: "object",
            required: [prop],
            properties: { [prop]: { enum: [...new Set(members.map(valueOf))] } },
            allOf: members.map((m) => ({
                if: { properties: { [prop]: { const: valueOf(m) } }, required: [prop] },
                then: { $ref: `#/definitions/${m}` },
            })),
        };
    }

    const definitions: Json = {};
    for (const [name, def] of Object.entries(source)) definitions[name] = convert(def, polymorphic, false);
    for (const [name, def] of Object.entries(COMMON_STANDINS)) definitions[name] = def;
    Object.assign(definitions, polySchemas);

    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    ajv.addFormat("date-time", {
        type: "string",
        validate: (s: string) =>
            /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    });
    ajv.addFormat("duration", {
        type: "string",
        validate: (s: string) => /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(s),
    });
    for (const f of ["int32", "int64"]) ajv.addFormat(f, { type: "number", validate: (n: number) => Number.isInteger(n) });
    for (const f of ["double", "float", "decimal"]) ajv.addFormat(f, { type: "number", validate: () => true });
    for (const f of ["uuid", "uri", "url", "byte", "binary", "date", "password", "arm-id", "unixtime", "base64url", "email"])
        ajv.addFormat(f, true);
    ajv.addKeyword({
        keyword: "vmrReadOnly",
        schemaType: "boolean",
        errors: false,
        validate: (readOnly: boolean) => mode === "response" || !readOnly,
    });
    ajv.addSchema({ $id: "bms", definitions }, "bms");
    return { ajv, definitions, polymorphic };
}

function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
    return out;
}

function polyName(name: string): string {
    return `__poly_${name}`;
}

function localRefName(ref: unknown): string | undefined {
    if (typeof ref !== "string") return undefined;
    const m = /^#\/definitions\/(.+)$/.exec(ref);
    return m ? m[1] : undefined;
}

/** Swagger schema node → JSON Schema node. `inAllOf`: a ref there means "extends" (not polymorphic). */
function convert(node: unknown, polymorphic: Set<string>, inAllOf: boolean): unknown {
    if (Array.isArray(node)) return node.map((n) => convert(n, polymorphic, inAllOf));
    if (typeof node !== "object" || node === null) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node as Json)) {
        if (DROPPED_KEYS.has(key) || key.startsWith("x-ms-")) continue;
        if (key === "$ref") {
            out.$ref = convertRef(String(value), polymorphic, inAllOf);
        } else if (key === "readOnly") {
            out.vmrReadOnly = value === true;
        } else if (key === "type" && value === "file") {
            continue;
        } else if (key === "allOf") {
            out.allOf = (value as unknown[]).map((v) => convert(v, polymorphic, true));
        } else if (key === "properties" || key === "definitions" || key === "patternProperties") {
            const props: Json = {};
            for (const [p, s] of Object.entries(value as Json)) props[p] = convert(s, polymorphic, false);
            out[key] = props;
        } else if (key === "enum" || key === "required" || key === "const" || key === "default") {
            out[key] = value;
        } else {
            out[key] = convert(value, polymorphic, false);
        }
    }
    return out;
}

function convertRef(ref: string, polymorphic: Set<string>, inAllOf: boolean): string {
    const local = localRefName(ref);
    if (local !== undefined) return !inAllOf && polymorphic.has(local) ? `#/definitions/${polyName(local)}` : `#/definitions/${local}`;
    const common = /types\.json#\/definitions\/(.+)$/.exec(ref);
    if (common) {
        const name = common[1] === "ErrorDetail" ? "__common_ErrorDetail" : `__common_${common[1]}`;
        if (!(name in COMMON_STANDINS)) throw new Error(`no stand-in for the common type ${common[1]}`);
        return `#/definitions/${name}`;
    }
    throw new Error(`unsupported $ref ${ref}`);
}

function formatErrors(errors: ErrorObject[]): string[] {
    const out = new Set<string>();
    for (const e of errors) {
        if (e.keyword === "if") continue;
        const where = e.instancePath === "" ? "(root)" : e.instancePath;
        let detail = e.message ?? e.keyword;
        if (e.keyword === "enum") detail += `: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`;
        if (e.keyword === "additionalProperties") detail += `: '${(e.params as { additionalProperty?: string }).additionalProperty}'`;
        if (e.keyword === "vmrReadOnly") detail = "is readOnly and must not be sent";
        out.add(`${where}: ${detail}`);
    }
    return [...out];
}
