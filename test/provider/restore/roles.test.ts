/**
 * Roles, as Azure checks them (auth "entra"): the provider runs with the real credential chain in a
 * child process; a destroy without Storage Blob Data Contributor on the staging account fails with
 * a message naming that role and the account, loses nothing, and succeeds once the role is granted.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { DRILL_CLIENT_ID, DRILL_CLIENT_SECRET } from "../../../emulator/world/seed";
import { requireEmulatorCa, STAGING, SUB } from "../../support/emulator-fixture";
import { useProviderWorld } from "../../support/provider-harness";

type Outcome = { ok: boolean; id?: string; outs?: Record<string, unknown>; message?: string };

describe("roles (auth entra): what the identity running Pulumi may do", function () {
    this.timeout(180_000);
    requireEmulatorCa();
    // The suite's PULUMI_HOME reaches the provider's process through its environment.
    const { fx, restoreDisks } = useProviderWorld({ tls: true, auth: "entra" });

    function run(input: Record<string, unknown>): Promise<Outcome> {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "test/support/provider-run.ts"], {
                env: {
                    PATH: process.env.PATH,
                    HOME: process.env.HOME,
                    PULUMI_HOME: process.env.PULUMI_HOME,
                    NODE_EXTRA_CA_CERTS: fx.emulator.caCertPath,
                    AZURE_CLIENT_ID: DRILL_CLIENT_ID,
                    AZURE_CLIENT_SECRET: DRILL_CLIENT_SECRET,
                    AZURE_TENANT_ID: "00000000-0000-0000-0000-0000000000aa",
                    AZURE_AUTHORITY_HOST: fx.url,
                    VMRESTORE_RUN: JSON.stringify(input),
                },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let out = "";
            let err = "";
            child.stdout.on("data", (d) => (out += d));
            child.stderr.on("data", (d) => (err += d));
            child.on("error", reject);
            child.on("close", () => {
                const line = out.split("\n").find((l) => l.startsWith("RESULT "));
                if (!line) reject(new Error(`no result from the provider process:\n${out}\n${err}`));
                else resolve(JSON.parse(line.slice(7)) as Outcome);
            });
        });
    }

    it("destroy without Storage Blob Data Contributor on the staging account fails naming the role and the account, and loses nothing", async () => {
        const props = restoreDisks({ resourceName: "roles" }, "vm-app01");
        const created = await run({ action: "create", props });
        assert.ok(created.ok, created.message);
        const blobsBefore = (await fx.restoredLeftovers()).filter((r) => r.includes("/blob/"));
        assert.ok(blobsBefore.length >= 2, "config and template blobs");

        await fx.admin("DELETE", `role-assignments?role=${encodeURIComponent("Storage Blob Data Contributor")}`);
        await fx.admin("POST", "role-assignments", { role: "Storage Blob Data Reader", scope: `/subscriptions/${SUB}` });
        const denied = await run({ action: "delete", id: created.id, outs: created.outs });
        assert.equal(denied.ok, false);
        assert.match(denied.message!, /Storage Blob Data Contributor role on \/subscriptions\/.*\/storageAccounts\/stgrestore/);
        assert.match(denied.message!, /403 AuthorizationPermissionMismatch/);
        assert.deepEqual(
            (await fx.restoredLeftovers()).filter((r) => r.includes("/blob/")).sort(),
            blobsBefore.sort(),
            "no blob was lost track of",
        );

        // The same state, destroyed again once the role is granted: everything goes.
        await fx.admin("POST", "role-assignments", { role: "Storage Blob Data Contributor", scope: STAGING });
        const again = await run({ action: "delete", id: created.id, outs: created.outs });
        assert.ok(again.ok, again.message);
        assert.deepEqual(await fx.restoredLeftovers(), []);
    });

    it("an ARM call the identity may not make names the action and the scope", async () => {
        // The drill application's roles, less Backup Operator: reading the vault still works (Reader), restoring does not.
        await fx.admin("DELETE", `role-assignments?role=${encodeURIComponent("Backup Operator")}`);
        await fx.admin("POST", "role-assignments", { role: "Reader", scope: `/subscriptions/${SUB}` });
        const denied = await run({
            action: "create",
            props: restoreDisks({ resourceName: "roles-reader" }, "vm-app01"),
        });
        assert.equal(denied.ok, false);
        assert.match(denied.message!, /AuthorizationFailed/);
        assert.match(
            denied.message!,
            /lacks a role that grants 'Microsoft\.RecoveryServices\/vaults\/backupFabrics\/protectionContainers\/protectedItems\/recoveryPoints\/restore\/action' at scope '\/subscriptions\//,
        );
        assert.equal((await fx.restorePosts()).filter((r) => r.status === 202).length, 0);
    });
});
