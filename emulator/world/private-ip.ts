/**
 * Dynamic private IP allocation in a subnet: the next free host address from .4 on
 * (Azure reserves .0-.3), skipping the addresses NICs in the store already hold.
 */
import { sameId } from "./arm-ids";
import { ResourceStore } from "./resource-store";

export function nextPrivateIp(store: ResourceStore, subnetId: string, addressPrefix: string): string {
    const used = new Set<string>();
    for (const nic of store.ofType("Microsoft.Network/networkInterfaces")) {
        for (const cfg of nic.body.properties?.ipConfigurations ?? []) {
            if (sameId(cfg.properties?.subnet?.id, subnetId) && typeof cfg.properties?.privateIPAddress === "string")
                used.add(cfg.properties.privateIPAddress);
        }
    }
    const [base, bitsText] = addressPrefix.split("/");
    const bits = Number(bitsText ?? 24);
    const start = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - bits);
    for (let offset = 4; offset < size - 1; offset++) {
        const n = start + offset;
        const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
        if (!used.has(ip)) return ip;
    }
    throw new Error(`subnet ${subnetId} (${addressPrefix}) has no free address`);
}
