import { assertSupportedRuntime } from "./supported-runtime";

assertSupportedRuntime();

export { VmRestore, VmRestoreArgs } from "./vm-restore";
export {
    VmRestoreInputs, VmRestoreOutputs, RestoreType, RecoveryPointSelector, DiskEncryptionKeys, RestoreIdentity,
    DiskNetworkAccess, Rehydration, RestoredDataDiskOutput,
} from "./restore-inputs";
export { DiskEncryptionKeysArgs, DiskNetworkAccessArgs, RecoveryPointSelectorArgs, RehydrationArgs, RestoreIdentityArgs } from "./input-types";
