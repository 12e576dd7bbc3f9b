/**
 * Every restore type and option becomes the request body Azure documents: checked against bms.json
 * (2026-02-01) and compared field by field, offline. (What each option restores, run by the provider
 * against the emulator: test/provider/restore/restore-options-end-to-end.test.ts.)
 */
import { strict as assert } from "assert";
import { buildRestoreRequest } from "../../../provider/azure/backup/restore-request-builder";
import { checkInputs } from "../../../provider/pulumi/input-validation";
import { pickBySelector } from "../../../provider/restore/recovery-point-selector";
import { VmRestoreInputs } from "../../../provider/restore/restore-inputs";
import { validateDefinition } from "../../support/spec-validator";

const SUB = "00000000-0000-0000-0000-000000000001";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-restore`;
const base: VmRestoreInputs = {
    vaultId: `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`,
    sourceVmId: `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web01`,
    restoreType: "RestoreDisks",
    storageAccountId: `${RG}/providers/Microsoft.Storage/storageAccounts/stgrestore`,
    targetResourceGroupId: RG,
    preflight: false,
};
const DES = `${RG}/providers/Microsoft.Compute/diskEncryptionSets/des-restore`;

function bodyFor(extra: Partial<VmRestoreInputs>) {
    const inputs = { ...base, ...extra } as VmRestoreInputs;
    const { failures } = checkInputs(inputs as unknown as Record<string, unknown>);
    assert.deepEqual(failures, [], "the inputs pass check");
    const body = buildRestoreRequest({ inputs, recoveryPointId: "348916168024334", region: "westeurope" });
    assert.deepEqual(validateDefinition("RestoreRequestResource", body, { mode: "request" }), [], "valid against bms.json");
    return body.properties;
}

describe("restore types and options → the request body", () => {
    it("RestoreDisks into a resource group (managed disks), and into the staging account (unmanaged)", () => {
        assert.equal(bodyFor({}).targetResourceGroupId, RG);
        const unmanaged = bodyFor({ targetResourceGroupId: undefined });
        assert.equal(unmanaged.targetResourceGroupId, undefined);
        assert.equal(unmanaged.recoveryType, "RestoreDisks");
    });

    it("AlternateLocation into another subscription's resource group", () => {
        const other = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-other";
        const b = bodyFor({
            restoreType: "AlternateLocation",
            targetResourceGroupId: other,
            targetVmName: "vm1",
            virtualNetworkId: `${other}/providers/Microsoft.Network/virtualNetworks/v`,
            subnetId: `${other}/providers/Microsoft.Network/virtualNetworks/v/subnets/s`,
        });
        assert.equal(b.targetVirtualMachineId, `${other}/providers/Microsoft.Compute/virtualMachines/vm1`);
    });

    it("OriginalLocation only with the explicit opt-in", () => {
        const failures = checkInputs({ ...base, restoreType: "OriginalLocation", targetResourceGroupId: undefined } as unknown as Record<
            string,
            unknown
        >).failures;
        assert.match(
            failures.find((f) => f.property === "allowOriginalLocationOverwrite")!.reason,
            /replaces the disks of the production VM/,
        );
        const b = bodyFor({ restoreType: "OriginalLocation", targetResourceGroupId: undefined, allowOriginalLocationOverwrite: true });
        assert.equal(b.recoveryType, "OriginalLocation");
        assert.equal(b.targetResourceGroupId, undefined);
    });

    it("selective disks: listed LUNs, or the OS disk only", () => {
        assert.deepEqual(bodyFor({ diskLuns: [2, 0] }).restoreDiskLunList, [0, 2]);
        assert.deepEqual(bodyFor({ osDiskOnly: true }).restoreDiskLunList, []);
        assert.equal(bodyFor({}).restoreDiskLunList, undefined, "all disks when not selective");
    });

    it("zone, disk encryption set, confidential VM DES, edge zone", () => {
        assert.deepEqual(bodyFor({ targetZone: "2" }).zones, ["2"]);
        assert.equal(bodyFor({ diskEncryptionSetId: DES }).diskEncryptionSetId, DES);
        assert.deepEqual(bodyFor({ securedVmOsDiskEncryptionSetId: DES }).securedVMDetails, { securedVMOsDiskEncryptionSetId: DES });
        assert.deepEqual(bodyFor({ edgeZone: "losangeles" }).extendedLocation, { name: "losangeles", type: "EdgeZone" });
    });

    it("Azure Disk Encryption keys", () => {
        const kv = `${RG}/providers/Microsoft.KeyVault/vaults/kv-restore`;
        const keys = {
            secretKeyUrl: "https://kv-restore.vault.azure.net/secrets/bek/0123abcd",
            secretKeyVaultId: kv,
            kekUrl: "https://kv-restore.vault.azure.net/keys/kek/4567ef",
            kekVaultId: kv,
        };
        assert.deepEqual(bodyFor({ encryptionKeys: keys }).encryptionDetails, { encryptionEnabled: true, ...keys });
    });

    it("managed identity, and identity-based access to the staging account", () => {
        const uai = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-restore`;
        assert.deepEqual(bodyFor({ identity: { systemAssigned: true } }).identityInfo, { isSystemAssignedIdentity: true });
        const b = bodyFor({ identity: { userAssignedIdentityId: uai, useForStagingAccount: true } });
        assert.deepEqual(b.identityInfo, { isSystemAssignedIdentity: false, managedIdentityResourceId: uai });
        assert.deepEqual(b.identityBasedRestoreDetails, {
            objectType: "IdentityBasedRestoreDetails",
            targetStorageAccountId: base.storageAccountId,
        });
    });

    it("disk network access", () => {
        const da = `${RG}/providers/Microsoft.Compute/diskAccesses/da-restore`;
        assert.deepEqual(
            bodyFor({ diskNetworkAccess: { option: "EnablePrivateAccessForAllDisks", diskAccessId: da } }).targetDiskNetworkAccessSettings,
            { targetDiskNetworkAccessOption: "EnablePrivateAccessForAllDisks", targetDiskAccessId: da },
        );
        assert.deepEqual(bodyFor({ diskNetworkAccess: { option: "SameAsOnSourceDisks" } }).targetDiskNetworkAccessSettings, {
            targetDiskNetworkAccessOption: "SameAsOnSourceDisks",
        });
    });

    it("Resource Guard operation requests", () => {
        const req =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataProtection/resourceGuards/guard/triggerRestoreRequests/default";
        assert.deepEqual(bodyFor({ resourceGuardOperationRequests: [req] }).resourceGuardOperationRequests, [req]);
    });

    it("rehydration of an archive-tier point: IaasVMRestoreWithRehydrationRequest", () => {
        const b = bodyFor({ rehydration: { priority: "High", retentionDays: 15 } });
        assert.equal(b.objectType, "IaasVMRestoreWithRehydrationRequest");
        assert.deepEqual(b.recoveryPointRehydrationInfo, { rehydrationPriority: "High", rehydrationRetentionDuration: "P15D" });
    });

    const bad: [string, Partial<VmRestoreInputs> | Record<string, unknown>, string, RegExp][] = [
        ["LUN out of range", { diskLuns: [64] }, "diskLuns", /0-63/],
        ["LUN twice", { diskLuns: [1, 1] }, "diskLuns", /twice/],
        ["OS only and LUNs", { diskLuns: [1], osDiskOnly: true }, "osDiskOnly", /not both/],
        ["zone 4", { targetZone: "4" }, "targetZone", /"1", "2" or "3"/],
        ["zone with edge zone", { targetZone: "1", edgeZone: "losangeles" }, "targetZone", /cannot be combined/],
        ["DES of another type", { diskEncryptionSetId: base.storageAccountId }, "diskEncryptionSetId", /diskEncryptionSets ID is needed/],
        ["ADE without the BEK", { encryptionKeys: { secretKeyVaultId: "x" } }, "encryptionKeys.secretKeyUrl", /required/],
        [
            "ADE with a non-Key-Vault URL",
            {
                encryptionKeys: {
                    secretKeyUrl: "https://evil.example.com/secrets/x",
                    secretKeyVaultId: `${RG}/providers/Microsoft.KeyVault/vaults/kv`,
                },
            },
            "encryptionKeys.secretKeyUrl",
            /Key Vault secrets URL/,
        ],
        [
            "two identities",
            {
                identity: {
                    systemAssigned: true,
                    userAssignedIdentityId: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x`,
                },
            },
            "identity",
            /exactly one/,
        ],
        [
            "private disk access without an access",
            { diskNetworkAccess: { option: "EnablePrivateAccessForAllDisks" } },
            "diskNetworkAccess.diskAccessId",
            /needs diskAccessId/,
        ],
        ["rehydration for 5 days", { rehydration: { priority: "Standard", retentionDays: 5 } }, "rehydration.retentionDays", /10 to 30/],
        [
            "rehydration priority Low",
            { rehydration: { priority: "Low", retentionDays: 15 } },
            "rehydration.priority",
            /"Standard" or "High"/,
        ],
        [
            "selector and explicit point",
            { recoveryPoint: "1", recoveryPointSelector: { consistency: "AppConsistent" } },
            "recoveryPointSelector",
            /not both/,
        ],
        [
            "selector with a bad consistency",
            { recoveryPointSelector: { consistency: "Consistent" } },
            "recoveryPointSelector.consistency",
            /AppConsistent, CrashConsistent, FileSystemConsistent/,
        ],
        ["selector with a bad time", { recoveryPointSelector: { notAfter: "yesterday" } }, "recoveryPointSelector.notAfter", /ISO 8601/],
        [
            "selective disks in place",
            { restoreType: "OriginalLocation", targetResourceGroupId: undefined, allowOriginalLocationOverwrite: true, osDiskOnly: true },
            "osDiskOnly",
            /not available for restoreType "OriginalLocation"/,
        ],
    ];
    for (const [title, extra, property, reason] of bad) {
        it(`rejects ${title}`, () => {
            const failures = checkInputs({ ...base, ...extra } as unknown as Record<string, unknown>).failures;
            const f = failures.find((x) => x.property === property);
            assert.ok(f, `expected a failure on ${property}, got ${JSON.stringify(failures)}`);
            assert.match(f!.reason, reason);
        });
    }
});

describe("recovery point selectors", () => {
    const points = [
        { id: "5", time: "2026-11-26T10:00:00.000Z", type: "CrashConsistent", tiers: ["InstantRP", "HardenedRP"] },
        { id: "4", time: "2026-11-25T10:00:00.000Z", type: "AppConsistent", tiers: ["HardenedRP"] },
        { id: "3", time: "2026-11-24T10:00:00.000Z", type: "FileSystemConsistent", tiers: ["HardenedRP"] },
        { id: "1", time: "2026-08-01T10:00:00.000Z", type: "AppConsistent", tiers: ["ArchivedRP"] },
    ] as Parameters<typeof pickBySelector>[0];
    it("takes the newest point of the asked consistency, before a time, in a tier", () => {
        assert.equal(pickBySelector(points, {}, false)?.id, "5");
        assert.equal(pickBySelector(points, { consistency: "AppConsistent" }, false)?.id, "4");
        assert.equal(pickBySelector(points, { consistency: "FileSystemConsistent" }, false)?.id, "3");
        assert.equal(pickBySelector(points, { notAfter: "2026-11-25T12:00:00Z" }, false)?.id, "4");
        assert.equal(pickBySelector(points, { tier: "Snapshot" }, false)?.id, "5");
        assert.equal(pickBySelector(points, { tier: "Archive" }, true)?.id, "1");
        assert.equal(pickBySelector(points, { notAfter: "2026-09-01T00:00:00Z" }, false), undefined, "archive-only needs rehydration");
        assert.equal(pickBySelector(points, { notAfter: "2026-09-01T00:00:00Z" }, true)?.id, "1");
    });
});
