import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { describeSelector, namespaceOf } from "../../availability/workloads.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { fixAt } from "../fixes.js";
import { ACME_SOLVER_LABEL, installedOutsideTree, nearestMiss, selectedPods } from "../resolve.js";

/**
 * A NetworkPolicy applies to the pods its podSelector selects; one whose
 * selector names labels no pod of its namespace carries applies to nothing,
 * so the isolation or the opening it was written for never happens. Pods a
 * controller starts itself (cert-manager's ACME solvers) are counted.
 */
export const networkPolicySelectsPods: Policy = {
  id: "network-policy-selects-pods",
  area: "references",
  severity: "Bug",
  description: "every NetworkPolicy with a non-empty podSelector selects at least one pod of its namespace, pods that controllers start (cert-manager's ACME HTTP-01 solvers) included",
  check(cluster: ClusterTree): Finding[] {
    return cluster.documents.flatMap((document): Finding[] => {
      const { object } = document;
      if (!NetworkPolicy.is(object)) return [];
      const selector = object.spec?.podSelector;
      // An empty selector applies to every pod of the namespace, present and future: nothing to resolve.
      if (selector === undefined || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) return [];
      const namespace = namespaceOf(document.object);
      if (installedOutsideTree(cluster, namespace).length > 0 || selectedPods(cluster, namespace, selector).length > 0) return [];
      const solver = selector.matchLabels?.[ACME_SOLVER_LABEL] !== undefined;
      return [
        {
          document,
          summary: "NetworkPolicy selects no pods",
          path: "spec.podSelector",
          problem:
            `is ${describeSelector(selector)}, which no pod in namespace ${namespace} matches (${nearestMiss(cluster, namespace, selector)}): the policy applies to nothing` +
            (solver ? `; cert-manager starts its HTTP-01 solver pods only for a certificate of the namespace that an ACME issuer with an http01 solver signs, and none does here` : ""),
          fix: solver
            ? "the generators render this policy only where the cluster profile's `issuer` is ACME (acmeSolverNetworkPolicy in generators/render/networking.ts): " +
              "run `npm run generate` rather than editing the file; by hand, select the solver's label `acme.cert-manager.io/http01-solver: \"true\"` or delete the policy"
            : fixAt(document, "select the labels of the pods it is meant for", "the component it allows traffic for (its `connects`, `ingresses` and `metrics` ports)"),
        },
      ];
    });
  },
};
