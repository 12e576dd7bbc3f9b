/**
 * Deletes ARM resources the way ARM expects: DELETE, then follow the 202's Azure-AsyncOperation
 * (preferred) or Location until it finishes, honouring Retry-After. A resource that is already gone
 * counts as deleted.
 */
import { ArmClient } from "./arm-client";
import { isAzureRequestError } from "./errors";
import { serverRetryHintMs } from "./retry-policy";
import { transformStatus } from "../polling/operation-tracker";

export interface DeleteOptions {
    apiVersion: string;
    sleep: (ms: number) => Promise<void>;
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
    if (res.status === 404 || res.status === 204) return res.status === 204 ? true : false;
    if (res.status !== 202) return true;
    const asyncUrl = res.headers["azure-asyncoperation"];
    const locationUrl = res.headers["location"];
    const pollUrl = asyncUrl ?? locationUrl;
    if (!pollUrl) return true;
    const deadline = Date.now() + opts.timeoutMs;
    let hint = serverRetryHintMs(res.headers);
    for (let polls = 1; ; polls++) {
        await opts.sleep(hint ?? Math.min(10_000, 1_000 * polls));
        const poll = await arm.get<{ status?: string; error?: { code?: string; message?: string } }>(pollUrl, { okStatuses: [404] });
        hint = serverRetryHintMs(poll.headers);
        if (asyncUrl) {
            const s = transformStatus(poll.body?.status);
            if (s === "succeeded") return true;
            if (s === "failed" || s === "canceled") {
                throw new Error(`deleting ${idOrUrl} ${s}: ${poll.body?.error?.code ?? ""} ${poll.body?.error?.message ?? ""}`.trim());
            }
        } else if (poll.status !== 202) {
            return true;
        }
        if (Date.now() > deadline) {
            throw new Error(
                `deleting ${idOrUrl} did not finish within ${Math.round(opts.timeoutMs / 1000)} s; it may still be in progress in Azure — run \`pulumi destroy\` again to finish`,
            );
        }
    }
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
