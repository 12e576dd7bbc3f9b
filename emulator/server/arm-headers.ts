/**
 * The identity headers every ARM answer carries: request, correlation, routing and client
 * request IDs, and no-cache. (The remaining-reads/-writes headers come from emulator/server/arm-throttle.ts.)
 */
import { IncomingHttpHeaders } from "http";
import { randomUUID } from "crypto";

/** x-ms-request-id, x-ms-correlation-request-id (echoing the client's), x-ms-client-request-id (echoed). */
export function armIdentityHeaders(requestHeaders: IncomingHttpHeaders): Record<string, string> {
    const requestId = randomUUID();
    const correlation = single(requestHeaders["x-ms-correlation-request-id"]) ?? randomUUID();
    const out: Record<string, string> = {
        "x-ms-request-id": requestId,
        "x-ms-correlation-request-id": correlation,
        "x-ms-routing-request-id": `WESTEUROPE:${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}Z:${requestId}`,
        "Cache-Control": "no-cache",
        Pragma: "no-cache",
        Expires: "-1",
    };
    const clientRequestId = single(requestHeaders["x-ms-client-request-id"]);
    if (clientRequestId) out["x-ms-client-request-id"] = clientRequestId;
    return out;
}

function single(v: string | string[] | undefined): string | undefined {
    return Array.isArray(v) ? v[0] : v;
}
