import { APPS } from "../../../apps/index.js";
import { PLATFORM } from "../../../generators/fleet/platform.js";
import type { AppSpec, ContainerSpec, PortSpec } from "../../../generators/spec/types.js";
import { containersOf, podTemplates, sourceOf, type PodTemplate } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { appOf, hasLabels, labelText } from "../rules.js";

/** The label the generators put on a Service Prometheus should scrape. */
export const SCRAPE_LABEL = "iot-fleet.io/scrape";

/** Port names that say "metrics" by convention (`metrics`, `http-metrics`, `<x>-metrics`). */
export function isMetricsPortName(name: string | undefined): boolean {
  return name !== undefined && /^(?:[a-z0-9]+-)*metrics$/.test(name);
}

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Does a Kubernetes label selector select these labels? (An empty selector selects everything.) */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const have = labels ?? {};
  if (!hasLabels(have, selector?.matchLabels ?? {})) return false;
  return (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In":
        return key in have && values.includes(have[key] as string);
      case "NotIn":
        return !(key in have) || !values.includes(have[key] as string);
      case "Exists":
        return key in have;
      case "DoesNotExist":
        return !(key in have);
      default:
        return false;
    }
  });
}

interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
}

/** A ServiceMonitor endpoint: the Service port it scrapes by name, or (deprecated) the pod port. */
export interface Endpoint {
  readonly port?: string;
  readonly targetPort?: number | string;
}

/** The part of a ServiceMonitor's spec that says what it scrapes. */
export interface MonitorSpec {
  readonly selector?: LabelSelector;
  readonly namespaceSelector?: { readonly any?: boolean; readonly matchNames?: readonly string[] };
  readonly endpoints?: readonly Endpoint[];
}

interface ServiceSpec {
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports?: readonly ServicePort[];
}

const specOf = <T>(document: RenderedDocument): T => ((document.object as { spec?: T }).spec ?? {}) as T;

/** Does the ServiceMonitor look in the Service's namespace and select its labels? */
export function monitorSelects(monitor: RenderedDocument, service: RenderedDocument): boolean {
  const spec = specOf<MonitorSpec>(monitor);
  const namespace = service.object.metadata.namespace;
  const names = spec.namespaceSelector?.matchNames ?? [];
  const inNamespace = spec.namespaceSelector?.any === true || (names.length > 0 ? names.includes(namespace ?? "") : monitor.object.metadata.namespace === namespace);
  return inNamespace && selectorMatches(spec.selector, service.object.metadata.labels);
}

/** Does one of the endpoints scrape this Service port (by its name, or by the pod port it targets)? */
function endpointScrapes(endpoints: readonly Endpoint[], port: ServicePort): boolean {
  return endpoints.some((e) => (e.port !== undefined && e.port === port.name) || (e.targetPort !== undefined && port.targetPort !== undefined && e.targetPort === port.targetPort));
}

/** The ServiceMonitors of the cluster that scrape a given port of a Service. */
function scrapedBy(monitors: readonly RenderedDocument[], service: RenderedDocument, port: ServicePort): RenderedDocument[] {
  return monitors.filter((m) => monitorSelects(m, service) && endpointScrapes(specOf<MonitorSpec>(m).endpoints ?? [], port));
}

/** The metrics ports an app spec declares, per component, for this cluster. */
function declaredMetrics(cluster: ClusterTree, app: string): Map<string, PortSpec[]> {
  const definition = APPS.find((a) => a.name === app);
  const profile = cluster.profile;
  const out = new Map<string, PortSpec[]>();
  if (definition === undefined || profile === undefined || !profile.apps.includes(app)) return out;
  let spec: AppSpec;
  try {
    spec = definition.spec({ tier: profile.tier, cluster: profile.name, domain: profile.domain });
  } catch {
    return out;
  }
  for (const component of spec.components) {
    if (component.kind !== "Deployment" && component.kind !== "StatefulSet") continue;
    const containers: readonly ContainerSpec[] = [component, ...(component.sidecars ?? [])];
    const ports = containers.flatMap((c) => c.ports ?? []).filter((p) => p.metrics === true);
    if (ports.length > 0) out.set(`${spec.namespace}/${component.name}`, ports);
  }
  return out;
}

/** Services in the pod's namespace that select the pod and expose the named container port. */
function servicesExposing(services: readonly RenderedDocument[], template: PodTemplate, port: PortSpec): { service: RenderedDocument; port: ServicePort; index: number }[] {
  const namespace = template.document.object.metadata.namespace;
  return services.flatMap((service) => {
    const spec = specOf<ServiceSpec>(service);
    if (service.object.metadata.namespace !== namespace || !spec.selector || Object.keys(spec.selector).length === 0) return [];
    if (!hasLabels(template.metadata.labels, spec.selector)) return [];
    return (spec.ports ?? []).flatMap((p, index) => ((p.targetPort ?? p.port) === port.name || (p.targetPort ?? p.port) === port.containerPort ? [{ service, port: p, index }] : []));
  });
}

/**
 * Every metrics port of every app is scraped: a Service port named like
 * `metrics`, every Service labelled for scraping, and every pod port the app
 * spec marks `metrics` is named by an endpoint of a ServiceMonitor that selects
 * the Service; and every ServiceMonitor is one Prometheus selects.
 */
