/**
 * Where Azure's behaviour is not documented (or differs from the spec's examples), the emulator
 * can answer each plausible way (docs/azure-behaviour.md). Set in the seed (`variants`), or at run
 * time with `POST /admin/variants` (merged into the current ones; `POST /admin/reset` returns to the
 * seed's). `GET /admin/variants` shows them.
 */
export type TemplateDiskRefs = "fullIds" | "resourceIdWithGroup" | "concat" | "parameters";
export type BlobEncoding = "utf8" | "utf8bom" | "utf16le";
export type TemplateBlob = "present" | "unreadable" | "absent";
export type RestoredDiskNames = "stamped" | "other";

export interface AzureVariants {
    /**
     * How the RestoreDisks template names the restored disks: full literal IDs ("fullIds", default),
     * `[resourceId('rg', 'Microsoft.Compute/disks', 'name')]`, `[concat('/subscriptions/', subscription().subscriptionId, …)]`,
     * or `[resourceId(variables('…'), 'Microsoft.Compute/disks', parameters('…'))]` with defaults.
     */
    templateDiskRefs?: TemplateDiskRefs;
    /** Encoding of the config and template blobs: "utf8" (default), "utf8bom", "utf16le" (BOM, trailing NULs: the config blob per the PowerShell docs). */
    blobEncoding?: BlobEncoding;
    /** The template blob: "present" (default), "unreadable" (named in the bag, but the blob is not there), "absent" (no "Template Blob Uri" in the bag). */
    templateBlob?: TemplateBlob;
    /**
     * Names of restored managed disks: "stamped" (default, `{vm}-osdisk-{yyyyMMdd-HHmmss}`,
     * `{vm}-datadisk-{lun}-{yyyyMMdd-HHmmss}`) or "other" (`{vm}-restored-{os|lun}-{8 hex}`: Azure's exact names may differ).
     */
    restoredDiskNames?: RestoredDiskNames;
    /**
     * Hours a recovery point takes to reach the vault's secondary region (docs: RPO up to 36 h for
     * Cross Region Restore). Points younger than this are not listed by RecoveryPointsCrr and get no
     * CRR access token. Default 0 (every point there at once).
     */
    crrReplicationLagHours?: number;
    /** Simulated seconds after its start during which a CRR job answers 404 to backupCrrJob (and is not listed). Default 0. */
    crrJobVisibleAfterSeconds?: number;
    /** A finished CRR operation status with `properties.jobId` ("present", default) or without `properties` ("absent", as the official example). */
    crrOperationProperties?: "present" | "absent";
    /** A job's `extendedInfo.progressPercentage` (and its tasks'): "present" (default) or "absent". */
    jobProgress?: "present" | "absent";
    /** A running job's `extendedInfo.estimatedRemainingDuration`: "present" (default, right), "absent", "half" or "double" (wrong ×2 either way). */
    jobEstimate?: "present" | "absent" | "half" | "double";
    /** Task `duration`s: "real" (default) or "zero" (`PT0S` on every task, as seen from the live service). */
    taskDurations?: "real" | "zero";
    /** The job's property bag: "emulator" (default, with the emulator's own keys such as "Target VM Name") or "documented" (only keys seen in Azure's docs and examples). */
    propertyBag?: "emulator" | "documented";
    /** Validation (backupValidateOperation and the triggered form) adds the official example's quota result: "absent" (default) or "present". */
    validationQuotaWarning?: "absent" | "present";
    /**
     * Where a restore may choose another availability zone than its VM's (`zones`): "any" (default) or
     * "zrsVaultOrSnapshot" (only from a snapshot-tier point, or from the vault tier of a zone-redundant vault).
     */
    crossZonalRestore?: "any" | "zrsVaultOrSnapshot";
    /** A premium staging account: "refused" (default) for every restore, or "unmanagedOnly": accepted to stage the VHDs of an unmanaged VM restored as VHDs. */
    premiumStaging?: "refused" | "unmanagedOnly";
}

