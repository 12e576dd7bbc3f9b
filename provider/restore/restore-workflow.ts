/**
 * The restore, end to end, in three steps with one record (record.ts) carried between them:
 * 1. `startRestore` (trigger.ts): POST the restore, or adopt the job this resource already started;
 * 2. `waitForRestore` (wait.ts): follow the operation to its job, then the job to a terminal status;
 * 3. `collectOutputs` (outputs.ts): find and verify what was restored.
 * The source of a restore is resolved once before (source.ts).
 */
export { WorkflowDeps } from "./workflow-deps";
export { RestoreRecord, jobSourceOf, recordFromOutputs, sourceOutputs } from "./record";
export { RestoreSource, resolveRestoreSource, restoreRegionOf, vaultPathOf } from "./source";
export { StartOptions, startRestore } from "./trigger";
export { cancelJob, waitForRestore, waitOutJob } from "./wait";
export { collectOutputs, isEmpty, leftoversOf, restoredAsOutputs, restoredFromOutputs } from "./outputs";
