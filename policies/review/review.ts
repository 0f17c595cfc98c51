// A review of two rendered fleets: per cluster, the changed objects with their
// risks, risky changes first; and, when asked, every allowed flow of the
// namespaces the change touches, new ones marked.
import { byCodeUnit } from "../../generators/order.js";
import { clusterOf, parseDocuments } from "../lib/load.js";
import type { ClusterTree } from "../lib/types.js";
import { type ObjectChange, diffRenders } from "./changes.js";
import { compareFlows, flowGraph, type NewFlow, openedFlows } from "./flows.js";
import type { RenderedTree } from "./render.js";
import { CATEGORIES, objectRisks, rankOf, reachabilityRisk, type Risk } from "./risk.js";

export interface ReviewedChange extends ObjectChange {
  readonly risks: readonly Risk[];
}

export interface ClusterReview {
  readonly cluster: string;
  /** Risky changes first (most serious risk first), then the rest; each group by kind, namespace and name. */
  readonly changes: readonly ReviewedChange[];
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly risky: number;
  /** Namespaces of the changed objects (and changed Namespace objects themselves). */
  readonly namespaces: readonly string[];
  /** With `graph`: every allowed flow with an end in a touched namespace, address pieces merged; `added` marks what is new. */
  readonly graph?: readonly NewFlow[];
}

export interface ReviewOptions {
  /** Compute the flow graph of the touched namespaces (the job summary draws it). */
  readonly graph?: boolean;
}

/** Kinds whose change can change who reaches whom: policies, namespace labels, pod labels and ports. */
const NETWORK_KINDS = new Set(["NetworkPolicy", "Namespace", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

function clusterTree(tree: RenderedTree, cluster: string): ClusterTree {
  const documents = [...tree].filter(([path]) => path.startsWith(`${cluster}/`)).flatMap(([path, text]) => parseDocuments(`clusters/${path}`, text));
  return clusterOf(cluster, documents, `clusters/${cluster}`);
}

function namespaceOf(c: ObjectChange): string | undefined {
  return c.kind === "Namespace" ? c.name : c.namespace;
}

/**
 * Hands each opened flow to the change that opened it: a NetworkPolicy change
 * in a namespace at either end, else another network-relevant change there,
 * else any NetworkPolicy change of the cluster.
 */
function attributeFlows(changes: readonly ObjectChange[], opened: readonly NewFlow[]): Map<ObjectChange, NewFlow[]> {
  const out = new Map<ObjectChange, NewFlow[]>();
  const relevant = changes.filter((c) => NETWORK_KINDS.has(c.kind));
  for (const flow of opened) {
    const ends = new Set([flow.from.namespace, flow.to.namespace].filter((n): n is string => n !== undefined));
    const near = relevant.filter((c) => ends.has(namespaceOf(c) ?? ""));
    const policies = near.filter((c) => c.kind === "NetworkPolicy");
    const owners = policies.length > 0 ? policies : near.length > 0 ? near : relevant.filter((c) => c.kind === "NetworkPolicy").slice(0, 1);
    for (const owner of owners.length > 0 ? owners : relevant.slice(0, 1)) {
      const list = out.get(owner) ?? [];
      list.push(flow);
      out.set(owner, list);
    }
  }
  return out;
}

function order(a: ReviewedChange, b: ReviewedChange): number {
  return rankOf(a.risks) - rankOf(b.risks) || byCodeUnit(a.kind, b.kind) || byCodeUnit(a.namespace ?? "", b.namespace ?? "") || byCodeUnit(a.name, b.name);
}

/** Reviews every cluster that changed between the two renders. */
export function review(base: RenderedTree, head: RenderedTree, options: ReviewOptions = {}): ClusterReview[] {
  return diffRenders(base, head)
    .filter((c) => c.changes.length > 0)
    .map(({ cluster, changes }): ClusterReview => {
      const namespaces = [...new Set(changes.map(namespaceOf).filter((n): n is string => n !== undefined))].sort(byCodeUnit);
      const networkChanged = changes.some((c) => NETWORK_KINDS.has(c.kind));
      let flows: NewFlow[] | undefined;
      if (networkChanged || options.graph) {
        const hasBase = [...base.keys()].some((p) => p.startsWith(`${cluster}/`));
        const hasHead = [...head.keys()].some((p) => p.startsWith(`${cluster}/`));
        if (hasHead) flows = compareFlows(hasBase ? clusterTree(base, cluster) : undefined, clusterTree(head, cluster));
      }
      const byChange = networkChanged && flows ? attributeFlows(changes, openedFlows(flows)) : new Map<ObjectChange, NewFlow[]>();
      const reviewed = changes
        .map((c): ReviewedChange => {
          const opened = byChange.get(c);
          const risks = [...objectRisks(c), ...(opened ? [reachabilityRisk(opened)] : [])];
          return { ...c, risks: risks.sort((x, y) => CATEGORIES.indexOf(x.category) - CATEGORIES.indexOf(y.category)) };
        })
        .sort(order);
      const touched = new Set(namespaces);
      const graph = options.graph && flows ? flowGraph(flows.filter((f) => touched.has(f.from.namespace ?? "") || touched.has(f.to.namespace ?? ""))) : undefined;
      return {
        cluster,
        changes: reviewed,
        added: changes.filter((c) => c.action === "added").length,
        changed: changes.filter((c) => c.action === "changed").length,
        removed: changes.filter((c) => c.action === "removed").length,
        risky: reviewed.filter((c) => c.risks.length > 0).length,
        namespaces,
        ...(graph ? { graph } : {}),
      };
    });
}
