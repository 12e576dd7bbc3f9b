/**
 * HTTPS with the emulator CA: the CA is created once in a folder outside the repository and
 * reused, the server certificate covers 127.0.0.1, ::1 and localhost, verification stays on
 * (an untrusting client is refused), and every absolute URL the emulator emits uses https.
 */
import { strict as assert } from "assert";
import { createPrivateKey, X509Certificate } from "crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { request as httpsRequest } from "https";
import { homedir, tmpdir } from "os";
import * as path from "path";
import { connect as tlsConnect } from "tls";
import {
    CA_CERT_FILE,
    CA_KEY_FILE,
    defaultCaDir,
    ensureEmulatorCa,
    issueServerCertificate,
} from "../../../emulator/server/certificate-authority";
import { manualClock } from "../../../emulator/world/job-clock";
import { defaultSeed } from "../../../emulator/world/seed";
import { startEmulator } from "../../../emulator/server/server";
import {
    API,
    RG_RESTORE,
    RPS,
    SUB,
    VAULT,
    advance,
    alternateLocationBody,
    call,
    getJob,
    itemPath,
    triggerRestore,
    useEmulator,
} from "../../support/emulator-helpers";
import { AdminResourceJson } from "../../support/emulator-json";

const ROOT = path.resolve(__dirname, "../../..");

describe("emulator: certificate authority", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "vmrestore-ca-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("creates a CA once (key mode 0600) and reuses it", () => {
        const caDir = path.join(dir, "nested", "emulator-ca");
        const a = ensureEmulatorCa(caDir);
        assert.equal(a.caCertPath, path.join(caDir, CA_CERT_FILE));
        assert.equal(readFileSync(a.caCertPath, "utf8"), a.caCertPem);
        assert.equal(statSync(path.join(caDir, CA_KEY_FILE)).mode & 0o777, 0o600);
        assert.equal(statSync(caDir).mode & 0o077, 0, "the folder is private too");
        const cert = new X509Certificate(a.caCertPem);
        assert.ok(cert.ca);
        assert.match(cert.subject, /VmRestore emulator local CA/);
        const b = ensureEmulatorCa(caDir);
        assert.equal(b.caCertPem, a.caCertPem);
        assert.equal(b.caKeyPem, a.caKeyPem);
    });

    it("regenerates a missing, corrupt, mismatched or expiring CA; tightens a loose key mode", () => {
        const a = ensureEmulatorCa(dir);
        const keyPath = path.join(dir, CA_KEY_FILE);
        writeFileSync(a.caCertPath, "not a certificate");
        const b = ensureEmulatorCa(dir);
        assert.notEqual(b.caCertPem, a.caCertPem);

        const other = mkdtempSync(path.join(tmpdir(), "vmrestore-ca-other-"));
        try {
            writeFileSync(keyPath, ensureEmulatorCa(other).caKeyPem, { mode: 0o600 });
            const c = ensureEmulatorCa(dir);
            assert.notEqual(c.caCertPem, b.caCertPem, "a key that does not match the certificate is replaced");
        } finally {
            rmSync(other, { recursive: true, force: true });
        }

        rmSync(keyPath);
        const d = ensureEmulatorCa(dir);
        assert.ok(existsSync(keyPath));
        const e = ensureEmulatorCa(dir, { now: () => Date.now() + 3640 * 86_400_000 });
        assert.notEqual(e.caCertPem, d.caCertPem, "a CA with less than 30 days left is replaced");

        chmodSync(keyPath, 0o644);
        assert.equal(ensureEmulatorCa(dir).caCertPem, e.caCertPem);
        assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    });

    it("defaults to ${XDG_CACHE_HOME:-~/.cache}/vmrestore/emulator-ca and refuses a folder inside the repository", () => {
        assert.equal(defaultCaDir({ XDG_CACHE_HOME: "/var/cache/me" }), "/var/cache/me/vmrestore/emulator-ca");
        assert.equal(defaultCaDir({ XDG_CACHE_HOME: "relative/ignored" }), path.join(homedir(), ".cache", "vmrestore", "emulator-ca"));
        assert.equal(defaultCaDir({}), path.join(homedir(), ".cache", "vmrestore", "emulator-ca"));
        assert.throws(() => ensureEmulatorCa(path.join(ROOT, "emulator-ca")), /inside the repository/);
        assert.throws(() => ensureEmulatorCa(ROOT), /inside the repository/);
        assert.ok(!existsSync(path.join(ROOT, "emulator-ca")));
    });

    it("issues server certificates for 127.0.0.1, ::1, localhost (and the listening host), signed by the CA", () => {
        const ca = ensureEmulatorCa(dir);
        const server = issueServerCertificate(ca, ["127.0.0.7"]);
        const cert = new X509Certificate(server.certPem);
        const caCert = new X509Certificate(ca.caCertPem);
        assert.ok(cert.checkIssued(caCert));
        assert.ok(cert.verify(caCert.publicKey));
        assert.ok(!cert.ca);
        assert.equal(cert.checkIP("127.0.0.1"), "127.0.0.1");
        assert.equal(cert.checkIP("::1"), "::1");
        assert.equal(cert.checkIP("127.0.0.7"), "127.0.0.7");
        assert.equal(cert.checkHost("localhost"), "localhost");
        assert.equal(cert.checkHost("example.com"), undefined);
        assert.ok(cert.checkPrivateKey(createPrivateKey(server.keyPem)));
    });
});

