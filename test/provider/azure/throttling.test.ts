/**
 * A storm of 429s with a retry hint in each of its forms: the ARM client waits at least what the
 * server asked and at most min(1 s, 25 % of it) more, however many times in a row it is told
 * (issue 15). Its clock and sleep are injected: nothing waits in real time.
 */
import { strict as assert } from "assert";
import { ArmClient } from "../../../provider/azure/arm-client";
import { call, useEmulator, VAULT } from "../../support/emulator-helpers";

describe("throttling storms", () => {
    const emu = useEmulator();
    const now = Math.floor(Date.now() / 1000) * 1000;

    const storm = async (hint: Record<string, unknown>, times: number) => {
        await call(`${emu.get().url}/admin/faults`, {
            method: "POST",
            body: { kind: "http", status: 429, times, match: { method: "GET", pathContains: "/vaults/vault-prod" }, ...hint },
        });
        const sleeps: number[] = [];
        const arm = new ArmClient({
            endpoint: emu.get().url,
            armScope: `${emu.get().url}/.default`,
            tokens: { getToken: async () => "test", invalidate: () => undefined },
            now: () => now,
            sleep: async (ms) => void sleeps.push(ms),
        });
        const res = await arm.get(VAULT, { apiVersion: "2026-02-01" });
        assert.equal(res.status, 200);
        return sleeps;
    };

    const within = (sleeps: number[], hintMs: number, times: number) => {
        assert.equal(sleeps.length, times, "one wait per 429");
        for (const s of sleeps) {
            assert.ok(s >= hintMs, `waited ${s} ms, asked ${hintMs} ms`);
            assert.ok(s <= hintMs + Math.min(1_000, hintMs / 4), `waited ${s} ms for a hint of ${hintMs} ms`);
        }
    };

    it("waits out twelve `Retry-After: 2` in a row, each within 2.0–2.5 s", async () => {
        within(await storm({ retryAfter: "2" }, 12), 2_000, 12);
    });

    it("waits out `retry-after-ms` and its x-ms twin, each within the hint and 25 % more", async () => {
        within(await storm({ retryAfterMs: 400 }, 6), 400, 6);
    });

    it("reads a `Retry-After` HTTP date against its own clock", async () => {
        within(await storm({ retryAfter: new Date(now + 30_000).toUTCString() }, 4), 30_000, 4);
    });
});
