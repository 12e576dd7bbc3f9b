/**
 * Variants: the emulator answers each plausible way where Azure varies (seed `variants`,
 * POST /admin/variants), and POST /admin/reset returns to the seed's.
 */
import { strict as assert } from "assert";
import { STRICT_VARIANTS } from "../../../emulator/world/azure-variants";
import { manualClock } from "../../../emulator/world/job-clock";
import { startEmulator } from "../../../emulator/server/server";
import {
    API,
    RPS,
    VAULT,
    advance,
    alternateLocationBody,
    call,
    itemPath,
    restoreDisksBody,
    runRestoreOnManualClock,
    useEmulator,
} from "../../support/emulator-helpers";
import { TaskJson, TemplateResourceJson } from "../../support/emulator-json";

/** The text without the NUL padding after it (a template blob's UTF-16 text is padded). */
function withoutTrailingNuls(text: string): string {
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
    return text.slice(0, end);
}

describe("emulator: variants", () => {
    const emu = useEmulator(() => ({ clock: manualClock() }));

    async function setVariants(v: Record<string, unknown>) {
        return call(`${emu.get().url}/admin/variants`, { method: "POST", body: v });
    }

    it("shows, merges, refuses unknown ones, and resets to the seed's", async () => {
        const e = emu.get();
        assert.equal((await call(`${e.url}/admin/variants`)).body.variants.templateDiskRefs, "fullIds");
        const bad = await setVariants({ templateDiskRefs: "xml", nope: 1 });
        assert.equal(bad.status, 400);
        assert.match(
            bad.body.error.message,
            /templateDiskRefs must be one of fullIds, resourceIdWithGroup, concat, parameters; .*nope is not a known variant/,
        );
        const ok = await setVariants({ blobEncoding: "utf16le" });
        assert.equal(ok.body.variants.blobEncoding, "utf16le");
        assert.equal(ok.body.variants.templateDiskRefs, "fullIds");
        await call(`${e.url}/admin/reset`, { method: "POST" });
        assert.equal((await call(`${e.url}/admin/variants`)).body.variants.blobEncoding, "utf8");
    });

    it("writes the template with the chosen disk references, in UTF-16 with BOM and trailing NULs", async () => {
        const e = emu.get();
        await setVariants({ blobEncoding: "utf16le", templateDiskRefs: "parameters" });
        const job = await runRestoreOnManualClock(
            e,
            "vm-web01",
            RPS["vm-web01"][0],
            restoreDisksBody("vm-web01", RPS["vm-web01"][0]),
            3600,
        );
        const res = await fetch(job.properties.extendedInfo.propertyBag["Template Blob Uri"]);
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
        assert.deepEqual([...bytes.subarray(bytes.length - 4)], [0, 0, 0, 0]);
        const template = JSON.parse(withoutTrailingNuls(bytes.subarray(2).toString("utf16le")));
        const vm = template.resources.find((r: TemplateResourceJson) => r.type === "Microsoft.Compute/virtualMachines");
        assert.equal(
            vm.properties.storageProfile.osDisk.managedDisk.id,
            "[resourceId(variables('diskResourceGroup'), 'Microsoft.Compute/disks', parameters('OsDiskName'))]",
        );
        assert.match(template.parameters.OsDiskName.defaultValue, /^vm-web01-osdisk-\d{8}-\d{6}$/);
        assert.equal(template.variables.diskResourceGroup, "rg-restore");
    });

    it("can leave the template out of the property bag, or name one that is not there", async () => {
        const e = emu.get();
        await setVariants({ templateBlob: "absent" });
        const absent = await runRestoreOnManualClock(
            e,
            "vm-app01",
            RPS["vm-app01"][0],
            restoreDisksBody("vm-app01", RPS["vm-app01"][0]),
            3600,
        );
        assert.equal(absent.properties.extendedInfo.propertyBag["Template Blob Uri"], undefined);
        await setVariants({ templateBlob: "unreadable" });
        const gone = await runRestoreOnManualClock(
            e,
            "vm-web01",
            RPS["vm-web01"][0],
            restoreDisksBody("vm-web01", RPS["vm-web01"][0]),
            3600,
        );
        assert.equal((await fetch(gone.properties.extendedInfo.propertyBag["Template Blob Uri"])).status, 404);
    });

    it("can render jobs with less: no progress, no or a wrong estimate, PT0S tasks, only documented bag keys", async () => {
        const e = emu.get();
        await setVariants({ jobProgress: "absent", jobEstimate: "double", taskDurations: "zero", propertyBag: "documented" });
        const body = alternateLocationBody("vm-app01", RPS["vm-app01"][0], "vm-app01-terse");
        const trigger = await call(`${e.url}${itemPath("vm-app01")}/recoveryPoints/${RPS["vm-app01"][0]}/restore?${API}`, {
            method: "POST",
            body,
        });
        assert.equal(trigger.status, 202);
        await advance(e, 30);
        const jobId = (await call(trigger.headers.get("azure-asyncoperation")!)).body.properties.jobId;
        await advance(e, 600);
        const job = (await call(`${e.url}${VAULT}/backupJobs/${jobId}?${API}`)).body;
        const info = job.properties.extendedInfo;
        assert.equal(info.progressPercentage, undefined);
        assert.ok(
            info.tasksList.every(
                (t: TaskJson) => t.progressPercentage === undefined && (t.duration === undefined || t.duration === "PT0S"),
            ),
        );
        assert.equal(info.propertyBag["Target VM Name"], undefined);
        assert.equal(info.propertyBag["Target Storage Account Name"], "stgrestore");
        await setVariants({ jobEstimate: "present" });
        const right = (await call(`${e.url}${VAULT}/backupJobs/${jobId}?${API}`)).body.properties.extendedInfo.estimatedRemainingDuration;
        const seconds = (d: string) => {
            const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(d)!;
            return +(m[1] ?? 0) * 3600 + +(m[2] ?? 0) * 60 + +(m[3] ?? 0);
        };
        assert.equal(seconds(info.estimatedRemainingDuration), 2 * seconds(right));
    });

    it("starts with the strict variants when asked (what the drill and the engine tests run), and a reset keeps them", async () => {
        const strict = await startEmulator({ clockSpeed: 36000, variants: "strict" });
        try {
            const shown = (await call(`${strict.url}/admin/variants`)).body.variants;
            assert.deepEqual(shown, STRICT_VARIANTS);
            await call(`${strict.url}/admin/reset`, { method: "POST" });
            assert.deepEqual((await call(`${strict.url}/admin/variants`)).body.variants, STRICT_VARIANTS);
        } finally {
            await strict.stop();
        }
        assert.equal((await call(`${emu.get().url}/admin/variants`)).body.variants.jobProgress, "present", "spec-shaped by default");
    });
});
