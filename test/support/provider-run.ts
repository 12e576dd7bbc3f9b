/**
 * Runs one provider call (create or delete) of the serialized provider in this process, whose
 * environment (NODE_EXTRA_CA_CERTS, AZURE_*) was set at its start, and prints the outcome as one
 * line `RESULT {json}`. Input: VMRESTORE_RUN = {action, props?, id?, outs?}.
 */
import { serializedProvider } from "./serialized-provider";

async function main(): Promise<void> {
    const run = JSON.parse(process.env.VMRESTORE_RUN ?? "{}") as {
        action: "create" | "delete";
        props?: Record<string, unknown>;
        id?: string;
        outs?: Record<string, unknown>;
    };
    const provider = (await serializedProvider()).provider;
    try {
        if (run.action === "create") {
            const checked = await provider.check!({}, run.props ?? {});
            if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
            const res = await provider.create(checked.inputs);
            process.stdout.write(`RESULT ${JSON.stringify({ ok: true, id: res.id, outs: res.outs })}\n`);
        } else {
            await provider.delete!(run.id!, run.outs ?? {});
            process.stdout.write(`RESULT ${JSON.stringify({ ok: true })}\n`);
        }
    } catch (e) {
        process.stdout.write(`RESULT ${JSON.stringify({ ok: false, message: (e as Error).message })}\n`);
    }
}

void main();
