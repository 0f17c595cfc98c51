import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS } from "../fleet/versions.js";
import { INJECTED_CA_BUNDLES, type PlatformAddon } from "./addon.js";
import { platformPlacement, resources } from "./placement.js";

export const KUBE_PROMETHEUS_STACK_ADDON = "kube-prometheus-stack";
/** Object names of the chart start with this (pinned, so the adapter's Prometheus URL is stable). */
const FULLNAME = "kube-prometheus-stack";

/** Where Prometheus answers queries inside the cluster. */
export function prometheusUrl(): { url: string; port: number } {
  return { url: `http://${FULLNAME}-prometheus.${PLATFORM.monitoringNamespace}.svc`, port: 9090 };
}

/** Credentials of Grafana's admin user: an ExternalSecret in the monitoring namespace, never a chart default. */
export const GRAFANA_ADMIN_SECRET = { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" } as const;

/** Where the Grafana sidecar finds dashboards: ConfigMaps in the monitoring namespace with this label. */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/**
 * Prometheus (via the operator), Alertmanager and, where the cluster has it,
 * Grafana. Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules
 * in every namespace by `PLATFORM.prometheusSelector`, the label the app
 * renderers put on theirs; its pods carry `app.kubernetes.io/name: prometheus`
 * (set by the operator), which the apps' NetworkPolicies admit.
 */
export function kubePrometheusStackAddon(cluster: ClusterProfile, needs: readonly string[]): PlatformAddon {
  const { replicas, grafana, prometheusRetention, prometheusStorage } = cluster.platform;
  const placement = platformPlacement(cluster);
  const selector = { matchLabels: { ...PLATFORM.prometheusSelector } };
  const large = replicas > 1;
  return {
    id: KUBE_PROMETHEUS_STACK_ADDON,
    description: "Prometheus, Alertmanager and Grafana (kube-prometheus-stack)",
    namespace: PLATFORM.monitoringNamespace,
    needs,
    installsCrds: true,
    ignoreDifferences: INJECTED_CA_BUNDLES,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.kubePrometheusStack,
      releaseName: KUBE_PROMETHEUS_STACK_ADDON,
      values: {
        fullnameOverride: FULLNAME,
        crds: { enabled: true },
        prometheusOperator: {
          resources: resources("100m", "128Mi"),
          ...placement,
          admissionWebhooks: { patch: { ...placement } },
        },
        prometheus: {
          prometheusSpec: {
            replicas,
            retention: prometheusRetention,
            resources: large ? resources("1", "4Gi", { memory: "8Gi" }) : resources("200m", "1Gi"),
            ...placement,
            serviceMonitorSelector: selector,
            serviceMonitorNamespaceSelector: {},
            podMonitorSelector: selector,
            podMonitorNamespaceSelector: {},
            ruleSelector: selector,
            ruleNamespaceSelector: {},
            ...(prometheusStorage
              ? {
                  storageSpec: {
                    volumeClaimTemplate: {
                      spec: {
                        storageClassName: cluster.storageClasses[prometheusStorage.storageClass],
                        accessModes: ["ReadWriteOnce"],
                        resources: { requests: { storage: prometheusStorage.size } },
                      },
                    },
                  },
                }
              : {}),
          },
        },
        alertmanager: { alertmanagerSpec: { replicas, resources: resources("20m", "64Mi"), ...placement } },
        grafana: grafana
          ? {
              enabled: true,
              admin: {
                existingSecret: GRAFANA_ADMIN_SECRET.name,
                userKey: GRAFANA_ADMIN_SECRET.userKey,
                passwordKey: GRAFANA_ADMIN_SECRET.passwordKey,
              },
              sidecar: {
                dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL.key, labelValue: GRAFANA_DASHBOARD_LABEL.value },
              },
              resources: resources("50m", "128Mi", { memory: "512Mi" }),
              ...placement,
            }
          : { enabled: false },
        "kube-state-metrics": { resources: resources("20m", "64Mi"), ...placement },
        // A DaemonSet on every node; the chart's default tolerations already admit tainted nodes.
        "prometheus-node-exporter": { resources: resources("20m", "32Mi") },
      },
    },
  };
}
