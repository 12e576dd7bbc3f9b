/**
 * One line per meaningful change while a restore runs: operation accepted, job progress in steps,
 * task changes, done. A dynamic provider's stdout reaches the `pulumi up` output.
 */
import { RestoreJobView } from "./restore-job";

export class ProgressReporter {
    private lastStatus?: string;
    private lastPercentStep: number;
    private readonly taskStatus: Map<string, string>;

    // Fields are set here, not by initializers: Pulumi's closure serializer drops those.
    constructor(private readonly label: string, private readonly write: (line: string) => void = (l) => console.log(l)) {
        this.lastPercentStep = -1;
        this.taskStatus = new Map();
    }

    say(message: string): void {
        this.write(`[${this.label}] ${message}`);
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
