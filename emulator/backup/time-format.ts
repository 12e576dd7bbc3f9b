/**
 * The time formats the Azure Backup wire contract uses.
 */

/** ISO 8601 timestamp with 7 fractional digits, as Azure Backup emits: 2026-11-27T10:15:02.1230000Z */
export function armTimestamp(ms: number): string {
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** ISO 8601 duration, e.g. PT1H2M3.5S; PT0S for zero. */
export function isoDuration(seconds: number): string {
    let rest = Math.max(0, seconds);
    const days = Math.floor(rest / 86400);
    rest -= days * 86400;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    rest -= minutes * 60;
    const secs = Math.round(rest * 1e7) / 1e7;
    let out = "P";
    if (days > 0) out += `${days}D`;
    let time = "";
    if (hours > 0) time += `${hours}H`;
    if (minutes > 0) time += `${minutes}M`;
    if (secs > 0) time += `${trimNumber(secs)}S`;
    if (time === "" && days === 0) time = "0S";
    if (time !== "") out += `T${time}`;
    return out;
}

function trimNumber(n: number): string {
    return n.toFixed(7).replace(/\.?0+$/, "");
}

/** US-style date as the propertyBag shows it: 11/27/2026 9:08:07 AM (UTC). */
export function usDateTime(ms: number): string {
    const d = new Date(ms);
    const h24 = d.getUTCHours();
    const ampm = h24 < 12 ? "AM" : "PM";
    const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${ampm}`;
}

/** yyyyMMdd-HHmmss (UTC), the stamp in restored disk names. */
export function nameStamp(ms: number): string {
    const iso = new Date(ms).toISOString(); // 2026-11-27T10:15:02.123Z
    return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}
