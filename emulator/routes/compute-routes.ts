/**
 * Generic ARM resource routes for what a restore touches: subscription, resource groups,
 * Microsoft.Compute disks, virtualMachines, diskEncryptionSets and diskAccesses,
 * Microsoft.Network networkInterfaces and virtualNetworks (+ subnets), Microsoft.Storage
 * storageAccounts, Microsoft.ManagedIdentity userAssignedIdentities, Microsoft.KeyVault vaults. GET and list answer the stored
 * JSON; DELETE behaves like ARM: 204 when absent, 409/400 when in use, otherwise 202 with
 * Location + Azure-AsyncOperation (the resource goes after `timing.deleteSeconds` simulated
 * seconds; storage accounts are deleted synchronously, 200).
 */
import { JsonObject } from "../server/json";
import { ArmError, methodNotAllowed, noRoute, resourceGroupNotFound, resourceNotFound, subscriptionNotFound } from "../server/arm-errors";
import { resourceGroupId, resourceId, sameName } from "../world/arm-ids";
import { EmulatorState } from "../world/emulator-state";
import { retryAfterSeconds } from "../world/job-clock";
import { DeleteOperation } from "../backup/operations";
import { paginate } from "../server/paging";
import { deleteBlocker, nicsInSubnet, removeResource } from "../world/resource-lifecycle";
import { ArmResource, ArmResourceBody } from "../world/resource-store";
import { ApiRequest, Reply, Router } from "../server/router";
import { armTimestamp } from "../backup/time-format";

/** Resource types served here, by lower-case "namespace/type". */
const SERVED_TYPES: Record<string, string> = {
    "microsoft.compute/disks": "Microsoft.Compute/disks",
    "microsoft.compute/virtualmachines": "Microsoft.Compute/virtualMachines",
    "microsoft.network/networkinterfaces": "Microsoft.Network/networkInterfaces",
    "microsoft.network/virtualnetworks": "Microsoft.Network/virtualNetworks",
    "microsoft.storage/storageaccounts": "Microsoft.Storage/storageAccounts",
    "microsoft.compute/diskencryptionsets": "Microsoft.Compute/diskEncryptionSets",
    "microsoft.compute/diskaccesses": "Microsoft.Compute/diskAccesses",
    "microsoft.managedidentity/userassignedidentities": "Microsoft.ManagedIdentity/userAssignedIdentities",
    "microsoft.keyvault/vaults": "Microsoft.KeyVault/vaults",
};

const SUB = "/subscriptions/:sub";
const RG = `${SUB}/resourceGroups/:rg`;

export function registerComputeRoutes(router: Router, state: () => EmulatorState): void {
    router.add("GET", SUB, (req) => {
        const s = state();
        checkSubscription(s, req);
        return {
            status: 200,
            body: {
                id: `/subscriptions/${s.seed.subscriptionId}`,
                subscriptionId: s.seed.subscriptionId,
                tenantId: s.seed.tenantId,
                displayName: s.seed.subscriptionDisplayName ?? "VmRestore emulator subscription",
                state: "Enabled",
                subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
                authorizationSource: "RoleBased",
            },
        };
    });

    router.add("GET", `${SUB}/resourcegroups`, (req) => {
        const s = state();
        checkSubscription(s, req);
        return listReply(s, req, s.resources.ofType("Microsoft.Resources/resourceGroups"));
    });

    router.add("GET", RG, (req) => {
        const s = state();
        checkSubscription(s, req);
        const rg = s.resources.get(resourceGroupId(req.params.sub, req.params.rg));
        if (!rg) throw resourceGroupNotFound(req.params.rg);
        return { status: 200, body: rg.body };
    });

    router.add("GET", `${SUB}/providers/:ns/:type`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const type = servedType(req);
        return listReply(
            s,
            req,
            s.resources.ofType(type).map((r) => render(s, r)),
        );
    });

    router.add("GET", `${RG}/providers/:ns/:type`, (req) => {
        const s = state();
        checkResourceGroup(s, req);
        const type = servedType(req);
        return listReply(
            s,
            req,
            s.resources.ofType(type, req.params.rg).map((r) => render(s, r)),
        );
    });

    router.add("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/:name/instanceView`, (req) => {
        const s = state();
        checkResourceGroup(s, req);
        const vm = s.resources.get(resourceId(req.params.sub, req.params.rg, "Microsoft.Compute/virtualMachines", req.params.name));
        if (!vm) throw resourceNotFound("Microsoft.Compute/virtualMachines", req.params.name, req.params.rg);
        return { status: 200, body: instanceView(s, vm, req.simNow) };
    });

    router.add("GET", `${RG}/providers/:ns/:type/:name`, (req) => {
        const s = state();
        return { status: 200, body: render(s, findResource(s, req)) };
    });

    router.add("GET", `${RG}/providers/Microsoft.Network/virtualNetworks/:name/subnets/:subnet`, (req) => {
        const s = state();
        checkResourceGroup(s, req);
        const vnet = s.resources.get(resourceId(req.params.sub, req.params.rg, "Microsoft.Network/virtualNetworks", req.params.name));
        if (!vnet) throw resourceNotFound("Microsoft.Network/virtualNetworks", req.params.name, req.params.rg);
        const subnet = render(s, vnet).properties.subnets?.find((x) => sameName(x.name, req.params.subnet));
        if (!subnet)
            throw resourceNotFound("Microsoft.Network/virtualNetworks/subnets", `${req.params.name}/${req.params.subnet}`, req.params.rg);
        return { status: 200, body: subnet };
    });

    router.add("DELETE", `${RG}/providers/:ns/:type/:name`, (req) => deleteResource(state(), req));

    router.add("GET", `${SUB}/providers/:ns/locations/:loc/operations/:op`, (req) => {
        const s = state();
        checkSubscription(s, req);
        const op = findDeleteOperation(s, req);
        if (req.query.monitor === "true") return locationResult(s, op, req);
        const body: JsonObject = { name: op.id, status: op.status, startTime: armTimestamp(op.realStartMs) };
        if (op.status !== "InProgress" && op.endOffsetMs !== undefined) body.endTime = armTimestamp(op.realStartMs + op.endOffsetMs);
        return { status: 200, body };
    });

    router.add("GET", `${SUB}/providers/:ns/locations/:loc/operationResults/:op`, (req) => {
        const s = state();
        checkSubscription(s, req);
        return locationResult(s, findDeleteOperation(s, req), req);
    });
}

