/**
 * The one test world of the provider tests: a private emulator with a controlled clock and the seed,
 * the provider as Pulumi runs it (serialized and loaded back), a private PULUMI_HOME for the suite,
 * and the inputs and calls most tests make. One line of setup per suite:
 *
 *     const world = useProviderWorld();                       // one emulator, reset before each test
 *     const world = useProviderWorld({ emulatorPerTest: true }); // a fresh Azure for each test
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import fetch from "node-fetch";
import * as pulumi from "@pulumi/pulumi";
import { EmulatorOptions } from "../../emulator/server/server";
import type { VmRestoreOutputs } from "../../provider/restore/restore-inputs";
import {
    EmulatorFixture,
    forgetProviderProcessState,
    RG_RESTORE,
    seededRestoreDisks,
    STAGING,
    useEmulator,
    VAULT,
    VNET,
    vmId,
} from "./emulator-fixture";
import { serializedProvider } from "./serialized-provider";

/** A resource's inputs as a program passes them (before `check`). */
export type RestoreProps = Record<string, unknown>;

/** Outputs as the provider returns them (Pulumi's interface types them loosely). */
export type Outputs = VmRestoreOutputs & Record<string, unknown>;

/**
 * A provider call that failed: the message, and, where Azure had accepted the restore, the resource
 * ID and the properties Pulumi records (so the next `up` resumes or `destroy` cleans up).
 */
export interface RecordedFailure {
    message: string;
    id: string;
    properties: Outputs;
}

export interface ProviderWorldOptions extends EmulatorOptions {
    /** Server seconds per real second each test starts with (0 holds the job clock still). Default 36 000: an hour in 0.1 s. */
    clockSpeed?: number;
    /**
     * A fresh emulator (a fresh Azure at a new address) for each test, and the provider process's
     * shared reads and job lists forgotten: for tests whose faults must meet a first read. Default:
     * one emulator for the suite, reset before each test.
     */
    emulatorPerTest?: boolean;
}

export interface ProviderWorld {
    fx: EmulatorFixture;
    /** The provider as the engine's dynamic provider process evaluates it. */
    provider(): pulumi.dynamic.ResourceProvider;
    /** RestoreDisks of a seeded VM (default vm-web01) into rg-restore through the staging account, against this emulator. */
    restoreDisks(extra?: RestoreProps, vm?: string): RestoreProps;
    /** AlternateLocation: a new VM `vm-web01-drill` in the isolated subnet. */
    alternateLocation(extra?: RestoreProps, vm?: string): RestoreProps;
    /** `check` (which must pass), then `create`. */
    create(props: RestoreProps): Promise<{ id: string; outs: Outputs }>;
}

export function useProviderWorld(options: ProviderWorldOptions = {}): ProviderWorld {
    const { clockSpeed = 36_000, emulatorPerTest = false, ...emulatorOptions } = options;
    let provider: pulumi.dynamic.ResourceProvider | undefined;
    usePrivatePulumiHome();
    before(async () => {
        provider = (await serializedProvider()).provider;
    });
    const perTest = new EmulatorFixture();
    if (emulatorPerTest) {
        beforeEach(async () => {
            forgetProviderProcessState();
            await perTest.start(clockSpeed, emulatorOptions);
        });
        afterEach(() => perTest.stop());
    }
    const fx = emulatorPerTest ? perTest : useEmulator(clockSpeed, emulatorOptions, true);
    const restoreDisks = (extra: RestoreProps = {}, vm = "vm-web01"): RestoreProps => ({
        resourceName: "test",
        ...seededRestoreDisks(fx.url, vm),
        ...extra,
    });
    const world: ProviderWorld = {
        fx,
        provider: () => provider!,
        restoreDisks,
        alternateLocation: (extra = {}, vm = "vm-web01") =>
            restoreDisks(
                {
                    restoreType: "AlternateLocation",
                    targetVmName: "vm-web01-drill",
                    virtualNetworkId: VNET,
                    subnetId: `${VNET}/subnets/isolated`,
                    ...extra,
                },
                vm,
            ),
        async create(props) {
            const checked = await world.provider().check!({}, props);
            assert.deepEqual(checked.failures, [], `check of ${String(props.resourceName)}`);
            return world.provider().create(checked.inputs) as Promise<{ id: string; outs: Outputs }>;
        },
    };
    return world;
}

