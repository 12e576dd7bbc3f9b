/**
 * Every restore type and option, end to end: run by the provider (serialized as Pulumi stores it)
 * against the emulator, asserting on what was restored, not only on the request body. (The request
 * body each option becomes, offline: test/provider/azure/restore-options-request-body.test.ts.)
 */
import { strict as assert } from "assert";
import { RG_RESTORE, SUB, VNET, vmId } from "../../support/emulator-fixture";
import { keyVaultItemUrl } from "../../../emulator/world/seed";
import { validateDefinition } from "../../support/spec-validator";
import { RestoreProps, useProviderWorld } from "../../support/provider-harness";

type Props = RestoreProps;
/** What the tests read of a restored disk or VM. */
interface ArmResource {
    location?: string;
    zones?: string[];
    properties: {
        osType?: string;
        encryption?: { diskEncryptionSetId: string };
        networkAccessPolicy?: string;
        diskAccessId?: string;
        encryptionSettingsCollection?: unknown;
    };
}
/** The restore request's properties as the emulator received them. */
interface RequestProperties {
    restoreDiskLunList?: number[];
    objectType?: string;
    encryptionDetails: { encryptionEnabled: boolean };
    securedVMDetails?: unknown;
    identityInfo?: { managedIdentityResourceId: string };
}
const RR = `${RG_RESTORE}/providers`;
const KV = `${RR}/Microsoft.KeyVault/vaults/kv-restore`;

