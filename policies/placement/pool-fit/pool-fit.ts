import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ClusterProfile } from "../../../generators/fleet/types.js";
import { renderedFrom } from "../../availability/workloads.js";
import { type ApplicationView, applicationsOf, valuesNodes } from "../../argocd/applications.js";
import { componentOf, podTemplates } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { type Misfit, misfit } from "../pools.js";

function problemText(cluster: ClusterTree, found: Misfit): string {
  const is = found.value === undefined ? `keeps the pod off every node pool of cluster ${cluster.name}` : `is ${JSON.stringify(found.value)}, which no node pool of cluster ${cluster.name} matches`;
  const scheduler = found.field === "tolerations" ? "had untolerated taint" : "didn't match Pod's node affinity/selector";
  return `${is} (${found.reasons.join("; ")}), so its pods stay Pending: "0/N nodes are available: ... ${scheduler}"`;
}

function workloadFix(document: RenderedDocument, profile: ClusterProfile): string {
  const source = renderedFrom(document);
  const pools = profile.nodePools.map((p) => p.name).join(", ");
  if (source.startsWith("apps/")) {
    return `set \`nodePool\` of component ${componentOf(document.object)} in ${source} to a pool of cluster ${profile.name} (${pools}), or add the pool to profile ${profile.name} in generators/fleet/clusters.ts; the generators render the pool's nodeSelector and tolerations (generators/render/placement.ts), so run \`npm run generate\` rather than editing the file`;
  }
  return `select and tolerate a pool of cluster ${profile.name} (${pools}) where ${source} renders it, or add the pool to profile ${profile.name} in generators/fleet/clusters.ts`;
}

function valuesFix(app: ApplicationView, profile: ClusterProfile): string {
  return `platform pods run on the profile's default pool ${profile.defaultPool} (generators/platform/placement.ts): undo the hand edit of Application/${app.name} and run \`npm run generate\`, or change \`defaultPool\` and the pools of profile ${profile.name} in generators/fleet/clusters.ts`;
}

/** Helm values that place pods: an object with a nodeSelector, with its tolerations and affinity beside it. */
function placedByValues(node: Readonly<Record<string, unknown>>): IPodSpec | undefined {
  const selector = node["nodeSelector"];
  if (typeof selector !== "object" || selector === null || Array.isArray(selector)) return undefined;
  if (!Object.values(selector).every((v) => typeof v === "string")) return undefined;
  return {
    containers: [],
    nodeSelector: selector as Record<string, string>,
    ...(Array.isArray(node["tolerations"]) ? { tolerations: node["tolerations"] as IPodSpec["tolerations"] } : {}),
    ...(typeof node["affinity"] === "object" && node["affinity"] !== null ? { affinity: node["affinity"] as IPodSpec["affinity"] } : {}),
  };
}

/** A pod no pool of the profile can take never runs: every placement the tree ships must fit some pool. */
export const poolFit: Policy = {
  id: "pool-fit",
  area: "placement",
  severity: "Bug",
  description:
    "every pod template, and every nodeSelector in an Application's Helm values, can be placed on some node pool of the cluster profile: its nodeSelector and required node affinity match the pool's labels (arch included) and its tolerations cover the pool's taints",
  check(cluster: ClusterTree): Finding[] {
    const profile = cluster.profile;
    if (!profile) return [];
    const findings: Finding[] = [];
    for (const template of podTemplates(cluster)) {
      const found = misfit(template.spec, profile);
      if (!found) continue;
      findings.push({
        document: template.document,
        summary: "pod fits no node pool of the cluster",
        path: `${template.path}.${found.field}`,
        problem: problemText(cluster, found),
        fix: workloadFix(template.document, profile),
      });
    }
    for (const app of applicationsOf(cluster)) {
      for (const source of app.sources) {
        for (const { path, node } of valuesNodes(source)) {
          const spec = placedByValues(node);
          const found = spec && misfit(spec, profile);
          if (!found) continue;
          findings.push({
            document: app.document,
            summary: "chart pods fit no node pool of the cluster",
            path: `${path}.${found.field}`,
            problem: problemText(cluster, found),
            fix: valuesFix(app, profile),
          });
        }
      }
    }
    return findings;
  },
};
