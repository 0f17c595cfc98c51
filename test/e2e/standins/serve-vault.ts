// `tsx test/e2e/standins/serve-vault.ts --port P --cert-file F --key-file F
//   --cluster prod --kubernetes-server https://127.0.0.1:6443
//   --kubernetes-ca-file F --kubernetes-client-cert F --kubernetes-client-key F
//   --auth-mount kubernetes-prod --role external-secrets
//   --service-account-namespace external-secrets --service-account-name external-secrets
//   --kv-mount secret --secrets-file secrets.json [--token-ttl-seconds 3600]`:
// the Vault stand-in as a process row of the harness, started and stopped by
// PID like every other component (ready when its port accepts). The secrets
// file is a JSON object: key (`iot-fleet/<cluster>/<app>/<secret>`) to the
// list of property names the rendered ExternalSecrets read. Serves until
// SIGTERM, then logs every request it saw.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startVaultStandIn, VaultStandInError } from "./vault.js";

const FLAGS = [
  "port",
  "cert-file",
  "key-file",
  "cluster",
  "kubernetes-server",
  "kubernetes-ca-file",
  "kubernetes-client-cert",
  "kubernetes-client-key",
  "auth-mount",
  "role",
  "service-account-namespace",
  "service-account-name",
  "kv-mount",
  "secrets-file",
] as const;
const USAGE = `usage: serve-vault.ts ${FLAGS.map((f) => `--${f} VALUE`).join(" ")} [--token-ttl-seconds N]`;

const { values } = parseArgs({
  options: {
    ...(Object.fromEntries(FLAGS.map((f) => [f, { type: "string" }])) as Record<(typeof FLAGS)[number], { type: "string" }>),
    "token-ttl-seconds": { type: "string" },
  },
});
const missing = FLAGS.filter((f) => values[f] === undefined || values[f] === "");
if (missing.length > 0) {
  console.error(`ERROR - missing ${missing.map((f) => `--${f}`).join(", ")}; ${USAGE}`);
  process.exit(2);
}
const flag = (name: (typeof FLAGS)[number]): string => values[name] as string;

/** The secrets file, checked for shape: `{ "<key>": ["<property>", ...] }`. */
function readSecretsFile(file: string): Record<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new VaultStandInError(`vault stand-in: cannot read --secrets-file ${file}: ${(error as Error).message}`);
  }
  const shape = `expected a JSON object of key to a list of property names, e.g. {"iot-fleet/prod/kades/kades-secrets": ["api-key"]}`;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new VaultStandInError(`vault stand-in: --secrets-file ${file} is not a JSON object; ${shape}`);
  const out: Record<string, string[]> = {};
  for (const [key, properties] of Object.entries(parsed)) {
    if (!Array.isArray(properties) || !properties.every((p): p is string => typeof p === "string")) {
      throw new VaultStandInError(`vault stand-in: --secrets-file ${file}: ${JSON.stringify(key)} is not a list of strings; ${shape}`);
    }
    out[key] = properties;
  }
  return out;
}

try {
  const vault = await startVaultStandIn({
    port: Number(flag("port")),
    certFile: flag("cert-file"),
    keyFile: flag("key-file"),
    cluster: flag("cluster"),
    kubernetes: {
      server: flag("kubernetes-server"),
      caFile: flag("kubernetes-ca-file"),
      clientCert: flag("kubernetes-client-cert"),
      clientKey: flag("kubernetes-client-key"),
    },
    authMount: flag("auth-mount"),
    role: flag("role"),
    serviceAccount: { namespace: flag("service-account-namespace"), name: flag("service-account-name") },
    kvMount: flag("kv-mount"),
    secrets: readSecretsFile(flag("secrets-file")),
    ...(values["token-ttl-seconds"] !== undefined ? { tokenTtlSeconds: Number(values["token-ttl-seconds"]) } : {}),
  });
  console.log(`INFO - Vault stand-in for ${flag("cluster")} on ${vault.url}: auth/${flag("auth-mount")}/login, KV v2 at ${flag("kv-mount")}`);
  const stop = (): void => {
    for (const r of vault.requests) {
      console.log(`INFO - ${r.method} ${r.path} ${r.status}${r.serviceAccount ? ` as ${r.serviceAccount}` : ""}${r.reason ? ` (${r.reason})` : ""}`);
    }
    void vault.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (error) {
  if (!(error instanceof VaultStandInError)) throw error;
  console.error(`ERROR - ${error.message}`);
  process.exit(1);
}
