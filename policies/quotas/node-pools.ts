// Which node pools of a cluster profile a pod may be scheduled onto, judged
// from the pod spec as rendered: its nodeSelector and required node affinity
// against the pool's labels (its selector plus the well-known
// `kubernetes.io/arch` and `kubernetes.io/os`), and its tolerations against the
// pool's NoSchedule / NoExecute taints. By default a label key no pool of the
// profile declares cannot be judged and is taken as satisfied (capacity
// questions); in `strict` mode only the labels a provider puts on every node
// with values no profile can know (hostname, zone, region, instance type) are
// taken as satisfied, and any other unknown key is a label no node carries.
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ClusterProfile, NodePool, Taint } from "../../generators/fleet/types.js";
import { parseQuantity } from "./quantity.js";

/** The labels every node of a pool carries. */
export function poolLabels(pool: NodePool): Readonly<Record<string, string>> {
  return { ...pool.selector, "kubernetes.io/arch": pool.arch, "kubernetes.io/os": "linux" };
}

/** Labels every node carries with values set by the provider, not the profile: a selector on them cannot be judged here. */
export const PROVIDER_NODE_LABELS: readonly string[] = [
  "kubernetes.io/hostname",
  "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "node.kubernetes.io/instance-type",
];

/** How label keys the pools do not declare are judged: taken as satisfied, or (strict) as absent unless the provider sets them. */
export interface MatchOptions {
  readonly strict?: boolean;
}

/** Label keys the profile knows; selectors on other keys (a zone, a hostname) cannot be judged. */
function knownKeys(profile: ClusterProfile): Set<string> {
  return new Set(profile.nodePools.flatMap((p) => Object.keys(poolLabels(p))));
}

/** Whether a requirement on `key` is judged against the pool's labels (else it is taken as satisfied). */
function judged(key: string, known: Set<string>, options: MatchOptions): boolean {
  return options.strict ? !PROVIDER_NODE_LABELS.includes(key) : known.has(key);
}

interface Requirement {
  key?: string;
  operator?: string;
  values?: string[];
}

function requirementHolds(req: Requirement, labels: Readonly<Record<string, string>>, known: Set<string>, options: MatchOptions): boolean {
  const key = req.key ?? "";
  if (!judged(key, known, options)) return true;
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

/** The part of a pod spec that keeps it off a pool, in the order the scheduler's filters read them. */
export type PlacementField = "nodeSelector" | "affinity" | "tolerations";

/** Why a pod may not run on a pool: the field at fault (with the nodeSelector key) and what does not match. */
export interface PoolMismatch {
  readonly field: PlacementField;
  readonly key?: string;
  readonly reason: string;
}

/** Why a pod may not run on a pool, as data, or undefined when it may. */
export function poolMismatch(spec: IPodSpec, pool: NodePool, profile: ClusterProfile, options: MatchOptions = {}): PoolMismatch | undefined {
  const labels = poolLabels(pool);
  const known = knownKeys(profile);
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (judged(key, known, options) && labels[key] !== value) {
      const reason = labels[key] === undefined ? `nodeSelector ${key}=${value} does not match: its nodes have no ${key} label` : `nodeSelector ${key}=${value} does not match its ${key}=${labels[key]}`;
      return { field: "nodeSelector", key, reason };
    }
  }
  const terms = (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as { matchExpressions?: Requirement[] }[];
  if (terms.length > 0 && !terms.some((t) => (t.matchExpressions ?? []).every((r) => requirementHolds(r, labels, known, options)))) {
    return { field: "affinity", reason: "no required node affinity term matches its labels" };
  }
  const tolerations = (spec.tolerations ?? []) as Toleration[];
  for (const taint of pool.taints ?? []) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return { field: "tolerations", reason: `taint ${taint.key}=${taint.value}:${taint.effect} is not tolerated` };
  }
  return undefined;
}

/** Why a pod may not run on a pool, or undefined when it may. */
export function poolRejection(spec: IPodSpec, pool: NodePool, profile: ClusterProfile, options: MatchOptions = {}): string | undefined {
  return poolMismatch(spec, pool, profile, options)?.reason;
}

/** The pools a pod may run on. */
export function eligiblePools(spec: IPodSpec, profile: ClusterProfile, options: MatchOptions = {}): NodePool[] {
  return profile.nodePools.filter((p) => poolMismatch(spec, p, profile, options) === undefined);
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
