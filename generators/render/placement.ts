import type { IToleration } from "kubernetes-models/v1";
import type { NodePool } from "../fleet/types.js";
import type { WorkloadSpec } from "../spec/types.js";
import type { AppContext } from "./context.js";

/** The node pool a component lands on: the one it names if the cluster has it, else the default pool. */
export function nodePoolFor(ctx: AppContext, workload: WorkloadSpec): NodePool {
  const pools = ctx.cluster.nodePools;
  const wanted = pools.find((p) => p.name === workload.nodePool);
  const pool = wanted ?? pools.find((p) => p.name === ctx.cluster.defaultPool);
  if (!pool) throw new Error(`cluster ${ctx.cluster.name}: default node pool "${ctx.cluster.defaultPool}" is not defined`);
  return pool;
}

/** nodeSelector and tolerations that put the pod on its pool and nowhere else. */
export function placement(
  ctx: AppContext,
  workload: WorkloadSpec,
): { nodeSelector: Record<string, string>; tolerations?: IToleration[] } {
  const pool = nodePoolFor(ctx, workload);
  const tolerations = (pool.taints ?? []).map((t) => ({
    key: t.key,
    operator: "Equal" as const,
    value: t.value,
    effect: t.effect,
  }));
  return {
    nodeSelector: { ...pool.selector, "kubernetes.io/arch": pool.arch },
    ...(tolerations.length > 0 ? { tolerations } : {}),
  };
}

/**
 * The most members of a replicated set (a StatefulSet's pods: Kafka voters,
 * Redis Cluster shards, a primary and its replicas) one node may hold so that
 * losing that node leaves a majority of them; a set of two keeps one copy.
 */
export function mostPerNode(members: number): number {
  return members <= 2 ? 1 : Math.ceil(members / 2) - 1;
}

/**
 * Whether a hard spread (maxSkew 1, DoNotSchedule) over `nodes` nodes keeps a
 * majority of `members` through the loss of any one node: such a spread puts at
 * most ceil(members / nodes) on a node. On fewer nodes nothing can, and a hard
 * rule would only add scheduling failures, so the spread stays soft there.
 */
export function spreadKeepsMajority(members: number, nodes: number): boolean {
  return nodes > 0 && Math.ceil(members / nodes) <= mostPerNode(members);
}
