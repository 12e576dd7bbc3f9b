/**
 * The emulator's local certificate authority, for HTTPS (`startEmulator({tls: true})`, `--tls`).
 *
 * `ensureEmulatorCa()` creates a CA key and self-signed CA certificate once and keeps them in a
 * stable folder outside any repository — `${XDG_CACHE_HOME:-~/.cache}/vmrestore/emulator-ca/`
 * (`ca.pem`, and `ca-key.pem` with mode 0600) — and reuses them afterwards, so a shell can
 * `export NODE_EXTRA_CA_CERTS=$(… emulator/cli.ts --print-ca-path)` once and trust every
 * emulator it starts. A missing, unreadable, mismatched or soon-expiring pair is regenerated
 * (under a lock, so concurrent processes agree on one CA).
 *
 * `issueServerCertificate()` signs a fresh server key and certificate, in memory, for each
 * server start, valid for 127.0.0.1, ::1 and localhost (plus the listening host).
 *
 * Keys come from Node's crypto (RSA 2048); node-forge only assembles and signs the X.509
 * certificates, which Node's crypto cannot create.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from "crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "fs";
import { homedir, hostname } from "os";
import * as path from "path";

export interface EmulatorCa {
    /** Absolute path of the CA certificate (PEM): the value for NODE_EXTRA_CA_CERTS. */
    caCertPath: string;
    caCertPem: string;
    caKeyPem: string;
}

export interface ServerCertificate {
    certPem: string;
    keyPem: string;
    /** The subjectAltName entries: IP addresses and DNS names. */
    altNames: string[];
}

export const CA_CERT_FILE = "ca.pem";
export const CA_KEY_FILE = "ca-key.pem";
/** How long a new CA is valid. */
const CA_VALIDITY_DAYS = 3650;
/** A CA with less than this left is replaced. */
const CA_RENEW_BEFORE_DAYS = 30;
/** How long a server certificate is valid (capped by the CA's own expiry). */
const SERVER_VALIDITY_DAYS = 90;
const DAY_MS = 86_400_000;
const LOCK_DIR = ".lock";
const STALE_LOCK_MS = 60_000;

/** `${XDG_CACHE_HOME:-~/.cache}/vmrestore/emulator-ca` (a relative XDG_CACHE_HOME is ignored, as the XDG spec says). */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env): string {
    const xdg = env.XDG_CACHE_HOME;
    const cacheRoot = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), ".cache");
    return path.join(cacheRoot, "vmrestore", "emulator-ca");
}

/**
 * The emulator CA in `dir` (default `defaultCaDir()`), created if missing, unreadable, not a
 * matching CA key pair, or expiring within 30 days. Refuses a folder inside this repository
 * (the CA key must never be committed).
 */
export function ensureEmulatorCa(dir: string = defaultCaDir(), options: { now?: () => number } = {}): EmulatorCa {
    const folder = path.resolve(dir);
    refuseInsideRepository(folder);
    const now = options.now ?? Date.now;
    const existing = readCa(folder, now());
    if (existing) return existing;
    return withLock(folder, () => {
        // Another process may have written a good CA while we waited for the lock.
        const again = readCa(folder, now());
        if (again) return again;
        return writeCa(folder, generateCa());
    });
}

/** A server key and certificate signed by the CA, for 127.0.0.1, ::1, localhost and `extraHosts`. */
export function issueServerCertificate(ca: EmulatorCa, extraHosts: string[] = []): ServerCertificate {
    const forge = loadForge();
    const caCert = forge.pki.certificateFromPem(ca.caCertPem);
    const caKey = forge.pki.privateKeyFromPem(ca.caKeyPem);
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
    cert.serialNumber = serialNumber();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 3600_000);
    cert.validity.notAfter = new Date(Math.min(now + SERVER_VALIDITY_DAYS * DAY_MS, caCert.validity.notAfter.getTime()));
    cert.setSubject([
        { name: "commonName", value: "VmRestore emulator" },
        { name: "organizationName", value: "VmRestore local emulator" },
    ]);
    cert.setIssuer(caCert.subject.attributes);

    const ips = new Set(["127.0.0.1", "::1"]);
    const dns = new Set(["localhost"]);
    for (const raw of extraHosts) {
        const h = raw
            .trim()
            .toLowerCase()
            .replace(/^\[|\]$/g, "");
        if (!h) continue;
        if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(":")) ips.add(h.startsWith("::ffff:") && h.includes(".") ? h.slice(7) : h);
        else dns.add(h);
    }
    cert.setExtensions([
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
            name: "subjectAltName",
            altNames: [...[...dns].map((value) => ({ type: 2, value })), ...[...ips].map((ip) => ({ type: 7, ip }))],
        },
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return {
        certPem: forge.pki.certificateToPem(cert),
        keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        altNames: [...ips, ...dns],
    };
}

