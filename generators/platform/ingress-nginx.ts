import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS } from "../fleet/versions.js";
import { INJECTED_CA_BUNDLES, type PlatformAddon } from "./addon.js";
import { platformPlacement, resources } from "./placement.js";

export const INGRESS_NGINX_ADDON = "ingress-nginx";

/**
 * The ingress controller behind the cluster's ingress class. The chart labels
 * its controller pods `app.kubernetes.io/name: ingress-nginx` (no name
 * override here), which is what every app's NetworkPolicy admits.
 */
export function ingressNginxAddon(cluster: ClusterProfile, needs: readonly string[], monitoring: boolean): PlatformAddon {
  const replicas = cluster.platform.replicas;
  const placement = platformPlacement(cluster);
  return {
    id: INGRESS_NGINX_ADDON,
    description: `ingress-nginx: the "${cluster.ingressClass}" ingress class`,
    namespace: PLATFORM.ingressNamespace,
    needs,
    installsCrds: false,
    ignoreDifferences: INJECTED_CA_BUNDLES,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.ingressNginx,
      releaseName: INGRESS_NGINX_ADDON,
      values: {
        controller: {
          replicaCount: replicas,
          minAvailable: 1,
          ingressClass: cluster.ingressClass,
          ingressClassResource: { name: cluster.ingressClass, enabled: true, default: false },
          // Clusters without a cloud load balancer (kind) reach the controller on node ports.
          service: {
            type: cluster.platform.loadBalancers ? "LoadBalancer" : "NodePort",
            externalTrafficPolicy: "Local",
          },
          resources: resources("100m", "128Mi", { memory: "512Mi" }),
          ...placement,
          admissionWebhooks: { patch: { ...placement } },
          metrics: {
            enabled: monitoring,
            serviceMonitor: { enabled: monitoring, additionalLabels: { ...PLATFORM.prometheusSelector } },
          },
        },
        defaultBackend: { enabled: false },
      },
    },
  };
}
