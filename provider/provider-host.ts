/**
 * The stable entry point of VmRestore's dynamic provider: `require("vmrestore/provider-host")`.
 *
 * When VmRestore is installed from npm, what Pulumi stores in each resource's `__provider` is a few
 * lines that delegate to this module by reference (Pulumi's closure serializer captures a module
 * under node_modules as a `require`). The serializer names it through the package's `exports` map
 * (`vmrestore/provider-host`) — or, where it cannot read that map, by its file
 * (`vmrestore/dist/provider-host.js`; e.g. @pulumi/pulumi 3.248 looks for the package.json at the
 * first occurrence of the package's name in the path, so a project folder named `vmrestore-…` defeats
 * it). Both names are exported. States written by every version of the package name one of them, and
 * the provider process loads whatever version is installed then, so this module's two names and its
 * methods are a contract: they never move or change shape, whatever is reorganized behind them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { restoreProvider } from "./pulumi/restore-provider";

type Props = Record<string, unknown>;

export function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return restoreProvider.configure ? restoreProvider.configure(req) : Promise.resolve();
}
export function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return restoreProvider.check!(olds, news);
}
export function diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return restoreProvider.diff!(id, olds, news);
}
export function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    return restoreProvider.create(inputs);
}
export function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    return restoreProvider.read!(id, props);
}
export function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    return restoreProvider.update!(id, olds, news);
}
function remove(id: string, props: Props): Promise<void> {
    return restoreProvider.delete!(id, props);
}
export { remove as delete };
