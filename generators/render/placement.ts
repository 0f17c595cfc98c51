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
