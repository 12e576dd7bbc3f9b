/**
 * The drill's evidence, declared: after a restore, check that what came back is usable (a restored
 * VM runs with a Ready VM agent; restored disks are attachable, as many and as large as the
 * source's) and that the restore met its objectives (RTO: first trigger → verified; RPO: the
 * recovery point's age at the trigger). Every check and objective is recorded in outputs; a failed
 * one fails the resource, or with `verify.failOnViolation: false` is recorded only.
 */
import { API_VERSIONS } from "../azure/api-versions";
import { ArmClient } from "../azure/arm-client";
import { VmRestoreInputs, VmRestoreOutputs } from "./restore-inputs";
import { follow, Look } from "../polling/follow";

/** The `verify` input. */
export interface VerifySettings {
    /** Run the checks after the restore (default true once `verify` is given). */
    enabled?: boolean;
    /** How long a restored VM may take to run with a Ready VM agent, minutes (default 15). */
    windowMinutes?: number;
    /** Require the VM agent to report Ready (default true; false for images without the agent). */
    vmAgent?: boolean;
    /** Fail the resource when a check or objective fails (default true); false records it only. */
    failOnViolation?: boolean;
}

export interface DrillCheck {
    /** e.g. "vm-running", "vm-agent-ready", "disk-attachable", "disk-count", "disk-size", "rto", "rpo". */
    name: string;
    passed: boolean;
    /** What was found, and by how much it missed. */
    detail: string;
    resourceId?: string;
}

export interface ObjectiveResult {
    targetMinutes: number;
    actualMinutes: number;
    passed: boolean;
    detail: string;
}

export interface DrillObjectives {
    rto?: ObjectiveResult;
    rpo?: ObjectiveResult;
}

export const DEFAULT_VERIFY_WINDOW_MINUTES = 15;

type Fail = (property: string, reason: string) => void;

const positiveMinutes = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;

/** `check` of rtoMinutes, rpoMinutes and verify (values still unknown in preview are skipped by the caller). */
export function checkVerifyInputs(inputs: Record<string, unknown>, isUnknown: (v: unknown) => boolean, fail: Fail): void {
    for (const k of ["rtoMinutes", "rpoMinutes"]) {
        const v = inputs[k];
        if (v === undefined || isUnknown(v)) continue;
        if (!positiveMinutes(v)) {
            const what =
                k === "rtoMinutes"
                    ? "the recovery time objective: the longest a restore may take from its trigger to verified outputs"
                    : "the recovery point objective: the oldest a recovery point may be when the restore is triggered";
            fail(k, `${k} must be a positive number of minutes (${what}), got ${JSON.stringify(v)}`);
        }
    }
    const verify = inputs.verify;
    if (verify === undefined || isUnknown(verify)) return;
    if (typeof verify !== "object" || verify === null || Array.isArray(verify)) {
        fail(
            "verify",
            "verify must be an object { enabled?: boolean, windowMinutes?: number, vmAgent?: boolean, failOnViolation?: boolean }",
        );
        return;
    }
    const known = ["enabled", "windowMinutes", "vmAgent", "failOnViolation"];
    const o = verify as Record<string, unknown>;
    for (const k of Object.keys(o))
        if (!known.includes(k)) fail(`verify.${k}`, `verify.${k} is not a setting of verify; the settings are ${known.join(", ")}`);
    for (const k of ["enabled", "vmAgent", "failOnViolation"]) {
        if (o[k] !== undefined && !isUnknown(o[k]) && typeof o[k] !== "boolean")
            fail(`verify.${k}`, `verify.${k} must be true or false, got ${JSON.stringify(o[k])}`);
    }
    const w = o.windowMinutes;
    if (w !== undefined && !isUnknown(w) && (!positiveMinutes(w) || (w as number) > 24 * 60)) {
        fail("verify.windowMinutes", `verify.windowMinutes must be a number of minutes above 0 and at most 1440, got ${JSON.stringify(w)}`);
    }
}

/** True when the restore is to be checked at all. */
export function verificationWanted(inputs: VmRestoreInputs): boolean {
    return inputs.verify !== undefined && inputs.verify.enabled !== false;
}

export interface VerifyDeps {
    arm: ArmClient;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    say: (line: string) => void;
}

interface InstanceStatus {
    code?: string;
    displayStatus?: string;
    message?: string;
}

