import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { componentOf, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { type ReplicaRange, autoscalers, describeLabels, namespaceOf, replicaRange, replicatedTemplates, selects, templateMetadataPath, renderedFrom } from "../workloads.js";

type Budget = RenderedDocument & { readonly budget: IPodDisruptionBudget };

/** An int-or-percent of `replicas`, rounded up as the disruption controller does. */
function scaled(value: number | string, replicas: number): number {
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value)?.[1];
  return percent === undefined ? Number.NaN : Math.ceil((Number(percent) * replicas) / 100);
}

/** How many pods the budget lets an eviction take when the workload runs `replicas` pods, and which field decides it. */
function allowedDisruptions(budget: IPodDisruptionBudget, replicas: number): { allowed: number; field: string; value: number | string } | undefined {
  const { minAvailable, maxUnavailable } = budget.spec ?? {};
  if (maxUnavailable !== undefined) return { allowed: scaled(maxUnavailable, replicas), field: "spec.maxUnavailable", value: maxUnavailable };
  if (minAvailable !== undefined) return { allowed: replicas - scaled(minAvailable, replicas), field: "spec.minAvailable", value: minAvailable };
  return undefined;
}

function fixIn(document: RenderedDocument): string {
  const source = renderedFrom(document);
  return source.startsWith("apps/")
    ? `the generators render \`maxUnavailable: 1\` for every component of ${source} with more than one replica: run \`npm run generate\` rather than editing the file`
    : `set \`maxUnavailable: 1\` where ${source} renders it`;
}

function pods(range: ReplicaRange): string {
  return range.autoscaler ? `${range.least} to ${range.most} pods (${range.source})` : `${range.least} pods (${range.source})`;
}

/**
 * A node drain or cluster upgrade may evict every replica at once unless a
 * PodDisruptionBudget says how many can go; a budget that lets none go blocks
 * the drain instead.
 */
export const podDisruptionBudget: Policy = {
  id: "pod-disruption-budget",
  area: "availability",
  severity: "Bug",
  description:
    "every workload with more than one replica (or an HPA minimum above one) is covered by exactly one PodDisruptionBudget in its namespace, and that budget lets at least one pod be evicted",
  check(cluster: ClusterTree): Finding[] {
    const hpas = autoscalers(cluster);
    const budgets: Budget[] = cluster.documents.flatMap((d) => (PodDisruptionBudget.is(d.object) ? [{ ...d, budget: d.object as IPodDisruptionBudget }] : []));
    const findings: Finding[] = [];
    for (const template of replicatedTemplates(cluster)) {
      const { document } = template;
      const range = replicaRange(template, hpas);
      if (!range.multiple) continue;
      const labels = template.metadata.labels ?? {};
      const covering = budgets.filter((b) => namespaceOf(b.object) === namespaceOf(document.object) && selects(b.budget.spec?.selector, labels));
      const labelsPath = `${templateMetadataPath(template)}.labels`;
      if (covering.length === 0) {
        findings.push({
          document,
          summary: "multi-replica workload has no PodDisruptionBudget",
          path: labelsPath,
          problem: `are ${describeLabels(labels)}, which no PodDisruptionBudget in namespace ${namespaceOf(document.object)} selects, yet it runs ${pods(range)}: a node drain may evict them all at once`,
          fix: `add a PodDisruptionBudget selecting the pods of component ${componentOf(document.object)}; ${fixIn(document)}`,
        });
        continue;
      }
      if (covering.length > 1) {
        findings.push({
          document,
          summary: "pods are covered by more than one PodDisruptionBudget",
          path: labelsPath,
          problem: `are ${describeLabels(labels)}, selected by ${covering.map((b) => resourceName(b.object)).join(" and ")}; the eviction API refuses to evict a pod with more than one budget, so drains stall`,
          fix: `keep one PodDisruptionBudget for component ${componentOf(document.object)} and narrow or delete the others`,
        });
        continue;
      }
      const [only] = covering as [Budget];
      const decided = allowedDisruptions(only.budget, range.least);
      if (decided === undefined) {
        findings.push({
          document: only,
          summary: "PodDisruptionBudget sets no budget",
          path: "spec",
          problem: `sets neither minAvailable nor maxUnavailable, so it keeps no pod of ${resourceName(document.object)} running: a drain may evict all ${range.least} at once`,
          fix: fixIn(only),
        });
      } else if (!(decided.allowed >= 1)) {
        findings.push({
          document: only,
          summary: "PodDisruptionBudget blocks every eviction",
          path: decided.field,
          problem: `is ${JSON.stringify(decided.value)}, which allows ${Number.isNaN(decided.allowed) ? "no valid number of" : Math.max(decided.allowed, 0)} disruption(s) when ${resourceName(document.object)} runs its minimum of ${range.least} pod(s), so node drains and upgrades hang`,
          fix: `allow at least one pod to go (\`maxUnavailable: 1\`, or minAvailable below ${range.least}); ${fixIn(only)}`,
        });
      }
    }
    return findings;
  },
};
