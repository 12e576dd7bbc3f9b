/**
 * The JSON shapes the emulator tests read from the emulator's answers: only the fields they read,
 * typed as the emulator writes them (the assertions check the values).
 */

export interface NamedJson {
    id: string;
    name: string;
    type?: string;
}

/** A task of a job's extendedInfo.tasksList. */
export interface TaskJson {
    taskId: string;
    status: string;
    duration?: string;
    progressPercentage?: number;
    startTime?: string;
    endTime?: string;
}

/** A backup job (JobResource) as BackupJobs_List answers it. */
export interface JobJson extends NamedJson {
    properties: { operation: string; status: string; extendedInfo: { tasksList: TaskJson[] } };
}

export interface ProtectedItemJson extends NamedJson {
    properties: { friendlyName: string };
}

export interface RecoveryPointJson extends NamedJson {
    properties: { recoveryPointTime: string; recoveryPointType: string };
}

/** recoveryPointTierDetails entries: names in the spec wire format, numbers in the live one. */
export interface TierJson {
    type: string | number;
    status: string | number;
}

/** A data disk slot of a VM's storageProfile (a restore template's or a VM's). */
export interface DataDiskJson {
    lun: number;
    managedDisk: { id: string };
    vhd: { uri: string };
}

/** A resource of a restore's ARM template. */
export interface TemplateResourceJson {
    type: string;
    zones?: string[];
}

/** A request as GET /admin/requests lists it. */
export interface RequestLogJson {
    seq: number;
    kind: string;
    method: string;
    path: string;
    status: number;
    fault?: string;
    headers: Record<string, string>;
}

/** A resource as GET /admin/resources lists it. */
export interface AdminResourceJson {
    id: string;
    type: string;
    origin: string;
    jobId?: string;
}

/** An error detail (validation results, errorDetails). */
export interface ErrorDetailJson {
    code: string;
    message: string;
}

/**
 * A JSON answer as a test reads it: JSON.parse's own result, deliberately left as loose as that —
 * the tests assert on its values field by field, and the callbacks over its arrays declare the
 * shapes above. (Typing every answer end to end is the next step: an accessor per endpoint.)
 */
export type JsonAnswer = ReturnType<typeof JSON.parse>;
