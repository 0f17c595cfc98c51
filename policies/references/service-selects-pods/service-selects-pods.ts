import { Service } from "kubernetes-models/v1/Service";
import { describeLabels, namespaceOf } from "../../availability/workloads.js";
import { componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { fixAt } from "../fixes.js";
import { installedOutsideTree, nearestMiss, selectedPods } from "../resolve.js";

/** A Service with a selector has endpoints only if some pod of its namespace carries every label it names. */
export const serviceSelectsPods: Policy = {
  id: "service-selects-pods",
  area: "references",
  severity: "Bug",
  description: "every Service with a selector selects at least one pod of its namespace (labels its controller adds, such as a StatefulSet's pod name, included)",
  check(cluster: ClusterTree): Finding[] {
    return cluster.documents.flatMap((document): Finding[] => {
      const { object } = document;
      if (!Service.is(object) || object.spec?.type === "ExternalName") return [];
      const selector = object.spec?.selector;
      // No selector: endpoints are managed by hand (or by another controller), nothing to resolve.
      if (selector === undefined || Object.keys(selector).length === 0) return [];
      const namespace = namespaceOf(document.object);
      if (installedOutsideTree(cluster, namespace).length > 0 || selectedPods(cluster, namespace, { matchLabels: selector }).length > 0) return [];
      return [
        {
          document,
          summary: "Service selects no pods",
          path: "spec.selector",
          problem: `is ${describeLabels(selector)}, which no pod in namespace ${namespace} carries (${nearestMiss(cluster, namespace, { matchLabels: selector })}): the Service has no endpoints and every connection to it is refused`,
          fix: fixAt(document, "make the selector name the labels of the pods it serves", `\`service\` of component ${componentOf(document.object)}`),
        },
      ];
    });
  },
};
