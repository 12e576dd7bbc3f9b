/**
 * Azure Blob Storage, the little of it restores need: the config/template blobs (and VHDs of an
 * unmanaged restore) at {baseUrl}/blob/{account}/{container}/{blob}. GET/HEAD read a blob,
 * DELETE removes it (202, like Delete Blob); GET ...{container}?restype=container&comp=list lists
 * a container, DELETE ...{container}?restype=container removes it. Errors use the storage
 * service's XML error body and x-ms-error-code header. With auth "entra" every call needs a
 * bearer token for https://storage.azure.com (checked in app.ts, see emulator/server/entra-id.ts).
 */
import { createHash } from "crypto";
import { encodeBlobText } from "../world/azure-variants";
import { EmulatorState } from "../world/emulator-state";
import { Reply, Router } from "../server/router";

const STORAGE_VERSION = "2023-11-03";

export function registerBlobRoutes(router: Router, state: () => EmulatorState): void {
    router.add(["GET", "HEAD"], "/blob/:account/:container", (req) => {
        const s = state();
        if (!accountExists(s, req.params.account)) return storageError(404, "ResourceNotFound", "The specified resource does not exist.");
        if (req.query.restype !== "container" || req.query.comp !== "list") {
            return s.blobs.containerExists(req.params.account, req.params.container)
                ? { status: 200, headers: storageHeaders() }
                : storageError(404, "ContainerNotFound", "The specified container does not exist.");
        }
        const blobs = s.blobs.list(req.params.account, req.params.container);
        const xml =
            `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="${s.baseUrl}/blob/${req.params.account}/" ContainerName="${escapeXml(req.params.container)}"><Blobs>` +
            blobs
                .map(
                    (b) =>
                        `<Blob><Name>${escapeXml(b.name)}</Name><Properties><Content-Length>${Buffer.byteLength(b.content)}</Content-Length><Content-Type>${b.contentType}</Content-Type><BlobType>BlockBlob</BlobType></Properties></Blob>`,
                )
                .join("") +
            `</Blobs><NextMarker /></EnumerationResults>`;
        return { status: 200, headers: storageHeaders(), text: xml, contentType: "application/xml" };
    });

    router.add("DELETE", "/blob/:account/:container", (req) => {
        const s = state();
        if (req.query.restype !== "container")
            return storageError(
                400,
                "InvalidQueryParameterValue",
                "Value for one of the query parameters specified in the request URI is invalid (restype=container is required).",
            );
        const n = s.blobs.deleteContainer(req.params.account, req.params.container);
        return n > 0
            ? { status: 202, headers: storageHeaders() }
            : storageError(404, "ContainerNotFound", "The specified container does not exist.");
    });

    router.add(["GET", "HEAD"], "/blob/:account/:container/*blob", (req) => {
        const s = state();
        const blob = s.blobs.get(req.params.account, req.params.container, req.params.blob);
        if (!blob) return storageError(404, "BlobNotFound", "The specified blob does not exist.");
        return {
            status: 200,
            headers: {
                ...storageHeaders(),
                ETag: `"0x${createHash("md5")
                    .update(encodeBlobText(blob.content, blob.encoding ?? "utf8"))
                    .digest("hex")
                    .slice(0, 15)
                    .toUpperCase()}"`,
                "Last-Modified": new Date(blob.createdMs).toUTCString(),
                "x-ms-blob-type": "BlockBlob",
                "x-ms-creation-time": new Date(blob.createdMs).toUTCString(),
            },
            raw: encodeBlobText(blob.content, blob.encoding ?? "utf8"),
            contentType: blob.contentType,
        };
    });

    router.add("DELETE", "/blob/:account/:container/*blob", (req) => {
        const s = state();
        return s.blobs.delete(req.params.account, req.params.container, req.params.blob)
            ? { status: 202, headers: { ...storageHeaders(), "x-ms-delete-type-permanent": "true" } }
            : storageError(404, "BlobNotFound", "The specified blob does not exist.");
    });
}

function accountExists(s: EmulatorState, account: string): boolean {
    return s.resources.ofType("Microsoft.Storage/storageAccounts").some((a) => a.name.toLowerCase() === account.toLowerCase());
}

function storageHeaders(): Record<string, string> {
    return { "x-ms-version": STORAGE_VERSION, Date: new Date().toUTCString() };
}

/** The storage service's XML error (with an AuthenticationErrorDetail for authentication failures). */
export function storageError(status: number, code: string, message: string, authenticationErrorDetail?: string): Reply {
    const detail =
        authenticationErrorDetail !== undefined
            ? `<AuthenticationErrorDetail>${escapeXml(authenticationErrorDetail)}</AuthenticationErrorDetail>`
            : "";
    return {
        status,
        headers: { ...storageHeaders(), "x-ms-error-code": code },
        text: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}\nTime:${new Date().toISOString()}</Message>${detail}</Error>`,
        contentType: "application/xml",
    };
}

function escapeXml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
