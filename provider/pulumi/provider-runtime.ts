/**
 * Builds what a provider call needs (ARM client, credential, scheduler) at run time, from the inputs
 * and the process environment. Called inside each provider method: nothing here is captured into
 * the serialized provider.
 */
import { ArmClient, realSleep } from "../azure/arm-client";
import { armScope, createTokenSource, isLoopbackUrl } from "../azure/credentials";
import { currentAzureSettings } from "../azure/azure-settings";
import { discoverCloud } from "../azure/cloud-metadata";
import { proxySettings } from "../azure/proxy";
import { AdaptivePollScheduler, PollScheduler } from "../polling/poll-scheduler";
import { ProgressReporter } from "../restore/progress-reporter";
import { DEFAULT_ARM_ENDPOINT, VmRestoreInputs } from "../restore/restore-inputs";
import { WorkflowDeps } from "../restore/workflow-deps";
import { CheckpointStore, fileCheckpointStore } from "../restore/restore-checkpoint";
import { processJobBoard } from "../restore/vault-job-board";

export interface RuntimeOverrides {
    scheduler?: PollScheduler;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    write?: (line: string) => void;
    heartbeatMs?: number;
    checkpoints?: CheckpointStore;
}

/** What a provider call runs on: the restore steps' dependencies and where restores in flight are recorded. */
export interface ProviderRuntime extends WorkflowDeps {
    checkpoints: CheckpointStore;
}

/** The heartbeat rhythm: VMRESTORE_HEARTBEAT_SECONDS (0 turns it off), default 60 s. */
export function heartbeatMsFrom(env: NodeJS.ProcessEnv): number {
    const raw = env.VMRESTORE_HEARTBEAT_SECONDS;
    if (raw === undefined || raw.trim() === "") return DEFAULT_HEARTBEAT_MS;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0) {
        throw new Error(
            `VMRESTORE_HEARTBEAT_SECONDS must be a number of seconds >= 0 (0 turns the heartbeat off); unset it for the default of ${DEFAULT_HEARTBEAT_MS / 1000}`,
        );
    }
    return seconds * 1000;
}

export const DEFAULT_HEARTBEAT_MS = 60_000;

/**
 * Settings are checked here, before any request: proxy variables, then the azure-native settings
 * (stack config and ARM_*; see azure-settings.ts). The ARM endpoint is the `armEndpoint` input, else
 * the cloud of `metadataHost` (its metadata document) or `environment`, else public Azure.
 */
export async function createRuntime(
    inputs: Partial<VmRestoreInputs> & { resourceName?: string },
    overrides: RuntimeOverrides = {},
): Promise<ProviderRuntime> {
    proxySettings();
    const heartbeatMs = overrides.heartbeatMs ?? heartbeatMsFrom(process.env);
    const settings = currentAzureSettings();
    const cloud = settings.metadataHost ? await discoverCloud(settings.metadataHost) : settings.cloud;
    const endpoint = inputs.armEndpoint ?? cloud?.armEndpoint ?? DEFAULT_ARM_ENDPOINT;
    const sameCloud = cloud !== undefined && new URL(endpoint).origin === new URL(cloud.armEndpoint).origin;
    const progress = new ProgressReporter(`vmrestore ${inputs.resourceName ?? ""}`.trim(), overrides.write);
    const sleep = overrides.sleep ?? realSleep;
    const now = overrides.now ?? Date.now;
    const arm = new ArmClient({
        endpoint,
        armScope: sameCloud && cloud.armAudience ? `${cloud.armAudience}/.default` : armScope(endpoint),
        // The azure-native settings sign in to the cloud they name. An `armEndpoint` on this machine
        // that is not that cloud (the emulator of an offline drill, run where ARM_* is set for real
        // Azure) keeps the provider's own chain: no credential unless AZURE_* names one.
        tokens:
            isLoopbackUrl(endpoint) && !sameCloud
                ? createTokenSource(endpoint, process.env, { settings: { ...settings, credential: undefined } })
                : createTokenSource(endpoint, process.env, { settings, authorityHost: cloud?.authorityHost }),
        sleep,
        now,
        log: (line) => progress.say(line),
    });
    return {
        arm,
        scheduler: overrides.scheduler ?? new AdaptivePollScheduler(),
        sleep,
        now,
        progress,
        jobBoard: processJobBoard(),
        heartbeatMs,
        checkpoints: overrides.checkpoints ?? fileCheckpointStore(undefined, (line) => progress.say(line)),
    };
}