interface InstanceView {
    statuses?: InstanceStatus[];
    vmAgent?: { vmAgentVersion?: string; statuses?: InstanceStatus[] };
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/**
 * A restored VM's power state and VM agent status (compute instanceView), looked at until both are
 * good or the window has passed.
 */
async function checkVm(d: VerifyDeps, vmId: string, s: VerifySettings): Promise<DrillCheck[]> {
    const windowMs = (s.windowMinutes ?? DEFAULT_VERIFY_WINDOW_MINUTES) * 60_000;
    const wantAgent = s.vmAgent !== false;
    const start = d.now();
    const every = Math.min(10_000, Math.max(1_000, windowMs / 30));
    const look = async (): Promise<Look<InstanceView>> => {
        const view = (await d.arm.get<InstanceView>(`${vmId}/instanceView`, { apiVersion: API_VERSIONS.virtualMachines })).body ?? {};
        const ok = isRunning(view) && (!wantAgent || agentReady(view));
        return { state: view, done: ok || d.now() - start >= windowMs };
    };
    // Looked at until both are good or the window has passed (then the checks say what was seen last).
    const view = await follow(await look(), {
        look,
        plan: () => ({ delayMs: Math.min(every, Math.max(0, windowMs - (d.now() - start))) }),
        sleep: d.sleep,
        now: d.now,
    });
    const waited = d.now() - start;
    const power = (view.statuses ?? []).find((x) => x.code?.startsWith("PowerState/"));
    const checks: DrillCheck[] = [
        {
            name: "vm-running",
            passed: isRunning(view),
            detail: isRunning(view)
                ? `${power?.code} (${power?.displayStatus ?? "running"}) after ${minutes(waited)}`
                : `not running within the ${minutes(windowMs)} window: ${power?.code ?? "no power state"}${power?.displayStatus ? ` (${power.displayStatus})` : ""}`,
            resourceId: vmId,
        },
    ];
    if (wantAgent) {
        const agent = view.vmAgent?.statuses?.[0];
        checks.push({
            name: "vm-agent-ready",
            passed: agentReady(view),
            detail: agentReady(view)
                ? `VM agent ${agent?.displayStatus} (version ${view.vmAgent?.vmAgentVersion ?? "unknown"}) after ${minutes(waited)}`
                : `VM agent not Ready within the ${minutes(windowMs)} window: ${agent ? `${agent.displayStatus ?? agent.code}${agent.message ? `: ${agent.message}` : ""}` : "no agent status reported"}`,
            resourceId: vmId,
        });
    }
    return checks;
}

const isRunning = (v: InstanceView) => (v.statuses ?? []).some((x) => x.code === "PowerState/running");
const agentReady = (v: InstanceView) => (v.vmAgent?.statuses ?? []).some((x) => x.displayStatus === "Ready");

interface DiskBody {
    name?: string;
    properties?: { diskState?: string; diskSizeGB?: number };
}

interface VmBody {
    properties?: {
        storageProfile?: {
            osDisk?: { diskSizeGB?: number; managedDisk?: { id?: string } };
            dataDisks?: { lun: number; diskSizeGB?: number; managedDisk?: { id?: string } }[];
        };
    };
}

/** The source VM's disks a restore of these inputs brings back: {lun (-1 for the OS disk), size}. */
async function expectedDisks(arm: ArmClient, inputs: VmRestoreInputs): Promise<{ lun: number; sizeGB?: number }[] | undefined> {
    const res = await arm.get<VmBody>(inputs.sourceVmId, { apiVersion: API_VERSIONS.virtualMachines, okStatuses: [404] });
    if (res.status === 404 || !res.body?.properties?.storageProfile) return undefined;
    const p = res.body.properties.storageProfile;
    const size = async (d: { diskSizeGB?: number; managedDisk?: { id?: string } }) => {
        if (d.diskSizeGB !== undefined || !d.managedDisk?.id) return d.diskSizeGB;
        const disk = await arm.get<DiskBody>(d.managedDisk.id, { apiVersion: API_VERSIONS.disks, okStatuses: [404] });
        return disk.body?.properties?.diskSizeGB;
    };
    const out = [{ lun: -1, sizeGB: p.osDisk ? await size(p.osDisk) : undefined }];
    if (inputs.osDiskOnly) return out;
    for (const d of p.dataDisks ?? []) {
        if (inputs.diskLuns && !inputs.diskLuns.includes(d.lun)) continue;
        out.push({ lun: d.lun, sizeGB: await size(d) });
    }
    return out;
}

/** Restored managed disks: attachable (Unattached), as many as expected, each the source disk's size. */
async function checkDisks(d: VerifyDeps, inputs: VmRestoreInputs, outs: VmRestoreOutputs): Promise<DrillCheck[]> {
    const restored = [...(outs.osDiskId ? [{ lun: -1, diskId: outs.osDiskId }] : []), ...(outs.dataDisks ?? [])];
    const checks: DrillCheck[] = [];
    const expected = await expectedDisks(d.arm, inputs).catch(() => undefined);
    if (expected) {
        checks.push({
            name: "disk-count",
            passed: restored.length === expected.length,
            detail:
                restored.length === expected.length
                    ? `${restored.length} disk(s) restored, as the source VM has`
                    : `${restored.length} disk(s) restored, ${expected.length} expected from the source VM (${restored.length < expected.length ? `${expected.length - restored.length} missing` : `${restored.length - expected.length} extra`})`,
        });
    } else {
        checks.push({
            name: "disk-count",
            passed: true,
            detail: `${restored.length} disk(s) restored; the source VM cannot be read, so count and sizes are not compared`,
        });
    }
    for (const r of restored) {
        const disk = (await d.arm.get<DiskBody>(r.diskId, { apiVersion: API_VERSIONS.disks })).body ?? {};
        const state = disk.properties?.diskState ?? "unknown";
        const label = r.lun < 0 ? "OS disk" : `data disk LUN ${r.lun}`;
        checks.push({
            name: "disk-attachable",
            passed: state === "Unattached",
            detail:
                state === "Unattached"
                    ? `${label} is Unattached: it can be attached to a VM`
                    : `${label} is ${state}, not Unattached: it cannot be attached to a new VM`,
            resourceId: r.diskId,
        });
        const want = expected?.find((e) => e.lun === r.lun)?.sizeGB;
        const got = disk.properties?.diskSizeGB;
        if (want !== undefined) {
            checks.push({
                name: "disk-size",
                passed: got === want,
                detail:
                    got === want
                        ? `${label} is ${got} GB, as on the source`
                        : `${label} is ${got ?? "of unknown size"}${got !== undefined ? " GB" : ""}, the source's is ${want} GB${got !== undefined ? ` (${Math.abs(want - got)} GB ${got < want ? "smaller" : "larger"})` : ""}`,
                resourceId: r.diskId,
            });
        }
    }
    return checks;
}

/** Runs the checks that apply to what was restored. */
export async function verifyRestore(d: VerifyDeps, inputs: VmRestoreInputs, outs: VmRestoreOutputs): Promise<DrillCheck[]> {
    const s = inputs.verify ?? {};
    if (outs.restoredVmId) return checkVm(d, outs.restoredVmId, s);
    if (inputs.restoreType === "RestoreDisks" && (outs.osDiskId || (outs.dataDisks ?? []).length)) return checkDisks(d, inputs, outs);
    return [];
}

function objective(kind: "RTO" | "RPO", targetMinutes: number, actualSeconds: number): ObjectiveResult {
    const actualMinutes = Math.round((actualSeconds / 60) * 100) / 100;
    const passed = actualSeconds <= targetMinutes * 60;
    const by = Math.abs(targetMinutes - actualSeconds / 60).toFixed(2);
    const what = kind === "RTO" ? "time to restore" : "recovery point age";
    return {
        targetMinutes,
        actualMinutes,
        passed,
        detail: passed
            ? `${kind} met: ${what} ${actualMinutes} min, objective ${targetMinutes} min (${by} min to spare)`
            : `${kind} missed: ${what} ${actualMinutes} min exceeds the objective of ${targetMinutes} min by ${by} min`,
    };
}

/** The objectives the inputs declare, against what the restore achieved. */
export function evaluateObjectives(
    inputs: VmRestoreInputs,
    outs: Partial<Pick<VmRestoreOutputs, "timeToRestoreSeconds" | "recoveryPointAgeSeconds">>,
): DrillObjectives {
    const out: DrillObjectives = {};
    if (inputs.rtoMinutes !== undefined && typeof outs.timeToRestoreSeconds === "number")
        out.rto = objective("RTO", inputs.rtoMinutes, outs.timeToRestoreSeconds);
    if (inputs.rpoMinutes !== undefined && outs.recoveryPointAgeSeconds !== undefined)
        out.rpo = objective("RPO", inputs.rpoMinutes, outs.recoveryPointAgeSeconds);
    return out;
}

/** Every failed check and objective, one line each. */
export function violationsOf(checks: DrillCheck[], objectives: DrillObjectives): string[] {
    return [
        ...checks.filter((c) => !c.passed).map((c) => `${c.name}${c.resourceId ? ` (${c.resourceId.split("/").pop()})` : ""}: ${c.detail}`),
        ...[objectives.rto, objectives.rpo].filter((o): o is ObjectiveResult => !!o && !o.passed).map((o) => o.detail),
    ];
}
