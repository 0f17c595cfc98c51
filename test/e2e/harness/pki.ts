/**
 * Throwaway certificates for one control plane, made with the openssl CLI in
 * its state folder: the cluster CA, the API server's serving certificate, a
 * client certificate per component (the identity RBAC and the Node
 * authorizer see), the front-proxy CA the aggregator needs, and the
 * service-account signing key. Nothing outlives the run's state folder.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ClientCert {
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly caKey: string;
  readonly apiserver: ClientCert;
  readonly frontProxyCa: string;
  readonly frontProxyClient: ClientCert;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** Client certificate for a user (CN) in groups (O). */
  client(name: string, user: string, groups?: readonly string[]): Promise<ClientCert>;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed in ${cwd}: ${(e.stderr ?? e.message).trim()}; is openssl installed?`);
  }
}

/** P-256 keys: every component here accepts ECDSA, and openssl makes one in milliseconds where RSA takes a second on a busy core. */
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] as const;

async function makeCa(dir: string, name: string, cn: string): Promise<void> {
  await openssl(["req", "-x509", ...NEW_KEY, "-nodes", "-days", "2", "-subj", `/CN=${cn}`, "-keyout", `${name}.key`, "-out", `${name}.crt`], dir);
}

async function signed(dir: string, ca: string, name: string, subject: string, ext: string): Promise<ClientCert> {
  writeFileSync(join(dir, `${name}.ext`), ext);
  await openssl(["req", ...NEW_KEY, "-nodes", "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.csr`], dir);
  await openssl(
    ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.crt`],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

const CLIENT_EXT = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n";

/** Subject for openssl: CN plus one O per group, escaped for its slash syntax. */
function subject(user: string, groups: readonly string[]): string {
  const esc = (s: string): string => s.replace(/[/\\]/g, (c) => `\\${c}`);
  return `${groups.map((g) => `/O=${esc(g)}`).join("")}/CN=${esc(user)}`;
}

/** Creates the control plane's certificates in `dir` (reused when already there). */
export async function createPki(dir: string, serviceIp: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(join(dir, "ca.crt"));
  if (fresh) {
    // Random serials (not -CAcreateserial's shared file) let certificates of one CA be signed at once.
    await Promise.all([
      makeCa(dir, "ca", "iot-fleet-e2e-ca"),
      makeCa(dir, "front-proxy-ca", "iot-fleet-e2e-front-proxy-ca"),
      (async () => {
        await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sa.key"], dir);
        await openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
      })(),
    ]);
    await Promise.all([
      signed(
      dir,
      "ca",
      "apiserver",
      "/CN=kube-apiserver",
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n` +
        `subjectAltName=IP:127.0.0.1,IP:${serviceIp},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n`,
      ),
      signed(dir, "front-proxy-ca", "front-proxy-client", "/CN=front-proxy-client", CLIENT_EXT),
    ]);
  }
  return {
    dir,
    ca: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    apiserver: { cert: join(dir, "apiserver.crt"), key: join(dir, "apiserver.key") },
    frontProxyCa: join(dir, "front-proxy-ca.crt"),
    frontProxyClient: { cert: join(dir, "front-proxy-client.crt"), key: join(dir, "front-proxy-client.key") },
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPub: join(dir, "sa.pub"),
    async client(name: string, user: string, groups: readonly string[] = []): Promise<ClientCert> {
      if (existsSync(join(dir, `${name}.crt`))) return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
      return signed(dir, "ca", name, subject(user, groups), CLIENT_EXT);
    },
  };
}

/** A kubeconfig for one client certificate against the API server. */
export function writeKubeconfig(file: string, server: string, ca: string, client: ClientCert, user: string): void {
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: e2e",
      "  cluster:",
      `    server: ${server}`,
      `    certificate-authority: ${ca}`,
      "users:",
      `- name: ${user}`,
      "  user:",
      `    client-certificate: ${client.cert}`,
      `    client-key: ${client.key}`,
      "contexts:",
      "- name: e2e",
      "  context:",
      "    cluster: e2e",
      `    user: ${user}`,
      "current-context: e2e",
      "",
    ].join("\n"),
  );
}
