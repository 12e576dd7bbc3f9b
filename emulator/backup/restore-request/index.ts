/** Checking a restore request (Restores_Trigger, backupValidateOperation) into the RestorePlan a restore job carries out. */
export { checkRestoreRequest, validateRestoreRequest } from "./check";
export type { RestorePlan } from "./plan";
