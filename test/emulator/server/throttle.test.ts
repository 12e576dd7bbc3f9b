/**
 * The ARM-like throttle: per-subscription token buckets for reads and writes, refilling on real
 * time (scaled), answering 429 SubscriptionRequestsThrottled with Retry-After when empty. The
 * emulator's real time is moved ahead with POST /admin/clock {advanceRealSeconds}: no test waits.
 */
import { strict as assert } from "assert";
import { ArmThrottle } from "../../../emulator/server/arm-throttle";
import { defaultSeed } from "../../../emulator/world/seed";
import { API, RPS, SUB, VAULT, adminJobs, call, triggerRestore, useEmulator } from "../../support/emulator-helpers";

describe("emulator: ARM throttle", () => {
    it("token buckets: start full, refill continuously (scaled), say how long until the next token", () => {
        let now = 0;
        const t = new ArmThrottle({ readsPerHour: 3, writesPerHour: 1 }, true, () => now);
        assert.deepEqual(
            [1, 2, 3].map(() => t.consume("S", true).remaining),
            [2, 1, 0],
        );
        const empty = t.consume("S", true);
        assert.equal(empty.throttled, true);
        assert.equal(empty.retryAfterSeconds, 1200, "one token per 20 minutes");
        assert.equal(empty.header, "x-ms-ratelimit-remaining-subscription-reads");
        now += 600_000;
        assert.equal(t.consume("S", true).retryAfterSeconds, 600, "half a token is there; the rest in 10 minutes");
        now += 600_000;
        const again = t.consume("s", true);
        assert.equal(again.throttled, false, "a whole token after 20 minutes (subscription IDs compare case-insensitively)");
        assert.equal(t.consume("S", false).remaining, 0, "writes have their own bucket");
        assert.equal(t.consume("S", false).header, "x-ms-ratelimit-remaining-subscription-writes");
        assert.equal(t.consume("other", true).remaining, 2, "each subscription has its own buckets");
        now += 10 * 3600_000;
        assert.equal(t.consume("S", true).remaining, 2, "a bucket never holds more than its hourly budget");

        const fast = new ArmThrottle({ readsPerHour: 3600, writesPerHour: 1, timeScale: 60 }, true, () => now);
        for (let i = 0; i < 3600; i++) fast.consume("S", true);
        assert.equal(fast.consume("S", true).throttled, true);
        now += 20; // > 1/60 s
        assert.equal(fast.consume("S", true).throttled, false, "timeScale 60: a minute of refill per second");

        const headersOnly = new ArmThrottle({ readsPerHour: 1, writesPerHour: 1 }, false, () => now);
        headersOnly.consume("S", true);
        const over = headersOnly.consume("S", true);
        assert.deepEqual([over.throttled, over.remaining], [false, 0]);
        assert.throws(() => new ArmThrottle({ readsPerHour: 0, writesPerHour: 1 }, true), /readsPerHour/);
        assert.throws(() => new ArmThrottle({ readsPerHour: 1, writesPerHour: 1, timeScale: 0 }, true), /timeScale/);
    });

    describe("option throttle", () => {
        const emu = useEmulator({ throttle: { readsPerHour: 3, writesPerHour: 1 } });

        it("answers 429 SubscriptionRequestsThrottled + Retry-After + remaining 0 when a bucket is empty, and recovers as it refills", async () => {
            const e = emu.get();
            const vault = `${e.url}${VAULT}?${API}`;
            const remaining: string[] = [];
            for (let i = 0; i < 3; i++) {
                const r = await call(vault);
                assert.equal(r.status, 200);
                remaining.push(r.headers.get("x-ms-ratelimit-remaining-subscription-reads")!);
            }
            assert.deepEqual(remaining, ["2", "1", "0"]);
            const throttled = await call(vault);
            assert.equal(throttled.status, 429, "the fourth read finds the bucket empty (one token per 20 minutes)");
            assert.equal(throttled.body.error.code, "SubscriptionRequestsThrottled");
            assert.match(
                throttled.body.error.message,
                new RegExp(`read requests for subscription '${SUB}'.*try again after '1200' seconds`),
            );
            assert.equal(throttled.headers.get("retry-after"), "1200");
            assert.equal(throttled.headers.get("x-ms-ratelimit-remaining-subscription-reads"), "0");
            assert.ok(throttled.headers.get("x-ms-request-id"));

            const w1 = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            assert.equal(w1.status, 202, "writes have their own bucket");
            assert.equal(w1.headers.get("x-ms-ratelimit-remaining-subscription-writes"), "0");
            const w2 = await triggerRestore(e, "vm-web01", RPS["vm-web01"][0]);
            assert.equal(w2.status, 429);
            assert.equal(w2.headers.get("x-ms-ratelimit-remaining-subscription-writes"), "0");
            const jobs = adminJobs(await call(`${e.url}/admin/jobs`)).filter((j) => j.operation === "Restore");
            assert.equal(jobs.length, 1, "the throttled write did nothing");

            await call(`${e.url}/admin/clock`, { method: "POST", body: { advanceRealSeconds: 1199 } });
            assert.equal((await call(vault)).status, 429, "not yet a whole token");
            await call(`${e.url}/admin/clock`, { method: "POST", body: { advanceRealSeconds: 1 } });
            assert.equal((await call(vault)).status, 200, "refilled after the Retry-After");
            assert.equal((await call(`${e.url}/blob/stgrestore/none/x.json`)).status, 404, "blob and admin calls are not ARM-throttled");
        });
    });

    describe("seed rateLimits", () => {
        const seed = defaultSeed();
        seed.rateLimits = { readsPerHour: 2, writesPerHour: 5, enforce: true };
        const emu = useEmulator({ seed });

        it("enforce: true throttles with the seed's budget; POST /admin/reset refills", async () => {
            const e = emu.get();
            const vault = `${e.url}${VAULT}?${API}`;
            assert.deepEqual([(await call(vault)).status, (await call(vault)).status], [200, 200]);
            const r = await call(vault);
            assert.equal(r.status, 429);
            assert.equal(r.headers.get("retry-after"), "1800");
            await call(`${e.url}/admin/reset`, { method: "POST" });
            assert.equal((await call(vault)).status, 200);
            const bad = await call(`${e.url}/admin/seed`, {
                method: "PUT",
                body: { ...defaultSeed(), rateLimits: { readsPerHour: 0, timeScale: -1 } },
            });
            assert.equal(bad.status, 400);
            assert.match(bad.body.error.message, /rateLimits\.readsPerHour.*rateLimits\.timeScale/);
        });
    });

    describe("default", () => {
        const emu = useEmulator();
        it("only counts down the headers", async () => {
            const e = emu.get();
            const a = await call(`${e.url}${VAULT}?${API}`);
            const b = await call(`${e.url}${VAULT}?${API}`);
            assert.equal(a.headers.get("x-ms-ratelimit-remaining-subscription-reads"), "11999");
            assert.equal(b.headers.get("x-ms-ratelimit-remaining-subscription-reads"), "11998");
        });
    });
});
