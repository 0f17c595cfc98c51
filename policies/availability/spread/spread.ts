import type { IPodAffinityTerm } from "kubernetes-models/v1/PodAffinityTerm";
import type { ITopologySpreadConstraint } from "kubernetes-models/v1/TopologySpreadConstraint";
import { type PodTemplate, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type LabelSelector, type Labels, type ReplicaRange, autoscalers, describeLabels, describeSelector, namespaceOf, replicaRange, replicatedTemplates, selects, renderedFrom } from "../workloads.js";

/** One node is the failure domain the fleet spreads over: a node drain or crash must not take every replica. */
export const HOSTNAME = "kubernetes.io/hostname";

/** Production clusters: the profile's tier, or the cluster named `prod` when no profile is known. */
export function isProduction(cluster: ClusterTree): boolean {
  return cluster.profile ? cluster.profile.tier === "production" : cluster.name === "prod";
}

/** A spread rule on the hostname key: a topology spread constraint or a pod anti-affinity term, with where it is. */
interface Candidate {
  readonly path: string;
  readonly selector: LabelSelector | undefined;
  /** Whether the term looks at the workload's own namespace. */
  readonly ownNamespace: boolean;
}

function namespaceLabels(cluster: ClusterTree, namespace: string): Labels {
  const object = cluster.documents.find((d) => d.object.kind === "Namespace" && d.object.metadata.name === namespace)?.object;
  return { ...(object?.metadata.labels ?? {}), "kubernetes.io/metadata.name": namespace };
}

function candidates(cluster: ClusterTree, template: PodTemplate): Candidate[] {
  const namespace = namespaceOf(template.document.object);
  const constraints: ITopologySpreadConstraint[] = template.spec.topologySpreadConstraints ?? [];
  const fromConstraints = constraints.flatMap((c, i): Candidate[] =>
    c.topologyKey === HOSTNAME ? [{ path: `${template.path}.topologySpreadConstraints[${i}]`, selector: c.labelSelector, ownNamespace: true }] : [],
  );
  const anti = template.spec.affinity?.podAntiAffinity;
  const term = (t: IPodAffinityTerm, path: string): Candidate[] => {
    if (t.topologyKey !== HOSTNAME) return [];
    const named = t.namespaces ?? [];
    const ownNamespace =
      (named.length === 0 && t.namespaceSelector === undefined) || named.includes(namespace) || selects(t.namespaceSelector, namespaceLabels(cluster, namespace));
    return [{ path, selector: t.labelSelector, ownNamespace }];
  };
  const required = (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((t, i) =>
    term(t, `${template.path}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[${i}]`),
  );
  const preferred = (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((w, i) =>
    term(w.podAffinityTerm, `${template.path}.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm`),
  );
  return [...fromConstraints, ...required, ...preferred];
}

/** "all 3 replicas (spec.replicas = 3)" or "up to 10 replicas (HorizontalPodAutoscaler/x maxReplicas = 10)". */
function howMany(range: ReplicaRange): string {
  return range.autoscaler
    ? `up to ${range.most} replicas (${resourceName(range.autoscaler.document.object)} maxReplicas = ${range.most})`
    : `all ${range.most} replicas (spec.replicas = ${range.most})`;
}

function fixFor(template: PodTemplate): string {
  const source = renderedFrom(template.document);
  const rendered = source.startsWith("apps/")
    ? `; the generators render it for every component of ${source} that may run more than one replica, so run \`npm run generate\` rather than editing the file`
    : "";
  return `give the pod template a topologySpreadConstraint on ${HOSTNAME} (maxSkew 1) whose labelSelector matches its own pod labels${rendered}`;
}

/** In production, replicas on one node are one failure away from an outage: spread them over nodes. */
export const spread: Policy = {
  id: "spread",
  area: "availability",
  severity: "Bug",
  description: `in production clusters, every workload that may run more than one replica spreads its pods over nodes (${HOSTNAME}) by a topology spread constraint or pod anti-affinity that selects its own pods`,
  check(cluster: ClusterTree): Finding[] {
    if (!isProduction(cluster)) return [];
    const hpas = autoscalers(cluster);
    const findings: Finding[] = [];
    for (const template of replicatedTemplates(cluster)) {
      const range = replicaRange(template, hpas);
      if (range.most <= 1) continue;
      const labels = template.metadata.labels ?? {};
      const found = candidates(cluster, template);
      if (found.some((c) => c.ownNamespace && selects(c.selector, labels))) continue;
      const { document } = template;
      const near = found[0];
      findings.push(
        near === undefined
          ? {
              document,
              summary: "replicas are not spread over nodes",
              path: `${template.path}.topologySpreadConstraints`,
              problem: `has no constraint on ${HOSTNAME}, nor has the pod a podAntiAffinity term on it, so ${howMany(range)} may land on one node`,
              fix: fixFor(template),
            }
          : {
              document,
              summary: "spread rule does not select the workload's own pods",
              path: near.ownNamespace ? `${near.path}.labelSelector` : near.path,
              problem: near.ownNamespace
                ? `selects ${describeSelector(near.selector)}, not this workload's pods ${describeLabels(labels)}, so it does not keep ${howMany(range)} apart`
                : `looks only at namespaces other than ${namespaceOf(document.object)}, so it does not keep ${howMany(range)} apart`,
              fix: fixFor(template),
            },
      );
    }
    return findings;
  },
};
