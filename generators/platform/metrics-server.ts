import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS } from "../fleet/versions.js";
import type { PlatformAddon } from "./addon.js";
import { PLATFORM_NAMESPACES } from "./namespaces.js";
import { platformPlacement, resources } from "./placement.js";

export const METRICS_SERVER_ADDON = "metrics-server";

/** metrics-server: the resource metrics API (CPU, memory) HPAs and the VPA recommender read. */
export function metricsServerAddon(cluster: ClusterProfile, needs: readonly string[]): PlatformAddon {
  const replicas = cluster.platform.replicas;
  return {
    id: METRICS_SERVER_ADDON,
    description: "metrics-server: CPU and memory metrics for autoscalers",
    namespace: PLATFORM_NAMESPACES.system,
    needs,
    installsCrds: false,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.metricsServer,
      releaseName: METRICS_SERVER_ADDON,
      values: {
        replicas,
        podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
        // kind's kubelets serve self-signed certificates.
        args: cluster.platform.kubeletInsecureTLS ? ["--kubelet-insecure-tls"] : [],
        resources: resources("50m", "64Mi", { memory: "256Mi" }),
        ...platformPlacement(cluster),
      },
    },
  };
}
