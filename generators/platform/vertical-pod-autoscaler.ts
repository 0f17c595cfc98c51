import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS, VPA_IMAGE_TAG } from "../fleet/versions.js";
import type { PlatformAddon } from "./addon.js";
import { PLATFORM_NAMESPACES } from "./namespaces.js";
import { platformPlacement, resources } from "./placement.js";

export const VPA_ADDON = "vertical-pod-autoscaler";

/**
 * The VPA. Every VerticalPodAutoscaler in `Off` mode only needs the
 * recommender; the updater and admission controller (which evict and resize
 * pods) run only when some VPA acts on its recommendations.
 */
export function verticalPodAutoscalerAddon(cluster: ClusterProfile, needs: readonly string[], acting: boolean): PlatformAddon {
  const replicas = cluster.platform.replicas;
  const placement = platformPlacement(cluster);
  const component = (enabled: boolean): Record<string, unknown> => ({
    enabled,
    replicas,
    image: { tag: VPA_IMAGE_TAG },
    podDisruptionBudget: { enabled: enabled && replicas > 1 },
    resources: resources("50m", "128Mi", { memory: "512Mi" }),
    ...placement,
  });
  return {
    id: VPA_ADDON,
    description: acting ? "Vertical Pod Autoscaler (recommender, updater, admission controller)" : "Vertical Pod Autoscaler (recommender only)",
    namespace: PLATFORM_NAMESPACES.system,
    needs,
    installsCrds: true,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.verticalPodAutoscaler,
      releaseName: VPA_ADDON,
      values: {
        crds: { enabled: true },
        recommender: component(true),
        updater: component(acting),
        admissionController: component(acting),
      },
    },
  };
}
