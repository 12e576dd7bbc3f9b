/**
 * ARM long-running operations over HTTP: the one place that reads an operation's headers
 * (`Azure-AsyncOperation`, `Location`, `Retry-After`) and polls its URL. The state machine is
 * polling/operation-tracker.ts and the loop polling/follow.ts; this file only connects them to the
 * ARM client, so the restore trigger, a cancellation, a deletion and Azure's triggered validation
 * are followed the same way.
 */
import { ArmClient, ArmResponse } from "./arm-client";
import { serverRetryHintMs } from "./retry-policy";
import { follow, Look } from "../polling/follow";
import { initOperationState, OperationState, updateOperationState } from "../polling/operation-tracker";

/** The operation a 202 names (undefined: none), with the server's first retry hint. */
export function operationOf(res: Pick<ArmResponse, "headers">): { operation?: OperationState; hintMs?: number } {
    return {
        operation: initOperationState({ asyncOperation: res.headers["azure-asyncoperation"], location: res.headers["location"] }),
        hintMs: serverRetryHintMs(res.headers),
    };
}

export interface OperationLookOptions {
    /** A 404 on the operation's URL means it is over (a deletion whose resource is gone). */
    goneMeansDone?: boolean;
    extraHeaders?: Record<string, string>;
}

/** One look at an operation: GET its URL, the next state and the server's hint. */
export async function lookAtOperation(arm: ArmClient, state: OperationState, o: OperationLookOptions = {}): Promise<Look<OperationState>> {
    const res = await arm.get(state.pollUrl, { okStatuses: o.goneMeansDone ? [404] : [], extraHeaders: o.extraHeaders });
    const next =
        o.goneMeansDone && res.status === 404
            ? { ...state, status: "succeeded" as const }
            : updateOperationState(state, res.status, res.body);
    return { state: next, done: next.status !== "running", hintMs: serverRetryHintMs(res.headers) };
}

export interface FollowOperationOptions extends OperationLookOptions {
    sleep(ms: number): Promise<void>;
    now(): number;
    deadline?: number;
    timedOut?(state: OperationState): Error;
    /** The wait when the server gives no hint, by look number (default: 1 s, 2 s, … up to 10 s). */
    fallbackMs?(polls: number): number;
}

/** Follows an operation to its end (succeeded, failed or canceled: read it from the state). */
export async function followOperation(
    arm: ArmClient,
    started: { operation: OperationState; hintMs?: number },
    o: FollowOperationOptions,
): Promise<OperationState> {
    const fallback = o.fallbackMs ?? ((polls: number) => Math.min(10_000, 1_000 * polls));
    return follow(
        { state: started.operation, done: started.operation.status !== "running", hintMs: started.hintMs },
        {
            look: (state) => lookAtOperation(arm, state, o),
            plan: (_state, polls, hintMs) => ({ delayMs: hintMs ?? fallback(polls) }),
            sleep: o.sleep,
            now: o.now,
            deadline: o.deadline,
            timedOut: o.timedOut,
        },
    );
}

/**
 * One look at an operation followed through its `Location` whose final answer is its result (202
 * while it runs, then the result's body): Azure's triggered restore validation.
 */
export async function lookForResult<T>(arm: ArmClient, url: string): Promise<Look<{ result?: T }>> {
    const res = await arm.get<T>(url);
    const done = res.status !== 202;
    return { state: { result: done ? res.body : undefined }, done, hintMs: serverRetryHintMs(res.headers) };
}
