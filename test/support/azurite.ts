/**
 * Test helper: Azurite (the npm package) on a free loopback port, and a container in it, so that
 * Pulumi's azblob:// backend can keep state there as it would in an Azure Storage account.
 */
import * as path from "path";
import { createHmac } from "crypto";
import { spawn, ChildProcess } from "child_process";
import fetch from "node-fetch";

/** Azurite's well-known development account (public, documented by Microsoft; opens nothing but Azurite). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface RunningAzurite {
    /** host:port */
    host: string;
    /** The azblob:// backend URL of a container (gocloud's URL options point it at Azurite). */
    backendUrl(container: string): string;
    /** AZURE_STORAGE_ACCOUNT / AZURE_STORAGE_KEY for Pulumi's azblob backend. */
    env: Record<string, string>;
    createContainer(name: string): Promise<void>;
    listBlobs(container: string): Promise<string[]>;
    stop(): Promise<void>;
}

export async function startAzurite(): Promise<RunningAzurite> {
    const bin = path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
    const child: ChildProcess = spawn(
        process.execPath,
        [
            bin,
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            "0",
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
            "--silent",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    const host = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d) => {
            out += d;
            const m = /listens on http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
            if (m) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`azurite exited ${code}: ${out}`)));
    });
    const blobCall = async (method: string, container: string, query: Record<string, string>): Promise<string> => {
        const date = new Date().toUTCString();
        const headers: Record<string, string> = { "x-ms-date": date, "x-ms-version": "2021-08-06", "content-length": "0" };
        const canonHeaders = Object.keys(headers)
            .filter((k) => k.startsWith("x-ms-"))
            .sort()
            .map((k) => `${k}:${headers[k]}\n`)
            .join("");
        const canonResource =
            `/${AZURITE_ACCOUNT}/${AZURITE_ACCOUNT}/${container}` +
            Object.keys(query)
                .sort()
                .map((k) => `\n${k}:${query[k]}`)
                .join("");
        const toSign = [method, "", "", "", "", "", "", "", "", "", "", ""].join("\n") + "\n" + canonHeaders + canonResource;
        const signature = createHmac("sha256", Buffer.from(AZURITE_KEY, "base64")).update(toSign, "utf8").digest("base64");
        const qs = new URLSearchParams(query).toString();
        const res = await fetch(`http://${host}/${AZURITE_ACCOUNT}/${container}?${qs}`, {
            method,
            headers: { ...headers, authorization: `SharedKey ${AZURITE_ACCOUNT}:${signature}` },
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`azurite ${method} ${container}: ${res.status} ${text}`);
        return text;
    };
    return {
        host,
        backendUrl: (container) => `azblob://${container}?domain=${host}&protocol=http&localemu=true`,
        env: { AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT, AZURE_STORAGE_KEY: AZURITE_KEY },
        createContainer: async (name) => void (await blobCall("PUT", name, { restype: "container" })),
        listBlobs: async (container) =>
            [...(await blobCall("GET", container, { comp: "list", restype: "container" })).matchAll(/<Name>([^<]+)<\/Name>/g)].map(
                (m) => m[1],
            ),
        stop: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
            }),
    };
}
