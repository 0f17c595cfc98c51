import type { ClusterProfile, NodePool } from "../fleet/types.js";

/** nodeSelector and tolerations in the shape every Helm chart takes them. */
export interface Placement {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: { key: string; operator: "Equal"; value: string; effect: string }[];
}

function defaultPool(cluster: ClusterProfile): NodePool {
  const pool = cluster.nodePools.find((p) => p.name === cluster.defaultPool);
  if (!pool) throw new Error(`cluster ${cluster.name}: default node pool "${cluster.defaultPool}" is not defined`);
  return pool;
}

/** Platform pods run on the cluster's default pool, tolerating its taints (edge nodes are all tainted). */
export function platformPlacement(cluster: ClusterProfile): Placement {
  const pool = defaultPool(cluster);
  return {
    nodeSelector: { ...pool.selector, "kubernetes.io/arch": pool.arch },
    tolerations: (pool.taints ?? []).map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
  };
}

/** Requests and limits for a platform container; the memory limit defaults to twice the request. */
export function resources(
  cpu: string,
  memory: string,
  limits: { cpu?: string; memory?: string } = {},
): { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } } {
  const memoryLimit = limits.memory ?? doubled(memory);
  return { requests: { cpu, memory }, limits: { ...(limits.cpu ? { cpu: limits.cpu } : {}), memory: memoryLimit } };
}

function doubled(quantity: string): string {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`platform resources: memory "${quantity}" must be a whole number of Mi or Gi`);
  return `${Number(match[1]) * 2}${match[2]}`;
}
