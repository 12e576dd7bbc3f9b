/**
 * Request shapes Azure accepts: the official example's identity-based staging restore without
 * storageAccountId, an ADE restore without encryptionDetails keys (azure-cli sends none).
 */
import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import {
    RPS,
    STG_RESTORE,
    alternateLocationBody,
    restoreDisksBody,
    runRestoreOnManualClock,
    triggerRestore,
    useEmulator,
} from "../../support/emulator-helpers";

describe("emulator: request shapes Azure accepts", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));

    it("an identity-based staging restore may name the account only in identityBasedRestoreDetails", async () => {
        const rp = RPS["vm-app01"][0];
        const body = alternateLocationBody("vm-app01", rp, "vm-app01-mi", {
            identityInfo: { isSystemAssignedIdentity: true },
            identityBasedRestoreDetails: { targetStorageAccountId: STG_RESTORE },
        }) as { properties: Record<string, unknown> };
        delete body.properties.storageAccountId;
        const job = await runRestoreOnManualClock(emu.get(), "vm-app01", rp, body, 5400);
        assert.equal(job.properties.status, "Completed");
        assert.match(job.properties.extendedInfo.propertyBag["Config Blob Uri"], /\/blob\/stgrestore\//);
    });

    it("an Azure Disk Encryption point restores without keys (the point's own), and refuses keys with encryptionEnabled false", async () => {
        const rp = RPS["vm-ade01"][0];
        const none = restoreDisksBody("vm-ade01", rp) as { properties: Record<string, unknown> };
        delete none.properties.encryptionDetails;
        const job = await runRestoreOnManualClock(emu.get(), "vm-ade01", rp, none, 3600);
        assert.equal(job.properties.status, "Completed");
        const wrong = await triggerRestore(
            emu.get(),
            "vm-ade01",
            rp,
            restoreDisksBody("vm-ade01", rp, {
                encryptionDetails: {
                    encryptionEnabled: false,
                    secretKeyUrl: "https://kv-restore.vault.azure.net/secrets/vm-ade01-bek/0",
                    secretKeyVaultId: "x",
                },
            }),
        );
        assert.equal(wrong.status, 400);
        assert.equal(wrong.body.error.target, "properties.encryptionDetails.encryptionEnabled");
    });
});
