import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { describeSelector, namespaceOf } from "../../availability/workloads.js";
import { componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { fixAt } from "../fixes.js";
import { installedOutsideTree, nearestMiss, selectedPods } from "../resolve.js";

/** A PodDisruptionBudget protects only the pods its selector selects; one that selects none protects nothing. */
export const budgetSelectsPods: Policy = {
  id: "budget-selects-pods",
  area: "references",
  severity: "Bug",
  description: "every PodDisruptionBudget selects at least one pod of its namespace (an absent selector selects none)",
  check(cluster: ClusterTree): Finding[] {
    return cluster.documents.flatMap((document): Finding[] => {
      const { object } = document;
      if (!PodDisruptionBudget.is(object)) return [];
      const namespace = namespaceOf(document.object);
      const selector = object.spec?.selector;
      if (installedOutsideTree(cluster, namespace).length > 0 || selectedPods(cluster, namespace, selector).length > 0) return [];
      return [
        {
          document,
          summary: "PodDisruptionBudget selects no pods",
          path: "spec.selector",
          problem:
            `${selector === undefined ? "is not set, and a policy/v1 budget without a selector selects no pods" : `is ${describeSelector(selector)}, which no pod in namespace ${namespace} matches (${nearestMiss(cluster, namespace, selector)})`}` +
            `: the budget protects nothing, so a drain may evict every pod of the workload it was meant for at once`,
          fix: fixAt(document, "select the labels of the workload's pod template", `the component ${componentOf(document.object)} (its budget is derived from its labels and \`replicas\`)`),
        },
      ];
    });
  },
};
