/**
 * The response headers every ARM answer carries: request and correlation IDs and the
 * subscription's remaining reads/writes (x-ms-ratelimit-remaining-subscription-reads/-writes),
 * counted per subscription per real hour. With rate limits enforced, an exhausted budget answers
 * 429 with Retry-After.
 */
import { IncomingHttpHeaders } from "http";
import { randomUUID } from "crypto";

export class RateLimiter {
  private windows = new Map<string, { startMs: number; reads: number; writes: number }>();

  constructor(
    private readonly readsPerHour = 12000,
    private readonly writesPerHour = 1200,
    readonly enforce = false,
  ) {}

  /** Counts one request; returns the header to add and whether the budget was already spent. */
  consume(subscriptionId: string, isRead: boolean, nowMs: number = Date.now()): { header: string; remaining: number; exhausted: boolean; retryAfterSeconds: number } {
    const key = subscriptionId.toLowerCase();
    let w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= 3600_000) {
      w = { startMs: nowMs, reads: 0, writes: 0 };
      this.windows.set(key, w);
    }
    const limit = isRead ? this.readsPerHour : this.writesPerHour;
    const used = isRead ? w.reads : w.writes;
    const exhausted = used >= limit;
    if (!exhausted) {
      if (isRead) w.reads++;
      else w.writes++;
    }
    const remaining = Math.max(0, limit - (isRead ? w.reads : w.writes));
    return {
      header: isRead ? "x-ms-ratelimit-remaining-subscription-reads" : "x-ms-ratelimit-remaining-subscription-writes",
      remaining,
      exhausted,
      retryAfterSeconds: Math.max(1, Math.ceil((w.startMs + 3600_000 - nowMs) / 1000)),
    };
  }

  reset(): void {
    this.windows.clear();
  }
}

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
