/**
 * Every option of IaasVMRestoreRequest: what Azure refuses (400 before any job) and what the
 * restore then creates — the tests assert on the restored disks, VMs, NICs and blobs.
 */
import { strict as assert } from "assert";
import { manualClock } from "../../../emulator/world/job-clock";
import { defaultSeed } from "../../../emulator/world/seed";
import {
    API,
    DA_RESTORE,
    DES_CVM,
    DES_RESTORE,
    ID_RESTORE,
    KV_RESTORE,
    RG_RESTORE,
    RPS,
    STG_RESTORE,
    SUB,
    VAULT,
    alternateLocationBody,
    call,
    itemPath,
    restoreDisksBody,
    runRestoreOnManualClock,
    triggerRestore,
    useEmulator,
    vmId,
    apiFor,
    adminJobs,
} from "../../support/emulator-helpers";
import { RunningEmulator } from "../../../emulator/server/server";
import { DataDiskJson, JsonAnswer, NamedJson, TemplateResourceJson } from "../../support/emulator-json";

describe("emulator: restore options", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));

    /** Runs a restore to completion on the manual clock; returns the job and the ARM IDs / blob URLs it created. */
    async function restore(
        vm: string,
        rp: string,
        body: Record<string, unknown>,
        seconds = 6000,
    ): Promise<{ job: JsonAnswer; created: string[]; disks: JsonAnswer[] }> {
        const e = emu.get();
        const job = await runRestoreOnManualClock(e, vm, rp, body, seconds);
        assert.equal(job.properties.status, "Completed", JSON.stringify(job.properties.errorDetails));
        const created = adminJobs(await call(`${e.url}/admin/jobs`)).find((j) => j.jobId === job.name)?.createdResources ?? [];
        const disks = [];
        for (const id of created.filter((c) => /\/providers\/Microsoft\.Compute\/disks\//i.test(c))) disks.push(await arm(id));
        return { job, created, disks };
    }

    async function arm(id: string): Promise<JsonAnswer> {
        const r = await call(`${emu.get().url}${id}?${apiFor(id)}`);
        assert.equal(r.status, 200, `${id}: ${r.text}`);
        return r.body;
    }

    /** Triggers a restore Azure must refuse; returns the error (and checks that no job started). */
    async function refused(
        vm: string,
        rp: string,
        body: Record<string, unknown>,
        code = "BMSUserErrorInvalidInput",
    ): Promise<{ code: string; message: string; target?: string }> {
        const e = emu.get();
        const r = await triggerRestore(e, vm, rp, body);
        assert.equal(r.status, 400, r.text);
        assert.equal(r.body.error.code, code, r.text);
        assert.equal(adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore").length, 0);
        return r.body.error;
    }

    const osDisk = (disks: JsonAnswer[]) => disks.find((d) => d.properties.osType);
    const dataDisks = (disks: JsonAnswer[]) => disks.filter((d) => !d.properties.osType);

    describe("restoreDiskLunList", () => {
        it("restores only the listed data disks (and the OS disk); [] restores the OS disk only", async () => {
            const web = RPS["vm-web01"][0];
            const some = await restore("vm-web01", web, restoreDisksBody("vm-web01", web, { restoreDiskLunList: [1] }));
            assert.equal(some.disks.length, 2);
            assert.ok(osDisk(some.disks));
            assert.deepEqual(
                dataDisks(some.disks).map((d) => d.name.replace(/-\d{8}-\d{6}$/, "")),
                ["vm-web01-datadisk-1"],
            );
            assert.equal(dataDisks(some.disks)[0].properties.diskSizeGB, 512);
            const template = await call(some.job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
            const vm = template.body.resources.find((r: TemplateResourceJson) => r.type === "Microsoft.Compute/virtualMachines");
            assert.deepEqual(
                vm.properties.storageProfile.dataDisks.map((d: DataDiskJson) => d.lun),
                [1],
            );

            const none = await restore(
                "vm-web01",
                RPS["vm-web01"][1],
                restoreDisksBody("vm-web01", RPS["vm-web01"][1], { restoreDiskLunList: [] }),
            );
            assert.equal(none.disks.length, 1);
            assert.equal(osDisk(none.disks).properties.osType, "Linux");
        });

        it("refuses a LUN the recovery point does not have, naming it", async () => {
            const err = await refused(
                "vm-web01",
                RPS["vm-web01"][0],
                restoreDisksBody("vm-web01", RPS["vm-web01"][0], { restoreDiskLunList: [0, 5] }),
            );
            assert.equal(err.target, "properties.restoreDiskLunList");
            assert.match(err.message, /LUN 5\b/);
            assert.match(err.message, /data disk LUNs 0, 1/);
        });
    });

    describe("zones", () => {
        it("puts the restored disks, and a new VM, in the zone", async () => {
            const rp = RPS["vm-app01"][0];
            const disks = await restore("vm-app01", rp, restoreDisksBody("vm-app01", rp, { zones: ["2"] }));
            assert.deepEqual(osDisk(disks.disks).zones, ["2"]);
            const template = await call(disks.job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
            assert.deepEqual(
                template.body.resources.find((r: TemplateResourceJson) => r.type === "Microsoft.Compute/virtualMachines").zones,
                ["2"],
            );

            const alr = await restore(
                "vm-web01",
                RPS["vm-web01"][0],
                alternateLocationBody("vm-web01", RPS["vm-web01"][0], "web-z3", { zones: ["3"] }),
            );
            assert.ok(alr.disks.every((d) => JSON.stringify(d.zones) === JSON.stringify(["3"])));
            const vm = await arm(`${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/web-z3`);
            assert.deepEqual(vm.zones, ["3"]);
        });

        it('refuses zones other than one of "1", "2", "3"', async () => {
            const rp = RPS["vm-app01"][0];
            for (const zones of [["4"], ["1", "2"], [], "1", [1]]) {
                const err = await refused("vm-app01", rp, restoreDisksBody("vm-app01", rp, { zones }));
                assert.equal(err.target, "properties.zones");
            }
        });

        it("OriginalLocation keeps a zonal VM's zone and refuses another", async () => {
            const rp = RPS["vm-db01"][0];
            const err = await refused("vm-db01", rp, restoreDisksBody("vm-db01", rp, { recoveryType: "OriginalLocation", zones: ["1"] }));
            assert.match(err.message, /in zone 2/);
            const olr = await restore("vm-db01", rp, restoreDisksBody("vm-db01", rp, { recoveryType: "OriginalLocation" }));
            assert.ok(olr.disks.every((d) => JSON.stringify(d.zones) === JSON.stringify(["2"])));
        });
    });

    describe("diskEncryptionSetId", () => {
        it("encrypts the restored disks with the customer-managed key of the set (disks, new VM, template)", async () => {
            const rp = RPS["vm-web01"][0];
            const r = await restore("vm-web01", rp, restoreDisksBody("vm-web01", rp, { diskEncryptionSetId: DES_RESTORE }));
            assert.equal(r.disks.length, 3);
            for (const d of r.disks)
                assert.deepEqual(d.properties.encryption, { type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId: DES_RESTORE });
            const template = await call(r.job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
            const tvm = template.body.resources.find((x: TemplateResourceJson) => x.type === "Microsoft.Compute/virtualMachines");
            assert.equal(tvm.properties.storageProfile.osDisk.managedDisk.diskEncryptionSet.id, DES_RESTORE);

            await restore(
                "vm-app01",
                RPS["vm-app01"][0],
                alternateLocationBody("vm-app01", RPS["vm-app01"][0], "app-cmk", { diskEncryptionSetId: DES_RESTORE }),
            );
            const vm = await arm(`${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/app-cmk`);
            assert.equal(vm.properties.storageProfile.osDisk.managedDisk.diskEncryptionSet.id, DES_RESTORE);
            const des = await arm(DES_RESTORE);
            assert.equal(des.properties.encryptionType, "EncryptionAtRestWithCustomerKey");
            assert.match(des.properties.activeKey.keyUrl, /^https:\/\/kv-restore\.vault\.azure\.net\/keys\/des-key\/[0-9a-f]{32}$/);
        });

        it("refuses a set that does not exist, a confidential-VM set, and VHD restores", async () => {
            const rp = RPS["vm-web01"][0];
            const missing = await refused(
                "vm-web01",
                rp,
                restoreDisksBody("vm-web01", rp, { diskEncryptionSetId: DES_RESTORE.replace("des-restore", "des-nope") }),
            );
            assert.equal(missing.target, "properties.diskEncryptionSetId");
            assert.match(missing.message, /does not exist/);
            const cvm = await refused("vm-web01", rp, restoreDisksBody("vm-web01", rp, { diskEncryptionSetId: DES_CVM }));
            assert.match(cvm.message, /securedVMDetails/);
            const legacy = restoreDisksBody("vm-legacy01", RPS["vm-legacy01"][0], { diskEncryptionSetId: DES_RESTORE });
            delete (legacy.properties as Record<string, unknown>).targetResourceGroupId;
            assert.match((await refused("vm-legacy01", RPS["vm-legacy01"][0], legacy)).message, /managed disks/);
        });
    });

    describe("encryptionDetails (Azure Disk Encryption)", () => {
        /** encryptionDetails from the point's keyAndSecret, as azure-cli builds them. */
        async function adeDetails(e: RunningEmulator, rp: string): Promise<Record<string, unknown>> {
            const point = (await call(`${e.url}${itemPath("vm-ade01")}/recoveryPoints/${rp}?${API}`)).body.properties;
            assert.equal(point.isSourceVMEncrypted, true);
            const k = point.keyAndSecret;
            return {
                encryptionEnabled: true,
                secretKeyUrl: k.bekDetails.secretUrl,
                secretKeyVaultId: k.bekDetails.secretVaultId,
                kekUrl: k.kekDetails.keyUrl,
                kekVaultId: k.kekDetails.keyVaultId,
            };
        }

        it("restores the ADE settings onto the disks, referencing the keys", async () => {
            const e = emu.get();
            const rp = RPS["vm-ade01"][0];
            const details = await adeDetails(e, rp);
            assert.equal(details.secretKeyVaultId, KV_RESTORE);
            const r = await restore("vm-ade01", rp, restoreDisksBody("vm-ade01", rp, { encryptionDetails: details }));
            const os = osDisk(r.disks);
            assert.equal(os.properties.osType, "Windows");
            assert.deepEqual(os.properties.encryptionSettingsCollection, {
                enabled: true,
                encryptionSettingsVersion: "1.1",
                encryptionSettings: [
                    {
                        diskEncryptionKey: { secretUrl: details.secretKeyUrl, sourceVault: { id: KV_RESTORE } },
                        keyEncryptionKey: { keyUrl: details.kekUrl, sourceVault: { id: KV_RESTORE } },
                    },
                ],
            });
            assert.ok(dataDisks(r.disks)[0].properties.encryptionSettingsCollection.enabled);
        });

        it("accepts an ADE point without encryptionDetails keys (azure-cli sends none): the point's recorded keys are used", async () => {
            const rp = RPS["vm-ade01"][0];
            for (const encryptionDetails of [undefined, { encryptionEnabled: false }, { encryptionEnabled: true }]) {
                const r = await triggerRestore(emu.get(), "vm-ade01", rp, restoreDisksBody("vm-ade01", rp, { encryptionDetails }));
                assert.equal(r.status, 202, JSON.stringify(encryptionDetails));
            }
        });

        it("refuses missing or foreign keys, and ADE details for a VM without ADE", async () => {
            const e = emu.get();
            const rp = RPS["vm-ade01"][0];
            const good = await adeDetails(e, rp);
            const cases: Array<[Record<string, unknown>, string, RegExp]> = [
                [{ ...good, secretKeyUrl: undefined }, "secretKeyUrl", /secretKeyUrl/],
                [{ ...good, kekUrl: undefined, kekVaultId: undefined }, "kekUrl", /key encryption key/],
                [{ ...good, kekVaultId: undefined }, "kekVaultId", /go together/],
                [{ ...good, secretKeyVaultId: KV_RESTORE.replace("kv-restore", "kv-nope") }, "secretKeyVaultId", /does not exist/],
                [
                    { ...good, secretKeyUrl: "https://kv-other.vault.azure.net/secrets/vm-ade01-bek/0123456789abcdef0123456789abcdef" },
                    "secretKeyUrl",
                    /must be a secret URL of the Key Vault 'kv-restore'/,
                ],
                [
                    { ...good, secretKeyUrl: String(good.secretKeyUrl).replace("vm-ade01-bek", "other-bek") },
                    "secretKeyUrl",
                    /no secret named 'other-bek'/,
                ],
            ];
            for (const [details, field, message] of cases) {
                const err = await refused("vm-ade01", rp, restoreDisksBody("vm-ade01", rp, { encryptionDetails: details }));
                assert.equal(err.target, `properties.encryptionDetails.${field}`, err.message);
                assert.match(err.message, message);
            }
            const plain = await refused(
                "vm-web01",
                RPS["vm-web01"][0],
                restoreDisksBody("vm-web01", RPS["vm-web01"][0], { encryptionDetails: good }),
            );
            assert.match(plain.message, /without Azure Disk Encryption/);
        });
    });

    describe("identityInfo and identityBasedRestoreDetails", () => {
        it("runs the restore as a vault identity (system- or user-assigned); the new VM gets no identity from it", async () => {
            const e = emu.get();
            const vault = (await call(`${e.url}${VAULT}?${API}`)).body;
            assert.equal(vault.identity.type, "SystemAssigned, UserAssigned");
            assert.deepEqual(Object.keys(vault.identity.userAssignedIdentities), [ID_RESTORE]);

            const rp = RPS["vm-app01"][0];
            const sys = await restore(
                "vm-app01",
                rp,
                alternateLocationBody("vm-app01", rp, "app-msi", {
                    identityInfo: { isSystemAssignedIdentity: true },
                    identityBasedRestoreDetails: { objectType: "IdentityBasedRestoreDetails", targetStorageAccountId: STG_RESTORE },
                }),
            );
            assert.equal(sys.job.properties.extendedInfo.propertyBag["Restore Identity"], "SystemAssigned");
            const vm = await arm(`${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/app-msi`);
            assert.equal(vm.identity, undefined, "identityInfo is the identity Azure Backup restores with, not the new VM's");

            const ua = await restore(
                "vm-app01",
                RPS["vm-app01"][1],
                restoreDisksBody("vm-app01", RPS["vm-app01"][1], {
                    identityInfo: { isSystemAssignedIdentity: false, managedIdentityResourceId: ID_RESTORE },
                    identityBasedRestoreDetails: { targetStorageAccountId: STG_RESTORE },
                }),
            );
            assert.equal(ua.job.properties.extendedInfo.propertyBag["Restore Identity"], ID_RESTORE);
            assert.equal(ua.disks.length, 1);
        });

        it("refuses identities the vault does not have and a staging account other than storageAccountId", async () => {
            const e = emu.get();
            const rp = RPS["vm-app01"][0];
            const uai = (name: string) => `${RG_RESTORE}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
            const cases: Array<[Record<string, unknown>, string, RegExp]> = [
                [
                    { identityInfo: { isSystemAssignedIdentity: false, managedIdentityResourceId: uai("id-nope") } },
                    "identityInfo.managedIdentityResourceId",
                    /does not exist/,
                ],
                [{ identityInfo: { isSystemAssignedIdentity: false } }, "identityInfo.managedIdentityResourceId", /required/],
                [
                    { identityInfo: { isSystemAssignedIdentity: true, managedIdentityResourceId: ID_RESTORE } },
                    "identityInfo.managedIdentityResourceId",
                    /must be empty/,
                ],
                [
                    {
                        identityInfo: { isSystemAssignedIdentity: true },
                        identityBasedRestoreDetails: { targetStorageAccountId: STG_RESTORE.replace("stgrestore", "stgzrs") },
                    },
                    "identityBasedRestoreDetails.targetStorageAccountId",
                    /must be the staging account/,
                ],
                [{ identityBasedRestoreDetails: { targetStorageAccountId: STG_RESTORE } }, "identityInfo", /needs 'identityInfo'/],
                [
                    {
                        identityInfo: { isSystemAssignedIdentity: true },
                        identityBasedRestoreDetails: { objectType: "Other", targetStorageAccountId: STG_RESTORE },
                    },
                    "identityBasedRestoreDetails.objectType",
                    /IdentityBasedRestoreDetails/,
                ],
            ];
            for (const [overrides, field, message] of cases) {
                const err = await refused("vm-app01", rp, restoreDisksBody("vm-app01", rp, overrides));
                assert.equal(err.target, `properties.${field}`, err.message);
                assert.match(err.message, message);
            }

            // An identity that exists but is not the vault's; a vault without a system identity.
            const seed = defaultSeed();
            seed.userAssignedIdentities!.push({ name: "id-other", resourceGroup: "rg-restore", location: "westeurope" });
            seed.vaults[0].identity = { systemAssigned: false, userAssigned: ["id-restore"] };
            assert.equal((await call(`${e.url}/admin/seed`, { method: "PUT", body: seed })).status, 200);
            const other = await refused(
                "vm-app01",
                rp,
                restoreDisksBody("vm-app01", rp, {
                    identityInfo: { isSystemAssignedIdentity: false, managedIdentityResourceId: uai("id-other") },
                }),
            );
            assert.match(other.message, /not assigned to the vault 'vault-prod'/);
            const noSystem = await refused(
                "vm-app01",
                rp,
                restoreDisksBody("vm-app01", rp, { identityInfo: { isSystemAssignedIdentity: true } }),
            );
            assert.match(noSystem.message, /no system-assigned managed identity/);
        });
    });

    describe("targetDiskNetworkAccessSettings", () => {
        const ade = async (rp: string) => {
            const k = (await call(`${emu.get().url}${itemPath("vm-ade01")}/recoveryPoints/${rp}?${API}`)).body.properties.keyAndSecret;
            return {
                encryptionEnabled: true,
                secretKeyUrl: k.bekDetails.secretUrl,
                secretKeyVaultId: k.bekDetails.secretVaultId,
                kekUrl: k.kekDetails.keyUrl,
                kekVaultId: k.kekDetails.keyVaultId,
            };
        };

        it("EnablePrivateAccessForAllDisks: AllowPrivate through the disk access", async () => {
            const rp = RPS["vm-web01"][0];
            const r = await restore(
                "vm-web01",
                rp,
                restoreDisksBody("vm-web01", rp, {
                    targetDiskNetworkAccessSettings: {
                        targetDiskNetworkAccessOption: "EnablePrivateAccessForAllDisks",
                        targetDiskAccessId: DA_RESTORE,
                    },
                }),
            );
            for (const d of r.disks) {
                assert.equal(d.properties.networkAccessPolicy, "AllowPrivate");
                assert.equal(d.properties.diskAccessId, DA_RESTORE);
                assert.equal(d.properties.publicNetworkAccess, "Disabled");
            }
        });

        it("EnablePublicAccessForAllDisks: AllowAll; SameAsOnSourceDisks (and no setting): the source disks' policy", async () => {
            const e = emu.get();
            const point = (await call(`${e.url}${itemPath("vm-ade01")}/recoveryPoints/${RPS["vm-ade01"][0]}?${API}`)).body.properties;
            assert.equal(point.isPrivateAccessEnabledOnAnyDisk, true);
            const pub = await restore(
                "vm-ade01",
                RPS["vm-ade01"][0],
                restoreDisksBody("vm-ade01", RPS["vm-ade01"][0], {
                    encryptionDetails: await ade(RPS["vm-ade01"][0]),
                    targetDiskNetworkAccessSettings: { targetDiskNetworkAccessOption: "EnablePublicAccessForAllDisks" },
                }),
            );
            for (const d of pub.disks) {
                assert.equal(d.properties.networkAccessPolicy, "AllowAll");
                assert.equal(d.properties.diskAccessId, undefined);
            }
            const same = await restore(
                "vm-ade01",
                RPS["vm-ade01"][1],
                restoreDisksBody("vm-ade01", RPS["vm-ade01"][1], {
                    encryptionDetails: await ade(RPS["vm-ade01"][1]),
                    targetDiskNetworkAccessSettings: { targetDiskNetworkAccessOption: "SameAsOnSourceDisks" },
                }),
            );
            for (const d of same.disks) {
                assert.equal(d.properties.networkAccessPolicy, "AllowPrivate");
                assert.equal(d.properties.diskAccessId, DA_RESTORE);
            }
            const unset = await restore(
                "vm-ade01",
                RPS["vm-ade01"][2],
                restoreDisksBody("vm-ade01", RPS["vm-ade01"][2], { encryptionDetails: await ade(RPS["vm-ade01"][2]) }),
            );
            assert.ok(unset.disks.every((d) => d.properties.networkAccessPolicy === "AllowPrivate"));
            const web = await restore(
                "vm-web01",
                RPS["vm-web01"][1],
                restoreDisksBody("vm-web01", RPS["vm-web01"][1], {
                    targetDiskNetworkAccessSettings: { targetDiskNetworkAccessOption: "SameAsOnSourceDisks" },
                }),
            );
            assert.ok(web.disks.every((d) => d.properties.networkAccessPolicy === "AllowAll"));
        });

        it("refuses private access without a disk access (or with one that does not exist), and unknown options", async () => {
            const rp = RPS["vm-web01"][0];
            const cases: Array<[Record<string, unknown>, string]> = [
                [{ targetDiskNetworkAccessOption: "EnablePrivateAccessForAllDisks" }, "targetDiskAccessId"],
                [
                    {
                        targetDiskNetworkAccessOption: "EnablePrivateAccessForAllDisks",
                        targetDiskAccessId: DA_RESTORE.replace("da-restore", "da-nope"),
                    },
                    "targetDiskAccessId",
                ],
                [{ targetDiskNetworkAccessOption: "EnablePublicAccessForAllDisks", targetDiskAccessId: DA_RESTORE }, "targetDiskAccessId"],
                [{ targetDiskNetworkAccessOption: "Private" }, "targetDiskNetworkAccessOption"],
            ];
            for (const [settings, field] of cases) {
                const err = await refused("vm-web01", rp, restoreDisksBody("vm-web01", rp, { targetDiskNetworkAccessSettings: settings }));
                assert.equal(err.target, `properties.targetDiskNetworkAccessSettings.${field}`, err.message);
            }
        });
    });

    describe("securedVMDetails (Confidential VMs)", () => {
        it("encrypts the restored confidential OS disk with the set (disk securityProfile, new VM securityProfile)", async () => {
            const e = emu.get();
            const rp = RPS["vm-cvm01"][0];
            assert.equal(
                (await call(`${e.url}${itemPath("vm-cvm01")}/recoveryPoints/${rp}?${API}`)).body.properties.securityType,
                "ConfidentialVM",
            );
            const r = await restore(
                "vm-cvm01",
                rp,
                restoreDisksBody("vm-cvm01", rp, { securedVMDetails: { securedVMOsDiskEncryptionSetId: DES_CVM } }),
            );
            assert.deepEqual(osDisk(r.disks).properties.securityProfile, {
                securityType: "ConfidentialVM_DiskEncryptedWithCustomerKey",
                secureVMDiskEncryptionSetId: DES_CVM,
            });
            const template = await call(r.job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
            const tvm = template.body.resources.find((x: TemplateResourceJson) => x.type === "Microsoft.Compute/virtualMachines");
            assert.equal(tvm.properties.securityProfile.securityType, "ConfidentialVM");

            await restore(
                "vm-cvm01",
                RPS["vm-cvm01"][1],
                alternateLocationBody("vm-cvm01", RPS["vm-cvm01"][1], "cvm-drill", {
                    securedVMDetails: { securedVMOsDiskEncryptionSetId: DES_CVM },
                }),
            );
            const vm = await arm(`${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/cvm-drill`);
            assert.equal(vm.properties.securityProfile.securityType, "ConfidentialVM");
            assert.deepEqual(vm.properties.storageProfile.osDisk.managedDisk.securityProfile, {
                securityEncryptionType: "DiskWithVMGuestState",
                diskEncryptionSet: { id: DES_CVM },
            });
        });

        it("requires securedVMDetails for a Confidential VM, with a confidential set, and refuses it for other VMs", async () => {
            const rp = RPS["vm-cvm01"][0];
            const missing = await refused("vm-cvm01", rp, restoreDisksBody("vm-cvm01", rp));
            assert.equal(missing.target, "properties.securedVMDetails.securedVMOsDiskEncryptionSetId");
            assert.match(missing.message, /Confidential VM/);
            const wrongType = await refused(
                "vm-cvm01",
                rp,
                restoreDisksBody("vm-cvm01", rp, { securedVMDetails: { securedVMOsDiskEncryptionSetId: DES_RESTORE } }),
            );
            assert.match(wrongType.message, /ConfidentialVmEncryptedWithCustomerKey/);
            const other = await refused(
                "vm-web01",
                RPS["vm-web01"][0],
                restoreDisksBody("vm-web01", RPS["vm-web01"][0], { securedVMDetails: { securedVMOsDiskEncryptionSetId: DES_CVM } }),
            );
            assert.equal(other.target, "properties.securedVMDetails");
        });
    });

    describe("extendedLocation (edge zones)", () => {
        it("puts the disks, the new VM and its NIC in the edge zone", async () => {
            const rp = RPS["vm-web01"][0];
            const x = { name: "emulatoredge1", type: "EdgeZone" };
            const r = await restore("vm-web01", rp, alternateLocationBody("vm-web01", rp, "web-edge", { extendedLocation: x }));
            for (const d of r.disks) assert.deepEqual(d.extendedLocation, x);
            const vm = await arm(`${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/web-edge`);
            assert.deepEqual(vm.extendedLocation, x);
            assert.deepEqual((await arm(vm.properties.networkProfile.networkInterfaces[0].id)).extendedLocation, x);
        });

        it("refuses an unknown edge zone, another type, and zones with an edge zone", async () => {
            const rp = RPS["vm-web01"][0];
            const cases: Array<[Record<string, unknown>, string]> = [
                [{ extendedLocation: { name: "nowhere", type: "EdgeZone" } }, "extendedLocation.name"],
                [{ extendedLocation: { name: "emulatoredge1", type: "CustomLocation" } }, "extendedLocation.type"],
                [{ extendedLocation: { name: "emulatoredge1", type: "EdgeZone" }, zones: ["1"] }, "zones"],
            ];
            for (const [overrides, field] of cases) {
                const err = await refused("vm-web01", rp, restoreDisksBody("vm-web01", rp, overrides));
                assert.equal(err.target, `properties.${field}`, err.message);
            }
        });
    });

    describe("resourceGuardOperationRequests (Multi-User Authorization)", () => {
        it("a vault with a resource guard needs a request of that guard", async () => {
            const e = emu.get();
            const seed = defaultSeed();
            seed.vaults[0].resourceGuardEnabled = true;
            assert.equal((await call(`${e.url}/admin/seed`, { method: "PUT", body: seed })).status, 200);
            assert.equal((await call(`${e.url}${VAULT}?${API}`)).body.properties.securitySettings.multiUserAuthorization, "Enabled");
            const guard = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.DataProtection/resourceGuards/vault-prod-guard`;
            const rp = RPS["vm-web01"][0];
            const missing = await refused(
                "vm-web01",
                rp,
                restoreDisksBody("vm-web01", rp),
                "UserErrorMissingResourceGuardOperationRequest",
            );
            assert.equal(missing.target, "properties.resourceGuardOperationRequests");
            assert.ok(missing.message.includes(`${guard}/triggerRestoreRequests/default`), missing.message);
            const other = await refused(
                "vm-web01",
                rp,
                restoreDisksBody("vm-web01", rp, {
                    resourceGuardOperationRequests: [`${guard.replace("vault-prod-guard", "other-guard")}/triggerRestoreRequests/default`],
                }),
                "UserErrorMissingResourceGuardOperationRequest",
            );
            assert.match(other.message, /none of that guard/);
            const ok = await triggerRestore(
                e,
                "vm-web01",
                rp,
                restoreDisksBody("vm-web01", rp, { resourceGuardOperationRequests: [`${guard}/triggerRestoreRequests/default`] }),
            );
            assert.equal(ok.status, 202, ok.text);
        });

        it("a vault without one accepts the restore with or without requests", async () => {
            const e = emu.get();
            assert.equal((await call(`${e.url}${VAULT}?${API}`)).body.properties.securitySettings.multiUserAuthorization, "Disabled");
            const rp = RPS["vm-web01"][0];
            assert.equal(
                (await refused("vm-web01", rp, restoreDisksBody("vm-web01", rp, { resourceGuardOperationRequests: "nope" }))).target,
                "properties.resourceGuardOperationRequests",
            );
            assert.equal(
                (
                    await triggerRestore(
                        e,
                        "vm-web01",
                        rp,
                        restoreDisksBody("vm-web01", rp, {
                            resourceGuardOperationRequests: [
                                "/subscriptions/x/resourceGroups/y/providers/Microsoft.DataProtection/resourceGuards/g/triggerRestoreRequests/default",
                            ],
                        }),
                    )
                ).status,
                202,
            );
        });
    });

    describe("OriginalLocation", () => {
        it("swaps only the restored LUNs into the VM; the replaced disks stay, detached", async () => {
            const e = emu.get();
            const before = (await arm(vmId("vm-web01"))).properties.storageProfile;
            const rp = RPS["vm-web01"][1];
            const r = await restore(
                "vm-web01",
                rp,
                restoreDisksBody("vm-web01", rp, {
                    recoveryType: "OriginalLocation",
                    targetResourceGroupId: undefined,
                    restoreDiskLunList: [1],
                }),
            );
            assert.equal(r.disks.length, 2);
            const after = (await arm(vmId("vm-web01"))).properties.storageProfile;
            assert.notEqual(after.osDisk.managedDisk.id, before.osDisk.managedDisk.id);
            assert.equal(after.osDisk.managedDisk.id, osDisk(r.disks).id);
            const lun = (p: { dataDisks: DataDiskJson[] }, n: number): string => {
                const slot = p.dataDisks.find((d) => d.lun === n);
                assert.ok(slot, `the VM has a data disk at LUN ${n}`);
                return slot.managedDisk.id;
            };
            assert.equal(lun(after, 0), lun(before, 0), "LUN 0 was not restored, so it is not replaced");
            assert.notEqual(lun(after, 1), lun(before, 1));
            for (const old of [before.osDisk.managedDisk.id, lun(before, 1)]) {
                const disk = await arm(old);
                assert.equal(disk.properties.diskState, "Unattached");
                assert.equal(disk.managedBy, undefined);
            }
            assert.equal((await arm(lun(before, 0))).managedBy, vmId("vm-web01"));
            const prodDisks = (
                await call(
                    `${e.url}/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/disks?${apiFor(`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/disks`)}`,
                )
            ).body.value;
            assert.equal(prodDisks.filter((d: NamedJson) => d.name.startsWith("vm-web01")).length, 5, "3 original + 2 restored");
        });

        it("an unmanaged VM gets restored VHDs (staging account, or its own account with originalStorageAccountOption)", async () => {
            const e = emu.get();
            const before = (await arm(vmId("vm-legacy01"))).properties.storageProfile;
            assert.match(before.osDisk.vhd.uri, new RegExp(`^${e.url}/blob/stglegacy/vhds/vm-legacy01-osdisk\\.vhd$`));
            assert.equal((await call(before.osDisk.vhd.uri)).status, 200);
            const r1 = await restore(
                "vm-legacy01",
                RPS["vm-legacy01"][0],
                restoreDisksBody("vm-legacy01", RPS["vm-legacy01"][0], { recoveryType: "OriginalLocation" }),
            );
            assert.equal(r1.disks.length, 0);
            const mid = (await arm(vmId("vm-legacy01"))).properties.storageProfile;
            assert.match(
                mid.osDisk.vhd.uri,
                new RegExp(`^${e.url}/blob/stgrestore/vm-legacy01-[0-9a-f]{32}/vm-legacy01-osdisk-\\d{8}-\\d{6}\\.vhd$`),
            );
            assert.match(mid.dataDisks[0].vhd.uri, /vm-legacy01-datadisk-0-\d{8}-\d{6}\.vhd$/);
            assert.equal(mid.osDisk.managedDisk, undefined);
            assert.equal((await call(mid.osDisk.vhd.uri)).status, 200);
            assert.equal((await call(before.osDisk.vhd.uri)).status, 200, "the replaced VHD stays");

            await restore(
                "vm-legacy01",
                RPS["vm-legacy01"][1],
                restoreDisksBody("vm-legacy01", RPS["vm-legacy01"][1], {
                    recoveryType: "OriginalLocation",
                    originalStorageAccountOption: true,
                }),
            );
            const last = (await arm(vmId("vm-legacy01"))).properties.storageProfile;
            assert.match(last.osDisk.vhd.uri, new RegExp(`^${e.url}/blob/stglegacy/vhds/vm-legacy01-osdisk-\\d{8}-\\d{6}\\.vhd$`));
        });
    });

    describe("unmanaged VMs and targetResourceGroupId", () => {
        it("an unmanaged VM's point says so; with targetResourceGroupId its disks become managed disks", async () => {
            const e = emu.get();
            const point = (await call(`${e.url}${itemPath("vm-legacy01")}/recoveryPoints/${RPS["vm-legacy01"][0]}?${API}`)).body.properties;
            assert.equal(point.isManagedVirtualMachine, false);
            assert.equal(point.originalStorageAccountOption, true);
            const r = await restore("vm-legacy01", RPS["vm-legacy01"][0], restoreDisksBody("vm-legacy01", RPS["vm-legacy01"][0]));
            assert.equal(r.disks.length, 2);
            assert.ok(r.disks.every((d) => d.id.startsWith(`${RG_RESTORE}/providers/Microsoft.Compute/disks/vm-legacy01-`)));
        });

        it("without targetResourceGroupId: VHD blobs for an unmanaged VM, the template references them by vhd.uri", async () => {
            const e = emu.get();
            const body = restoreDisksBody("vm-legacy01", RPS["vm-legacy01"][0]);
            delete (body.properties as Record<string, unknown>).targetResourceGroupId;
            const r = await restore("vm-legacy01", RPS["vm-legacy01"][0], body);
            assert.equal(r.disks.length, 0);
            const vhds = r.created.filter((c) => c.endsWith(".vhd"));
            assert.equal(vhds.length, 2);
            for (const v of vhds)
                assert.match(
                    v,
                    new RegExp(`^${e.url}/blob/stgrestore/vm-legacy01-[0-9a-f]{32}/vm-legacy01-(osdisk|datadisk-0)-\\d{8}-\\d{6}\\.vhd$`),
                );
            const template = await call(r.job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
            const tvm = template.body.resources.find((x: TemplateResourceJson) => x.type === "Microsoft.Compute/virtualMachines");
            assert.ok(vhds.includes(tvm.properties.storageProfile.osDisk.vhd.uri));
            assert.deepEqual(
                tvm.properties.storageProfile.dataDisks.map((d: DataDiskJson) => [d.lun, vhds.includes(d.vhd.uri)]),
                [[0, true]],
            );
            assert.equal(r.job.properties.extendedInfo.propertyBag["Target resource group"], undefined);
        });

        it("refuses a managed VM's RestoreDisks without targetResourceGroupId", async () => {
            const body = restoreDisksBody("vm-web01", RPS["vm-web01"][0]);
            delete (body.properties as Record<string, unknown>).targetResourceGroupId;
            const err = await refused("vm-web01", RPS["vm-web01"][0], body);
            assert.equal(err.target, "properties.targetResourceGroupId");
            assert.match(err.message, /managed disks/);
        });
    });
});
