/**
 * Blobs in the emulated storage accounts (restore config/template blobs, unmanaged VHDs),
 * served at {baseUrl}/blob/{account}/{container}/{blob}.
 */
import { BlobEncoding } from "./azure-variants";
import { ResourceOrigin } from "./resource-store";

export interface StoredBlob {
    account: string;
    container: string;
    name: string;
    content: string;
    /** How `content` is stored as bytes (default UTF-8). */
    encoding?: BlobEncoding;
    contentType: string;
    createdMs: number;
    origin: ResourceOrigin;
    jobId?: string;
}

export class BlobStore {
    private readonly blobs = new Map<string, StoredBlob>();

    put(blob: StoredBlob): StoredBlob {
        const stored = { ...blob, account: blob.account.toLowerCase(), container: blob.container.toLowerCase() };
        this.blobs.set(key(stored.account, stored.container, stored.name), stored);
        return stored;
    }

    get(account: string, container: string, name: string): StoredBlob | undefined {
        return this.blobs.get(key(account, container, name));
    }

    delete(account: string, container: string, name: string): boolean {
        return this.blobs.delete(key(account, container, name));
    }

    /** Deletes every blob of a container; returns how many there were. */
    deleteContainer(account: string, container: string): number {
        const doomed = this.list(account, container);
        for (const b of doomed) this.delete(b.account, b.container, b.name);
        return doomed.length;
    }

    list(account?: string, container?: string): StoredBlob[] {
        return [...this.blobs.values()].filter(
            (b) =>
                (account === undefined || b.account === account.toLowerCase()) &&
                (container === undefined || b.container === container.toLowerCase()),
        );
    }

    containerExists(account: string, container: string): boolean {
        return this.list(account, container).length > 0;
    }
}

/** Account and container names are lowercase in Azure; blob names are case-sensitive. */
function key(account: string, container: string, name: string): string {
    return `${account.toLowerCase()}/${container.toLowerCase()}/${name}`;
}

export function blobUrl(baseUrl: string, account: string, container: string, name: string): string {
    return `${baseUrl}/blob/${account}/${container}/${name.split("/").map(encodeURIComponent).join("/")}`;
}
