/**
 * Pre-flight in `check`: what Azure would reject is reported at preview, naming the input and the
 * fix, and no restore is started.
 */
import { strict as assert } from "assert";
import { SUB, VAULT, VNET, vmId } from "../../support/emulator-fixture";
import { RestoreProps, useProviderWorld } from "../../support/provider-harness";

type Props = RestoreProps;

describe("pre-flight checks at preview", function () {
    this.timeout(60_000);
    const world = useProviderWorld();
    const { fx } = world;
    const provider = () => world.provider();
    const base = () => world.restoreDisks({ resourceName: "preflight" });
    const alr = () => world.alternateLocation({ resourceName: "preflight", targetVmName: "drill-vm" });
    const sa = (name: string, rg = "rg-restore") =>
        `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;

    async function archivedPoint(): Promise<string> {
        const items = await fx.arm<{ value: { id: string }[] }>(`${VAULT}/backupProtectedItems`);
        const item = items.body.value.find((i) => i.id.toLowerCase().includes(";vm-web01"))!;
        const rps = await fx.arm<{ value: { name: string; properties: { recoveryPointTierDetails: { type: string }[] } }[] }>(
            `${item.id}/recoveryPoints`,
        );
        return rps.body.value.find((r) => r.properties.recoveryPointTierDetails.every((t) => t.type === "ArchivedRP"))!.name;
    }

    it("passes a restore Azure would accept", async () => {
        assert.deepEqual((await provider().check!({}, base())).failures, []);
        assert.deepEqual((await provider().check!({}, alr())).failures, []);
    });

    const cases: [string, () => Promise<Props> | Props, string, RegExp][] = [
        [
            "a staging account in another region",
            () => ({ ...base(), storageAccountId: sa("stgnorth", "rg-dr") }),
            "storageAccountId",
            /in northeurope but the restore runs in the vault's region \(westeurope\)/,
        ],
        [
            "a zone-redundant staging account",
            () => ({ ...base(), storageAccountId: sa("stgzrs") }),
            "storageAccountId",
            /zone-redundant \(Standard_ZRS\)/,
        ],
        [
            "a staging account that does not exist",
            () => ({ ...base(), storageAccountId: sa("stgmissing") }),
            "storageAccountId",
            /does not exist/,
        ],
        [
            "a vault that does not exist",
            () => ({ ...base(), vaultId: VAULT.replace("vault-prod", "vault-nope") }),
            "vaultId",
            /does not exist/,
        ],
        [
            "a target resource group that does not exist",
            () => ({ ...base(), targetResourceGroupId: `/subscriptions/${SUB}/resourceGroups/rg-nope` }),
            "targetResourceGroupId",
            /does not exist; create it first/,
        ],
        [
            "a VM the vault does not protect",
            () => ({ ...base(), sourceVmId: vmId("vm-nope") }),
            "sourceVmId",
            /is not protected by the vault/,
        ],
        ["an unknown recovery point", () => ({ ...base(), recoveryPoint: "123456789" }), "recoveryPoint", /does not exist for this VM/],
        [
            "an archived recovery point without rehydration",
            async () => ({ ...base(), recoveryPoint: await archivedPoint() }),
            "recoveryPoint",
            /only in the archive tier and must be rehydrated/,
        ],
        [
            "a virtual network that does not exist",
            () => ({
                ...alr(),
                virtualNetworkId: VNET.replace("vnet-restore", "vnet-nope"),
                subnetId: VNET.replace("vnet-restore", "vnet-nope") + "/subnets/default",
            }),
            "virtualNetworkId",
            /does not exist/,
        ],
        ["a subnet that does not exist", () => ({ ...alr(), subnetId: `${VNET}/subnets/nope` }), "subnetId", /does not exist/],
        [
            "a virtual network in another region",
            () => ({
                ...alr(),
                virtualNetworkId: `/subscriptions/${SUB}/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr`,
                subnetId: `/subscriptions/${SUB}/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/default`,
            }),
            "virtualNetworkId",
            /in northeurope but a restore to a new VM lands in the vault's region/,
        ],
    ];
    for (const [title, make, property, reason] of cases) {
        it(`rejects ${title}, and starts no restore`, async () => {
            const failures = (await provider().check!({}, await make())).failures ?? [];
            const f = failures.find((x) => x.property === property);
            assert.ok(f, `expected a failure on ${property}, got ${JSON.stringify(failures)}`);
            assert.match(f!.reason, reason);
            assert.equal((await fx.restorePosts()).length, 0);
        });
    }

    it("asks Azure nothing for a restore that already exists with the same inputs (its own VM would fail the validation)", async () => {
        // The engine passes the inputs as the last check returned them.
        const olds = (await provider().check!({}, alr())).inputs!;
        const before = (await fx.requests()).length;
        assert.deepEqual((await provider().check!(olds, { ...alr(), timeoutMinutes: 30 })).failures, []);
        assert.equal((await fx.requests()).length, before, "no request for an unchanged restore");
        await provider().check!(olds, { ...alr(), targetVmName: "drill-vm-2" });
        assert.ok((await fx.requests()).length > before, "a changed restore is checked again");
    });

    it("a check Azure cannot answer (throttled, no permission) is skipped, not failed", async () => {
        await fx.admin("POST", "faults", {
            kind: "http",
            status: 403,
            always: true,
            match: { method: "GET", pathContains: "/storageAccounts/" },
        });
        assert.deepEqual((await provider().check!({}, base())).failures, []);
        await fx.admin("DELETE", "faults");
    });
});