export const serviceMonitorCoverage: Policy = {
  id: "service-monitor-coverage",
  area: "alerts",
  severity: "Bug",
  description: "every app metrics port (named metrics/http-metrics, on a Service labelled for scraping, or marked `metrics` in the app spec) is scraped by a ServiceMonitor that Prometheus selects",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    const monitors = cluster.documents.filter((d) => d.object.kind === "ServiceMonitor" && d.object.apiVersion.startsWith("monitoring.coreos.com/"));
    const services = cluster.documents.filter((d) => d.object.kind === "Service" && d.object.apiVersion === "v1");
    const selector = PLATFORM.prometheusSelector;

    for (const monitor of monitors) {
      const labels = monitor.object.metadata.labels;
      const [key, value] = Object.entries(selector).find(([k, v]) => labels?.[k] !== v) ?? [];
      if (key !== undefined) {
        findings.push({
          document: monitor,
          summary: "ServiceMonitor is not selected by Prometheus",
          path: `metadata.labels.${key}`,
          problem: `is ${labels?.[key] === undefined ? "not set" : JSON.stringify(labels[key])}; Prometheus only reads ServiceMonitors labelled ${labelText(selector)}, so nothing it lists is scraped`,
          fix: `label it \`${key}: ${value}\` (the generator does, from generators/fleet/platform.ts); run \`npm run generate\``,
        });
      }
      // That each endpoint names a port of a Service the monitor selects is references/service-monitor-targets.
    }

    const reported = new Set<string>();
    const report = (service: RenderedDocument, index: number, finding: Finding): void => {
      const key = `${service.file}#${service.index}:${index}`;
      if (reported.has(key)) return;
      reported.add(key);
      findings.push(finding);
    };
    const unscraped = (service: RenderedDocument, port: ServicePort, index: number, why: string, fix: string): Finding => ({
      document: service,
      summary: "metrics port is not scraped",
      path: `spec.ports[${index}]`,
      problem: `(${port.name ?? port.port}) ${why}, but no ServiceMonitor that selects this Service names it in its endpoints`,
      fix,
    });

    // Services of apps: ports named metrics, and Services labelled for scraping.
    const appServices = services.filter((s) => appOf(cluster, s) !== undefined);
    for (const service of appServices) {
      const ports = specOf<ServiceSpec>(service).ports ?? [];
      ports.forEach((port, index) => {
        if (isMetricsPortName(port.name) && scrapedBy(monitors, service, port).length === 0) {
          const fix = `mark the port \`metrics: true\` in ${sourceOf(service)} (which renders a ServiceMonitor for it), or rename it if it serves no metrics; run \`npm run generate\``;
          report(service, index, unscraped(service, port, index, "is named as a metrics port", fix));
        }
      });
      if (service.object.metadata.labels?.[SCRAPE_LABEL] === "true" && !ports.some((p) => scrapedBy(monitors, service, p).length > 0)) {
        findings.push({
          document: service,
          summary: "Service labelled for scraping is not scraped",
          path: `metadata.labels.${SCRAPE_LABEL}`,
          problem: `is "true", but no ServiceMonitor that selects this Service names any of its ports (${ports.map((p) => p.name ?? p.port).join(", ")})`,
          fix: `mark the metrics port \`metrics: true\` in ${sourceOf(service)} so a ServiceMonitor is rendered for it, or drop the label; run \`npm run generate\``,
        });
      }
    }

    // Pod ports the app spec marks `metrics: true`: exposed on a Service, and scraped there.
    const apps = [...new Set(cluster.documents.map((d) => appOf(cluster, d)).filter((a): a is string => a !== undefined))];
    const templates = podTemplates(cluster);
    for (const app of apps) {
      for (const [key, ports] of declaredMetrics(cluster, app)) {
        const [namespace, component] = key.split("/") as [string, string];
        const template = templates.find((t) => t.document.object.metadata.namespace === namespace && t.document.object.metadata.name === component && ["Deployment", "StatefulSet"].includes(t.document.object.kind));
        if (template === undefined) continue;
        for (const port of ports) {
          const exposing = servicesExposing(services, template, port);
          if (exposing.length === 0) {
            const at = containersOf(template).flatMap((c) => (c.container.ports ?? []).map((p, j) => ({ p, path: `${c.path}.ports[${j}]` }))).find((x) => x.p.name === port.name);
            findings.push({
              document: template.document,
              summary: "metrics port is on no Service",
              path: at?.path ?? `${template.path}.containers`,
              problem: `(${port.name}, ${port.containerPort}) is marked \`metrics\` in apps/${app}, but no Service selecting these pods exposes it, so no ServiceMonitor can scrape it`,
              fix: `expose the port on the component's Service (\`service.ports\`, or a headless Service) in apps/${app} and run \`npm run generate\``,
            });
            continue;
          }
          if (exposing.some((e) => scrapedBy(monitors, e.service, e.port).length > 0)) continue;
          const fix = `apps/${app} already marks the port: run \`npm run generate\` to restore the component's ServiceMonitor and the Service's \`${SCRAPE_LABEL}\` label (the rendered files were edited by hand)`;
          for (const e of exposing) report(e.service, e.index, unscraped(e.service, e.port, e.index, `exposes ${component}'s port ${port.name}, which apps/${app} marks \`metrics\``, fix));
        }
      }
    }
    return findings;
  },
};
