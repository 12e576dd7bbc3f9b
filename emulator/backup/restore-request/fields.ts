/** Reading the fields of a restore request's JSON. */
import { ArmError, invalidInput } from "../../server/arm-errors";
import { JsonObject } from "../../server/json";

/** The error target of a field of the request's properties. */
export function at(field: string): string {
    return `properties.${field}`;
}

/** null and undefined alike: a field that is not given. */
export function isAbsent(v: unknown): v is null | undefined {
    return v === undefined || v === null;
}

export function requiredString(props: JsonObject, field: string): string {
    const v = props[field];
    if (typeof v !== "string" || v.trim() === "")
        throw invalidInput(`The field '${field}' is required and must be a non-empty string.`, at(field));
    return v;
}

/** v is one of the allowed strings. */
export function isOneOf<T extends string>(v: unknown, allowed: readonly T[]): v is T {
    return typeof v === "string" && (allowed as readonly string[]).includes(v);
}

/** The problem with a field that is none of the allowed values. */
export function notOneOf(field: string, allowed: readonly string[], got: unknown, purpose = ""): ArmError {
    return invalidInput(`The field '${field}' must be one of ${allowed.join(", ")}${purpose}; got '${String(got)}'.`, at(field));
}
