/**
 * The record of every ARM and blob request the emulator answered (admin calls excluded), served
 * by GET /admin/requests so tests and drills can assert what a client sent. The Authorization
 * header's value is never stored. The log keeps the newest 20,000 entries.
 */

export interface LoggedRequest {
  seq: number;
  time: string;
  method: string;
  /** Decoded path, without the query. */
  path: string;
  query: Record<string, string>;
  /** Null until answered; 0 when the connection was reset by a fault; stays null for a hang. */
  status: number | null;
  requestBody: unknown;
  headers: Record<string, string>;
  /** Set when a fault shaped the answer. */
  fault?: string;
  durationMs?: number;
}

const MAX_ENTRIES = 20000;
const REDACTED = "[redacted]";

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  start(method: string, path: string, query: Record<string, string>, headers: Record<string, string | string[] | undefined>, requestBody: unknown): LoggedRequest {
    const entry: LoggedRequest = {
      seq: ++this.seq,
      time: new Date().toISOString(),
      method,
      path,
      query,
      status: null,
      requestBody,
      headers: redactHeaders(headers),
    };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return entry;
  }

  list(sinceSeq = 0): LoggedRequest[] {
    return this.entries.filter((e) => e.seq > sinceSeq);
  }

  clear(): void {
    this.entries = [];
  }
}

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = lower === "authorization" || lower === "x-ms-authorization-auxiliary" ? REDACTED : Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
