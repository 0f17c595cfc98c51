import type { ITopologySpreadConstraint } from "kubernetes-models/v1/TopologySpreadConstraint";
import type { ClusterProfile, NodePool } from "../../../generators/fleet/types.js";
import { mostPerNode } from "../../../generators/render/placement.js";
import { type PodTemplate } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { describePool, fittingPools } from "../../placement/pools.js";
import { eligiblePools } from "../../quotas/node-pools.js";
import { HOSTNAME } from "../spread/spread.js";
import { describeLabels, namespaceOf, renderedFrom, replicatedTemplates, selects } from "../workloads.js";

/** A hostname spread constraint that selects the set's own pods, with where it is. */
interface OwnConstraint {
  readonly path: string;
  readonly constraint: ITopologySpreadConstraint;
}

function ownConstraints(template: PodTemplate): OwnConstraint[] {
  const labels = template.metadata.labels ?? {};
  return (template.spec.topologySpreadConstraints ?? []).flatMap((constraint, i): OwnConstraint[] =>
    constraint.topologyKey === HOSTNAME && selects(constraint.labelSelector, labels) ? [{ path: `${template.path}.topologySpreadConstraints[${i}]`, constraint }] : [],
  );
}

/** Whether a required pod anti-affinity term on hostname keeps the set's own pods apart (one per node). */
function requiredAntiAffinity(template: PodTemplate): string | undefined {
  const labels = template.metadata.labels ?? {};
  const namespace = namespaceOf(template.document.object);
  const terms = template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const i = terms.findIndex(
    (t) => t.topologyKey === HOSTNAME && selects(t.labelSelector, labels) && t.namespaceSelector === undefined && (t.namespaces ?? []).every((n) => n === namespace),
  );
  return i === -1 ? undefined : `${template.path}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[${i}]`;
}

/** The most members a maxSkew spread over `nodes` domains may put on one node: max - min <= skew, and they sum to `members`. */
export function worstPerNode(members: number, nodes: number, maxSkew: number): number {
  return Math.min(members, Math.floor((members + (nodes - 1) * maxSkew) / nodes));
}

/** The pools whose nodes a constraint counts as domains: those matching the pod's node selection, and (nodeTaintsPolicy Honor) whose taints it tolerates. */
function domainPools(template: PodTemplate, constraint: ITopologySpreadConstraint, profile: ClusterProfile): NodePool[] {
  if (constraint.nodeTaintsPolicy === "Honor") return fittingPools(template.spec, profile);
  return eligiblePools({ ...template.spec, tolerations: [{ operator: "Exists" }] }, profile, { strict: true });
}

function generatedFix(template: PodTemplate): string {
  const source = renderedFrom(template.document);
  const spread = `a topologySpreadConstraint on ${HOSTNAME} with maxSkew 1 and whenUnsatisfiable DoNotSchedule whose labelSelector matches the set's own pods`;
  return source.startsWith("apps/")
    ? `give the pod template ${spread}: the generators render it for every StatefulSet with more than one member whose pool has the nodes for it (generators/render/workload.ts), so undo the hand edit and run \`npm run generate\``
    : `give the pod template ${spread} where ${source} renders it`;
}

