/**
 * The one follower of every long-running thing VmRestore waits on: the restore's acceptance (its
 * ARM operation), the restore job, a cancellation, a deletion, Azure's triggered validation, a job
 * that has yet to appear in a list. Modelled on @azure/core-lro's poller: it never touches HTTP.
 * The caller gives it a `look` (one read, which the azure/ layer turns into a state and the server's
 * retry hint) and a `plan` (how long to wait next); the follower owns the loop: the server's hint as
 * a floor, the deadline (a wait that would cross it is cut short so the thing gets one last look at
 * the deadline), and the injected clock and sleep.
 */

/** One look at the thing being followed. */
export interface Look<S> {
    state: S;
    /** Finished (in any way: the caller reads success or failure from the state). */
    done: boolean;
    /** The server's retry hint on the answer, ms: the next look is never sooner. */
    hintMs?: number;
}

/** The next wait: at least `delayMs` (raised to the server's hint), and whatever else `look` needs to know. */
export interface Plan {
    delayMs: number;
}

export interface FollowOptions<S, P extends Plan = Plan> {
    /** Looks once, given the last state and the plan the wait was made for. */
    look(state: S, plan: P): Promise<Look<S>>;
    /** The wait before look number `polls + 1` (polls: looks made so far, 1 after the first). */
    plan(state: S, polls: number, hintMs: number | undefined): P;
    sleep(ms: number): Promise<void>;
    now(): number;
    /** Epoch ms after which the follower stops waiting (absent: it waits as long as it takes). */
    deadline?: number;
    /** The error for a follow that reached its deadline unfinished (default: a plain error). */
    timedOut?(state: S): Error;
    /** Waits `ms` (default `sleep`): a caller that reports while it waits (a heartbeat) wraps it. */
    wait?(ms: number, state: S): Promise<void>;
}

/**
 * Follows from `first` until a look says done; returns that last state. A look that throws ends
 * the follow with its error (retrying a request is the transport's job, not the follower's).
 */
export async function follow<S, P extends Plan = Plan>(first: Look<S>, o: FollowOptions<S, P>): Promise<S> {
    let last = first;
    for (let polls = 1; !last.done; polls++) {
        const plan = o.plan(last.state, polls, last.hintMs);
        const delayMs = Math.max(plan.delayMs, last.hintMs ?? 0);
        const left = o.deadline === undefined ? Infinity : o.deadline - o.now();
        if (left <= 0) throw o.timedOut ? o.timedOut(last.state) : new Error("gave up waiting: the deadline passed");
        const ms = Math.min(delayMs, left);
        await (o.wait ? o.wait(ms, last.state) : o.sleep(ms));
        last = await o.look(last.state, { ...plan, delayMs });
    }
    return last.state;
}

/** A plan that waits the server's hint, else `fallbackMs` (or a step that grows with each look). */
export function hintOr(fallbackMs: number | ((polls: number) => number)): (state: unknown, polls: number, hintMs?: number) => Plan {
    return (_state, polls, hintMs) => ({ delayMs: hintMs ?? (typeof fallbackMs === "number" ? fallbackMs : fallbackMs(polls)) });
}