export function checkSubscription(s: EmulatorState, req: ApiRequest): void {
    if (!sameName(req.params.sub, s.seed.subscriptionId)) throw subscriptionNotFound(req.params.sub);
}

function checkResourceGroup(s: EmulatorState, req: ApiRequest): void {
    checkSubscription(s, req);
    if (!s.resources.get(resourceGroupId(req.params.sub, req.params.rg))) throw resourceGroupNotFound(req.params.rg);
}

function servedType(req: ApiRequest): string {
    const type = SERVED_TYPES[`${req.params.ns}/${req.params.type}`.toLowerCase()];
    if (!type) throw noRoute(req.path);
    return type;
}

function findResource(s: EmulatorState, req: ApiRequest): ArmResource {
    checkResourceGroup(s, req);
    const type = servedType(req);
    const res = s.resources.get(resourceId(req.params.sub, req.params.rg, type, req.params.name));
    if (!res) throw resourceNotFound(type, req.params.name, req.params.rg);
    return res;
}

/**
 * A VM's instance view (VirtualMachineInstanceView): a seeded VM runs with a Ready agent; a VM a
 * restore created is "starting" with no agent status until timing.vmBootSeconds (simulated) after
 * its job ended, then running with a Ready agent — unless a vmBoot fault keeps it from that.
 */
function instanceView(s: EmulatorState, vm: ArmResource, simNow: number): JsonObject {
    const job = vm.origin === "restore" ? s.restoreJobs.find((j) => j.id === vm.jobId) : undefined;
    const bootedAtSim = job ? job.simStartMs + job.totalSeconds * 1000 + s.timing.vmBootSeconds * 1000 : undefined;
    const createdReal = job ? job.at(job.totalSeconds * 1000) : Date.now();
    const booted = job?.vmBoot !== "neverBoots" && (bootedAtSim === undefined || simNow >= bootedAtSim);
    const agentReady = booted && job?.vmBoot !== "agentNotReady";
    const bootTime = armTimestamp(job && bootedAtSim !== undefined ? job.at(bootedAtSim - job.simStartMs) : createdReal);
    const body: JsonObject = {
        computerName: vm.name,
        osName: vm.body.properties?.storageProfile?.osDisk?.osType === "Windows" ? "Windows Server 2022 Datacenter" : "ubuntu",
        disks: [],
        statuses: [
            {
                code: "ProvisioningState/succeeded",
                level: "Info",
                displayStatus: "Provisioning succeeded",
                time: armTimestamp(createdReal),
            },
            booted
                ? { code: "PowerState/running", level: "Info", displayStatus: "VM running" }
                : { code: "PowerState/starting", level: "Info", displayStatus: "VM starting" },
        ],
    };
    if (booted) {
        body.vmAgent = {
            vmAgentVersion: agentReady ? "2.10.0.8" : "Unknown",
            statuses: [
                agentReady
                    ? {
                          code: "ProvisioningState/succeeded",
                          level: "Info",
                          displayStatus: "Ready",
                          message: "GuestAgent is running and processing the extensions.",
                          time: bootTime,
                      }
                    : {
                          code: "ProvisioningState/Unavailable",
                          level: "Warning",
                          displayStatus: "Not Ready",
                          message: "VM Agent is unresponsive.",
                          time: bootTime,
                      },
            ],
        };
    }
    return body;
}

