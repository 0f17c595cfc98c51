/**
 * The drills' pure arithmetic, the way the Kubernetes controllers compute it:
 * how many pods a PodDisruptionBudget lets go, how many members a quorum may
 * lose, which node a drill takes away, how many extra pods a rollout surges
 * and which pool a pending pod needs. No cluster access here; the drills feed
 * it what the real API server reports.
 */
import type { NodePool } from "../../../generators/fleet/types.js";
import { bytes, cpuMillis, formatBytes, formatCpu } from "../../../generators/quantity.js";

export type IntOrPercent = number | string;

/**
 * An int-or-percent against a total, as k8s.io/apimachinery's
 * GetScaledValueFromIntOrPercent does (percentages must end in "%").
 */
export function scaled(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) {
    // A bare number in a string is not a percentage; the API server rejects it in a budget.
    throw new Error(`"${value}" is neither an integer nor a percentage like "25%"`);
  }
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface BudgetSpec {
  readonly minAvailable?: IntOrPercent;
  readonly maxUnavailable?: IntOrPercent;
}

/**
 * Pods that must stay ready under a budget over `expected` pods: the
 * disruption controller's desiredHealthy (both fields round percentages up).
 */
export function desiredHealthy(budget: BudgetSpec, expected: number): number {
  if (budget.minAvailable !== undefined && budget.maxUnavailable !== undefined) {
    throw new Error("a PodDisruptionBudget sets minAvailable or maxUnavailable, not both");
  }
  if (budget.maxUnavailable !== undefined) return Math.max(0, expected - scaled(budget.maxUnavailable, expected, true));
  if (budget.minAvailable !== undefined) return scaled(budget.minAvailable, expected, true);
  throw new Error("a PodDisruptionBudget needs minAvailable or maxUnavailable");
}

/** Evictions a budget allows right now: healthy pods above desiredHealthy. */
export function allowedDisruptions(budget: BudgetSpec, expected: number, healthy: number): number {
  return Math.max(0, healthy - desiredHealthy(budget, expected));
}

/**
 * Members that must stay up for a replicated set to keep serving: a strict
 * majority for a consensus group of three or more (Kafka controllers, Redis
 * with Sentinel, Redis Cluster); a primary with streaming replicas of two
 * (TimescaleDB) survives the loss of either member, so one must stay.
 */
export function quorumNeeded(members: number): number {
  if (members <= 0) return 0;
  return members >= 3 ? Math.floor(members / 2) + 1 : 1;
}

/** How many of a set's members each node holds. */
export function membersPerNode(nodes: readonly (string | undefined)[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of nodes) if (n) out.set(n, (out.get(n) ?? 0) + 1);
  return out;
}

/** The node whose loss takes the most members, and what survives it; undefined when no member is placed. */
export function worstNodeLoss(members: number, placement: ReadonlyMap<string, number>): { node: string; lost: number; left: number; needed: number } | undefined {
  const worst = [...placement.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (!worst) return undefined;
  return { node: worst[0], lost: worst[1], left: members - worst[1], needed: quorumNeeded(members) };
}

export interface NodeLoad {
  readonly node: string;
  readonly pool: string;
  /** Pods of controllers (not DaemonSets) on the node. */
  readonly pods: number;
  /** Quorum members on the node, summed over every replicated set. */
  readonly members: number;
}

/**
 * The node a drill takes from a pool: the one whose loss hurts most (most
 * quorum members, then most pods), ties by name so runs repeat. A pool of
 * one node is not drained: there is nowhere in the pool for its pods to go.
 */
export function chooseNode(pool: string, nodes: readonly NodeLoad[]): { node: string } | { notApplicable: string } {
  const candidates = nodes.filter((n) => n.pool === pool);
  if (candidates.length === 0) return { notApplicable: `pool ${pool} has no node` };
  if (candidates.length === 1) {
    return { notApplicable: `pool ${pool} has one node: its pods can go nowhere else in the pool (taints and selectors keep other pools' nodes out), so a drain would only leave them Pending` };
  }
  const sorted = [...candidates].sort((a, b) => b.members - a.members || b.pods - a.pods || (a.node < b.node ? -1 : 1));
  return { node: (sorted[0] as NodeLoad).node };
}

export interface RollingStrategy {
  readonly type?: string;
  readonly rollingUpdate?: { readonly maxSurge?: IntOrPercent; readonly maxUnavailable?: IntOrPercent };
}

/** Extra pods a Deployment runs during a rollout at `replicas` (maxSurge rounds up, default 25%); Recreate surges none. */
export function surgePods(strategy: RollingStrategy | undefined, replicas: number): number {
  if (strategy?.type === "Recreate") return 0;
  return scaled(strategy?.rollingUpdate?.maxSurge ?? "25%", replicas, true);
}

export interface PodPlacement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly { readonly key?: string; readonly operator?: string; readonly value?: string; readonly effect?: string }[];
}

/** The pool whose nodes a pod fits on by selector and taints; what the autoscaler would grow. */
export function poolForPod(pod: PodPlacement, pools: readonly NodePool[]): NodePool | undefined {
  return pools.find((pool) => {
    const labels: Record<string, string> = { ...pool.selector, "kubernetes.io/arch": pool.arch, "kubernetes.io/os": "linux" };
    const selects = Object.entries(pod.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
    const tolerates = (pool.taints ?? []).every((t) =>
      (pod.tolerations ?? []).some(
        (tol) =>
          (tol.operator === "Exists" && (tol.key === undefined || tol.key === t.key)) ||
          (tol.key === t.key && (tol.operator ?? "Equal") === "Equal" && tol.value === t.value && (tol.effect === undefined || tol.effect === t.effect)),
      ),
    );
    return selects && tolerates;
  });
}

/** A quota resource's quantity as an integer: millicores for CPU, bytes for memory and storage, a count otherwise. */
export function quotaAmount(resource: string, value: string): number {
  if (/cpu$/.test(resource)) return cpuMillis(value);
  if (/memory$|storage$/.test(resource)) return bytes(value);
  return Number(value);
}

const formatAmount = (resource: string, n: number): string => (/cpu$/.test(resource) ? formatCpu(n) : /memory$|storage$/.test(resource) ? formatBytes(n) : String(n));

/**
 * The resources of a quota that cannot take `needed` more on top of what it
 * has `used`, each as "resource: room R, needs N"; empty when all fit.
 */
export function quotaShortfall(hard: Readonly<Record<string, string>>, used: Readonly<Record<string, string>>, needed: Readonly<Record<string, number>>): string[] {
  return Object.entries(needed)
    .filter(([resource, n]) => n > 0 && hard[resource] !== undefined)
    .flatMap(([resource, n]) => {
      const room = quotaAmount(resource, hard[resource] as string) - quotaAmount(resource, used[resource] ?? "0");
      return room < n ? [`${resource}: room ${formatAmount(resource, room)}, needs ${formatAmount(resource, n)}`] : [];
    })
    .sort();
}
