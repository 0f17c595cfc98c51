/**
 * What the e2e's unit tests share: throwaway folders removed after the file's
 * tests, a loopback port nothing listens on, and a self-signed certificate.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Temporary folders named after `prefix`; `removeAll` in afterAll. */
export function tempDirs(prefix: string): { make(name: string): string; removeAll(): void } {
  const made: string[] = [];
  return {
    make(name: string): string {
      const dir = mkdtempSync(join(tmpdir(), `${prefix}-${name}-`));
      made.push(dir);
      return dir;
    },
    removeAll(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on (just released by a listener of ours). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A self-signed P-256 certificate for `host` (also its SAN), as PEM files in `dir`. */
export function selfSignedCert(dir: string, host: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${host}.crt`);
  const keyFile = join(dir, `${host}.key`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`, "-keyout", keyFile, "-out", certFile],
    { stdio: "ignore" },
  );
  return { certFile, keyFile };
}
