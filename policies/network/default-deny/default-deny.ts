import { Namespace } from "kubernetes-models/v1/Namespace";
import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { buildModel } from "../endpoints.js";
import type { Direction, ParsedPolicy } from "../reachability.js";
import { describeSelector, type LabelSelector } from "../selectors.js";

function selectsAll(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** A policy that selects every pod of its namespace and admits nothing in this direction. */
export function deniesAll(policy: ParsedPolicy, direction: Direction): boolean {
  return selectsAll(policy.podSelector) && policy.types.has(direction) && policy[direction].length === 0;
}

/** Why the namespace's closest candidate is no default deny for a direction, e.g. "kades/default-deny selects only pods with app=x". */
function nearMiss(policies: readonly ParsedPolicy[], direction: Direction): string | undefined {
  const type = direction === "ingress" ? "Ingress" : "Egress";
  for (const p of policies) {
    const name = `NetworkPolicy ${p.namespace}/${p.name}`;
    const rules = p[direction];
    if (!selectsAll(p.podSelector) && p.types.has(direction) && rules.length === 0) {
      return `${name} selects only pods with ${describeSelector(p.podSelector)}`;
    }
    if (selectsAll(p.podSelector) && !p.types.has(direction) && p.ingress.length === 0 && p.egress.length === 0) {
      return `${name} selects every pod but its policyTypes lack ${type}`;
    }
    const open = rules.find((r) => r.peers === undefined && r.ports === undefined);
    if (selectsAll(p.podSelector) && p.types.has(direction) && open) {
      return `${name} has \`${open.path}\`, which admits everything`;
    }
  }
  return undefined;
}

/** Without a default deny, a pod no other policy selects is open in that direction, and so is every pod added later. */
export const defaultDeny: Policy = {
  id: "default-deny",
  area: "network",
  severity: "Bug",
  description: "every namespace with pods has a NetworkPolicy selecting all its pods (`podSelector: {}`) that denies ingress and egress",
  check(cluster: ClusterTree): Finding[] {
    const model = buildModel(cluster);
    const findings: Finding[] = [];
    for (const namespace of model.namespacesWithPods) {
      const policies = model.policies.filter((p) => p.namespace === namespace);
      const missing = (["ingress", "egress"] as const).filter((d) => !policies.some((p) => deniesAll(p, d)));
      if (missing.length === 0) continue;
      const namespaceDoc = cluster.documents.find((d) => Namespace.is(d.object) && d.object.metadata.name === namespace);
      const podDoc = model.pods.find((e) => e.origin === "rendered" && e.namespace === namespace)?.template?.document;
      const document = namespaceDoc ?? podDoc;
      const directions = missing.join(" and ");
      const notes = missing.map((d) => nearMiss(policies, d)).filter((n): n is string => n !== undefined);
      const types = missing.map((d) => (d === "ingress" ? "Ingress" : "Egress")).join(", ");
      findings.push({
        ...(document ? { document } : {}),
        summary: "namespace has no default deny",
        path: namespaceDoc ? "" : "metadata.namespace",
        problem:
          `namespace ${namespace} has pods but no NetworkPolicy that selects all of them (\`podSelector: {}\`) and denies ${directions} ` +
          `(policyTypes ${types} and ${missing.map((d) => `no ${d} rules`).join(", ")}), so a pod no other policy selects is open to every ${missing.map((d) => (d === "ingress" ? "sender" : "destination")).join(" and ")}` +
          (notes.length > 0 ? ` (${[...new Set(notes)].join("; ")})` : ""),
        fix:
          `add a NetworkPolicy \`default-deny\` to namespace ${namespace} with \`podSelector: {}\`, \`policyTypes: [Ingress, Egress]\` and no rules; ` +
          `every app namespace gets it from \`npm run generate\` (${document ? sourceOf(document) : "generators/"}), so regenerate rather than editing the YAML`,
      });
    }
    return findings;
  },
};
