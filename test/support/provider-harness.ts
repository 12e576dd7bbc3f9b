/**
 * A suite's emulator and serialized provider: started before the suite, the emulator reset before
 * each test (variants and clock speed included), stopped after.
 */
import * as pulumi from "@pulumi/pulumi";
import { EmulatorOptions } from "../../emulator/server/server";
import { EmulatorFixture } from "./emulator-fixture";
import { serializedProvider } from "./serialized-provider";

export function useProviderAgainstEmulator(options: EmulatorOptions = {}): {
    fx: EmulatorFixture;
    provider(): pulumi.dynamic.ResourceProvider;
} {
    const fx = new EmulatorFixture();
    let provider: pulumi.dynamic.ResourceProvider | undefined;
    before(async () => {
        provider = (await serializedProvider()).provider;
        await fx.start(36_000, options);
    });
    after(() => fx.stop());
    beforeEach(async () => {
        await fx.reset();
        await fx.admin("POST", "clock", { speed: 36_000 });
    });
    return { fx, provider: () => provider! };
}
