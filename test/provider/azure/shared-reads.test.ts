import { strict as assert } from "assert";
import { SharedReads, SharedAnswer } from "../../../provider/azure/shared-reads";

describe("shared reads", () => {
    let now = 0;
    const answer = (status: number, body: unknown): SharedAnswer => ({ status, headers: {}, body });

    it("sends identical reads in flight once, and serves the answer while it is young", async () => {
        const reads = new SharedReads(() => now);
        let sent = 0;
        const fetch = async () => (sent++, answer(200, { location: "westeurope" }));
        const [a, b] = await Promise.all([reads.read("k", 1_000, fetch), reads.read("k", 1_000, fetch)]);
        assert.deepEqual([a.body, b.body, sent], [{ location: "westeurope" }, { location: "westeurope" }, 1]);
        now += 999;
        await reads.read("k", 1_000, fetch);
        assert.equal(sent, 1);
        now += 2;
        await reads.read("k", 1_000, fetch);
        assert.equal(sent, 2, "an answer older than the caller accepts is asked for again");
    });

    it("keeps no error and no 404, and gives each caller its own copy", async () => {
        const reads = new SharedReads(() => now);
        let sent = 0;
        await reads.read("missing", 60_000, async () => (sent++, answer(404, undefined)));
        await reads.read("missing", 60_000, async () => (sent++, answer(200, { tags: [] })));
        assert.equal(sent, 2, "a 404 is not kept: the resource may be created before the next look");
        await assert.rejects(
            reads.read("failing", 60_000, async () => {
                sent++;
                throw new Error("reset");
            }),
        );
        await reads.read("failing", 60_000, async () => (sent++, answer(200, {})));
        assert.equal(sent, 4);
        const first = await reads.read("missing", 60_000, async () => answer(500, undefined));
        (first.body as { tags: string[] }).tags.push("changed by a caller");
        assert.deepEqual((await reads.read("missing", 60_000, async () => answer(500, undefined))).body, { tags: [] });
    });
});
