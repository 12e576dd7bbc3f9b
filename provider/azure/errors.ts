/**
 * Errors a user can act on: each names what failed, passes Azure's own code and message through,
 * and says what to do next.
 */

/*
 * Errors are plain `Error` objects with extra fields, made by factories rather than subclasses: Pulumi
 * serializes the provider's code into state, and a serialized `class X extends Error` loses its message.
 */

/** Creates an Error with a name and extra fields. */
export function namedError<T extends object>(name: string, message: string, fields: T): Error & T & { kind: string } {
    const e = new Error(message) as Error & T & { kind: string };
    e.name = name;
    Object.assign(e, fields, { kind: name });
    return e;
}

export function isKind(e: unknown, kind: string): boolean {
    return typeof e === "object" && e !== null && (e as { kind?: string }).kind === kind;
}

/** An ARM call that answered with an error (after retries, where the error was transient). */
export interface AzureRequestError extends Error {
    kind: "AzureRequestError";
    status: number;
    code?: string;
    azureMessage?: string;
    method: string;
    url: string;
    requestId?: string;
}

export function azureRequestError(message: string, f: Omit<AzureRequestError, "kind" | "name" | "message">): AzureRequestError {
    return namedError("AzureRequestError", message, f) as AzureRequestError;
}

export const isAzureRequestError = (e: unknown): e is AzureRequestError => isKind(e, "AzureRequestError");

/** The restore job ended Failed or Cancelled. */
export interface RestoreJobError extends Error {
    kind: "RestoreJobError";
    jobId: string;
    jobStatus: string;
}

export function restoreJobError(message: string, jobId: string, jobStatus: string): RestoreJobError {
    return namedError("RestoreJobError", message, { jobId, jobStatus }) as RestoreJobError;
}

export const isRestoreJobError = (e: unknown): e is RestoreJobError => isKind(e, "RestoreJobError");

/** The restore outlived its `timeoutMinutes`. */
export interface RestoreTimeoutError extends Error {
    kind: "RestoreTimeoutError";
    jobId?: string;
}

export function restoreTimeoutError(message: string, jobId: string | undefined): RestoreTimeoutError {
    return namedError("RestoreTimeoutError", message, { jobId }) as RestoreTimeoutError;
}

export const isRestoreTimeoutError = (e: unknown): e is RestoreTimeoutError => isKind(e, "RestoreTimeoutError");

interface ArmErrorBody {
    error?: { code?: string; message?: string; target?: string; details?: ArmErrorBody["error"][] };
    code?: string;
    message?: string;
}

/** Extracts `{code, message}` from an ARM error envelope (or the flat form some services use). */
export function readArmError(body: unknown): { code?: string; message?: string; details: string[] } {
    const b = (body ?? {}) as ArmErrorBody;
    const e = b.error ?? { code: b.code, message: b.message };
    const details = (e.details ?? [])
        .filter((d): d is NonNullable<typeof d> => !!d)
        .map((d) => [d.code, d.message].filter(Boolean).join(": "))
        .filter((s) => s.length > 0);
    return { code: e.code, message: e.message, details };
}

/** Strips query strings (SAS tokens, signatures) from any URL in a text before it is shown or stored. */
export function redactUrls(text: string): string {
    return text.replace(/(https?:\/\/[^\s?"'#]+)\?[^\s"'#]*/g, "$1?…");
}
