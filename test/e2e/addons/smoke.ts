/**
 * Smoke test of the add-on rows against a throwaway control plane: checks
 * that every flag of every row is one its binary accepts, then starts a
 * control plane, kwok with one node and the three controllers, and proves
 * each does its job for real:
 *
 * - metrics-server: the APIService (ExternalName to 127.0.0.1, caBundle)
 *   turns Available and /apis/metrics.k8s.io/v1beta1/nodes lists the node;
 * - cert-manager: an Ingress annotated with the fleet's selfsigned
 *   ClusterIssuer gets a Certificate and a Secret with a real certificate;
 * - external-secrets: an ExternalSecret from a ClusterSecretStore (the fake
 *   provider) becomes a Secret.
 *
 *   npx tsx test/e2e/addons/smoke.ts [--flags-only] [--keep] [--state-dir DIR] [--base-port N]
 *
 * Everything listens on 127.0.0.1; processes are stopped by recorded PID.
 */
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startControlPlane } from "../harness/controlplane.js";
import { fleetCrds } from "../harness/crds.js";
import { Kubectl, type KubeObject } from "../harness/kubectl.js";
import { kwokRow } from "../harness/kwok.js";
import { poolNode } from "../harness/nodes.js";
import type { PortSet } from "../harness/ports.js";
import { isReady, ProcessGroup, type ProcessSpec } from "../harness/process.js";
import { metricsApiObjects } from "./apiservice.js";
import { addonProcesses, type AddonContext } from "./processes.js";
import { caBundleOf, createMetricsServerCert } from "./serving-cert.js";

const { values: opts } = parseArgs({
  options: {
    "flags-only": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    "state-dir": { type: "string", default: join(tmpdir(), "iot-fleet-e2e-addons-smoke") },
    "base-port": { type: "string", default: "23500" },
  },
});

const info = (line: string): void => console.log(`INFO - ${line}`);
const problems: string[] = [];
const fail = (line: string): void => {
  problems.push(line);
  console.log(`ERROR - ${line}`);
};

function output(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => resolve(`${stdout}${stderr}${error && !stdout && !stderr ? error.message : ""}`));
  });
}

/** Every `--flag` of a row must appear in its binary's --help. */
async function checkFlags(row: ProcessSpec): Promise<void> {
  const help = await output(row.command, ["--help"]);
  const flags = [...new Set(row.args.filter((a) => a.startsWith("--")).map((a) => a.slice(2).split("=")[0] ?? ""))];
  const missing = flags.filter((f) => !new RegExp(`(^|\\s)--${f.replace(/[-]/g, "\\-")}(\\s|=|$)`, "m").test(help));
  if (missing.length > 0) fail(`${row.name}: ${row.command} --help does not list ${missing.map((f) => `--${f}`).join(", ")}`);
  else info(`${row.name}: all ${flags.length} flags are in --help (${flags.join(" ")})`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns undefined (done) or the deadline passes; the last reason goes into the failure. */
async function waitFor(what: string, check: () => Promise<string | undefined>, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let reason: string | undefined = "not checked";
  while (Date.now() < deadline) {
    reason = await check().catch((e: Error) => e.message.split("\n")[0]);
    if (reason === undefined) {
      info(`${what}: ok`);
      return true;
    }
    await sleep(1000);
  }
  fail(`${what}: not within ${timeoutMs / 1000}s: ${reason}`);
  return false;
}

function smokePorts(base: number): PortSet {
  const names: (keyof PortSet)[] = [
    "etcdClient", "etcdPeer", "apiserver", "controllerManager", "scheduler", "kwok", "redis", "repoServer", "repoServerMetrics",
    "applicationControllerMetrics", "gitProxy", "externalSecretsMetrics", "externalSecretsHealth", "certManagerMetrics",
    "certManagerHealth", "metricsServer", "standIns", "acmeStandIn",
  ];
  return Object.fromEntries(names.map((n, i) => [n, base + i])) as unknown as PortSet;
}

type Obj = KubeObject & { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] }; data?: Record<string, string> };
const condition = (o: Obj, type: string): string => {
  const c = o.status?.conditions?.find((x) => x.type === type);
  return c ? `${type}=${c.status}${c.reason ? ` (${c.reason}: ${c.message ?? ""})` : ""}` : `no ${type} condition`;
};