describe("restore types and options against the emulator", function () {
    this.timeout(120_000);
    const world = useProviderWorld();
    const { fx } = world;
    const provider = () => world.provider();
    const disks = (vm = "vm-web01", extra: Props = {}) => world.restoreDisks({ resourceName: "options", ...extra }, vm);

    /** check (with pre-flight against the emulator) must pass, then create. */
    async function restore(props: Props) {
        const { id, outs } = await world.create(props);
        const [post] = await fx.restorePosts();
        if (post) assert.deepEqual(validateDefinition("RestoreRequestResource", post.requestBody, { mode: "request" }), []);
        const body = (post?.requestBody as { properties: RequestProperties } | undefined)?.properties;
        return { id, outs, body: body! };
    }
    const disk = async (id: string | undefined) => (await fx.arm<ArmResource>(String(id))).body;

    it("selective disks: only the listed LUNs (and the OS disk)", async () => {
        const { outs, body } = await restore(disks("vm-web01", { diskLuns: [1] }));
        assert.deepEqual(body.restoreDiskLunList, [1]);
        assert.deepEqual(
            outs.dataDisks.map((d) => d.lun),
            [1],
        );
        assert.equal(outs.restoredDiskIds.length, 2);
    });

    it("OS disk only", async () => {
        const { outs } = await restore(disks("vm-web01", { osDiskOnly: true }));
        assert.equal(outs.restoredDiskIds.length, 1);
        assert.deepEqual(outs.dataDisks, []);
        assert.equal((await disk(outs.osDiskId)).properties.osType !== undefined, true);
    });

    it("zone and customer-managed key on the restored disks", async () => {
        const des = `${RR}/Microsoft.Compute/diskEncryptionSets/des-restore`;
        const { outs } = await restore(disks("vm-web01", { targetZone: "2", diskEncryptionSetId: des }));
        for (const id of outs.restoredDiskIds) {
            const d = await disk(id);
            assert.deepEqual(d.zones, ["2"]);
            assert.equal(d.properties.encryption?.diskEncryptionSetId.toLowerCase(), des.toLowerCase());
        }
    });

    it("private network access through a disk access", async () => {
        const da = `${RR}/Microsoft.Compute/diskAccesses/da-restore`;
        const { outs } = await restore(
            disks("vm-db01", { diskNetworkAccess: { option: "EnablePrivateAccessForAllDisks", diskAccessId: da } }),
        );
        const d = await disk(outs.osDiskId);
        assert.equal(d.properties.networkAccessPolicy, "AllowPrivate");
        assert.equal(d.properties.diskAccessId?.toLowerCase(), da.toLowerCase());
    });

    it("an Azure Disk Encryption VM with its Key Vault keys", async () => {
        const keys = {
            secretKeyUrl: keyVaultItemUrl("kv-restore", "secrets", "vm-ade01-bek"),
            secretKeyVaultId: KV,
            kekUrl: keyVaultItemUrl("kv-restore", "keys", "ade-kek"),
            kekVaultId: KV,
        };
        const { outs, body } = await restore(
            disks("vm-ade01", {
                encryptionKeys: keys,
                diskNetworkAccess: {
                    option: "EnablePrivateAccessForAllDisks",
                    diskAccessId: `${RR}/Microsoft.Compute/diskAccesses/da-restore`,
                },
            }),
        );
        assert.equal(body.encryptionDetails.encryptionEnabled, true);
        assert.ok((await disk(outs.osDiskId)).properties.encryptionSettingsCollection, "the OS disk carries the ADE settings");
    });

    // (An ADE VM without any keys is fine: Azure uses those the recovery point recorded. Without the
    // KEK its point was encrypted with, only Azure's validation can tell.)
    const bekOnly = () =>
        disks("vm-ade01", {
            encryptionKeys: {
                secretKeyUrl: "https://kv-restore.vault.azure.net/secrets/vm-ade01-bek/0123456789abcdef0123456789abcdef",
                secretKeyVaultId: KV,
            },
        });

    /** Pre-flight of `bekOnly` fails on encryptionKeys with Azure's validation and starts no restore; the requests it made. */
    async function refusedByAzuresValidation() {
        const failures = (await provider().check!({}, bekOnly())).failures ?? [];
        assert.ok(
            failures.some((f) => f.property === "encryptionKeys" && /Azure's validation of the restore/.test(f.reason)),
            JSON.stringify(failures),
        );
        assert.equal((await fx.restorePosts()).length, 0);
        return fx.requests();
    }

    it("Azure's own validation in pre-flight names the input: an ADE VM without the KEK its point needs", async () => {
        const log = await refusedByAzuresValidation();
        assert.ok(
            log.some((r) => r.method === "POST" && r.path.endsWith("/backupValidateOperation")),
            "Azure's validation ran, in one round trip",
        );
        assert.ok(
            !log.some((r) => r.path.endsWith("/backupTriggerValidateOperation")),
            "without waiting on the triggered form (check runs one resource at a time)",
        );
    });

    it("where the synchronous validation is not offered (404), Azure's triggered validation is followed to its results", async () => {
        await fx.admin("POST", "faults", { kind: "http", status: 404, match: { method: "POST", pathRegex: "/backupValidateOperation$" } });
        const log = await refusedByAzuresValidation();
        assert.ok(
            log.some((r) => r.method === "POST" && r.path.endsWith("/backupTriggerValidateOperation")),
            "the triggered form ran",
        );
        assert.ok(
            log.some((r) => r.method === "GET" && r.path.includes("/backupValidateOperationResults/")),
            "and its results were read",
        );
    });

    it("a confidential VM with the OS disk's encryption set", async () => {
        const { outs, body } = await restore(
            disks("vm-cvm01", { securedVmOsDiskEncryptionSetId: `${RR}/Microsoft.Compute/diskEncryptionSets/des-cvm` }),
        );
        assert.ok(body.securedVMDetails);
        assert.ok(outs.osDiskId);
    });

    it("an unmanaged VM restored as VHDs into the staging account, and removed on delete", async () => {
        const { id, outs } = await restore(disks("vm-legacy01", { targetResourceGroupId: undefined }));
        assert.ok((outs.restoredVhdUris ?? []).length >= 1);
        assert.deepEqual(outs.restoredDiskIds, []);
        await provider().delete!(id, outs);
        for (const vhd of outs.restoredVhdUris ?? []) assert.ok(!(await fx.restoredLeftovers()).includes(vhd));
    });

    it("OriginalLocation (with the opt-in) swaps the source VM's disks; destroy leaves the VM alone", async () => {
        const { id, outs } = await restore({
            ...disks("vm-app01"),
            restoreType: "OriginalLocation",
            targetResourceGroupId: undefined,
            allowOriginalLocationOverwrite: true,
        });
        assert.equal(outs.jobStatus, "Completed");
        assert.equal(outs.restoredVmId, vmId("vm-app01"));
        await provider().delete!(id, outs);
        assert.equal((await fx.arm(vmId("vm-app01"))).status, 200, "the production VM is still there");
        assert.equal((await fx.arm(String(outs.osDiskId))).status, 200, "and so is its restored disk");
    });

    it("an archive-tier point is rehydrated, then restored", async () => {
        const { outs, body } = await restore(
            disks("vm-web01", { recoveryPointSelector: { tier: "Archive" }, rehydration: { priority: "High", retentionDays: 10 } }),
        );
        assert.equal(body.objectType, "IaasVMRestoreWithRehydrationRequest");
        assert.deepEqual(outs.recoveryPointTiers, ["ArchivedRP"]);
        assert.equal(outs.jobStatus, "Completed");
    });

    it("a selector picks the newest point of the asked consistency, and it is pinned in the outputs", async () => {
        const { outs } = await restore(disks("vm-web01", { recoveryPointSelector: { consistency: "CrashConsistent" } }));
        assert.equal(outs.recoveryPointType, "CrashConsistent");
        assert.match(outs.recoveryPointId, /^\d+$/);
    });

    it("AlternateLocation with the restore running under the vault's user-assigned identity", async () => {
        const uai = `${RR}/Microsoft.ManagedIdentity/userAssignedIdentities/id-restore`;
        const { outs, body } = await restore({
            ...disks("vm-web01"),
            restoreType: "AlternateLocation",
            targetVmName: "vm-web01-mi",
            virtualNetworkId: VNET,
            subnetId: `${VNET}/subnets/isolated`,
            identity: { userAssignedIdentityId: uai, useForStagingAccount: true },
        });
        assert.equal(body.identityInfo?.managedIdentityResourceId, uai);
        assert.ok(outs.restoredVmId);
    });

    it("cross-region restore: a new VM in the paired region, through the CRR API line", async () => {
        const dr = `/subscriptions/${SUB}/resourceGroups/rg-dr`;
        const { id, outs } = await restore({
            ...disks("vm-app01"),
            restoreType: "AlternateLocation",
            crossRegion: true,
            storageAccountId: `${dr}/providers/Microsoft.Storage/storageAccounts/stgnorth`,
            targetResourceGroupId: dr,
            targetVmName: "vm-app01-dr",
            virtualNetworkId: `${dr}/providers/Microsoft.Network/virtualNetworks/vnet-dr`,
            subnetId: `${dr}/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/default`,
        });
        assert.equal(outs.restoreRegion, "northeurope");
        assert.equal(outs.jobStatus, "Completed");
        const vm = await disk(outs.restoredVmId);
        assert.equal(vm.location, "northeurope");
        const log = await fx.requests();
        const paths = log.filter((r) => r.method === "POST").map((r) => r.path.toLowerCase());
        assert.ok(
            paths.some((p) => p.endsWith("/accesstoken")),
            "asked for the CRR access token",
        );
        assert.equal(paths.filter((p) => p.endsWith("/backupcrossregionrestore")).length, 1, "one CRR trigger");
        const crrLine = log.filter((r) =>
            /\/(backupaadproperties|accesstoken|backupcrossregionrestore|backupcrrjobs?|backupcrroperationsstatus\/[^/]+)$/i.test(r.path),
        );
        assert.ok(crrLine.length >= 3, "the CRR calls were made");
        for (const r of crrLine) assert.equal(r.query["api-version"], "2023-01-15", `${r.method} ${r.path} on the CRR API line`);
        assert.ok(!JSON.stringify(outs).includes("accessToken"), "no access token in the outputs");
        await provider().delete!(id, outs);
        assert.equal((await fx.arm(String(outs.restoredVmId))).status, 404);
    });
});
