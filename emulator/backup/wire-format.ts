/**
 * Wire formats: "spec" renders what bms.json says (ISO 8601 durations, enum names), "live" the
 * variants the live service is seen to send (test/spec-data/azure-backup/FACTS.md):
 *
 *   job duration / estimatedRemainingDuration  .NET TimeSpan "c"  00:20:23.0896697
 *   job task durations                         .NET TimeSpan "g"  0:00:01.78
 *   actionsInfo                                 numbers            [1] (Cancellable), [2] (Retriable)
 *   recoveryPointTierDetails type / status      numbers            {type: 1, status: 1}
 *   polling URLs (Location, Azure-AsyncOperation)  mixed casing (iaasvmcontainer;iaasVMContainerV2;…, vm;iaasVMContainerV2;…)
 *                                               and an older api-version (2020-09-01, 2017-07-01)
 *   operationResults when done                  204 without a body (spec mode: 200)
 *
 * The format is chosen per emulator (option `wireFormat`, seed `wireFormat`, or
 * POST /admin/wire-format) and read at render time, so it can change while jobs run.
 */
import { isoDuration } from "./time-format";

export type WireFormat = "spec" | "live";

const WIRE_FORMATS: readonly WireFormat[] = ["spec", "live"];

export function isWireFormat(v: unknown): v is WireFormat {
    return WIRE_FORMATS.includes(v as WireFormat);
}

/** RecoveryPointTierType as the live service numbers it (the enum's order in bms.json). */
const TIER_TYPE_NUMBER: Record<string, number> = { Invalid: 0, InstantRP: 1, HardenedRP: 2, ArchivedRP: 3 };
/** RecoveryPointTierStatus numbered like the enum in bms.json. */
const TIER_STATUS_NUMBER: Record<string, number> = { Invalid: 0, Valid: 1, Disabled: 2, Deleted: 3, Rehydrated: 4 };
/** JobSupportedAction numbered like the enum in bms.json. */
const JOB_ACTION_NUMBER: Record<string, number> = { Invalid: 0, Cancellable: 1, Retriable: 2 };

/** .NET TimeSpan "c" (constant) format: [d.]hh:mm:ss[.fffffff], e.g. 00:20:23.0896697. */
export function timeSpanConstant(seconds: number): string {
    const ticks = Math.max(0, Math.round(seconds * 1e7));
    const { days, hours, minutes, secs, fraction } = split(ticks);
    const frac = fraction > 0 ? `.${String(fraction).padStart(7, "0")}` : "";
    return `${days > 0 ? `${days}.` : ""}${pad2(hours)}:${pad2(minutes)}:${pad2(secs)}${frac}`;
}

/** .NET TimeSpan "g" (general short) format: [d:]h:mm:ss[.FFFFFFF], e.g. 0:00:01.78. */
export function timeSpanGeneral(seconds: number): string {
    const ticks = Math.max(0, Math.round(seconds * 1e7));
    const { days, hours, minutes, secs, fraction } = split(ticks);
    const frac = fraction > 0 ? `.${String(fraction).padStart(7, "0").replace(/0+$/, "")}` : "";
    return `${days > 0 ? `${days}:` : ""}${hours}:${pad2(minutes)}:${pad2(secs)}${frac}`;
}

/** A job-level duration (duration, estimatedRemainingDuration) in the given format. */
export function jobDuration(format: WireFormat, seconds: number): string {
    return format === "live" ? timeSpanConstant(seconds) : isoDuration(seconds);
}

/** A task-level duration in the given format. */
export function taskDuration(format: WireFormat, seconds: number): string {
    return format === "live" ? timeSpanGeneral(seconds) : isoDuration(seconds);
}

/** actionsInfo entries: names (spec) or numbers (live). */
export function jobActions(format: WireFormat, actions: string[]): Array<string | number> {
    return format === "live" ? actions.map((a) => JOB_ACTION_NUMBER[a] ?? 0) : [...actions];
}

/** One recoveryPointTierDetails entry: names (spec) or numbers (live). */
export function tierDetail(format: WireFormat, type: string, status: string): { type: string | number; status: string | number } {
    return format === "live" ? { type: TIER_TYPE_NUMBER[type] ?? 0, status: TIER_STATUS_NUMBER[status] ?? 0 } : { type, status };
}

function split(ticks: number): { days: number; hours: number; minutes: number; secs: number; fraction: number } {
    const totalSeconds = Math.floor(ticks / 1e7);
    return {
        days: Math.floor(totalSeconds / 86400),
        hours: Math.floor((totalSeconds % 86400) / 3600),
        minutes: Math.floor((totalSeconds % 3600) / 60),
        secs: totalSeconds % 60,
        fraction: ticks % 1e7,
    };
}

function pad2(n: number): string {
    return String(n).padStart(2, "0");
}
