/**
 * The platform add-ons' controllers as processes against the e2e control
 * plane, where they can run as processes: external-secrets (real Secrets from
 * the ClusterSecretStore), cert-manager (real certificates from the
 * ClusterIssuer) and metrics-server (resource metrics scraped from kwok's
 * emulated kubelet endpoints, so HPAs compute). Their Helm charts cannot be
 * fetched here; their CRDs come from the pinned Go modules (crds.ts).
 */
import { join, resolve } from "node:path";
import { toolPath } from "../tools/catalog.js";
import type { KubeObject } from "./kubectl.js";
import type { PortSet } from "./ports.js";
import type { ProcessSpec } from "./process.js";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

export interface AddonContext {
  readonly stateDir: string;
  readonly ports: PortSet;
  readonly kubeconfig: string;
  /** Environment for a controller that must reach a stand-in through the loopback proxy (Vault, ACME). */
  readonly proxyEnv: Readonly<Record<string, string>>;
}

export function addonRows(ctx: AddonContext): ProcessSpec[] {
  const { ports, kubeconfig, stateDir } = ctx;
  return [
    {
      name: "external-secrets",
      command: toolPath("external-secrets"),
      args: [`--metrics-addr=127.0.0.1:${ports.externalSecretsMetrics}`, "--enable-leader-election=false", "--concurrent=4", "--loglevel=info"],
      env: { KUBECONFIG: kubeconfig, ...ctx.proxyEnv },
      ready: { kind: "http", url: `http://127.0.0.1:${ports.externalSecretsMetrics}/metrics` },
    },
    {
      name: "cert-manager",
      command: toolPath("cert-manager", "cert-manager-controller"),
      args: [
        `--kubeconfig=${kubeconfig}`,
        "--cluster-resource-namespace=cert-manager",
        `--metrics-listen-address=127.0.0.1:${ports.certManagerMetrics}`,
        `--healthz-listen-address=127.0.0.1:${ports.certManagerHealth}`,
      ],
      env: { ...ctx.proxyEnv },
      ready: { kind: "http", url: `http://127.0.0.1:${ports.certManagerHealth}/healthz` },
    },
    {
      name: "metrics-server",
      command: toolPath("metrics-server"),
      args: [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${ports.metricsServer}`,
        `--cert-dir=${join(stateDir, "metrics-server")}`,
        // kwok serves every node's kubelet endpoints on one loopback port, each under the path the node's annotation names.
        "--kubelet-preferred-address-types=InternalIP",
        "--kubelet-use-node-status-port",
        "--kubelet-insecure-tls",
        "--metric-resolution=10s",
        // metrics-server refuses a request timeout above 90% of the resolution; 10s is its floor.
        "--kubelet-request-timeout=5s",
      ],
      ready: { kind: "http", url: `https://127.0.0.1:${ports.metricsServer}/livez` },
    },
  ];
}

/**
 * How the API server reaches an aggregated API served on loopback: the
 * aggregator resolves an ExternalName Service to `<externalName>:<port>`
 * (k8s.io/apiserver/pkg/util/proxy ResolveCluster), so no pod network is needed.
 */
export function aggregatedApi(service: string, group: string, version: string, port: number): KubeObject[] {
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: service, namespace: "kube-system" },
      spec: { type: "ExternalName", externalName: "localhost", ports: [{ name: "https", port, protocol: "TCP" }] },
    },
    {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: `${version}.${group}` },
      spec: {
        group,
        version,
        groupPriorityMinimum: 100,
        versionPriority: 100,
        // The server's certificate is made for this run only.
        insecureSkipTLSVerify: true,
        service: { name: service, namespace: "kube-system", port },
      },
    },
  ];
}

/** Pods metrics the cluster's HPAs scale on (served by the custom metrics stand-in). */
export function podsMetrics(objects: readonly KubeObject[]): string[] {
  const names = new Set<string>();
  for (const o of objects) {
    if (o.kind !== "HorizontalPodAutoscaler") continue;
    for (const m of ((o["spec"] as { metrics?: { type: string; pods?: { metric?: { name?: string } } }[] }).metrics ?? [])) {
      if (m.type === "Pods" && m.pods?.metric?.name) names.add(m.pods.metric.name);
    }
  }
  return [...names].sort();
}

/** The custom metrics stand-in (test/e2e/standins/custom-metrics.ts) as a process row. */
export function customMetricsRow(ctx: AddonContext, serving: { cert: string; key: string }, kubernetes: { server: string; ca: string; cert: string; key: string }, metrics: readonly string[]): ProcessSpec {
  return {
    name: "custom-metrics-stand-in",
    command: process.execPath,
    args: [
      join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"),
      join(REPO_ROOT, "test/e2e/standins/serve-custom-metrics.ts"),
      ...["--port", String(ctx.ports.customMetrics), "--cert-file", serving.cert, "--key-file", serving.key],
      ...["--kubernetes-server", kubernetes.server, "--kubernetes-ca-file", kubernetes.ca, "--kubernetes-client-cert", kubernetes.cert, "--kubernetes-client-key", kubernetes.key],
      ...metrics.flatMap((m) => ["--metric", m]),
    ],
    ready: { kind: "tcp", port: ctx.ports.customMetrics },
  };
}
