export { VmRestore, VmRestoreArgs } from "./vm-restore";
export { VmRestoreInputs, VmRestoreOutputs, RestoreType } from "./restore-inputs";
