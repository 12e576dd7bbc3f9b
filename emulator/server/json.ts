/** JSON as it arrives in a request body or a seed document: objects whose fields are not trusted until checked. */

export type JsonObject = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
