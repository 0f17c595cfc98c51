/**
 * The stand-ins reached by name through the loopback proxy's tunnels, as
 * process rows. The Vault stand-in (test/e2e/standins/vault.ts), for the
 * clusters whose ClusterSecretStore reads Vault: it answers at the profile's
 * Vault address through the loopback proxy's tunnel, logs external-secrets in
 * with Kubernetes auth checked by a real TokenReview, and serves a value for
 * every key and property the rendered ExternalSecrets ask for.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ClusterProfile } from "../../../generators/fleet/types.js";
import type { KubeObject } from "./kubectl.js";
import type { Pki } from "./pki.js";
import type { ProcessSpec } from "./process.js";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** external-secrets logs in to Vault as this ServiceAccount, which its chart creates. */
export const EXTERNAL_SECRETS_ACCOUNT = { namespace: "external-secrets", name: "external-secrets" } as const;

/** `host:port` of the profile's Vault, or undefined when its secrets come from elsewhere. */
export function vaultHost(profile: ClusterProfile): string | undefined {
  if (profile.secretBackend.provider !== "vault") return undefined;
  const url = new URL(profile.secretBackend.server);
  return `${url.hostname}:${url.port || "443"}`;
}

/** Every Vault key the cluster's ExternalSecrets read, with the properties they take from it. */
export function secretsTable(objects: readonly KubeObject[], store: string): Record<string, string[]> {
  const table = new Map<string, Set<string>>();
  for (const o of objects) {
    if (o.kind !== "ExternalSecret") continue;
    const spec = o["spec"] as { secretStoreRef?: { name?: string }; data?: { remoteRef?: { key?: string; property?: string } }[] };
    if (spec.secretStoreRef?.name !== store) continue;
    for (const d of spec.data ?? []) {
      const key = d.remoteRef?.key;
      if (!key) continue;
      const props = table.get(key) ?? new Set<string>();
      if (d.remoteRef?.property) props.add(d.remoteRef.property);
      table.set(key, props);
    }
  }
  return Object.fromEntries([...table.keys()].sort().map((k) => [k, [...(table.get(k) ?? [])].sort()]));
}

/** `host:port` of the profile's ACME server, or undefined when its issuer signs itself. */
export function acmeHost(profile: ClusterProfile): string | undefined {
  if (profile.issuer.kind !== "acme") return undefined;
  const url = new URL(profile.issuer.server);
  return `${url.hostname}:${url.port || "443"}`;
}

/** The tunnel certificates the proxy issued, by host name. */
function hostCertificate(proxyWorkDir: string, host: string): { certFile: string; keyFile: string } {
  const certs = JSON.parse(readFileSync(join(proxyWorkDir, "host-certificates.json"), "utf8")) as Record<string, { certFile: string; keyFile: string }>;
  const cert = certs[host];
  if (!cert) throw new Error(`the git proxy issued no certificate for ${host}; start it with a tunnel for ${host}`);
  return cert;
}

const tsx = (script: string, args: readonly string[]): Pick<ProcessSpec, "command" | "args"> => ({
  command: process.execPath,
  args: [join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"), join(REPO_ROOT, script), ...args],
});

/** The ACME stand-in (test/e2e/standins/acme.ts) at the issuer's address. */
export function acmeRow(profile: ClusterProfile, port: number, proxyWorkDir: string): ProcessSpec {
  if (profile.issuer.kind !== "acme") throw new Error(`cluster ${profile.name} has no ACME issuer`);
  const cert = hostCertificate(proxyWorkDir, new URL(profile.issuer.server).hostname);
  return {
    name: "acme-stand-in",
    ...tsx("test/e2e/standins/serve-acme.ts", ["--port", String(port), "--cert-file", cert.certFile, "--key-file", cert.keyFile, "--server", profile.issuer.server]),
    ready: { kind: "tcp", port },
  };
}

export function vaultRow(opts: {
  readonly profile: ClusterProfile;
  readonly port: number;
  readonly stateDir: string;
  readonly proxyWorkDir: string;
  readonly server: string;
  readonly pki: Pki;
  readonly admin: { readonly cert: string; readonly key: string };
  readonly secrets: Record<string, string[]>;
}): ProcessSpec {
  const backend = opts.profile.secretBackend;
  if (backend.provider !== "vault") throw new Error(`cluster ${opts.profile.name} reads no Vault`);
  const cert = hostCertificate(opts.proxyWorkDir, new URL(backend.server).hostname);
  const secretsFile = join(opts.stateDir, "vault-secrets.json");
  writeFileSync(secretsFile, `${JSON.stringify(opts.secrets, null, 2)}\n`);
  return {
    name: "vault-stand-in",
    ...tsx("test/e2e/standins/serve-vault.ts", [
      ...["--port", String(opts.port), "--cert-file", cert.certFile, "--key-file", cert.keyFile, "--cluster", opts.profile.name],
      ...["--kubernetes-server", opts.server, "--kubernetes-ca-file", opts.pki.ca, "--kubernetes-client-cert", opts.admin.cert, "--kubernetes-client-key", opts.admin.key],
      ...["--auth-mount", backend.authMount, "--role", backend.role, "--kv-mount", backend.kvMount],
      ...["--service-account-namespace", EXTERNAL_SECRETS_ACCOUNT.namespace, "--service-account-name", EXTERNAL_SECRETS_ACCOUNT.name],
      ...["--secrets-file", secretsFile],
    ]),
    ready: { kind: "tcp", port: opts.port },
  };
}
