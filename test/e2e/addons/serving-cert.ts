/**
 * metrics-server's serving certificate, made in the run's state folder with
 * the openssl CLI (as the control plane's PKI is): a throwaway CA and one
 * leaf for the name the aggregator checks.
 *
 * metrics-server can make its own (`--cert-dir`), but that certificate names
 * only `localhost` and 127.0.0.1 (its options call
 * `MaybeDefaultWithSelfSignedCerts("localhost", nil, [127.0.0.1])`), while
 * kube-apiserver's aggregator verifies the server name
 * `<service>.<namespace>.svc` whatever address it dials
 * (kube-aggregator `proxyHandler.updateAPIService`: `ServerName:
 * apiService.Spec.Service.Name + "." + apiService.Spec.Service.Namespace +
 * ".svc"`). Upstream's components.yaml and kwokctl therefore skip
 * verification; with this leaf the APIService carries a caBundle instead.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The Service the APIService names; the leaf's DNS name is derived from it. */
export const METRICS_SERVICE = { name: "metrics-server", namespace: "kube-system" } as const;

/** The name kube-apiserver's aggregator expects in metrics-server's certificate. */
export const METRICS_SERVER_NAME = `${METRICS_SERVICE.name}.${METRICS_SERVICE.namespace}.svc`;

export interface ServingCert {
  readonly dir: string;
  /** The CA that signed the leaf: the APIService's caBundle and the readiness probe's trust. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Where the certificate lives in a state folder (the process rows name these paths before the files exist). */
export function metricsServerCertPaths(stateDir: string): ServingCert {
  const dir = join(stateDir, "metrics-server", "tls");
  return { dir, ca: join(dir, "ca.crt"), cert: join(dir, "serving.crt"), key: join(dir, "serving.key") };
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed in ${cwd}: ${(e.stderr ?? e.message).trim()}; is openssl installed?`);
  }
}

/** Makes the CA and the leaf (kept when already there) and returns their paths. */
export async function createMetricsServerCert(stateDir: string): Promise<ServingCert> {
  const paths = metricsServerCertPaths(stateDir);
  if (existsSync(paths.cert) && existsSync(paths.key) && existsSync(paths.ca)) return paths;
  mkdirSync(paths.dir, { recursive: true });
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=iot-fleet-e2e-metrics-server-ca", "-keyout", "ca.key", "-out", "ca.crt"], paths.dir);
  writeFileSync(
    join(paths.dir, "serving.ext"),
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
      // The aggregator's server name, and the loopback address the harness probes.
      `subjectAltName=DNS:${METRICS_SERVER_NAME},DNS:localhost,IP:127.0.0.1\n`,
  );
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${METRICS_SERVER_NAME}`, "-keyout", "serving.key", "-out", "serving.csr"], paths.dir);
  await openssl(
    ["x509", "-req", "-in", "serving.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "serving.ext", "-out", "serving.crt"],
    paths.dir,
  );
  return paths;
}

/** The CA as an APIService `caBundle` (base64 of the PEM). */
export function caBundleOf(cert: ServingCert): string {
  return readFileSync(cert.ca).toString("base64");
}
