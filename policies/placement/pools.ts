// Where a pod spec can run, said the way an operator reads it: the pools of
// the cluster profile that would take it and, when none would, the field that
// keeps it off each of them. Built on the quotas area's pool matching, judged
// strictly: a node label no pool declares is a label no node carries.
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ClusterProfile, NodePool } from "../../generators/fleet/types.js";
import { type PoolMismatch, eligiblePools, poolLabels, poolMismatch } from "../quotas/node-pools.js";
import { fieldKey } from "../argocd/applications.js";

/** `standard (3 nodes, node.iot-fleet.io/pool=standard, kubernetes.io/arch=amd64, tainted dedicated=analytics:NoSchedule)`. */
export function describePool(pool: NodePool): string {
  const labels = Object.entries(poolLabels(pool))
    .filter(([key]) => key !== "kubernetes.io/os")
    .map(([k, v]) => `${k}=${v}`);
  const taints = (pool.taints ?? []).map((t) => `tainted ${t.key}=${t.value}:${t.effect}`);
  return `${pool.name} (${pool.count} node${pool.count === 1 ? "" : "s"}, ${[...labels, ...taints].join(", ")})`;
}

/** The pools a pod spec may run on, with the strict reading. */
export function fittingPools(spec: IPodSpec, profile: ClusterProfile): NodePool[] {
  return eligiblePools(spec, profile, { strict: true });
}

const STAGE: Readonly<Record<PoolMismatch["field"], number>> = { nodeSelector: 0, affinity: 1, tolerations: 2 };

/** Why no pool takes a pod spec: the field to point at (the one of the pool it got furthest with) and every pool's reason. */
export interface Misfit {
  /** Field path below the pod spec: `nodeSelector["node.iot-fleet.io/pool"]`, `affinity.nodeAffinity...`, `tolerations`. */
  readonly field: string;
  readonly value: unknown;
  readonly reasons: readonly string[];
}

/** Why no pool of the profile takes this pod spec, or undefined when one does. */
export function misfit(spec: IPodSpec, profile: ClusterProfile): Misfit | undefined {
  if (fittingPools(spec, profile).length > 0 || profile.nodePools.length === 0) return undefined;
  const mismatches = profile.nodePools.map((pool) => ({ pool, mismatch: poolMismatch(spec, pool, profile, { strict: true }) as PoolMismatch }));
  const furthest = mismatches.reduce((best, m) => (STAGE[m.mismatch.field] > STAGE[best.mismatch.field] ? m : best));
  const { field } = furthest.mismatch;
  // Of the selector's keys, point at one no pool carries with that value, if there is one: the others may be right.
  const selector = spec.nodeSelector ?? {};
  const unmatched = Object.keys(selector).find((k) => profile.nodePools.every((pool) => poolMismatch({ containers: [], nodeSelector: { [k]: selector[k] as string }, tolerations: [{ operator: "Exists" }] }, pool, profile, { strict: true })));
  const key = field === "nodeSelector" ? (unmatched ?? furthest.mismatch.key) : undefined;
  const reasons = mismatches.map((m) => `${describePool(m.pool)}: ${m.mismatch.reason}`);
  if (field === "nodeSelector") return { field: `nodeSelector${fieldKey(key as string)}`, value: spec.nodeSelector?.[key as string], reasons };
  if (field === "affinity") return { field: "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution", value: undefined, reasons };
  return { field: "tolerations", value: undefined, reasons };
}
