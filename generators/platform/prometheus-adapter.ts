import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS } from "../fleet/versions.js";
import { byCodeUnit } from "../order.js";
import { SpecError } from "../spec/validate.js";
import type { PlatformAddon } from "./addon.js";
import { prometheusUrl } from "./kube-prometheus-stack.js";
import { PLATFORM_NAMESPACES } from "./namespaces.js";
import { platformPlacement, resources } from "./placement.js";

export const PROMETHEUS_ADAPTER_ADDON = "prometheus-adapter";

const PER_SECOND = /^([a-z_:][a-z0-9_:]*)_per_second$/;

/**
 * The adapter rule that serves a per-pod `<name>_per_second` metric: the
 * per-second rate of the pods' `<name>_total` counter, which Prometheus
 * scrapes with namespace and pod labels. Any other metric name has no rule.
 */
export function adapterRule(metric: string): Record<string, unknown> | undefined {
  const match = PER_SECOND.exec(metric);
  if (!match) return undefined;
  const counter = `${match[1]}_total`;
  return {
    seriesQuery: `${counter}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
    name: { matches: `^${counter}$`, as: metric },
    metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)",
  };
}

/** prometheus-adapter, serving exactly the per-pod metrics the cluster's HPAs scale on. */
export function prometheusAdapterAddon(
  cluster: ClusterProfile,
  needs: readonly string[],
  metrics: readonly { metric: string; hpa: string; app: string }[],
): PlatformAddon {
  const unknown = metrics.filter((m) => adapterRule(m.metric) === undefined);
  if (unknown.length > 0) {
    throw new SpecError(
      unknown.map((m) => ({
        app: m.app,
        cluster: cluster.name,
        field: `HorizontalPodAutoscaler/${m.hpa} podsMetric.name`,
        value: m.metric,
        problem: "prometheus-adapter has no rule for this metric, so the HPA could never read it",
        fix: "name per-pod rate metrics `<counter>_per_second` after a `<counter>_total` counter the pods export, or add a rule in generators/platform/autoscaling.ts",
      })),
    );
  }
  const names = [...new Set(metrics.map((m) => m.metric))].sort(byCodeUnit);
  const replicas = cluster.platform.replicas;
  return {
    id: PROMETHEUS_ADAPTER_ADDON,
    description: `prometheus-adapter: ${names.join(", ")} for HPAs`,
    namespace: PLATFORM_NAMESPACES.monitoring,
    needs,
    installsCrds: false,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.prometheusAdapter,
      releaseName: PROMETHEUS_ADAPTER_ADDON,
      values: {
        prometheus: prometheusUrl(),
        replicas,
        podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
        rules: { default: false, custom: names.map((n) => adapterRule(n)) },
        resources: resources("50m", "128Mi", { memory: "512Mi" }),
        ...platformPlacement(cluster),
      },
    },
  };
}
