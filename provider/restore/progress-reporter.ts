/**
 * One line per meaningful change while a restore runs: operation accepted, job progress in steps,
 * task changes, done. A dynamic provider's stdout reaches the `pulumi up` output.
 */
import { formatHuman } from "../azure/backup/duration";
import { RestoreJobView } from "../azure/backup/restore-job";

export class ProgressReporter {
    private lastStatus?: string;
    private lastPercentStep: number;
    private readonly taskStatus: Map<string, string>;

    // Fields are set here, not by initializers: Pulumi's closure serializer drops those.
    constructor(
        private readonly label: string,
        private readonly write: (line: string) => void = (l) => console.log(l),
    ) {
        this.lastPercentStep = -1;
        this.taskStatus = new Map();
    }

    say(message: string): void {
        this.write(`[${this.label}] ${message}`);
    }

    /**
     * The heartbeat: where the restore stands, from the last look at the job (no request): phase
     * (status and the running task), percentage, time since the trigger, Azure's estimate of the
     * time left, and when the provider looks at the job next.
     */
    heartbeat(job: RestoreJobView, at: { elapsedMs: number; nextCheckAt: number; now: number }): void {
        const task =
            job.tasks.find((x) => x.status === "InProgress") ??
            job.tasks.find((x) => x.status !== "Completed" && x.status !== "NotStarted");
        const parts = [
            `restoring: job ${job.jobId} ${job.status}${task ? ` (${task.taskId})` : ""}`,
            job.progressPercentage !== undefined ? `${Math.round(job.progressPercentage)}%` : "progress not reported",
            `elapsed ${formatHuman(at.elapsedMs)}`,
            job.estimatedRemainingMs !== undefined
                ? `Azure estimates ${formatHuman(job.estimatedRemainingMs)} left`
                : "no estimate from Azure",
            `next check ${new Date(at.nextCheckAt).toISOString().replace(/\.\d+Z$/, "Z")} (in ${formatHuman(Math.max(0, at.nextCheckAt - at.now))})`,
        ];
        this.say(parts.join(", "));
    }

    /** Reports what changed since the last poll of the job. */
    job(job: RestoreJobView): void {
        const changes: string[] = [];
        if (job.status !== this.lastStatus) {
            changes.push(`job ${job.status}`);
            this.lastStatus = job.status;
        }
        if (job.progressPercentage !== undefined) {
            const step = Math.floor(job.progressPercentage / 10);
            if (step > this.lastPercentStep) {
                this.lastPercentStep = step;
                changes.push(`${Math.round(job.progressPercentage)}%`);
            }
        }
        for (const t of job.tasks) {
            if (this.taskStatus.get(t.taskId) !== t.status) {
                if (this.taskStatus.has(t.taskId) || t.status !== "NotStarted") changes.push(`${t.taskId}: ${t.status}`);
                this.taskStatus.set(t.taskId, t.status);
            }
        }
        if (changes.length) this.say(changes.join(", "));
    }
}
