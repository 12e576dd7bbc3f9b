/**
 * Deletes ARM resources the way ARM expects: DELETE, then follow the 202's Azure-AsyncOperation
 * (preferred) or Location until it finishes, honouring Retry-After. A resource that is already gone
 * counts as deleted.
 */
import { ArmClient } from "./arm-client";
import { isAzureRequestError } from "./errors";
import { followOperation, operationOf } from "./lro";

export interface DeleteOptions {
    apiVersion: string;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    /** Give up after this long, ms. */
    timeoutMs: number;
    /** Scope for non-ARM resources (blobs). */
    scope?: string;
    extraHeaders?: Record<string, string>;
}

/** Returns true when the resource existed and was deleted, false when it was already gone. */
export async function deleteArmResource(arm: ArmClient, idOrUrl: string, opts: DeleteOptions): Promise<boolean> {
    let res;
    try {
        res = await arm.request("DELETE", idOrUrl, {
            apiVersion: opts.scope ? undefined : opts.apiVersion,
            okStatuses: [404],
            scope: opts.scope,
            extraHeaders: opts.extraHeaders,
        });
    } catch (e) {
        if (isAzureRequestError(e) && e.status === 404) return false;
        throw e;
    }
    if (res.status === 404) return false;
    if (res.status !== 202) return true;
    const { operation, hintMs } = operationOf(res);
    if (!operation) return true;
    const end = await followOperation(
        arm,
        { operation, hintMs },
        {
            goneMeansDone: true,
            extraHeaders: opts.extraHeaders,
            sleep: opts.sleep,
            now: opts.now,
            deadline: opts.now() + opts.timeoutMs,
            timedOut: () =>
                new Error(
                    `deleting ${idOrUrl} did not finish within ${Math.round(opts.timeoutMs / 1000)} s; it may still be in progress in Azure — run \`pulumi destroy\` again to finish`,
                ),
        },
    );
    if (end.status !== "succeeded") {
        throw new Error(`deleting ${idOrUrl} ${end.status}: ${end.error?.code ?? ""} ${end.error?.message ?? ""}`.trim());
    }
    return true;
}

/** GET that answers whether a resource exists (404 = no). */
export async function resourceExists(
    arm: ArmClient,
    idOrUrl: string,
    apiVersion?: string,
    scope?: string,
    extraHeaders?: Record<string, string>,
): Promise<boolean> {
    const res = await arm.get(idOrUrl, { apiVersion, okStatuses: [404], scope, extraHeaders });
    return res.status !== 404;
}
