/** What every restore step is given: the ARM client, the polling strategy, the clock and the progress lines. */
import { ArmClient } from "../azure/arm-client";
import { PollScheduler } from "../polling/poll-scheduler";
import { ProgressReporter } from "./progress-reporter";
import { VaultJobBoard } from "./vault-job-board";

export interface WorkflowDeps {
    arm: ArmClient;
    scheduler: PollScheduler;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    progress: ProgressReporter;
    /** Job polls shared by this process's restores of one vault; absent: each reads its own job. */
    jobBoard?: VaultJobBoard;
    /** A heartbeat line per restore at this rhythm while it waits on its job (0 or absent: none). Costs no request. */
    heartbeatMs?: number;
}
