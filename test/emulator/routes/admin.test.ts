import { strict as assert } from "assert";
import { defaultSeed } from "../../../emulator/world/seed";
import { startEmulator } from "../../../emulator/server/server";
import {
    API,
    RPS,
    SUB,
    VAULT,
    call,
    itemPath,
    restoreAndGetJobId,
    restoreDisksBody,
    useEmulator,
    waitForJob,
    adminJobs,
    AdminJob,
} from "../../support/emulator-helpers";
import { AdminResourceJson, NamedJson, RequestLogJson } from "../../support/emulator-json";

describe("emulator: admin API", () => {
    const emu = useEmulator();

    it("logs every ARM and blob request (not admin calls), with the Authorization value redacted", async () => {
        const e = emu.get();
        await call(`${e.url}${VAULT}?${API}`, { headers: { Authorization: "Bearer secret-token-value", "x-ms-client-request-id": "abc" } });
        await call(`${e.url}${itemPath("vm-web01")}/recoveryPoints/${RPS["vm-web01"][0]}/restore?${API}`, {
            method: "POST",
            body: restoreDisksBody("vm-web01", RPS["vm-web01"][0]),
        });
        await call(`${e.url}/blob/stgrestore/none/nothing.json`);
        await call(`${e.url}/admin/jobs`);
        const log = await call(`${e.url}/admin/requests`);
        assert.equal(log.status, 200);
        const reqs = log.body.requests;
        assert.equal(reqs.length, 3);
        assert.deepEqual(
            reqs.map((r: RequestLogJson) => r.seq),
            [1, 2, 3],
        );
        assert.equal(reqs[0].method, "GET");
        assert.equal(reqs[0].path, VAULT);
        assert.deepEqual(reqs[0].query, { "api-version": "2026-02-01" });
        assert.equal(reqs[0].status, 200);
        assert.equal(reqs[0].requestBody, null);
        assert.equal(reqs[0].headers.authorization, "[redacted]");
        assert.ok(!JSON.stringify(log.body).includes("secret-token-value"));
        assert.equal(reqs[0].headers["x-ms-client-request-id"], "abc");
        assert.equal(reqs[1].method, "POST");
        assert.equal(reqs[1].path, `${itemPath("vm-web01")}/recoveryPoints/${RPS["vm-web01"][0]}/restore`);
        assert.equal(reqs[1].status, 202);
        assert.equal(reqs[1].requestBody.properties.recoveryType, "RestoreDisks");
        assert.equal(reqs[2].status, 404);
        assert.ok(typeof reqs[0].time === "string");
        assert.deepEqual(
            (await call(`${e.url}/admin/requests?since=2`)).body.requests.map((r: RequestLogJson) => r.seq),
            [3],
        );
        assert.equal((await call(`${e.url}/admin/requests`, { method: "DELETE" })).status, 204);
        assert.deepEqual((await call(`${e.url}/admin/requests`)).body.requests, []);
    });

    it("tags log entries with their kind and redacts credentials in query strings", async () => {
        const e = emu.get();
        await call(`${e.url}/blob/stgrestore/c/b.json?sv=2023-11-03&sig=SECRETSIGNATURE&se=2030-01-01`);
        await call(`${e.url}${VAULT}?${API}&access_token=SECRETTOKEN`);
        const reqs = (await call(`${e.url}/admin/requests`)).body.requests;
        assert.deepEqual(
            reqs.map((r: RequestLogJson) => r.kind),
            ["blob", "arm"],
        );
        assert.deepEqual(reqs[0].query, { sv: "2023-11-03", sig: "[redacted]", se: "2030-01-01" });
        assert.equal(reqs[1].query.access_token, "[redacted]");
        assert.ok(!JSON.stringify(reqs).includes("SECRET"));
        assert.deepEqual(
            (await call(`${e.url}/admin/requests?kind=blob`)).body.requests.map((r: RequestLogJson) => r.seq),
            [reqs[0].seq],
        );
        assert.equal((await call(`${e.url}/admin/requests?kind=nope`)).status, 400);
    });

    it("lists restore-created resources (all=true lists everything) and deletes out of band", async () => {
        const e = emu.get();
        assert.deepEqual((await call(`${e.url}/admin/resources`)).body.resources, []);
        const all = (await call(`${e.url}/admin/resources?all=true`)).body.resources;
        const ids = all.map((r: AdminResourceJson) => r.id);
        assert.ok(ids.includes(`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web01`));
        assert.ok(ids.includes(`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`));
        assert.ok(all.every((r: AdminResourceJson) => r.origin === "seed"));

        const jobId = await restoreAndGetJobId(e, "vm-web01", RPS["vm-web01"][0]);
        await waitForJob(e, jobId);
        const created = (await call(`${e.url}/admin/resources`)).body.resources;
        assert.equal(created.length, 5);
        assert.ok(created.every((r: AdminResourceJson) => r.origin === "restore" && r.jobId === jobId));
        const disk = created.find((r: AdminResourceJson) => r.type === "Microsoft.Compute/disks").id;
        const del = await call(`${e.url}/admin/resources?id=${encodeURIComponent(disk)}`, { method: "DELETE" });
        assert.equal(del.status, 200);
        assert.equal((await call(`${e.url}${disk}?api-version=2024-03-02`)).status, 404);
        const blob = created.find((r: AdminResourceJson) => r.type.endsWith("/blobs")).id;
        assert.equal((await call(`${e.url}/admin/resources?id=${encodeURIComponent(blob)}`, { method: "DELETE" })).status, 200);
        assert.equal((await call(blob)).status, 404);
        assert.equal((await call(`${e.url}/admin/resources`)).body.resources.length, 3);
        assert.equal((await call(`${e.url}/admin/resources?id=${encodeURIComponent(disk)}`, { method: "DELETE" })).status, 404);
    });

    it("lists jobs with their status and what they created", async () => {
        const e = emu.get();
        const jobId = await restoreAndGetJobId(e, "vm-app01", RPS["vm-app01"][0]);
        await waitForJob(e, jobId);
        const jobs = (await call(`${e.url}/admin/jobs`)).body.jobs;
        const job = jobs.find((j: AdminJob) => j.jobId === jobId);
        assert.equal(job.status, "Completed");
        assert.equal(job.operation, "Restore");
        assert.equal(job.recoveryType, "RestoreDisks");
        assert.equal(job.recoveryPointId, RPS["vm-app01"][0]);
        assert.equal(job.createdResources.length, 3);
        assert.ok(jobs.some((j: AdminJob) => j.operation === "Backup"));
    });

    it("resets to the seed state: resources, jobs, log and faults", async () => {
        const e = emu.get();
        const jobId = await restoreAndGetJobId(e, "vm-app01", RPS["vm-app01"][0]);
        await waitForJob(e, jobId);
        await call(`${e.url}/admin/faults`, { method: "POST", body: { kind: "http", status: 500, always: true } });
        assert.equal((await call(`${e.url}/admin/reset`, { method: "POST" })).status, 200);
        assert.deepEqual((await call(`${e.url}/admin/resources`)).body.resources, []);
        assert.ok(adminJobs(await call(`${e.url}/admin/jobs`)).every((j) => j.operation === "Backup"));
        assert.deepEqual((await call(`${e.url}/admin/faults`)).body.faults, []);
        assert.deepEqual((await call(`${e.url}/admin/requests`)).body.requests, []);
        assert.equal((await call(`${e.url}${VAULT}/backupJobs/${jobId}?${API}`)).status, 404);
    });

    it("gets and replaces the seed", async () => {
        const e = emu.get();
        const seed = (await call(`${e.url}/admin/seed`)).body;
        assert.equal(seed.subscriptionId, SUB);
        assert.deepEqual(
            seed.virtualMachines.map((v: NamedJson) => v.name),
            ["vm-web01", "vm-db01", "vm-app01", "vm-legacy01", "vm-ade01", "vm-cvm01"],
        );
        const bad = await call(`${e.url}/admin/seed`, {
            method: "PUT",
            body: { ...seed, vaults: [{ name: "v", resourceGroup: "rg-missing", location: "westeurope" }] },
        });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error.code, "InvalidSeed");
        assert.match(bad.body.error.message, /rg-missing/);

        const custom = defaultSeed();
        custom.virtualMachines.push({
            name: "vm-extra",
            resourceGroup: "rg-prod",
            location: "westeurope",
            vmSize: "Standard_B1s",
            osType: "Linux",
            osDisk: { sizeGB: 30, sku: "Standard_LRS" },
            network: { virtualNetwork: "vnet-prod", subnet: "default" },
            protection: { vault: "vault-prod" },
            recoveryPoints: [{ id: "111", time: "2026-01-01T00:00:00Z", type: "CrashConsistent", tiers: ["HardenedRP"] }],
        });
        custom.timing = { restoreDisksSeconds: 60 };
        const put = await call(`${e.url}/admin/seed`, { method: "PUT", body: custom });
        assert.equal(put.status, 200);
        const items = (await call(`${e.url}${VAULT}/backupProtectedItems?${API}`)).body.value;
        assert.equal(items.length, 7);
        const rp = (await call(`${e.url}${itemPath("vm-extra")}/recoveryPoints/111?${API}`)).body;
        assert.equal(rp.properties.recoveryPointTime, "2026-01-01T00:00:00.0000000Z");
    });

    it("sets the clock speed and advances it, and moves real time ahead", async () => {
        const e = emu.get();
        const frozen = await call(`${e.url}/admin/clock`, { method: "POST", body: { speed: 0 } });
        assert.equal(frozen.body.speed, 0);
        const t0 = frozen.body.simulatedMs;
        assert.equal((await call(`${e.url}/admin/clock`)).body.simulatedMs, t0, "a frozen clock does not move between two calls");
        const moved = await call(`${e.url}/admin/clock`, { method: "POST", body: { advanceSeconds: 90 } });
        assert.equal(moved.body.simulatedMs, t0 + 90_000);
        assert.equal(moved.body.realAheadMs, 0);
        const real = await call(`${e.url}/admin/clock`, { method: "POST", body: { advanceRealSeconds: 30 } });
        assert.deepEqual([real.body.simulatedMs, real.body.realAheadMs], [t0 + 90_000, 30_000], "real time moves apart from the job clock");
        assert.equal((await call(`${e.url}/admin/clock`, { method: "POST", body: { speed: -1 } })).status, 400);
        assert.equal((await call(`${e.url}/admin/clock`, { method: "POST", body: { advanceRealSeconds: -1 } })).status, 400);
    });

    it("requires an Authorization header when the seed says so", async () => {
        const e = emu.get();
        await call(`${e.url}/admin/seed`, { method: "PUT", body: { ...defaultSeed(), requireAuthorization: true } });
        const anon = await call(`${e.url}${VAULT}?${API}`);
        assert.equal(anon.status, 401);
        assert.equal(anon.body.error.code, "AuthenticationFailed");
        assert.equal((await call(`${e.url}${VAULT}?${API}`, { headers: { Authorization: "Bearer x" } })).status, 200);
    });
});

describe("emulator: listening address", () => {
    it("refuses hosts that are not loopback addresses", async () => {
        for (const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com"]) {
            await assert.rejects(startEmulator({ host }), /loopback/, host);
        }
    });

    it("listens on localhost and other 127/8 addresses, on a free port by default", async () => {
        const a = await startEmulator({ host: "localhost" });
        const b = await startEmulator({ host: "127.0.0.1" });
        try {
            assert.match(a.url, /^http:\/\/localhost:\d+$/);
            assert.match(b.url, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.notEqual(a.port, b.port);
            assert.equal((await call(`${b.url}${VAULT}?${API}`)).status, 200);
        } finally {
            await a.stop();
            await b.stop();
        }
    });
});
