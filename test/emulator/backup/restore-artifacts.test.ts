import { strict as assert } from "assert";
import {
    API,
    RG_RESTORE,
    RPS,
    STG_RESTORE,
    SUB,
    alternateLocationBody,
    call,
    getJob,
    restoreAndGetJobId,
    restoreDisksBody,
    useEmulator,
    vmId,
    waitForJob,
    AdminJob,
} from "../../support/emulator-helpers";
import { AdminResourceJson, DataDiskJson, JobJson, NamedJson, TaskJson, TemplateResourceJson } from "../../support/emulator-json";

describe("emulator: what completed restores leave behind", () => {
    const emu = useEmulator();

    it("RestoreDisks creates one managed disk per VM disk in the target resource group, and the template references them", async () => {
        const e = emu.get();
        const jobId = await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0]);
        const job = await waitForJob(e, jobId);
        assert.equal(job.properties.status, "Completed");
        const bag = job.properties.extendedInfo.propertyBag;

        const created = (await call(`${e.url}/admin/resources`)).body.resources;
        const disks = created
            .filter((r: AdminResourceJson) => r.type === "Microsoft.Compute/disks")
            .map((r: AdminResourceJson) => r.id as string);
        assert.equal(disks.length, 3);
        for (const id of disks)
            assert.match(
                id,
                /\/resourceGroups\/rg-restore\/providers\/Microsoft\.Compute\/disks\/vm-web01-(osdisk|datadisk-[01])-\d{8}-\d{6}$/,
            );

        const template = await call(bag["Template Blob Uri"]);
        assert.equal(template.status, 200);
        assert.match(bag["Template Blob Uri"], /\/azuredeploy[0-9a-f-]{36}\.json$/);
        const vm = template.body.resources.find((r: TemplateResourceJson) => r.type === "Microsoft.Compute/virtualMachines");
        const osId: string = vm.properties.storageProfile.osDisk.managedDisk.id;
        const dataIds: Array<{ lun: number; id: string }> = vm.properties.storageProfile.dataDisks.map((d: DataDiskJson) => ({
            lun: d.lun,
            id: d.managedDisk.id,
        }));
        assert.deepEqual(
            dataIds.map((d) => d.lun),
            [0, 1],
        );
        assert.deepEqual([osId, ...dataIds.map((d) => d.id)].sort(), [...disks].sort());

        const os = await call(`${e.url}${osId}?api-version=2024-03-02`);
        assert.equal(os.status, 200);
        assert.equal(os.body.id, osId);
        assert.equal(os.body.location, "westeurope");
        assert.equal(os.body.sku.name, "Premium_LRS");
        assert.equal(os.body.properties.diskSizeGB, 30);
        assert.equal(os.body.properties.osType, "Linux");
        assert.equal(os.body.properties.provisioningState, "Succeeded");
        assert.equal(os.body.properties.diskState, "Unattached");
        assert.equal(os.body.properties.creationData.createOption, "Copy");
        const data1 = await call(`${e.url}${dataIds[1].id}?api-version=2024-03-02`);
        assert.equal(data1.body.properties.diskSizeGB, 512);
        assert.equal(data1.body.sku.name, "StandardSSD_LRS");
        assert.equal(data1.body.properties.osType, undefined);

        const list = await call(`${e.url}${RG_RESTORE}/providers/Microsoft.Compute/disks?api-version=2024-03-02`);
        assert.deepEqual(list.body.value.map((d: NamedJson) => d.id).sort(), [...disks].sort());

        const config = await call(bag["Config Blob Uri"]);
        assert.equal(config.status, 200);
        assert.equal(config.body.name, "vm-web01");
        assert.equal(config.body.properties.hardwareProfile.vmSize, "Standard_D4s_v5");
        assert.ok(bag["Config Blob Uri"].includes(`/${bag["Config Blob Container Name"]}/${bag["Config Blob Name"]}`));

        const account = await call(`${e.url}${STG_RESTORE}?api-version=2023-05-01`);
        assert.equal(account.body.properties.primaryEndpoints.blob, `${e.url}/blob/stgrestore/`);
        assert.ok(bag["Template Blob Uri"].startsWith(account.body.properties.primaryEndpoints.blob));

        assert.equal((await call(bag["Template Blob Uri"], { method: "DELETE" })).status, 202);
        const gone = await call(bag["Template Blob Uri"]);
        assert.equal(gone.status, 404);
        assert.equal(gone.headers.get("x-ms-error-code"), "BlobNotFound");
        const listing = await call(`${e.url}/blob/stgrestore/${bag["Config Blob Container Name"]}?restype=container&comp=list`);
        assert.match(listing.text, /<Name>config-vm-web01-/);
    });

    it("honours restoreDiskLunList, restoreOnlyOSDisk and zones", async () => {
        const e = emu.get();
        const j1 = await restoreAndGetJobId(
            e,
            "vm-web01",
            RPS["vm-web01"][1],
            restoreDisksBody("vm-web01", RPS["vm-web01"][1], { restoreDiskLunList: [1], zones: ["3"] }),
        );
        const j2 = await restoreAndGetJobId(
            e,
            "vm-db01",
            RPS["vm-db01"][0],
            restoreDisksBody("vm-db01", RPS["vm-db01"][0], { restoreOnlyOSDisk: true }),
        );
        await waitForJob(e, j1);
        await waitForJob(e, j2);
        const byJob = (j: string) => async () =>
            (await call(`${e.url}/admin/jobs`)).body.jobs
                .find((x: AdminJob) => x.jobId === j)
                .createdResources.filter((id: string) => id.includes("/disks/"));
        const d1: string[] = await byJob(j1)();
        assert.equal(d1.length, 2);
        assert.ok(d1.some((id) => /vm-web01-osdisk-/.test(id)) && d1.some((id) => /vm-web01-datadisk-1-/.test(id)));
        const disk = await call(`${e.url}${d1[0]}?api-version=2024-03-02`);
        assert.deepEqual(disk.body.zones, ["3"]);
        const d2: string[] = await byJob(j2)();
        assert.equal(d2.length, 1);
        assert.match(d2[0], /vm-db01-osdisk-/);
        const os = await call(`${e.url}${d2[0]}?api-version=2024-03-02`);
        assert.equal(os.body.properties.osType, "Windows");
    });

    it("restores an unmanaged VM to VHD blobs in the staging account without targetResourceGroupId", async () => {
        const e = emu.get();
        const body = restoreDisksBody("vm-legacy01", RPS["vm-legacy01"][2]);
        delete (body.properties as Record<string, unknown>).targetResourceGroupId;
        const jobId = await restoreAndGetJobId(e, "vm-legacy01", RPS["vm-legacy01"][2], body);
        const job = await waitForJob(e, jobId);
        assert.equal(job.properties.extendedInfo.propertyBag["Target resource group"], undefined);
        const template = await call(job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
        const vm = template.body.resources.find((r: TemplateResourceJson) => r.type === "Microsoft.Compute/virtualMachines");
        const vhd: string = vm.properties.storageProfile.osDisk.vhd.uri;
        assert.ok(vhd.startsWith(`${e.url}/blob/stgrestore/`));
        assert.equal((await call(vhd)).status, 200);
        const created = (await call(`${e.url}/admin/resources`)).body.resources;
        assert.equal(created.filter((r: AdminResourceJson) => r.type === "Microsoft.Compute/disks").length, 0);
        const tasks = job.properties.extendedInfo.tasksList.map((t: TaskJson) => t.taskId);
        assert.ok(tasks.includes("Transfer data from vault"), "a HardenedRP-only point transfers from the vault");
    });

    it("AlternateLocation creates the VM, a NIC in the requested subnet and attached disks", async () => {
        const e = emu.get();
        const body = alternateLocationBody("vm-web01", RPS["vm-web01"][0], "VM-WEB01-DRILL", {
            subnetId: `${RG_RESTORE}/providers/Microsoft.Network/virtualNetworks/vnet-restore/subnets/isolated`,
        });
        const jobId = await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0], body);
        const job = await waitForJob(e, jobId);
        assert.equal(job.properties.status, "Completed");
        const bag = job.properties.extendedInfo.propertyBag;
        assert.equal(bag["Job Type"], "Recover VM");
        assert.equal(bag["Target VM Name"], "VM-WEB01-DRILL");
        assert.ok(bag["Config Blob Uri"]);
        assert.equal(bag["Template Blob Uri"], undefined);

        const vmUrl = `${e.url}${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-web01-drill?api-version=2024-03-01`;
        const vm = await call(vmUrl);
        assert.equal(vm.status, 200);
        assert.equal(vm.body.name, "VM-WEB01-DRILL");
        assert.equal(vm.body.location, "westeurope");
        assert.equal(vm.body.properties.hardwareProfile.vmSize, "Standard_D4s_v5");
        const osId = vm.body.properties.storageProfile.osDisk.managedDisk.id;
        assert.match(osId, /\/resourceGroups\/rg-restore\/providers\/Microsoft\.Compute\/disks\/VM-WEB01-DRILL-osdisk-/);
        assert.deepEqual(
            vm.body.properties.storageProfile.dataDisks.map((d: DataDiskJson) => d.lun),
            [0, 1],
        );
        const os = await call(`${e.url}${osId}?api-version=2024-03-02`);
        assert.equal(os.body.managedBy, vm.body.id);
        assert.equal(os.body.properties.diskState, "Attached");

        const nicId = vm.body.properties.networkProfile.networkInterfaces[0].id;
        const nic = await call(`${e.url}${nicId}?api-version=2023-09-01`);
        assert.equal(nic.status, 200);
        assert.equal(
            nic.body.properties.ipConfigurations[0].properties.subnet.id,
            `${RG_RESTORE}/providers/Microsoft.Network/virtualNetworks/vnet-restore/subnets/isolated`,
        );
        assert.equal(nic.body.properties.ipConfigurations[0].properties.privateIPAddress, "10.10.1.4");
        assert.equal(nic.body.properties.virtualMachine.id, vm.body.id);

        const types = (await call(`${e.url}/admin/resources`)).body.resources.map((r: AdminResourceJson) => r.type).sort();
        assert.deepEqual(types, [
            "Microsoft.Compute/disks",
            "Microsoft.Compute/disks",
            "Microsoft.Compute/disks",
            "Microsoft.Compute/virtualMachines",
            "Microsoft.Network/networkInterfaces",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs",
        ]);

        const again = await call(
            `${e.url}${"/subscriptions/" + SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-web01/protectedItems/VM;iaasvmcontainerv2;rg-prod;vm-web01/recoveryPoints/${RPS["vm-web01"][0]}/restore?${API}`,
            { method: "POST", body },
        );
        assert.equal(again.status, 400);
        assert.match(again.body.error.message, /already exists/);
    });

    it("OriginalLocation swaps the source VM's disks for restored ones", async () => {
        const e = emu.get();
        const before = await call(`${e.url}${vmId("vm-db01")}?api-version=2024-03-01`);
        const oldOs = before.body.properties.storageProfile.osDisk.managedDisk.id;
        const jobId = await restoreAndGetJobId(
            e,
            "vm-db01",
            RPS["vm-db01"][1],
            restoreDisksBody("vm-db01", RPS["vm-db01"][1], { recoveryType: "OriginalLocation", targetResourceGroupId: undefined }),
        );
        const job = await waitForJob(e, jobId);
        assert.equal(job.properties.status, "Completed");
        const after = await call(`${e.url}${vmId("vm-db01")}?api-version=2024-03-01`);
        const newOs = after.body.properties.storageProfile.osDisk.managedDisk.id;
        assert.notEqual(newOs, oldOs);
        assert.match(newOs, /\/resourceGroups\/rg-prod\/providers\/Microsoft\.Compute\/disks\/vm-db01-osdisk-/);
        assert.equal((await call(`${e.url}${oldOs}?api-version=2024-03-02`)).body.properties.diskState, "Unattached");
        assert.equal((await call(`${e.url}${newOs}?api-version=2024-03-02`)).body.managedBy, vmId("vm-db01"));
    });

    it("an archive-only point needs a rehydration request; with one, the job rehydrates first", async () => {
        const e = emu.get();
        const archived = RPS["vm-app01"][4];
        const plain = await call(
            `${e.url}/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-prod;vm-app01/protectedItems/VM;iaasvmcontainerv2;rg-prod;vm-app01/recoveryPoints/${archived}/restore?${API}`,
            {
                method: "POST",
                body: restoreDisksBody("vm-app01", archived),
            },
        );
        assert.equal(plain.status, 400);
        assert.equal(plain.body.error.code, "UserErrorRecoveryPointNotInValidTier");
        const body = restoreDisksBody("vm-app01", archived, {
            objectType: "IaasVMRestoreWithRehydrationRequest",
            recoveryPointRehydrationInfo: { rehydrationPriority: "High", rehydrationRetentionDuration: "P15D" },
        });
        const jobId = await restoreAndGetJobId(e, "vm-app01", archived, body);
        const running = await getJob(e, jobId);
        assert.equal(running.properties.extendedInfo.tasksList[0].taskId, "Rehydrate the recovery point from the archive tier");
        assert.equal(running.properties.extendedInfo.propertyBag["Rehydration Priority"], "High");
        const job = await waitForJob(e, jobId);
        assert.equal(job.properties.status, "Completed");
        assert.equal(job.properties.duration, "PT2H");
    });

    it("lists jobs with the azure-cli filter", async () => {
        const e = emu.get();
        const jobId = await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0]);
        const { cliTime } = await import("../../support/emulator-helpers");
        const day = 86400_000;
        const base = `${e.url}/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupJobs?${API}`;
        const filter = (f: string) => `${base}&$filter=${encodeURIComponent(f)}`;
        const window = `startTime eq '${cliTime(Date.now() - day)}' and endTime eq '${cliTime(Date.now() + day)}'`;
        const restores = await call(filter(`${window} and operation eq 'Restore' and backupManagementType eq 'AzureIaasVM'`));
        assert.equal(restores.status, 200);
        assert.deepEqual(
            restores.body.value.map((j: JobJson) => j.name),
            [jobId],
        );
        assert.equal(restores.body.value[0].properties.extendedInfo, undefined);
        const backups = await call(filter(`${window} and operation eq 'Backup'`));
        assert.ok(backups.body.value.length > 0);
        assert.ok(backups.body.value.every((j: JobJson) => j.properties.operation === "Backup" && j.properties.status === "Completed"));
        const old = await call(
            filter(
                `startTime eq '${cliTime(Date.now() - 30 * day)}' and endTime eq '${cliTime(Date.now() - 20 * day)}' and operation eq 'Restore'`,
            ),
        );
        assert.equal(old.body.value.length, 0);
        await waitForJob(e, jobId);
        const inProgress = await call(filter(`${window} and status eq 'InProgress'`));
        assert.equal(inProgress.body.value.length, 0);
        const bad = await call(filter("startTime eq 'yesterday'"));
        assert.equal(bad.status, 400);
    });
});
