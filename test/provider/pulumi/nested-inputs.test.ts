/**
 * Inputs all the way down: nested fields (recoveryPointSelector.notAfter, encryptionKeys.*,
 * identity, diskNetworkAccess, rehydration, array items) take Outputs. The types say so (this file
 * compiles under `tsc` strict), and a part not known yet in preview is left for `up` instead of
 * failing the check.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { checkInputs, hasUnknowns, UNKNOWN } from "../../../provider/pulumi/input-validation";
import type { VmRestoreArgs } from "../../../provider";
import { RG_RESTORE, STAGING, VAULT, vmId } from "../../support/emulator-fixture";

describe("nested inputs", () => {
    it("every nested field of VmRestoreArgs accepts an Output (checked by the compiler)", () => {
        const later = <T extends string | number | boolean>(v: T): pulumi.Output<T> =>
            pulumi.output(Promise.resolve(v)) as pulumi.Output<T>;
        const args: VmRestoreArgs = {
            vaultId: VAULT,
            sourceVmId: vmId("vm-web01"),
            restoreType: "RestoreDisks",
            storageAccountId: STAGING,
            targetResourceGroupId: RG_RESTORE,
            recoveryPointSelector: { notAfter: later("2026-11-20T00:00:00Z"), consistency: later("AppConsistent" as const), tier: "Vault" },
            encryptionKeys: {
                secretKeyUrl: later("https://kv.vault.azure.net/secrets/bek/1"),
                secretKeyVaultId: later("/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"),
            },
            identity: {
                userAssignedIdentityId: later(
                    "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
                ),
                useForStagingAccount: later(true),
            },
            diskNetworkAccess: {
                option: later("EnablePrivateAccessForAllDisks" as const),
                diskAccessId: later("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/diskAccesses/da"),
            },
            rehydration: { priority: later("High" as const), retentionDays: later(15) },
            diskLuns: [later(0), 1],
            resourceGuardOperationRequests: [later("op")],
        };
        assert.ok(args.recoveryPointSelector);
    });

    it("in preview, a nested part not known yet is checked at up, and pre-flight waits for it", () => {
        const base = {
            vaultId: VAULT,
            sourceVmId: vmId("vm-web01"),
            restoreType: "RestoreDisks",
            storageAccountId: STAGING,
            targetResourceGroupId: RG_RESTORE,
        };
        const preview = checkInputs({ ...base, recoveryPointSelector: { notAfter: UNKNOWN, tier: "Vault" }, diskLuns: [0, UNKNOWN] });
        assert.deepEqual(preview.failures, []);
        assert.deepEqual(preview.inputs.recoveryPointSelector, { notAfter: UNKNOWN, tier: "Vault" }, "passed through unchanged");
        assert.ok(hasUnknowns(preview.inputs));
        // Once known, the same field is checked.
        const up = checkInputs({ ...base, recoveryPointSelector: { notAfter: "yesterday", tier: "Vault" } });
        assert.deepEqual(
            up.failures.map((f) => f.property),
            ["recoveryPointSelector.notAfter"],
        );
        assert.ok(!hasUnknowns(up.inputs));
    });
});
