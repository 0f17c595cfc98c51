/**
 * Throwaway TLS for the git proxy: a CA made for one proxy start, a serving
 * certificate for the repository's host and one for each tunnelled host (its
 * backend serves it), all signed by it at once, with the openssl CLI
 * (node:crypto cannot issue X.509 certificates). All live one day; the CA's
 * private key is deleted as soon as those certificates are signed, so nothing
 * else can ever be issued under the CA a client trusts.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** A serving certificate and its key, as files. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface HostCertificates {
  readonly host: string;
  /** PEM of the CA: what a client must trust. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The serving certificate and key, read for node:tls. */
  readonly cert: Buffer;
  readonly key: Buffer;
  /** One certificate per other host asked for, by hostname: `<dir>/<hostname>.crt` and `.key`. */
  readonly otherHosts: Readonly<Record<string, IssuedCertificate>>;
}

export class CertificateError extends Error {}

// A hostname goes into openssl config text: allow what DNS allows and nothing that could end a line or a value.
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await execFileAsync("openssl", args, { cwd, timeout: 30_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string; code?: string | number };
    const why = e.code === "ENOENT" ? "openssl is not installed or not on PATH (apt-get install openssl)" : (e.stderr ?? "").trim() || e.message;
    throw new CertificateError(`openssl ${args[0]} failed in ${cwd}: ${why}`);
  }
}

/** P-256 keys: generated in milliseconds, accepted by Go, curl and Node alike. */
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function subjectAltName(host: string): string {
  return isIP(host) ? `IP:${host}` : `DNS:${host}`;
}

/** Whether `host` can be named in a certificate (and in our openssl config files). */
export function isCertificateHost(host: string): boolean {
  return HOSTNAME.test(host) || isIP(host) !== 0;
}

// File stems this module uses for itself; a host of that name would overwrite them.
const RESERVED_STEMS = new Set(["ca", "server"]);

/**
 * Creates `dir` afresh with `ca.crt`, `server.crt` and `server.key` for
 * `host`, and `<name>.crt` and `<name>.key` for each of `otherHosts`. Our own
 * config files, so the machine's openssl.cnf adds nothing.
 */
export async function createHostCertificates(dir: string, host: string, otherHosts: readonly string[] = []): Promise<HostCertificates> {
  if (!isCertificateHost(host)) {
    throw new CertificateError(`cannot make a certificate for host ${JSON.stringify(host)}: not a DNS name or IP address; check the repository URL`);
  }
  const others = [...new Set(otherHosts.map((h) => h.toLowerCase()))];
  for (const other of others) {
    if (!isCertificateHost(other)) throw new CertificateError(`cannot make a certificate for host ${JSON.stringify(other)}: not a DNS name or IP address; check the tunnel's host`);
    if (RESERVED_STEMS.has(other)) throw new CertificateError(`cannot make a certificate for host ${JSON.stringify(other)}: its files would overwrite ${other}.crt; use a fully qualified name`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serial = (): string => {
    const bytes = randomBytes(16);
    bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive serial, as RFC 5280 wants
    return `0x${bytes.toString("hex")}`;
  };
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[req]",
      "prompt = no",
      "distinguished_name = dn",
      "x509_extensions = ca_ext",
      "[dn]",
      `CN = iot-fleet e2e git proxy CA (throwaway, ${new Date().toISOString()})`,
      "[ca_ext]",
      "basicConstraints = critical, CA:TRUE, pathlen:0",
      "keyUsage = critical, keyCertSign, cRLSign",
      "subjectKeyIdentifier = hash",
      "",
    ].join("\n"),
  );
  /** Writes the config for a leaf `<stem>.crt` naming `name`, signs it with the CA key, and leaves no request or config behind. */
  const issue = async (stem: string, name: string): Promise<IssuedCertificate> => {
    writeFileSync(join(dir, `${stem}.cnf`), ["[req]", "prompt = no", "distinguished_name = dn", "[dn]", `CN = ${name}`, ""].join("\n"));
    writeFileSync(
      join(dir, `${stem}.ext`),
      [
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, digitalSignature, keyEncipherment",
        "extendedKeyUsage = serverAuth",
        // Go and curl check the name here only; the CN is ignored.
        `subjectAltName = ${subjectAltName(name)}`,
        "subjectKeyIdentifier = hash",
        "authorityKeyIdentifier = keyid",
        "",
      ].join("\n"),
    );
    try {
      await openssl(["req", "-new", ...EC_KEY, "-config", `${stem}.cnf`, "-keyout", `${stem}.key`, "-out", `${stem}.csr`], dir);
      await openssl(
        ["x509", "-req", "-in", `${stem}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", serial(), "-days", "1", "-extfile", `${stem}.ext`, "-out", `${stem}.crt`],
        dir,
      );
    } finally {
      for (const leftover of [`${stem}.csr`, `${stem}.cnf`, `${stem}.ext`]) rmSync(join(dir, leftover), { force: true });
    }
    return { certFile: join(dir, `${stem}.crt`), keyFile: join(dir, `${stem}.key`) };
  };
  const issuedOthers: Record<string, IssuedCertificate> = {};
  try {
    await openssl(["req", "-x509", "-new", ...EC_KEY, "-days", "1", "-set_serial", serial(), "-config", "ca.cnf", "-keyout", "ca.key", "-out", "ca.crt"], dir);
    await issue("server", host);
    for (const other of others) issuedOthers[other] = await issue(other, other);
  } finally {
    // Every certificate this CA will ever sign is signed by now.
    rmSync(join(dir, "ca.key"), { force: true });
  }
  return {
    host,
    caFile: join(dir, "ca.crt"),
    certFile: join(dir, "server.crt"),
    keyFile: join(dir, "server.key"),
    cert: readFileSync(join(dir, "server.crt")),
    key: readFileSync(join(dir, "server.key")),
    otherHosts: issuedOthers,
  };
}
