import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import type { KubeObject } from "../render/app.js";
import { byCodeUnit } from "../order.js";
import { plain, platformLabels, type PlatformAddon } from "./addon.js";
import { GRAFANA_ADMIN_SECRET, GRAFANA_DASHBOARD_LABEL } from "./kube-prometheus-stack.js";

export const GRAFANA_CONFIG_ADDON = "grafana-config";

/** What a dashboard is drawn from: an app's rendered objects. */
export interface DashboardInput {
  readonly name: string;
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

function containersOf(objects: readonly KubeObject[]): string[] {
  const names = objects.flatMap((o: Json) => {
    const pod = o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
    return ["Deployment", "StatefulSet", "CronJob", "Job"].includes(o.kind) && pod ? pod.containers.map((c: Json) => c.name as string) : [];
  });
  return [...new Set(names)].sort(byCodeUnit);
}

function workloadsOf(objects: readonly KubeObject[], kind: string): string[] {
  return objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort(byCodeUnit);
}

function panel(id: number, title: string, exprs: readonly { expr: string; legend: string }[], unit: string, x: number, y: number): Json {
  return {
    id,
    type: "timeseries",
    title,
    datasource: DATASOURCE,
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: exprs.map((e, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: e.expr, legendFormat: e.legend })),
  };
}

/**
 * One dashboard per app: firing alerts, ready replicas, CPU, memory, restarts
 * and (where Prometheus scrapes the app) its HTTP request and error rates.
 */
export function appDashboard(app: DashboardInput): Json {
  const ns = app.namespace;
  const containers = containersOf(app.objects).join("|");
  const deployments = workloadsOf(app.objects, "Deployment");
  const statefulSets = workloadsOf(app.objects, "StatefulSet");
  const scraped = app.objects.some((o) => o.kind === "ServiceMonitor");
  const replicas = [
    ...(deployments.length > 0
      ? [{ expr: `kube_deployment_status_replicas_available{namespace="${ns}", deployment=~"${deployments.join("|")}"}`, legend: "{{deployment}}" }]
      : []),
    ...(statefulSets.length > 0
      ? [{ expr: `kube_statefulset_status_replicas_ready{namespace="${ns}", statefulset=~"${statefulSets.join("|")}"}`, legend: "{{statefulset}}" }]
      : []),
  ];
  const panels = [
    panel(1, "Firing alerts", [{ expr: `sum by (alertname) (ALERTS{namespace="${ns}", alertstate="firing"})`, legend: "{{alertname}}" }], "short", 0, 0),
    panel(2, "Ready replicas", replicas, "short", 12, 0),
    panel(3, "CPU (cores)", [{ expr: `sum by (container) (rate(container_cpu_usage_seconds_total{namespace="${ns}", container=~"${containers}"}[5m]))`, legend: "{{container}}" }], "short", 0, 8),
    panel(4, "Memory (working set)", [{ expr: `sum by (container) (container_memory_working_set_bytes{namespace="${ns}", container=~"${containers}"})`, legend: "{{container}}" }], "bytes", 12, 8),
    panel(5, "Container restarts (1h)", [{ expr: `sum by (container) (increase(kube_pod_container_status_restarts_total{namespace="${ns}"}[1h]))`, legend: "{{container}}" }], "short", 0, 16),
    ...(scraped
      ? [
          panel(
            6,
            "HTTP requests per second",
            [
              { expr: `sum by (job) (rate(http_requests_total{namespace="${ns}"}[5m]))`, legend: "{{job}}" },
              { expr: `sum by (job) (rate(http_requests_total{namespace="${ns}", status=~"5.."}[5m]))`, legend: "{{job}} 5xx" },
            ],
            "reqps",
            12,
            16,
          ),
        ]
      : []),
  ];
  return {
    uid: app.name,
    title: app.name,
    tags: ["iot-fleet", app.name],
    timezone: "utc",
    schemaVersion: 39,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    editable: false,
    panels,
  };
}

function dashboardConfigMap(app: DashboardInput): KubeObject {
  return plain(
    new ConfigMap({
      metadata: {
        name: `grafana-dashboard-${app.name}`,
        namespace: PLATFORM.monitoringNamespace,
        labels: { ...platformLabels(GRAFANA_CONFIG_ADDON), [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
      },
      data: { [`${app.name}.json`]: `${JSON.stringify(appDashboard(app), null, 2)}\n` },
    }),
  );
}

/** Where the admin credentials live in the cluster's secret store. */
export function platformRemoteKey(cluster: ClusterProfile, secret: string): string {
  return `iot-fleet/${cluster.name}/platform/${secret}`;
}

function grafanaAdmin(cluster: ClusterProfile): KubeObject {
  const keys = [GRAFANA_ADMIN_SECRET.passwordKey, GRAFANA_ADMIN_SECRET.userKey];
  return plain(
    new ExternalSecret({
      metadata: {
        name: GRAFANA_ADMIN_SECRET.name,
        namespace: PLATFORM.monitoringNamespace,
        labels: platformLabels(GRAFANA_CONFIG_ADDON),
        annotations: {
          [`iot-fleet.io/key.${GRAFANA_ADMIN_SECRET.passwordKey}`]: "password of Grafana's admin user",
          [`iot-fleet.io/key.${GRAFANA_ADMIN_SECRET.userKey}`]: "name of Grafana's admin user",
        },
      },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { kind: "ClusterSecretStore", name: cluster.secretStore },
        target: { name: GRAFANA_ADMIN_SECRET.name, creationPolicy: "Owner", deletionPolicy: "Retain" },
        data: keys.map((key) => ({ secretKey: key, remoteRef: { key: platformRemoteKey(cluster, GRAFANA_ADMIN_SECRET.name), property: key } })),
      },
    }),
  );
}

/** What Grafana needs before it starts: its admin credentials, and one dashboard per app. */
export function grafanaConfigAddon(cluster: ClusterProfile, needs: readonly string[], apps: readonly DashboardInput[]): PlatformAddon {
  return {
    id: GRAFANA_CONFIG_ADDON,
    description: "Grafana's admin credentials (ExternalSecret) and one dashboard per app",
    namespace: PLATFORM.monitoringNamespace,
    needs,
    installsCrds: false,
    source: {
      kind: "directory",
      directory: "grafana",
      objects: [grafanaAdmin(cluster), ...[...apps].sort((a, b) => byCodeUnit(a.name, b.name)).map(dashboardConfigMap)],
    },
  };
}

/** The ExternalSecrets the grafana-config add-on renders (for the secret store's namespaces and fake data). */
export function grafanaExternalSecrets(cluster: ClusterProfile): KubeObject[] {
  return [grafanaAdmin(cluster)];
}
