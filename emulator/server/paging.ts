/**
 * nextLink paging for list calls: a page of at most pageSize items and, when more remain, a
 * nextLink to the same URL with an opaque $skipToken.
 */

export interface Page<T> {
    items: T[];
    nextLink?: string;
}

export function paginate<T>(all: T[], query: Record<string, string>, pageSize: number, baseUrl: string, path: string): Page<T> {
    const token = query["$skipToken"] ?? query["$skiptoken"];
    const offset = token ? decodeToken(token) : 0;
    const items = all.slice(offset, offset + pageSize);
    if (offset + pageSize >= all.length) return { items };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (k.toLowerCase() !== "$skiptoken") params.set(k, v);
    params.set("$skipToken", encodeToken(offset + pageSize));
    const encodedPath = path.split("/").map(encodeURIComponent).join("/");
    return { items, nextLink: `${baseUrl}${encodedPath}?${params.toString()}` };
}

function encodeToken(offset: number): string {
    return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64url");
}

function decodeToken(token: string): number {
    try {
        const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
        return typeof parsed.offset === "number" && parsed.offset >= 0 ? parsed.offset : 0;
    } catch {
        return 0;
    }
}