/** The stored JSON plus what is derived at read time (subnet ipConfigurations, provisioningState while deleting). */
function render(s: EmulatorState, res: ArmResource): ArmResourceBody {
    const body = JSON.parse(JSON.stringify(res.body)) as ArmResourceBody;
    if (res.type === "Microsoft.Network/virtualNetworks") {
        for (const subnet of body.properties.subnets ?? []) {
            const nics = nicsInSubnet(s.resources, subnet.id);
            if (nics.length > 0) subnet.properties.ipConfigurations = nics.map((n) => ({ id: `${n.id}/ipConfigurations/ipconfig1` }));
        }
    }
    if (res.deletingOperationId) body.properties.provisioningState = "Deleting";
    return body;
}

function listReply(s: EmulatorState, req: ApiRequest, bodies: Array<JsonObject | ArmResource>): Reply {
    const values = bodies.map((b) => (isArmResource(b) ? b.body : b));
    const page = paginate(values, req.query, s.pageSize, s.baseUrl, req.path);
    return { status: 200, body: { value: page.items, ...(page.nextLink ? { nextLink: page.nextLink } : {}) } };
}

function isArmResource(b: JsonObject | ArmResource): b is ArmResource {
    return "body" in b && "origin" in b;
}

function deleteResource(s: EmulatorState, req: ApiRequest): Reply {
    checkResourceGroup(s, req);
    const key = `${req.params.ns}/${req.params.type}`.toLowerCase();
    const type = SERVED_TYPES[key];
    if (!type) {
        if (key === "microsoft.recoveryservices/vaults") throw methodNotAllowed("DELETE", req.path);
        throw noRoute(req.path);
    }
    const res = s.resources.get(resourceId(req.params.sub, req.params.rg, type, req.params.name));
    if (!res) return { status: 204 };
    if (res.deletingOperationId) {
        const existing = s.operations.get(res.deletingOperationId);
        if (existing && existing.kind === "delete") return acceptedDelete(s, existing, req);
    }
    const blocker = deleteBlocker(s.resources, res);
    if (blocker) throw blocker;
    if (type === "Microsoft.Storage/storageAccounts") {
        for (const b of s.blobs.list(res.name)) s.blobs.delete(b.account, b.container, b.name);
        removeResource(s.resources, res);
        return { status: 200 };
    }
    const op = s.operations.add<DeleteOperation>({
        kind: "delete",
        realStartMs: Date.now(),
        simStartMs: req.simNow,
        resourceId: res.id,
        namespace: type.split("/")[0],
        location: res.location,
        doneAfterMs: s.timing.deleteSeconds * 1000,
    });
    res.deletingOperationId = op.id;
    return acceptedDelete(s, op, req);
}

function acceptedDelete(s: EmulatorState, op: DeleteOperation, req: ApiRequest): Reply {
    const apiVersion = req.query["api-version"] ?? "2024-03-01";
    const base = `${s.baseUrl}/subscriptions/${s.seed.subscriptionId}/providers/${op.namespace}/locations/${op.location}`;
    const asyncUrl = `${base}/operations/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
    const location =
        op.namespace === "Microsoft.Compute"
            ? `${base}/operations/${op.id}?monitor=true&api-version=${encodeURIComponent(apiVersion)}`
            : `${base}/operationResults/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
    return {
        status: 202,
        headers: { "Azure-AsyncOperation": asyncUrl, Location: location, "Retry-After": String(retryAfterSeconds(s.clock, 10)) },
    };
}

function findDeleteOperation(s: EmulatorState, req: ApiRequest): DeleteOperation {
    const op = s.operations.get(req.params.op);
    if (!op || op.kind !== "delete" || !sameName(op.namespace, req.params.ns)) {
        throw new ArmError(404, "ResourceNotFound", `The operation '${req.params.op}' was not found.`);
    }
    return op;
}

function locationResult(s: EmulatorState, op: DeleteOperation, req: ApiRequest): Reply {
    if (op.status === "InProgress") {
        const self = `${s.baseUrl}${req.path}?${new URLSearchParams(req.query).toString()}`;
        return { status: 202, headers: { Location: self, "Retry-After": String(retryAfterSeconds(s.clock, 10)) } };
    }
    return { status: 204 };
}
