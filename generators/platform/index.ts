// The platform add-ons a cluster needs, decided by what its apps render: an
// ExternalSecret needs external-secrets and the ClusterSecretStore, a
// ServiceMonitor Prometheus, an Ingress the ingress controller and its
// ClusterIssuer, an HPA metrics-server (and prometheus-adapter for per-pod
// metrics), a VPA the VPA. A cluster runs nothing it does not use.
import type { ClusterProfile } from "../fleet/types.js";
import type { KubeObject } from "../render/app.js";
import type { PlatformAddon } from "./addon.js";
import { certManagerAddon, clusterIssuerAddon, CERT_MANAGER_ADDON } from "./cert-manager.js";
import { EXTERNAL_SECRETS_ADDON, externalSecretsAddon, SECRET_STORE_ADDON, secretStoreAddon } from "./external-secrets.js";
import { GRAFANA_CONFIG_ADDON, grafanaConfigAddon, grafanaExternalSecrets } from "./grafana.js";
import { ingressNginxAddon } from "./ingress-nginx.js";
import { KUBE_PROMETHEUS_STACK_ADDON, kubePrometheusStackAddon } from "./kube-prometheus-stack.js";
import { METRICS_SERVER_ADDON, metricsServerAddon } from "./metrics-server.js";
import { NAMESPACES_ADDON, platformNamespaces } from "./namespaces.js";
import { prometheusAdapterAddon } from "./prometheus-adapter.js";
import { verticalPodAutoscalerAddon } from "./vertical-pod-autoscaler.js";

/** One app's rendered objects, as the platform sees them. */
export interface AppObjects {
  readonly name: string;
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** What the cluster's apps use, read from their rendered objects. */
interface Usage {
  readonly externalSecrets: readonly KubeObject[];
  readonly monitoring: boolean;
  readonly ingress: boolean;
  readonly issuer: boolean;
  readonly resourceMetrics: boolean;
  readonly podsMetrics: readonly { metric: string; hpa: string; app: string }[];
  readonly vpa: boolean;
  readonly vpaActing: boolean;
}

function usage(apps: readonly AppObjects[]): Usage {
  const all = apps.flatMap((a) => a.objects.map((object) => ({ app: a.name, object: object as Json })));
  const of = (kind: string): { app: string; object: Json }[] => all.filter((o) => o.object.kind === kind);
  const hpas = of("HorizontalPodAutoscaler");
  const metrics = (type: string): { app: string; hpa: string; metric: Json }[] =>
    hpas.flatMap((h) => (h.object.spec.metrics ?? []).filter((m: Json) => m.type === type).map((m: Json) => ({ app: h.app, hpa: h.object.metadata.name, metric: m })));
  const vpas = of("VerticalPodAutoscaler");
  return {
    externalSecrets: of("ExternalSecret").map((o) => o.object),
    monitoring: of("ServiceMonitor").length + of("PodMonitor").length + of("PrometheusRule").length > 0,
    ingress: of("Ingress").length > 0,
    issuer: of("Ingress").some((i) => i.object.metadata.annotations?.["cert-manager.io/cluster-issuer"] !== undefined),
    resourceMetrics: metrics("Resource").length > 0,
    podsMetrics: metrics("Pods").map((m) => ({ app: m.app, hpa: m.hpa, metric: m.metric.pods.metric.name as string })),
    vpa: vpas.length > 0,
    vpaActing: vpas.some((v) => (v.object.spec.updatePolicy?.updateMode ?? "Auto") !== "Off"),
  };
}

/** Every add-on the cluster needs, each naming the add-ons it waits for. */
export function platformAddons(cluster: ClusterProfile, apps: readonly AppObjects[]): PlatformAddon[] {
  const used = usage(apps);
  // Per-pod metrics are read from Prometheus, so they need it even without a ServiceMonitor.
  const monitoring = used.monitoring || used.podsMetrics.length > 0;
  const grafana = monitoring && cluster.platform.grafana;
  const secrets = used.externalSecrets.length > 0 || grafana;
  const afterPrometheus = monitoring ? [KUBE_PROMETHEUS_STACK_ADDON] : [];

  const addons: PlatformAddon[] = [];
  if (secrets) {
    addons.push(
      externalSecretsAddon(cluster, [NAMESPACES_ADDON], monitoring),
      secretStoreAddon(cluster, [EXTERNAL_SECRETS_ADDON], [...used.externalSecrets, ...(grafana ? grafanaExternalSecrets(cluster) : [])]),
    );
  }
  if (grafana) addons.push(grafanaConfigAddon(cluster, [NAMESPACES_ADDON, SECRET_STORE_ADDON], apps));
  if (monitoring) addons.push(kubePrometheusStackAddon(cluster, [NAMESPACES_ADDON, ...(grafana ? [GRAFANA_CONFIG_ADDON] : [])]));
  if (used.issuer) {
    addons.push(certManagerAddon(cluster, [NAMESPACES_ADDON, ...afterPrometheus], monitoring), clusterIssuerAddon(cluster, [CERT_MANAGER_ADDON]));
  }
  if (used.ingress) addons.push(ingressNginxAddon(cluster, [NAMESPACES_ADDON, ...afterPrometheus], monitoring));
  if (used.resourceMetrics || used.vpa) addons.push(metricsServerAddon(cluster, []));
  if (used.vpa) addons.push(verticalPodAutoscalerAddon(cluster, [METRICS_SERVER_ADDON], used.vpaActing));
  if (used.podsMetrics.length > 0) addons.push(prometheusAdapterAddon(cluster, [KUBE_PROMETHEUS_STACK_ADDON], used.podsMetrics));
  if (addons.length === 0) return [];

  const namespaces = platformNamespaces(cluster, addons.map((a) => a.namespace));
  if (namespaces.length === 0) return addons.map((a) => ({ ...a, needs: a.needs.filter((n) => n !== NAMESPACES_ADDON) }));
  return [
    {
      id: NAMESPACES_ADDON,
      description: "Namespaces of the platform add-ons, with their Pod Security levels",
      namespace: "kube-system",
      needs: [],
      installsCrds: false,
      source: { kind: "directory", directory: "namespaces", objects: namespaces },
    },
    ...addons,
  ];
}
