/**
 * Child process of test/emulator/server/entra-auth.test.ts: the REAL credential chain
 * (DefaultAzureCredential from @azure/identity, MSAL Node underneath) against the emulator's
 * Entra ID–like endpoint over HTTPS. NODE_EXTRA_CA_CERTS (the emulator CA) and the AZURE_*
 * variables come from the parent, set at process start as they must be.
 *
 * A network guard (./network-guard.ts) refuses every connection to a non-loopback host before any
 * DNS lookup or packet, and records it, so the test can prove what tries to reach
 * login.microsoftonline.com — and nothing ever does.
 *
 * Prints one JSON line per step to stdout; the parent asserts on them.
 *
 * Env: EMULATOR_URL, SCENARIO ("chain" | "instance-discovery-on"), TOKEN_LIFETIME_SECONDS (the emulator's token
 * lifetime: the chain lets it pass by moving the emulator's real time (POST /admin/clock {advanceRealSeconds})
 * and its own Date.now ahead).
 */
import { installNetworkGuard } from "./network-guard";

const guard = installNetworkGuard();

/** The Azure libraries, loaded only now that the guard is in place. */
async function azureLibraries() {
    const [{ DefaultAzureCredential }, { RecoveryServicesBackupClient }] = await Promise.all([
        import("@azure/identity"),
        import("@azure/arm-recoveryservicesbackup"),
    ]);
    return { DefaultAzureCredential, RecoveryServicesBackupClient };
}

const url = process.env.EMULATOR_URL!;
const scenario = process.env.SCENARIO ?? "chain";
const lifetime = Number(process.env.TOKEN_LIFETIME_SECONDS ?? "3600");
const SUB = "00000000-0000-0000-0000-000000000001";
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-prod`;

function emit(step: string, data: Record<string, unknown> = {}): void {
    process.stdout.write(`${JSON.stringify({ step, ...data })}\n`);
}

async function arm(token: string): Promise<{ status: number; wwwAuthenticate: string | null; body: unknown }> {
    const res = await fetch(`${url}${VAULT}?api-version=2026-02-01`, { headers: { Authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, wwwAuthenticate: res.headers.get("www-authenticate"), body: text ? JSON.parse(text) : undefined };
}

function claimsOf(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

/**
 * Lets `seconds` of real time pass without waiting: the emulator's real time (what its token
 * checks read) moves ahead, and so does this process's Date.now (what the SDK's bearer policy reads
 * to decide that its cached token expired).
 */
async function letTimePass(seconds: number): Promise<void> {
    const res = await fetch(`${url}/admin/clock`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ advanceRealSeconds: seconds }),
    });
    if (res.status !== 200) throw new Error(`advancing the emulator's real time answered ${res.status}: ${await res.text()}`);
    const dateNow = Date.now;
    Date.now = () => dateNow() + seconds * 1000;
}

async function chain(): Promise<void> {
    const { DefaultAzureCredential, RecoveryServicesBackupClient } = await azureLibraries();
    // What the provider does, plus disableInstanceDiscovery (see docs/emulator.md).
    const credential = new DefaultAzureCredential({ authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
    const scope = `${url}/.default`;
    const t1 = await credential.getToken(scope);
    emit("token", { claims: claimsOf(t1.token), expiresOnTimestamp: t1.expiresOnTimestamp });
    emit("arm", await arm(t1.token));

    // The official ARM SDK on the same credential (its bearer policy gets and refreshes tokens).
    const client = new RecoveryServicesBackupClient(credential, SUB, { endpoint: url, $host: url });
    const listItems = async () => {
        const names: string[] = [];
        for await (const item of client.backupProtectedItems.list("vault-prod", "rg-prod")) names.push(String(item.name));
        return names.length;
    };
    emit("sdk", { items: await listItems() });

    // Let every token so far expire, then use the first one anyway.
    await letTimePass(lifetime + 1);
    emit("armExpired", await arm(t1.token));

    const t2 = await credential.getToken(scope);
    emit("newToken", { differs: t2.token !== t1.token, claims: claimsOf(t2.token) });
    emit("armNew", await arm(t2.token));
    emit("sdkAfterExpiry", { items: await listItems() });
}

async function instanceDiscoveryOn(): Promise<void> {
    const { DefaultAzureCredential } = await azureLibraries();
    // As the provider is today: no disableInstanceDiscovery.
    const credential = new DefaultAzureCredential({ authorityHost: process.env.AZURE_AUTHORITY_HOST });
    try {
        await credential.getToken(`${url}/.default`);
        emit("token", { ok: true });
    } catch (e) {
        emit("tokenError", { name: (e as Error).name, message: (e as Error).message.slice(0, 600) });
    }
}

(scenario === "chain" ? chain() : instanceDiscoveryOn())
    .catch((e: unknown) => emit("error", { name: (e as Error)?.name, message: String((e as Error)?.message ?? e).slice(0, 2000) }))
    .finally(() => emit("network", { connected: [...new Set(guard.connected)], refused: [...new Set(guard.refused)] }));
