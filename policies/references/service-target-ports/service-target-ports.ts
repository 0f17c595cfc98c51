import { Service } from "kubernetes-models/v1/Service";
import { namespaceOf } from "../../availability/workloads.js";
import { componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { fixAt, listOr } from "../fixes.js";
import { type DeclaredPort, type KnownPod, byOrigin, installedOutsideTree, selectedPods } from "../resolve.js";

/** How a pod answers a Service port: a named targetPort by name and protocol, a number by a declared port of that number and protocol. */
function resolves(ports: readonly DeclaredPort[], target: number | string, protocol: string): boolean {
  return ports.some((p) => p.protocol === protocol && (typeof target === "string" ? p.name === target : p.containerPort === target));
}

function portList(ports: readonly DeclaredPort[]): string {
  return listOr(
    ports.map((p) => `${p.name ?? "(unnamed)"} ${p.containerPort}/${p.protocol}`),
    "none",
  );
}

/**
 * Every port of a Service reaches a port its pods declare: a named targetPort
 * is looked up by name and protocol in each pod (endpointslice `FindPort`),
 * and a pod that lacks it is left out of that port's endpoints.
 */
export const serviceTargetPorts: Policy = {
  id: "service-target-ports",
  area: "references",
  severity: "Bug",
  description: "every port of a Service with a selector targets (by name or number, default its `port`) a container port, of the same protocol, declared by every pod it selects",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      const { object } = document;
      if (!Service.is(object) || object.spec?.type === "ExternalName") continue;
      const selector = object.spec?.selector;
      if (selector === undefined || Object.keys(selector).length === 0) continue;
      const namespace = namespaceOf(document.object);
      // Pods a chart installs there are not known; a Service that selects nothing is service-selects-pods' finding.
      if (installedOutsideTree(cluster, namespace).length > 0) continue;
      const groups: KnownPod[][] = byOrigin(selectedPods(cluster, namespace, { matchLabels: selector }));
      (object.spec?.ports ?? []).forEach((port, i) => {
        const explicit = port.targetPort !== undefined;
        const target = port.targetPort ?? port.port;
        const protocol = port.protocol ?? "TCP";
        const lacking = groups.filter((pods) => !resolves((pods[0] as KnownPod).ports, target, protocol));
        if (lacking.length === 0) return;
        const first = lacking[0]?.[0] as KnownPod;
        const all = lacking.length === groups.length;
        const which = all ? "no pod it selects declares" : `the pods of ${lacking.map((g) => g[0]?.origin).join(", ")}, which it selects, do not declare`;
        const how = typeof target === "string" ? `a port named ${JSON.stringify(target)}` : `port ${target}`;
        findings.push({
          document,
          summary: "Service port targets no container port",
          path: `spec.ports[${i}]${explicit ? ".targetPort" : ".port"}`,
          problem:
            `is ${JSON.stringify(target)}${explicit ? "" : " (no targetPort, so the port itself is the target)"}, but ${which} ${how}/${protocol} ` +
            `(${first.origin} declares ${portList(first.ports)}): connections to port ${port.name ?? port.port} ${all ? "are refused" : "never reach those pods"}`,
          fix: fixAt(document, `target one of the container ports the pods declare, by its name`, `\`service.ports\` and the \`ports\` of component ${componentOf(document.object)}`),
        });
      });
    }
    return findings;
  },
};
