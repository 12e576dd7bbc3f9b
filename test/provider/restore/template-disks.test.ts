import { strict as assert } from "assert";
import { decodeBlobText, disksOfTemplate, evaluateTemplateString, restoredDisksByName } from "../../../provider/restore/template-disks";

const SUB = "00000000-0000-0000-0000-000000000001";
const CTX = {
    subscriptionId: SUB,
    resourceGroup: "rg-restore",
    parameters: { Name: { defaultValue: "d1" } },
    variables: { rg: "rg-other" },
};
const DISK = (rg: string, name: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/disks/${name}`;

describe("restore template reading", () => {
    it("decodes UTF-8 with and without BOM, UTF-16 LE/BE with BOM and trailing NULs, and UTF-16 without BOM", () => {
        const text = '{"a":"é"}';
        assert.equal(decodeBlobText(Buffer.from(text)), text);
        assert.equal(decodeBlobText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), text);
        const le = Buffer.from(text, "utf16le");
        assert.equal(decodeBlobText(Buffer.concat([Buffer.from([0xff, 0xfe]), le, Buffer.alloc(6)])), text);
        assert.equal(decodeBlobText(Buffer.concat([le, Buffer.alloc(2)])), text);
        assert.equal(decodeBlobText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])), text);
    });

    it("evaluates resourceId (2, 3 and 4 arguments), concat, parameters and variables with defaults, subscription()", () => {
        assert.equal(evaluateTemplateString("[resourceId('Microsoft.Compute/disks', 'x')]", CTX), DISK("rg-restore", "x"));
        assert.equal(evaluateTemplateString("[resourceId('rg-a', 'Microsoft.Compute/disks', 'x')]", CTX), DISK("rg-a", "x"));
        assert.equal(evaluateTemplateString(`[resourceId('${SUB}', 'rg-b', 'Microsoft.Compute/disks', 'x')]`, CTX), DISK("rg-b", "x"));
        assert.equal(
            evaluateTemplateString("[resourceId(variables('rg'), 'Microsoft.Compute/disks', parameters('Name'))]", CTX),
            DISK("rg-other", "d1"),
        );
        assert.equal(
            evaluateTemplateString(
                "[concat('/subscriptions/', subscription().subscriptionId, '/resourceGroups/', resourceGroup().name, '/providers/Microsoft.Compute/disks/', 'it''s')]",
                CTX,
            ),
            DISK("rg-restore", "it's"),
        );
        assert.equal(evaluateTemplateString("[[literal]", CTX), "[literal]");
        assert.equal(evaluateTemplateString("[unknownFunction('x')]", CTX), undefined);
    });

    it("reads the VM's disks from a template, and only Microsoft.Compute/disks IDs", () => {
        const t = {
            parameters: { Os: { type: "string", defaultValue: "os1" } },
            resources: [
                {
                    type: "Microsoft.Compute/virtualMachines",
                    properties: {
                        storageProfile: {
                            osDisk: { managedDisk: { id: "[resourceId('Microsoft.Compute/disks', parameters('Os'))]" } },
                            dataDisks: [
                                { lun: 1, managedDisk: { id: "[resourceId('rg-x', 'Microsoft.Compute/disks', 'b')]" } },
                                { lun: 0, managedDisk: { id: DISK("rg-y", "a") } },
                                { lun: 2, managedDisk: { id: "[resourceId('Microsoft.Network/networkInterfaces', 'n')]" } },
                            ],
                        },
                    },
                },
            ],
        };
        assert.deepEqual(disksOfTemplate(t, { subscriptionId: SUB, resourceGroup: "rg-restore" }), {
            osDiskId: DISK("rg-restore", "os1"),
            dataDisks: [
                { lun: 0, diskId: DISK("rg-y", "a") },
                { lun: 1, diskId: DISK("rg-x", "b") },
            ],
            vhdUris: [],
        });
        assert.equal(disksOfTemplate({ resources: [] }, { subscriptionId: SUB, resourceGroup: "rg" }), undefined);
    });

    it("finds restored disks by Azure's naming, created since the trigger, the set nearest after it", () => {
        const since = Date.UTC(2026, 10, 27, 10, 0, 0);
        const d = (name: string, created = "2026-11-27T10:30:00Z") => ({
            id: DISK("rg-restore", name),
            name,
            properties: { timeCreated: created },
        });
        const found = restoredDisksByName(
            [
                d("vm-web01-osdisk-20261126-100000", "2026-11-26T10:00:00Z"), // an earlier restore
                d("vm-web01-osdisk-20261127-100005"),
                d("vm-web01-datadisk-1-20261127-100005"),
                d("vm-web01-datadisk-0-20261127-100005-1"),
                d("vm-web01-osdisk-20261127-120000"), // a later restore
                d("vm-web012-osdisk-20261127-100005"),
                d("unrelated"),
            ],
            "vm-web01",
            since,
        );
        assert.equal(found.osDiskId, DISK("rg-restore", "vm-web01-osdisk-20261127-100005"));
        assert.deepEqual(
            found.dataDisks.map((x) => x.lun),
            [0, 1],
        );
        assert.deepEqual(restoredDisksByName([d("vm-web01-osdisk-20261126-100000", "2026-11-26T10:00:00Z")], "vm-web01", since), {
            dataDisks: [],
            vhdUris: [],
        });
    });
});
