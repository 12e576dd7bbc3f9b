/**
 * A custom cloud's endpoints, read from its ARM metadata document, the way Terraform's azurerm
 * (hashicorp/go-azure-sdk, sdk/environments) and Azure Stack Hub tooling do:
 * `GET https://{metadataHost}/metadata/endpoints?api-version=2022-09-01` answers
 * `{ name, resourceManager, authentication: { loginEndpoint, audiences: [...], tenant, identityProvider }, suffixes, ... }`.
 * Azure Stack Hub's older form (api-version 2015-01-01 / 1.0) has no `resourceManager`: the metadata
 * host is then the ARM endpoint itself. Read once per process and host.
 */
import { CloudEndpoints, settingsError } from "./azure-settings";
import { HttpTransport, nodeFetchTransport } from "./http-transport";
import { processSingleton } from "../pulumi/process-singleton";

export const METADATA_API_VERSION = "2022-09-01";

interface MetadataDocument {
    name?: unknown;
    resourceManager?: unknown;
    authentication?: { loginEndpoint?: unknown; audiences?: unknown };
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");

/** Reads the document at `origin` (e.g. https://management.local.azurestack.external). */
export async function discoverCloud(origin: string, transport: HttpTransport = nodeFetchTransport): Promise<CloudEndpoints> {
    const cache = processSingleton("vmrestore.cloudMetadata", () => new Map<string, Promise<CloudEndpoints>>());
    let found = cache.get(origin);
    if (!found) {
        found = readDocument(origin, transport);
        cache.set(origin, found);
        found.catch(() => cache.delete(origin));
    }
    return found;
}

async function readDocument(origin: string, transport: HttpTransport): Promise<CloudEndpoints> {
    const url = `${origin}/metadata/endpoints?api-version=${METADATA_API_VERSION}`;
    const where = `the cloud metadata document of azure-native:metadataHost / ARM_METADATA_HOSTNAME (${url})`;
    let status: number;
    let text: string;
    try {
        ({ status, text } = await transport({ method: "GET", url, headers: { accept: "application/json" }, timeoutMs: 30_000 }));
    } catch (e) {
        throw settingsError(
            `Could not read ${where}: ${(e as Error).message}. Check the host name, and that this machine can reach it (HTTPS_PROXY / NO_PROXY).`,
        );
    }
    if (status !== 200)
        throw settingsError(`Could not read ${where}: it answered ${status}. Check that the host is the cloud's ARM (management) host.`);
    let doc: MetadataDocument;
    try {
        doc = JSON.parse(text) as MetadataDocument;
    } catch {
        throw settingsError(`${where} is not JSON. Check that the host is the cloud's ARM (management) host.`);
    }
    const login = doc.authentication?.loginEndpoint;
    const audiences = doc.authentication?.audiences;
    if (typeof login !== "string" || !Array.isArray(audiences) || typeof audiences[0] !== "string") {
        throw settingsError(
            `${where} has no authentication.loginEndpoint or authentication.audiences. Check that the host is the cloud's ARM (management) host.`,
        );
    }
    const arm = typeof doc.resourceManager === "string" ? doc.resourceManager : origin;
    return {
        name: typeof doc.name === "string" ? doc.name : new URL(origin).host,
        armEndpoint: trimSlash(arm),
        authorityHost: trimSlash(login),
        armAudience: trimSlash(audiences[0]),
    };
}