function generateCa(): { certPem: string; keyPem: string } {
    const forge = loadForge();
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
    cert.serialNumber = serialNumber();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 3600_000);
    cert.validity.notAfter = new Date(now + CA_VALIDITY_DAYS * DAY_MS);
    const subject = [
        { name: "commonName", value: `VmRestore emulator local CA (${hostname()})` },
        { name: "organizationName", value: "VmRestore local emulator" },
        { name: "organizationalUnitName", value: "offline DR drills only; not a public CA" },
    ];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
        { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** The stored CA if it is complete, a matching CA key pair, and valid for at least 30 more days. */
function readCa(folder: string, nowMs: number): EmulatorCa | undefined {
    const caCertPath = path.join(folder, CA_CERT_FILE);
    const keyPath = path.join(folder, CA_KEY_FILE);
    try {
        const caCertPem = readFileSync(caCertPath, "utf8");
        const caKeyPem = readFileSync(keyPath, "utf8");
        const cert = new X509Certificate(caCertPem);
        if (!cert.ca) return undefined;
        if (!cert.checkPrivateKey(createPrivateKey(caKeyPem))) return undefined;
        if (Date.parse(cert.validTo) - nowMs < CA_RENEW_BEFORE_DAYS * DAY_MS) return undefined;
        if (Date.parse(cert.validFrom) > nowMs + 3600_000) return undefined;
        // Keep the key private even if someone loosened its mode.
        if ((statSync(keyPath).mode & 0o077) !== 0) chmodSync(keyPath, 0o600);
        return { caCertPath, caCertPem, caKeyPem };
    } catch {
        return undefined;
    }
}

function writeCa(folder: string, ca: { certPem: string; keyPem: string }): EmulatorCa {
    const caCertPath = path.join(folder, CA_CERT_FILE);
    const keyPath = path.join(folder, CA_KEY_FILE);
    const suffix = `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    writeFileSync(keyPath + suffix, ca.keyPem, { mode: 0o600 });
    writeFileSync(caCertPath + suffix, ca.certPem, { mode: 0o644 });
    // Key first: a reader that sees the new certificate always finds its key.
    renameSync(keyPath + suffix, keyPath);
    renameSync(caCertPath + suffix, caCertPath);
    chmodSync(keyPath, 0o600);
    return { caCertPath, caCertPem: ca.certPem, caKeyPem: ca.keyPem };
}

/** Runs `fn` holding `folder/.lock` (an atomic mkdir); a lock older than a minute is taken over. */
function withLock<T>(folder: string, fn: () => T): T {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const lock = path.join(folder, LOCK_DIR);
    const deadline = Date.now() + 2 * STALE_LOCK_MS;
    for (;;) {
        try {
            mkdirSync(lock);
            break;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            let age: number;
            try {
                age = Date.now() - statSync(lock).mtimeMs;
            } catch {
                continue; // released meanwhile
            }
            if (age > STALE_LOCK_MS) {
                rmSync(lock, { recursive: true, force: true });
                continue;
            }
            if (Date.now() > deadline) throw new Error(`Timed out waiting for the emulator CA lock ${lock}.`, { cause: e });
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        }
    }
    try {
        return fn();
    } finally {
        rmSync(lock, { recursive: true, force: true });
    }
}

/** The CA key must not land in a commit: refuse a folder inside this repository's checkout. */
function refuseInsideRepository(folder: string): void {
    const repoRoot = path.resolve(__dirname, "../..");
    const rel = path.relative(repoRoot, folder);
    if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) {
        throw new Error(
            `Refusing to keep the emulator CA key inside the repository (${folder}); use a folder outside it, e.g. ${defaultCaDir()}.`,
        );
    }
}

function serialNumber(): string {
    // Positive (high bit clear), 16 bytes.
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    if (bytes[0] === 0) bytes[0] = 0x01;
    return bytes.toString("hex");
}

// --- node-forge: the small part of its API used here, typed locally (the package ships no types).

interface ForgeBytes {
    getBytes(): string;
}

interface ForgeCertificate {
    publicKey: unknown;
    serialNumber: string;
    validity: { notBefore: Date; notAfter: Date };
    subject: { attributes: ForgeAttribute[] };
    setSubject(attrs: ForgeAttribute[]): void;
    setIssuer(attrs: ForgeAttribute[]): void;
    setExtensions(exts: Array<Record<string, unknown>>): void;
    sign(key: unknown, md: unknown): void;
    generateSubjectKeyIdentifier(): ForgeBytes;
}

interface ForgeAttribute {
    name?: string;
    shortName?: string;
    value: string;
}

interface Forge {
    pki: {
        createCertificate(): ForgeCertificate;
        certificateFromPem(pem: string): ForgeCertificate;
        certificateToPem(cert: ForgeCertificate): string;
        privateKeyFromPem(pem: string): unknown;
        publicKeyFromPem(pem: string): unknown;
    };
    md: { sha256: { create(): unknown } };
}

let forgeModule: Forge | undefined;
function loadForge(): Forge {
    forgeModule ??= require("node-forge") as Forge;
    return forgeModule;
}
