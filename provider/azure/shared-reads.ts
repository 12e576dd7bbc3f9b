/**
 * Reads shared by every resource the provider process serves. One `pulumi up` sends all its
 * VmRestore resources to one provider process, and each of them (in `check`, then in `create`)
 * looks up the same vault, protected items, recovery points, staging account and networks. For
 * reads of things that do not change during a deployment, identical requests in flight are sent
 * once (single flight), and a successful answer serves the same read again for a short while.
 * 200 restores of a handful of VMs then cost a handful of lookups, not 2,000.
 *
 * Only 2xx answers are kept (a 404 seen in a preview must not hide a resource created since), and
 * each caller gets its own copy of the body.
 */

import { processSingleton } from "../pulumi/process-singleton";

export interface SharedAnswer {
    status: number;
    headers: Record<string, string>;
    body: unknown;
}

interface Entry {
    /** When the answer arrived (epoch ms); undefined while the request is in flight. */
    at?: number;
    answer: Promise<SharedAnswer>;
}

/** Entries kept at most; the oldest go first (a deployment reads far fewer distinct things). */
const MAX_ENTRIES = 2_000;

export class SharedReads {
    private readonly entries: Map<string, Entry>;

    constructor(private readonly now: () => number = Date.now) {
        this.entries = new Map();
    }

    /**
     * The answer for `key`: a kept one younger than `maxAgeMs`, the one in flight, or a new one from
     * `fetch`. A failed or non-2xx fetch is not kept (the next read asks again).
     */
    async read(key: string, maxAgeMs: number, fetch: () => Promise<SharedAnswer>): Promise<SharedAnswer> {
        const found = this.entries.get(key);
        if (found && (found.at === undefined || this.now() - found.at <= maxAgeMs)) return copy(await found.answer);
        const entry: Entry = { answer: fetch() };
        this.entries.set(key, entry);
        this.trim();
        try {
            const answer = await entry.answer;
            if (answer.status >= 200 && answer.status < 300) entry.at = this.now();
            else this.forget(key, entry);
            return copy(answer);
        } catch (e) {
            this.forget(key, entry);
            throw e;
        }
    }

    /** Forgets every kept answer (a benchmark measuring one restore at a time starts from nothing). */
    clear(): void {
        this.entries.clear();
    }

    private forget(key: string, entry: Entry): void {
        if (this.entries.get(key) === entry) this.entries.delete(key);
    }

    private trim(): void {
        while (this.entries.size > MAX_ENTRIES) {
            const oldest = this.entries.keys().next().value as string;
            this.entries.delete(oldest);
        }
    }
}

function copy(a: SharedAnswer): SharedAnswer {
    return { status: a.status, headers: { ...a.headers }, body: a.body === undefined ? undefined : structuredClone(a.body) };
}

/** The provider process's shared reads (see `processSingleton`). */
export function processSharedReads(): SharedReads {
    return processSingleton("vmrestore.sharedReads", () => new SharedReads());
}

/** How long a lookup's answer serves other resources of the same deployment. */
export const LOOKUP_SHARE_MS = 60_000;
