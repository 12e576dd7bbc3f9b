import { assertSupportedRuntime } from "./pulumi/supported-runtime";

assertSupportedRuntime();

export { VmRestore, VmRestoreArgs } from "./pulumi/vm-restore";
export {
    VmRestoreInputs,
    VmRestoreOutputs,
    RestoreType,
    RecoveryPointSelector,
    DiskEncryptionKeys,
    RestoreIdentity,
    DiskNetworkAccess,
    Rehydration,
    RestoredDataDiskOutput,
} from "./restore/restore-inputs";
export {
    DiskEncryptionKeysArgs,
    DiskNetworkAccessArgs,
    RecoveryPointSelectorArgs,
    RehydrationArgs,
    RestoreIdentityArgs,
} from "./pulumi/input-types";
