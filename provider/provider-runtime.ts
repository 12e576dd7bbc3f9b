/**
 * Builds what a provider call needs (ARM client, credential, scheduler) at run time, from the inputs
 * and the process environment. Called inside each provider method: nothing here is captured into
 * the serialized provider.
 */
import { ArmClient, realSleep } from "./arm-client";
import { armScope, createTokenSource } from "./credentials";
import { AdaptivePollScheduler, PollScheduler } from "./poll-scheduler";
import { ProgressReporter } from "./progress-reporter";
import { DEFAULT_ARM_ENDPOINT, VmRestoreInputs } from "./restore-inputs";
import { WorkflowDeps } from "./restore-workflow";
import { exitWhenEngineGone } from "./engine-watchdog";
import { processJobBoard } from "./vault-job-board";

export interface RuntimeOverrides {
    scheduler?: PollScheduler;
    sleep?: (ms: number) => Promise<void>;
    write?: (line: string) => void;
}

export function createRuntime(inputs: Partial<VmRestoreInputs> & { resourceName?: string }, overrides: RuntimeOverrides = {}): WorkflowDeps {
    exitWhenEngineGone();
    const endpoint = inputs.armEndpoint ?? DEFAULT_ARM_ENDPOINT;
    const progress = new ProgressReporter(`vmrestore ${inputs.resourceName ?? ""}`.trim(), overrides.write);
    const sleep = overrides.sleep ?? realSleep;
    const arm = new ArmClient({
        endpoint,
        armScope: armScope(endpoint),
        tokens: createTokenSource(endpoint),
        sleep,
        log: (line) => progress.say(line),
    });
    return { arm, scheduler: overrides.scheduler ?? new AdaptivePollScheduler(), sleep, now: Date.now, progress, jobBoard: processJobBoard() };
}
