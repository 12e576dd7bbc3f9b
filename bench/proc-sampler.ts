/**
 * Samples /proc while engine runs go on (Linux only): the resident memory of the dynamic provider
 * processes (`pulumi-resource-pulumi-nodejs` → `node …/@pulumi/pulumi/cmd/dynamic-provider`) that
 * descend from a given process, and the CPU time of every process in that tree, grouped by role,
 * to show where the time goes.
 */
import * as fs from "fs";

export type Role = "pulumi CLI (engine)" | "dynamic provider (VmRestore)" | "program host (Automation API, Node)" | "other";

interface ProcInfo {
    pid: number;
    ppid: number;
    cmd: string;
    cpuTicks: number;
    rssKb: number;
    hwmKb: number;
}

const CLK_TCK = 100;

function readProc(pid: number): ProcInfo | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
        return {
            pid,
            ppid: Number(rest[1]),
            cmd: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim(),
            cpuTicks: Number(rest[11]) + Number(rest[12]),
            rssKb: kb("VmRSS"),
            hwmKb: kb("VmHWM"),
        };
    } catch {
        return undefined;
    }
}

export function roleOf(cmd: string): Role {
    // The provider itself, not the wrapper's `node -e "require.resolve('…/dynamic-provider')"`.
    if (/cmd\/dynamic-provider(\/index\.js)?\s/.test(cmd) && !/\snode -e|^node -e/.test(cmd)) return "dynamic provider (VmRestore)";
    if (/\/pulumi\s|\/pulumi$|^pulumi\s/.test(cmd) || /bin\/pulumi /.test(cmd)) return "pulumi CLI (engine)";
    if (/engine-worker\.ts/.test(cmd)) return "program host (Automation API, Node)";
    return "other";
}

export interface ProviderMemory {
    pid: number;
    /** The root (of `roots`) it descends from. */
    root: number;
    /** Epoch ms of the first sample that saw it. */
    firstSeen: number;
    /** Highest VmRSS sampled, and the kernel's high-water mark (VmHWM) at the last sample, KiB. */
    peakRssKb: number;
    hwmKb: number;
}

export interface TreeSample {
    providers: ProviderMemory[];
    /** CPU seconds of the processes counted as "other", by command (first two words). */
    others: Record<string, number>;
    /** CPU seconds per role, summed over the processes of the tree (last reading of each). */
    cpuByRole: Record<Role, number>;
    /** Sampling period, ms. */
    periodMs: number;
}

/** Samples the process trees under `roots` every `periodMs` until stop() is called. */
export function sampleProcessTree(roots: () => number[], periodMs = 250): { stop(): TreeSample } {
    const providers = new Map<number, ProviderMemory>();
    const lastCpu = new Map<number, { role: Role; ticks: number; cmd: string }>();
    const tick = () => {
        const all: ProcInfo[] = [];
        for (const name of fs.readdirSync("/proc")) {
            if (!/^\d+$/.test(name)) continue;
            const p = readProc(Number(name));
            if (p) all.push(p);
        }
        const children = new Map<number, ProcInfo[]>();
        for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
        const inTree: { p: ProcInfo; root: number }[] = [];
        for (const root of roots()) {
            const me = all.find((p) => p.pid === root);
            if (!me) continue;
            const stack: ProcInfo[] = [me];
            while (stack.length) {
                const p = stack.pop()!;
                inTree.push({ p, root });
                stack.push(...(children.get(p.pid) ?? []));
            }
        }
        for (const { p, root } of inTree) {
            // A process that has exited (a zombie until reaped) shows an empty command line: keep what it was.
            const known = lastCpu.get(p.pid);
            const role = p.cmd || !known ? roleOf(p.cmd) : known.role;
            const cmd = p.cmd ? p.cmd.split(" ").slice(0, 2).join(" ").slice(0, 80) : (known?.cmd ?? "");
            lastCpu.set(p.pid, { role, ticks: Math.max(p.cpuTicks, known?.ticks ?? 0), cmd });
            if (role === "dynamic provider (VmRestore)") {
                const m = providers.get(p.pid) ?? { pid: p.pid, root, firstSeen: Date.now(), peakRssKb: 0, hwmKb: 0 };
                m.peakRssKb = Math.max(m.peakRssKb, p.rssKb);
                m.hwmKb = Math.max(m.hwmKb, p.hwmKb);
                providers.set(p.pid, m);
            }
        }
    };
    tick();
    const timer = setInterval(tick, periodMs);
    return {
        stop() {
            clearInterval(timer);
            tick();
            const cpuByRole: Record<Role, number> = {
                "pulumi CLI (engine)": 0,
                "dynamic provider (VmRestore)": 0,
                "program host (Automation API, Node)": 0,
                other: 0,
            };
            const others: Record<string, number> = {};
            for (const { role, ticks, cmd } of lastCpu.values()) {
                cpuByRole[role] += ticks / CLK_TCK;
                if (role === "other") others[cmd] = (others[cmd] ?? 0) + ticks / CLK_TCK;
            }
            return { providers: [...providers.values()], cpuByRole, others, periodMs };
        },
    };
}
