import type { IService } from "kubernetes-models/v1/Service";
import { type MonitorSpec, monitorSelects } from "../../alerts/service-monitor-coverage/service-monitor-coverage.js";
import { type LabelSelector, describeLabels, describeSelector, namespaceOf } from "../../availability/workloads.js";
import { componentOf, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { fixAt, listOr } from "../fixes.js";
import { installedOutsideTree, namespacesOf, selectedPods } from "../resolve.js";

/** The namespaces a ServiceMonitor looks in: every one (`any`), the listed ones, else its own. */
function monitoredNamespaces(cluster: ClusterTree, monitor: RenderedDocument, spec: MonitorSpec): string[] {
  if (spec.namespaceSelector?.any === true) return [...namespacesOf(cluster)];
  const names = spec.namespaceSelector?.matchNames ?? [];
  return names.length > 0 ? [...names] : [namespaceOf(monitor.object)];
}

/** A selected Service's pods declare the port a (deprecated) endpoint targetPort names. */
function podsDeclare(cluster: ClusterTree, service: RenderedDocument, target: number | string): boolean {
  const selector = (service.object as unknown as IService).spec?.selector ?? {};
  return selectedPods(cluster, namespaceOf(service.object), { matchLabels: selector }).some((pod) =>
    pod.ports.some((p) => (typeof target === "string" ? p.name === target : p.containerPort === target)),
  );
}

/**
 * Prometheus scrapes what a ServiceMonitor finds: the Services its selector
 * selects in the namespaces it looks in, on the Service ports its endpoints name.
 */
export const serviceMonitorTargets: Policy = {
  id: "service-monitor-targets",
  area: "references",
  severity: "Bug",
  description: "every ServiceMonitor selects at least one Service in the namespaces it looks in, and each endpoint's port names a port of a Service it selects (a targetPort, a port of their pods)",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    const services = cluster.documents.filter((d) => d.object.kind === "Service" && d.object.apiVersion === "v1");
    for (const monitor of cluster.documents) {
      if (monitor.object.kind !== "ServiceMonitor" || !monitor.object.apiVersion.startsWith("monitoring.coreos.com/")) continue;
      const spec = ((monitor.object as { spec?: MonitorSpec }).spec ?? {}) as MonitorSpec;
      const namespaces = monitoredNamespaces(cluster, monitor, spec);
      // Services a chart installs (kube-prometheus-stack's own, say) are not known: such a monitor is not judged.
      if (namespaces.some((n) => installedOutsideTree(cluster, n).length > 0)) continue;
      const place = `the \`metrics: true\` ports of component ${componentOf(monitor.object)}`;
      const selected = services.filter((s) => monitorSelects(monitor, s));
      if (selected.length === 0) {
        const where = namespaces.length === 1 ? `namespace ${namespaces[0]}` : `namespaces ${listOr(namespaces, "none")}`;
        const there = services.filter((s) => namespaces.includes(namespaceOf(s.object))).map((s) => `${resourceName(s.object)} ${describeLabels(s.object.metadata.labels ?? {})}`);
        findings.push({
          document: monitor,
          summary: "ServiceMonitor selects no Service",
          path: "spec.selector",
          problem: `is ${describeSelector((spec.selector ?? {}) as LabelSelector)}, which no Service in ${where} carries (there: ${listOr(there, "no Services")}): Prometheus scrapes nothing for it and its alerts see no data`,
          fix: fixAt(monitor, "select the labels of the Service that exposes the metrics port", place),
        });
        continue;
      }
      const names = selected.map((s) => `Service/${s.object.metadata.name}`).join(", ");
      (spec.endpoints ?? []).forEach((endpoint, i) => {
        if (endpoint.port !== undefined) {
          const ports = selected.flatMap((s) => (s.object as unknown as IService).spec?.ports ?? []);
          if (ports.some((p) => p.name === endpoint.port)) return;
          findings.push({
            document: monitor,
            summary: "ServiceMonitor endpoint names no port of its Services",
            path: `spec.endpoints[${i}].port`,
            problem: `is ${JSON.stringify(endpoint.port)}, but ${names} ${selected.length === 1 ? "has" : "have"} no port of that name (${listOr([...new Set(ports.map((p) => p.name ?? String(p.port)))], "no ports")}): Prometheus scrapes nothing on this endpoint`,
            fix: fixAt(monitor, "name the Service port that serves the metrics", place),
          });
        } else if (endpoint.targetPort !== undefined) {
          const target = endpoint.targetPort;
          if (selected.some((s) => podsDeclare(cluster, s, target))) return;
          findings.push({
            document: monitor,
            summary: "ServiceMonitor endpoint names no port of its Services' pods",
            path: `spec.endpoints[${i}].targetPort`,
            problem: `is ${JSON.stringify(target)}, but no pod behind ${names} declares that container port: Prometheus scrapes nothing on this endpoint`,
            fix: fixAt(monitor, "name the Service port instead (`port`), or a container port the pods declare", place),
          });
        }
      });
    }
    return findings;
  },
};