/** Property bag keys only the emulator writes (left out with propertyBag "documented"). */
export const EMULATOR_ONLY_BAG_KEYS = ["Target VM Name", "Target Virtual Network", "Target Subnet", "Restore Identity"];

export const DEFAULT_VARIANTS: Required<AzureVariants> = {
    templateDiskRefs: "fullIds",
    blobEncoding: "utf8",
    templateBlob: "present",
    restoredDiskNames: "stamped",
    crrReplicationLagHours: 0,
    crrJobVisibleAfterSeconds: 0,
    crrOperationProperties: "present",
    jobProgress: "present",
    jobEstimate: "present",
    taskDurations: "real",
    propertyBag: "emulator",
    validationQuotaWarning: "absent",
    crossZonalRestore: "any",
    premiumStaging: "refused",
};

/** The allowed values of each variant ([] for a number >= 0). */
const CHOICES: { [K in keyof AzureVariants]-?: readonly string[] } = {
    templateDiskRefs: ["fullIds", "resourceIdWithGroup", "concat", "parameters"],
    blobEncoding: ["utf8", "utf8bom", "utf16le"],
    templateBlob: ["present", "unreadable", "absent"],
    restoredDiskNames: ["stamped", "other"],
    crrReplicationLagHours: [],
    crrJobVisibleAfterSeconds: [],
    crrOperationProperties: ["present", "absent"],
    jobProgress: ["present", "absent"],
    jobEstimate: ["present", "absent", "half", "double"],
    taskDurations: ["real", "zero"],
    propertyBag: ["emulator", "documented"],
    validationQuotaWarning: ["absent", "present"],
    crossZonalRestore: ["any", "zrsVaultOrSnapshot"],
    premiumStaging: ["refused", "unmanagedOnly"],
};

/**
 * The strict answers: for each variant the one that asks the most of a client (still one Azure is
 * seen to give). The default of the drill and the engine tests (`--variants strict`); the spec-shaped
 * defaults stay for the spec-conformance suite.
 */
export const STRICT_VARIANTS: Required<AzureVariants> = {
    templateDiskRefs: "parameters",
    blobEncoding: "utf16le",
    templateBlob: "present",
    restoredDiskNames: "stamped",
    crrReplicationLagHours: 12,
    crrJobVisibleAfterSeconds: 120,
    crrOperationProperties: "absent",
    jobProgress: "absent",
    jobEstimate: "double",
    taskDurations: "zero",
    propertyBag: "documented",
    validationQuotaWarning: "present",
    crossZonalRestore: "zrsVaultOrSnapshot",
    premiumStaging: "refused",
};

/** Problems of a variants object (empty when valid). */
export function variantProblems(v: unknown, where = "variants"): string[] {
    if (v === undefined) return [];
    if (!v || typeof v !== "object" || Array.isArray(v)) return [`${where} must be an object`];
    const problems: string[] = [];
    for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
        const choices = (CHOICES as Record<string, readonly string[]>)[k];
        if (!choices) problems.push(`${where}.${k} is not a known variant (${Object.keys(CHOICES).join(", ")})`);
        else if (choices.length === 0) {
            if (typeof value !== "number" || !Number.isFinite(value) || value < 0) problems.push(`${where}.${k} must be a number >= 0`);
        } else if (!choices.includes(value as string)) problems.push(`${where}.${k} must be one of ${choices.join(", ")}`);
    }
    return problems;
}

export function resolveVariants(v: AzureVariants | undefined): Required<AzureVariants> {
    return { ...DEFAULT_VARIANTS, ...(v ?? {}) };
}

/** A blob's bytes in the variant's encoding. */
export function encodeBlobText(text: string, encoding: BlobEncoding): Buffer {
    if (encoding === "utf8bom") return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    if (encoding === "utf16le") return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le"), Buffer.alloc(4)]);
    return Buffer.from(text, "utf8");
}