describe("emulator: HTTPS", () => {
    let caDir: string;
    before(() => (caDir = mkdtempSync(path.join(tmpdir(), "vmrestore-tls-"))));
    after(() => rmSync(caDir, { recursive: true, force: true }));

    describe("with tls: true", () => {
        const seed = defaultSeed();
        seed.pageSize = 1;
        const emu = useEmulator(() => ({ tls: true, caDir, clock: manualClock(), seed }));

        it("serves https://127.0.0.1:PORT with a certificate the CA verifies; a client that does not trust the CA is refused", async () => {
            const e = emu.get();
            assert.match(e.url, /^https:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(e.caCertPath, path.join(caDir, CA_CERT_FILE));
            assert.equal(readFileSync(e.caCertPath!, "utf8"), e.caCertPem);
            assert.equal((await call(`${e.url}${VAULT}?${API}`)).status, 200);

            // Verification is on: without the CA the handshake fails.
            const untrusted = new Promise<string>((resolve) => {
                const req = httpsRequest(`${e.url}${VAULT}?${API}`, { agent: false }, () => resolve("answered"));
                req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
                req.end();
            });
            assert.match(await untrusted, /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
            await assert.rejects(fetch(`${e.url}${VAULT}?${API}`));

            // The served certificate names every loopback spelling.
            const san = await new Promise<string>((resolve, reject) => {
                const socket = tlsConnect({ host: "127.0.0.1", port: e.port, ca: e.caCertPem, servername: "localhost" }, () => {
                    resolve(socket.getPeerCertificate().subjectaltname ?? "");
                    socket.end();
                });
                socket.on("error", reject);
            });
            assert.match(san, /DNS:localhost/);
            assert.match(san, /IP Address:127\.0\.0\.1/);
            assert.match(san, /IP Address:0:0:0:0:0:0:0:1/);
        });

        it("emits https in every absolute URL: polling headers, nextLink, primaryEndpoints.blob, blob URIs, delete operations", async () => {
            const e = emu.get();
            const r = await triggerRestore(
                e,
                "vm-web01",
                RPS["vm-web01"][0],
                alternateLocationBody("vm-web01", RPS["vm-web01"][0], "vm-web01-tls"),
            );
            assert.equal(r.status, 202, r.text);
            for (const h of ["location", "azure-asyncoperation"]) assert.ok(r.headers.get(h)!.startsWith(`${e.url}/subscriptions/`), h);
            await advance(e, 30);
            const op = await call(r.headers.get("azure-asyncoperation")!);
            assert.equal(op.body.status, "Succeeded");
            assert.equal((await call(r.headers.get("location")!)).status, 200);

            const items = await call(`${e.url}${VAULT}/backupProtectedItems?${API}`);
            assert.ok(items.body.nextLink.startsWith(`${e.url}/subscriptions/`));
            assert.equal((await call(items.body.nextLink)).status, 200);

            const stg = await call(`${e.url}${RG_RESTORE}/providers/Microsoft.Storage/storageAccounts/stgrestore?api-version=2023-05-01`);
            assert.equal(stg.body.properties.primaryEndpoints.blob, `${e.url}/blob/stgrestore/`);

            await advance(e, 5400);
            const job = await getJob(e, op.body.properties.jobId);
            assert.equal(job.properties.status, "Completed");
            const configUri = job.properties.extendedInfo.propertyBag["Config Blob Uri"] as string;
            assert.ok(configUri.startsWith(`${e.url}/blob/stgrestore/`), configUri);
            assert.equal((await call(configUri)).status, 200);
            const list = await call(`${configUri.slice(0, configUri.lastIndexOf("/"))}?restype=container&comp=list`);
            assert.match(list.text, new RegExp(`ServiceEndpoint="${e.url.replace(/[.]/g, "\\.")}/blob/stgrestore/"`));

            const vm = `${RG_RESTORE}/providers/Microsoft.Compute/virtualMachines/vm-web01-tls`;
            const del = await call(`${e.url}${vm}?api-version=2024-03-01`, { method: "DELETE" });
            assert.equal(del.status, 202);
            for (const h of ["location", "azure-asyncoperation"])
                assert.ok(del.headers.get(h)!.startsWith(`${e.url}/subscriptions/${SUB}/providers/Microsoft.Compute/locations/`), h);
            const admin = await call(`${e.url}/admin`);
            assert.equal(admin.body.baseUrl, e.url);
            assert.ok(
                (await call(`${e.url}/admin/resources`)).body.resources.some((x: AdminResourceJson) => x.id.startsWith(`${e.url}/blob/`)),
            );
            // The item path is still served under any casing over https.
            assert.equal((await call(`${e.url}${itemPath("vm-web01").toLowerCase()}?${API}`)).status, 200);
        });
    });

    it("also listens on localhost with https", async () => {
        const a = await startEmulator({ tls: true, caDir, host: "localhost" });
        try {
            assert.match(a.url, /^https:\/\/localhost:\d+$/);
            assert.equal((await call(`${a.url}${VAULT}?${API}`, { ca: a.caCertPem })).status, 200);
        } finally {
            await a.stop();
        }
    });

    it("also listens on ::1 with https", async function () {
        let b: Awaited<ReturnType<typeof startEmulator>>;
        try {
            b = await startEmulator({ tls: true, caDir, host: "::1" });
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT") this.skip(); // no IPv6 loopback on this machine: nothing to listen on
            throw err;
        }
        try {
            assert.match(b.url, /^https:\/\/\[::1\]:\d+$/);
            assert.equal((await call(`${b.url}${VAULT}?${API}`, { ca: b.caCertPem })).status, 200);
        } finally {
            await b.stop();
        }
    });
});