/** A seeded VM's protected item and its newest recovery point, read through ARM. */
export async function latestPoint(fx: EmulatorFixture, vm = "vm-web01"): Promise<{ itemId: string; name: string; time: string }> {
    const items = await fx.arm<{ value: { id: string }[] }>(`${VAULT}/backupProtectedItems`);
    const item = items.body.value.find((i) => i.id.toLowerCase().endsWith(`;${vm}`))!;
    const rps = await fx.arm<{ value: { name: string; properties: { recoveryPointTime: string } }[] }>(`${item.id}/recoveryPoints`);
    const latest = rps.body.value.sort((a, b) => b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime))[0];
    return { itemId: item.id, name: latest.name, time: latest.properties.recoveryPointTime };
}

/**
 * A restore that someone else started (an earlier, killed run on another machine): the VM's latest
 * point restored to rg-restore, POSTed straight to the emulator, whose clock is then held still so
 * that the job is still running when the provider looks. `properties` adds to the restore request.
 */
export async function restoreStartedElsewhere(
    fx: EmulatorFixture,
    vm: string,
    properties: Record<string, unknown> = {},
): Promise<{ itemId: string; name: string; time: string }> {
    const point = await latestPoint(fx, vm);
    await fx.admin("POST", "clock", { speed: 0 });
    const res = await fetch(`${fx.url}${point.itemId}/recoveryPoints/${point.name}/restore?api-version=2026-02-01`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer x" },
        body: JSON.stringify({
            properties: {
                objectType: "IaasVMRestoreRequest",
                recoveryPointId: point.name,
                recoveryType: "RestoreDisks",
                sourceResourceId: vmId(vm),
                storageAccountId: STAGING,
                targetResourceGroupId: RG_RESTORE,
                region: "westeurope",
                createNewCloudService: false,
                originalStorageAccountOption: false,
                encryptionDetails: { encryptionEnabled: false },
                ...properties,
            },
        }),
    });
    assert.equal(res.status, 202, `the restore started elsewhere was accepted: ${await res.text()}`);
    return point;
}

/**
 * Skips the test or suite, printing why (mocha's skip takes no reason): only where a prerequisite is
 * truly absent, never to hide a failure.
 */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
    console.log(`      (skipped: ${reason})`);
    ctx.skip();
}

/** Node reads the emulator's CA only at process start: the TLS suites need NODE_EXTRA_CA_CERTS (`npm test` sets it). */
export function skipWithoutEmulatorCa(ctx: Mocha.Context): void {
    if (!process.env.NODE_EXTRA_CA_CERTS) {
        skipBecause(ctx, "NODE_EXTRA_CA_CERTS is not set, so this process does not trust the emulator's CA; run it through `npm test`");
    }
}

/** The error a provider call fails with; the test fails if the call succeeds. */
export async function failureOf(call: Promise<unknown>): Promise<RecordedFailure> {
    let failure: RecordedFailure | undefined;
    await assert.rejects(call, (e: RecordedFailure) => {
        failure = e;
        return true;
    });
    return failure!;
}

/**
 * PULUMI_HOME in a temp folder of the suite's own (restore checkpoints go there), inside the test
 * process's private one (test/support/private-home.ts): an interrupted restore of one suite is never
 * adopted by another.
 */
export function usePrivatePulumiHome(): void {
    let saved: string | undefined;
    let home = "";
    before(() => {
        saved = process.env.PULUMI_HOME;
        home = fs.mkdtempSync(path.join(os.tmpdir(), "vmrestore-home-"));
        process.env.PULUMI_HOME = home;
    });
    after(() => {
        if (saved === undefined) delete process.env.PULUMI_HOME;
        else process.env.PULUMI_HOME = saved;
        fs.rmSync(home, { recursive: true, force: true });
    });
}
