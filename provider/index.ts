export { VmRestore, VmRestoreArgs } from "./vm-restore";
export { VmRestoreInputs, VmRestoreOutputs, RestoreType } from "./restore-inputs";
export { DiskEncryptionKeysArgs, DiskNetworkAccessArgs, RecoveryPointSelectorArgs, RehydrationArgs, RestoreIdentityArgs } from "./input-types";
