import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PLATFORM } from "../fleet/platform.js";
import type { Repository } from "../fleet/types.js";
import type { ServiceWorkloadSpec } from "../spec/types.js";
import { type AppContext, meta, selectorLabels } from "./context.js";
import { allPorts, SCRAPE_LABEL, scrapedService } from "./networking.js";

function withSelector(ctx: AppContext, name: string, workload?: ServiceWorkloadSpec): ReturnType<typeof meta> {
  const base = meta(ctx, name, workload);
  return { ...base, labels: { ...base.labels, ...PLATFORM.prometheusSelector } };
}

/** Scrapes the component's metrics ports through its client Service. */
export function serviceMonitor(ctx: AppContext, workload: ServiceWorkloadSpec): ServiceMonitor | undefined {
  if (!scrapedService(workload)) return undefined;
  const metrics = allPorts(workload).filter((p) => p.metrics);
  return new ServiceMonitor({
    metadata: withSelector(ctx, workload.name, workload),
    spec: {
      namespaceSelector: { matchNames: [ctx.app.namespace] },
      selector: { matchLabels: { ...selectorLabels(ctx, workload.name), [SCRAPE_LABEL]: "true" } },
      endpoints: metrics.map((p) => ({
        port: p.name,
        path: p.metricsPath ?? "/metrics",
        interval: p.metricsInterval ?? "30s",
        scheme: "http",
      })),
    },
  });
}

/** Where an alert's runbook lives: a section of the app's generated runbook, at the revision the cluster runs. */
export function runbookUrl(repository: Repository, app: string, alert: string): string {
  const web = repository.url.replace(/\.git$/, "");
  return `${web}/blob/${repository.targetRevision}/docs/runbooks/${app}.md#${alert.toLowerCase()}`;
}

export function prometheusRule(ctx: AppContext): PrometheusRule | undefined {
  if (ctx.app.alerts.length === 0) return undefined;
  return new PrometheusRule({
    metadata: withSelector(ctx, `${ctx.app.name}-alerts`),
    spec: {
      groups: [
        {
          name: ctx.app.name,
          rules: ctx.app.alerts.map((a) => ({
            alert: a.alert,
            expr: a.expr,
            for: a.for,
            labels: { severity: a.severity, app: ctx.app.name },
            annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(ctx.cluster.repository, ctx.app.name, a.alert) },
          })),
        },
      ],
    },
  });
}
