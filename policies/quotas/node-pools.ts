// Which node pools of a cluster profile a pod may be scheduled onto, judged
// from the pod spec as rendered: its nodeSelector and required node affinity
// against the pool's labels (its selector plus the well-known
// `kubernetes.io/arch` and `kubernetes.io/os`), and its tolerations against the
// pool's NoSchedule / NoExecute taints. A label key no pool of the profile
// declares cannot be judged and is taken as satisfied.
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ClusterProfile, NodePool, Taint } from "../../generators/fleet/types.js";
import { parseQuantity } from "./quantity.js";

/** The labels every node of a pool carries. */
export function poolLabels(pool: NodePool): Readonly<Record<string, string>> {
  return { ...pool.selector, "kubernetes.io/arch": pool.arch, "kubernetes.io/os": "linux" };
}

/** Label keys the profile knows; selectors on other keys (a zone, a hostname) cannot be judged. */
function knownKeys(profile: ClusterProfile): Set<string> {
  return new Set(profile.nodePools.flatMap((p) => Object.keys(poolLabels(p))));
}

interface Requirement {
  key?: string;
  operator?: string;
  values?: string[];
}

function requirementHolds(req: Requirement, labels: Readonly<Record<string, string>>, known: Set<string>): boolean {
  const key = req.key ?? "";
  if (!known.has(key)) return true;
  const value = labels[key];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || !/^-?[0-9]+$/.test(value) || !/^-?[0-9]+$/.test(values[0] ?? "")) return false;
      const [a, b] = [BigInt(value), BigInt(values[0] as string)];
      return req.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** The Kubernetes toleration rule: an empty key with Exists tolerates everything; an empty effect matches every effect. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const operator = toleration.operator ?? "Equal";
  if (!toleration.key) return operator === "Exists";
  if (toleration.key !== taint.key) return false;
  return operator === "Exists" || (toleration.value ?? "") === taint.value;
}

/** Why a pod may not run on a pool, or undefined when it may. */
export function poolRejection(spec: IPodSpec, pool: NodePool, profile: ClusterProfile): string | undefined {
  const labels = poolLabels(pool);
  const known = knownKeys(profile);
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (known.has(key) && labels[key] !== value) return labels[key] === undefined ? `nodeSelector ${key}=${value} does not match: its nodes have no ${key} label` : `nodeSelector ${key}=${value} does not match its ${key}=${labels[key]}`;
  }
  const terms = (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as { matchExpressions?: Requirement[] }[];
  if (terms.length > 0 && !terms.some((t) => (t.matchExpressions ?? []).every((r) => requirementHolds(r, labels, known)))) {
    return "no required node affinity term matches its labels";
  }
  const tolerations = (spec.tolerations ?? []) as Toleration[];
  for (const taint of pool.taints ?? []) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return `taint ${taint.key}=${taint.value}:${taint.effect} is not tolerated`;
  }
  return undefined;
}

/** The pools a pod may run on. */
export function eligiblePools(spec: IPodSpec, profile: ClusterProfile): NodePool[] {
  return profile.nodePools.filter((p) => poolRejection(spec, p, profile) === undefined);
}

/** Nodes of a pool at its autoscaler maximum. */
export function maxNodes(pool: NodePool): number {
  return pool.maxCount ?? pool.count;
}

/** A pool's total allocatable CPU and memory at its maximum, in nano-units. */
export function poolCapacity(pool: NodePool): { cpu: bigint; memory: bigint } {
  const nodes = BigInt(maxNodes(pool));
  return { cpu: nodes * parseQuantity(pool.cpu), memory: nodes * parseQuantity(pool.memory) };
}

/** Allocatable CPU and memory of one node of a pool, in nano-units. */
export function nodeAllocatable(pool: NodePool): { cpu: bigint; memory: bigint } {
  return { cpu: parseQuantity(pool.cpu), memory: parseQuantity(pool.memory) };
}