async function main(): Promise<void> {
  const stateDir = opts["state-dir"] as string;
  const ports = smokePorts(Number(opts["base-port"]));
  const kubeconfig = join(stateDir, "admin.kubeconfig");
  const ctxFor = (kubeletCaFile?: string): AddonContext => ({ kubeconfig, stateDir, ports, ...(kubeletCaFile ? { kubeletCaFile } : {}) });

  // Both metrics-server variants (kubelet CA and insecure) so every flag either can pass is checked.
  for (const row of [...addonProcesses(ctxFor(join(stateDir, "pki", "ca.crt"))), ...addonProcesses(ctxFor())]) await checkFlags(row);
  if (opts["flags-only"]) return;

  const reaped = await ProcessGroup.reap(stateDir);
  if (reaped.length > 0) info(`stopped what an earlier smoke run left running: ${reaped.join(", ")}`);
  const taken = [];
  for (const p of Object.values(ports)) if (await isReady({ kind: "tcp", port: p })) taken.push(p);
  if (taken.length > 0) throw new Error(`ports ${taken.join(", ")} are in use; pass --base-port with a free range of ${Object.keys(ports).length}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const group = new ProcessGroup(stateDir);
  const started = Date.now();
  try {
    const cp = await startControlPlane(group, stateDir, ports);
    const kubectl = new Kubectl(cp.adminKubeconfig);
    const node = poolNode({ name: "smoke", count: 1, cpu: "4", memory: "8Gi", arch: "amd64", selector: {} }, 0);
    await kubectl.run(["create", "-f", "-"], JSON.stringify(node));
    await group.start(kwokRow(stateDir, ports, cp.adminKubeconfig, cp.pki.apiserver));
    const groups = ["cert-manager.io", "acme.cert-manager.io", "external-secrets.io", "generators.external-secrets.io"];
    const crds = (await fleetCrds()).filter((c) => groups.includes(String((c["spec"] as { group?: string } | undefined)?.group)));
    await kubectl.apply(crds);
    await kubectl.run(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
    await kubectl.apply(["cert-manager", "smoke"].map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })));
    info(`control plane, kwok node ${String(node.metadata?.name)} and ${crds.length} CRDs up in ${((Date.now() - started) / 1000).toFixed(0)}s`);

    const cert = await createMetricsServerCert(stateDir);
    for (const row of addonProcesses({ ...ctxFor(cp.pki.ca), kubeconfig: cp.adminKubeconfig })) {
      const t = Date.now();
      await group.start(row);
      info(`${row.name}: ready in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    }

    // A kwok node without pods reports zero usage, which metrics-server drops: run one pod there (kwok's default usage is 1m / 1Mi).
    await waitFor("default ServiceAccount in namespace smoke", async () => {
      await kubectl.getJson(["-n", "smoke", "serviceaccount", "default"]);
      return undefined;
    });
    await kubectl.run(
      ["create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "usage", namespace: "smoke" },
        spec: { nodeName: node.metadata?.name, automountServiceAccountToken: false, containers: [{ name: "app", image: "registry.invalid/app:1" }] },
      }),
    );
    await kubectl.apply(metricsApiObjects(ports.metricsServer, caBundleOf(cert)));
    // The availability check itself skips TLS verification (AvailableConditionController.sync: Insecure: true);
    // the proxied GET below goes through proxyHandler, which verifies metrics-server.kube-system.svc against the caBundle.
    await waitFor("APIService v1beta1.metrics.k8s.io Available", async () => {
      const o = await kubectl.getJson<Obj>(["apiservice", "v1beta1.metrics.k8s.io"]);
      const c = condition(o, "Available");
      return c.startsWith("Available=True") ? undefined : c;
    });
    await waitFor("metrics.k8s.io (through the aggregator, caBundle verified) lists the kwok node", async () => {
      const raw = await kubectl.run(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes"]);
      const items = (JSON.parse(raw) as { items: { metadata: { name: string }; usage: Record<string, string> }[] }).items;
      const n = items.find((i) => i.metadata.name === node.metadata?.name);
      if (!n) return `items: ${JSON.stringify(items.map((i) => i.metadata.name))}`;
      info(`node metrics: ${JSON.stringify(n.usage)}`);
      return undefined;
    });
    info(`kubectl top node:\n${await kubectl.run(["top", "node"])}`);
    // The negative case: with a CA that did not sign metrics-server's certificate the aggregator must refuse it.
    await kubectl.apply(metricsApiObjects(ports.metricsServer, readFileSync(cp.pki.ca).toString("base64")));
    await waitFor("metrics.k8s.io refused with a caBundle that did not sign metrics-server's certificate", async () => {
      const answer = await kubectl.run(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes"]).then(
        () => "still answered",
        (e: Error) => e.message,
      );
      return answer === "still answered" ? answer : (info(`refused: ${answer.split("\n")[0]?.slice(0, 200)}`), undefined);
    }, 30_000);
    await kubectl.apply(metricsApiObjects(ports.metricsServer, caBundleOf(cert)));
    await waitFor("metrics.k8s.io answers again with the right caBundle", async () => {
      await kubectl.run(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes"]);
      return undefined;
    });

    await kubectl.apply([
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "selfsigned" }, spec: { selfSigned: {} } },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "smoke", namespace: "smoke", annotations: { "cert-manager.io/cluster-issuer": "selfsigned" } },
        spec: {
          tls: [{ hosts: ["smoke.example.test"], secretName: "smoke-tls" }],
          rules: [{ host: "smoke.example.test", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "smoke", port: { number: 80 } } } }] } }],
        },
      },
    ]);
    await waitFor("cert-manager: Certificate smoke-tls Ready (from the Ingress, ingress-shim)", async () => {
      const c = condition(await kubectl.getJson<Obj>(["-n", "smoke", "certificate", "smoke-tls"]), "Ready");
      return c.startsWith("Ready=True") ? undefined : c;
    });
    await waitFor("cert-manager: Secret smoke-tls holds a certificate for smoke.example.test", async () => {
      const s = await kubectl.getJson<Obj>(["-n", "smoke", "secret", "smoke-tls"]);
      const pem = Buffer.from(s.data?.["tls.crt"] ?? "", "base64").toString();
      if (!pem) return "no tls.crt";
      const x = new X509Certificate(pem);
      info(`certificate: subjectAltName ${x.subjectAltName}, valid until ${x.validTo}, issuer ${(x.issuer ?? "").replace(/\n/g, ",") || "(empty, as the subject: self-signed)"}`);
      return x.subjectAltName?.includes("DNS:smoke.example.test") ? undefined : `subjectAltName ${x.subjectAltName}`;
    });

    await kubectl.apply([
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: "smoke-fake" },
        spec: { provider: { fake: { data: [{ key: "smoke/db", value: "s3cret" }] } } },
      },
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name: "smoke-db", namespace: "smoke" },
        spec: {
          refreshInterval: "1h",
          secretStoreRef: { kind: "ClusterSecretStore", name: "smoke-fake" },
          target: { name: "smoke-db" },
          data: [{ secretKey: "password", remoteRef: { key: "smoke/db" } }],
        },
      },
    ]);
    await waitFor("external-secrets: ClusterSecretStore smoke-fake Ready", async () => {
      const c = condition(await kubectl.getJson<Obj>(["clustersecretstore", "smoke-fake"]), "Ready");
      return c.startsWith("Ready=True") ? undefined : c;
    });
    await waitFor("external-secrets: Secret smoke-db from the ExternalSecret", async () => {
      const s = await kubectl.getJson<Obj>(["-n", "smoke", "secret", "smoke-db"]);
      const v = Buffer.from(s.data?.["password"] ?? "", "base64").toString();
      return v === "s3cret" ? undefined : `password is ${JSON.stringify(v)}`;
    });
  } finally {
    if (opts.keep) info(`--keep: processes left running; PIDs in ${join(stateDir, "pids")}, logs in ${join(stateDir, "logs")}`);
    else await group.stopAll();
    info(`logs: ${join(stateDir, "logs")}`);
  }
}

try {
  await main();
} catch (error) {
  fail((error as Error).message);
}
if (problems.length > 0) {
  console.log(`found ${problems.length} problem(s)`);
  process.exitCode = 1;
} else {
  console.log("INFO - add-on smoke test passed");
}
