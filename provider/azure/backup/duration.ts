/**
 * Durations as Azure Backup writes them: ISO 8601 (`PT9.87S`, `P1DT2H`), .NET TimeSpan
 * (`00:20:23.0896697`, `1.02:03:04`) and short forms (`0:00:01.78`).
 */

/** Milliseconds, or undefined when the text is not a duration we recognise. */
export function parseDurationMs(text: unknown): number | undefined {
    if (typeof text !== "string") return undefined;
    const s = text.trim();
    const iso = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s);
    if (iso && s.length > 1 && !/T$/i.test(s)) {
        const [, d, h, m, sec] = iso;
        return Math.round(((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(sec ?? 0) * 1000);
    }
    const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(s);
    if (span) {
        const [, d, h, m, sec] = span;
        return Math.round(((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(sec) * 1000);
    }
    return undefined;
}

/** `PT1H2M3.5S`-style ISO 8601 for outputs. */
export function formatIsoDuration(ms: number): string {
    const total = Math.max(0, ms) / 1000;
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = Math.round((total % 60) * 1000) / 1000;
    return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s || (!h && !m) ? `${s}S` : ""}`;
}

/** `1h 02m 03s` for people. */
export function formatHuman(ms: number): string {
    const t = Math.round(Math.max(0, ms) / 1000);
    const h = Math.floor(t / 3600),
        m = Math.floor((t % 3600) / 60),
        s = t % 60;
    return h ? `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s` : m ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}