function judge(template: PodTemplate, profile: ClusterProfile): Finding[] {
  const { document } = template;
  const members = template.replicas;
  const usable = fittingPools(template.spec, profile);
  const nodes = usable.reduce((sum, p) => sum + p.count, 0);
  // A set no pool takes is pool-fit's to report.
  if (nodes === 0) return [];
  const cap = mostPerNode(members);
  const pools = usable.map(describePool).join(", ");
  const keep = members === 2 ? "one of its 2 members" : `a majority (${members - cap} of ${members})`;
  const least = Math.ceil(members / nodes);
  if (least > cap) {
    const needed = Math.ceil(members / cap);
    return [
      {
        document,
        severity: "Warning",
        summary: "replicated set cannot survive the loss of a node on its pool",
        path: "spec.replicas",
        problem: `is ${members}, but its pods can run only on ${pools}: however they spread over ${nodes} node${nodes === 1 ? "" : "s"}, one holds at least ${least} of them, and losing it loses ${members === 2 ? "both copies" : "the majority"}; no spread can prevent that, so a soft one is accepted`,
        fix: `grow the pool to at least ${needed} nodes (\`count\` of the pool in profile ${profile.name}, generators/fleet/clusters.ts), or run fewer members`,
      },
    ];
  }
  const soft: OwnConstraint[] = [];
  const loose: OwnConstraint[] = [];
  for (const own of ownConstraints(template)) {
    const { constraint, path } = own;
    if (constraint.whenUnsatisfiable !== "DoNotSchedule") {
      soft.push(own);
      continue;
    }
    const worst = worstPerNode(members, nodes, constraint.maxSkew);
    if (worst > cap) {
      loose.push(own);
      continue;
    }
    const blocked = domainPools(template, constraint, profile).filter((p) => !usable.includes(p));
    if (blocked.length > 0) {
      return [
        {
          document,
          summary: "hard spread counts nodes its pods cannot use",
          path: `${path}.nodeTaintsPolicy`,
          problem: `is ${constraint.nodeTaintsPolicy === undefined ? "not set (Ignore)" : JSON.stringify(constraint.nodeTaintsPolicy)}, so the constraint counts the nodes of ${blocked.map(describePool).join(", ")} as places to spread to although the pods do not tolerate their taints: with DoNotSchedule, a member waits for a node it can never use and stays Pending`,
          fix: "set `nodeTaintsPolicy: Honor` on the constraint, or select the pool the set runs on with a nodeSelector",
        },
      ];
    }
    return [];
  }
  const anti = requiredAntiAffinity(template);
  if (anti !== undefined) {
    if (nodes >= members) return [];
    return [
      {
        document,
        summary: "required anti-affinity leaves members without a node",
        path: anti,
        problem: `keeps every member on a node of its own, but ${members} members can run only on ${pools}: ${members - nodes} stay Pending`,
        fix: generatedFix(template),
      },
    ];
  }
  const why = `losing one node must leave ${keep}, so no node may hold more than ${cap}; on ${pools} a hard spread with maxSkew 1 holds at most ${least}`;
  const [firstLoose] = loose;
  if (firstLoose) {
    return [
      {
        document,
        summary: "hard spread is too loose to keep the set's majority",
        path: `${firstLoose.path}.maxSkew`,
        problem: `is ${firstLoose.constraint.maxSkew}, which lets ${worstPerNode(members, nodes, firstLoose.constraint.maxSkew)} of ${members} members share a node: ${why}`,
        fix: generatedFix(template),
      },
    ];
  }
  const [firstSoft] = soft;
  if (firstSoft) {
    return [
      {
        document,
        summary: "members of a replicated set are spread softly where the pool allows a hard spread",
        path: `${firstSoft.path}.whenUnsatisfiable`,
        problem: `is ${JSON.stringify(firstSoft.constraint.whenUnsatisfiable ?? "DoNotSchedule")}: under pressure the scheduler may still put more than ${cap} of the ${members} members on one node, and losing it loses ${members === 2 ? "both copies" : "the majority"}; ${why}`,
        fix: generatedFix(template),
      },
    ];
  }
  return [
    {
      document,
      summary: "members of a replicated set are not kept apart",
      path: `${template.path}.topologySpreadConstraints`,
      problem: `has no DoNotSchedule constraint on ${HOSTNAME} selecting the set's pods ${describeLabels(template.metadata.labels ?? {})}, nor has the pod a required anti-affinity on it: ${why}`,
      fix: generatedFix(template),
    },
  ];
}

/** A replicated set survives one node: members are spread so that no node holds enough of them to take the majority with it. */
export const quorumSpread: Policy = {
  id: "quorum-spread",
  area: "availability",
  severity: "Bug",
  description:
    "every StatefulSet with more than one member (Kafka voters, Redis Cluster shards, a primary and its replicas) keeps a majority through the loss of one node: a DoNotSchedule hostname spread (or required anti-affinity) that holds at most that many members per node on the pools it can run on; a Warning where the pool has too few nodes for any spread to do it",
  check(cluster: ClusterTree): Finding[] {
    const profile = cluster.profile;
    if (!profile) return [];
    return replicatedTemplates(cluster)
      .filter((t) => t.document.object.kind === "StatefulSet" && t.replicas > 1)
      .flatMap((t) => judge(t, profile));
  },
};
