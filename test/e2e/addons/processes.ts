/**
 * The platform add-ons' controllers as process rows against the e2e API
 * server: their Helm charts cannot be fetched here, so each controller runs
 * out of cluster with the flags its chart would give it, bound to 127.0.0.1.
 * No webhooks run: nothing registers one (no chart applies a
 * ValidatingWebhookConfiguration or a conversion webhook), so neither
 * external-secrets' webhook and cert-controller nor cert-manager's webhook
 * and cainjector are needed.
 *
 * Every flag here is one the built binary accepts: `smoke.ts` checks each
 * against the binary's `--help` before it starts anything.
 */
import { toolPath } from "../tools/catalog.js";
import type { ProcessSpec } from "../harness/process.js";
import { metricsServerCertPaths } from "./serving-cert.js";

export interface AddonPorts {
  readonly externalSecretsMetrics: number;
  /** Reserved: external-secrets v1.x serves /healthz on `--live-addr`; the controller built here (v0.16.2) has no such endpoint. */
  readonly externalSecretsHealth: number;
  readonly certManagerMetrics: number;
  readonly certManagerHealth: number;
  readonly metricsServer: number;
}

export interface AddonContext {
  /** cluster-admin kubeconfig (client certificate) of the e2e API server. */
  readonly kubeconfig: string;
  readonly stateDir: string;
  readonly ports: AddonPorts;
  /**
   * CA of the certificate kwok serves its emulated kubelet endpoints with
   * (the control plane's CA when kwok serves the API server's certificate).
   * @default undefined: metrics-server skips kubelet TLS verification, as kwokctl does
   */
  readonly kubeletCaFile?: string;
  /**
   * Extra environment for the controllers that call out (external-secrets to
   * a secret store, cert-manager to an ACME server): the loopback proxy's.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** metrics-server scrapes at this resolution (the chart's and kwokctl's); node metrics appear after two scrapes. */
export const METRICS_RESOLUTION_SECONDS = 15;

const loopback = (port: number): string => `127.0.0.1:${port}`;

export function externalSecretsProcess(ctx: AddonContext): ProcessSpec {
  return {
    name: "external-secrets",
    command: toolPath("external-secrets"),
    args: [
      // Only the controller manager: the `webhook` and `certcontroller` subcommands are what the chart adds for webhooks.
      `--metrics-addr=${loopback(ctx.ports.externalSecretsMetrics)}`,
      "--enable-leader-election=false",
      // The chart's defaults, spelled out: cluster stores and cluster external secrets are what the fleet uses.
      "--enable-cluster-store-reconciler=true",
      "--enable-cluster-external-secret-reconciler=true",
      "--concurrent=4",
      "--loglevel=info",
      "--zap-time-encoding=iso8601",
    ],
    // controller-runtime reads the kubeconfig from the environment (the root command has no --kubeconfig flag).
    env: { ...ctx.env, KUBECONFIG: ctx.kubeconfig },
    // No health endpoint in this release: the metrics listener answers once the manager runs.
    ready: { kind: "http", url: `http://${loopback(ctx.ports.externalSecretsMetrics)}/metrics` },
  };
}

export function certManagerProcess(ctx: AddonContext): ProcessSpec {
  return {
    name: "cert-manager",
    command: toolPath("cert-manager", "cert-manager-controller"),
    args: [
      `--kubeconfig=${ctx.kubeconfig}`,
      // No --leader-elect flag: the wrapper built from the root module (tools/cert-manager/main.go) runs no leader election.
      // A ClusterIssuer's Secrets (a CA issuer's key pair, an ACME account key) live here, as with the chart.
      "--cluster-resource-namespace=cert-manager",
      // The default set includes what a selfsigned ClusterIssuer needs: the approver, the selfsigned
      // CertificateRequest issuer, the certificates-* pipeline that writes the Secret, and ingress-shim for
      // the fleet's `cert-manager.io/cluster-issuer` Ingress annotations.
      "--controllers=*",
      `--metrics-listen-address=${loopback(ctx.ports.certManagerMetrics)}`,
      `--healthz-listen-address=${loopback(ctx.ports.certManagerHealth)}`,
      "--v=2",
    ],
    env: { ...ctx.env },
    // 200 once the informer caches have synced and the controllers run.
    ready: { kind: "http", url: `http://${loopback(ctx.ports.certManagerHealth)}/healthz` },
  };
}

export function metricsServerProcess(ctx: AddonContext): ProcessSpec {
  const tls = metricsServerCertPaths(ctx.stateDir);
  return {
    name: "metrics-server",
    command: toolPath("metrics-server"),
    args: [
      `--kubeconfig=${ctx.kubeconfig}`,
      `--authentication-kubeconfig=${ctx.kubeconfig}`,
      `--authorization-kubeconfig=${ctx.kubeconfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${ctx.ports.metricsServer}`,
      // Made by createMetricsServerCert(): names metrics-server.kube-system.svc, so the APIService can carry a caBundle.
      `--tls-cert-file=${tls.cert}`,
      `--tls-private-key-file=${tls.key}`,
      // kwok sets every node's InternalIP to its --node-ip (127.0.0.1) and daemonEndpoints.kubeletEndpoint.Port to its
      // --node-port; the node annotation metrics.k8s.io/resource-metrics-path points at /metrics/nodes/<node>/metrics/resource.
      // InternalIP only (the chart adds ExternalIP,Hostname): a node without one fails loudly instead of a DNS lookup of its name.
      "--kubelet-preferred-address-types=InternalIP",
      "--kubelet-use-node-status-port",
      ...(ctx.kubeletCaFile ? [`--kubelet-certificate-authority=${ctx.kubeletCaFile}`] : ["--kubelet-insecure-tls"]),
      `--metric-resolution=${METRICS_RESOLUTION_SECONDS}s`,
    ],
    env: {},
    // /livez: serving, informers synced. Not /readyz: its metric-storage-ready check needs two scrapes with
    // non-zero usage, and a kwok node without pods reports 0 CPU and 0 memory, which metrics-server drops
    // (pkg/scraper/client/resource/decode.go decodeBatch), so it fails until workloads run on the nodes.
    ready: { kind: "http", url: `https://${loopback(ctx.ports.metricsServer)}/livez`, ca: tls.ca },
  };
}

/**
 * The three controllers, in start order. Before starting metrics-server:
 * `createMetricsServerCert(stateDir)`; after it: apply `metricsApiObjects()`
 * (with `caBundleOf()` of that certificate). Node metrics appear two scrapes
 * after a pod runs on a node.
 */
export function addonProcesses(ctx: AddonContext): ProcessSpec[] {
  return [externalSecretsProcess(ctx), certManagerProcess(ctx), metricsServerProcess(ctx)];
}
