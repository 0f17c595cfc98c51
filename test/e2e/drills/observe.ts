/**
 * What the drills watch, read from the real API server in one request per
 * sample: nodes, the fleet's Deployments and StatefulSets, their pods and
 * their PodDisruptionBudgets. A pod counts as ready only while its node
 * exists: after a node is deleted its pods keep their last Ready condition
 * until the pod GC removes them, but nothing runs them.
 */
import type { Kubectl, KubeObject } from "../harness/kubectl.js";
import { POOL_LABEL } from "../harness/nodes.js";
import { desiredHealthy, quorumNeeded, type BudgetSpec, type PodPlacement } from "./arithmetic.js";

/** Workloads the generators render carry this label; the harness's own and the add-ons' do not. */
const MANAGED = "app.kubernetes.io/managed-by";
const GENERATORS = "iot-fleet-generators";

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string }[];
  deletionTimestamp?: string;
}

export interface PodView {
  readonly name: string;
  readonly namespace: string;
  readonly owner: string;
  readonly node?: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** The scheduler's reason when it could not place the pod. */
  readonly unschedulable?: string;
  readonly phase?: string;
  /** What decides the pool the pod can run on. */
  readonly placement: PodPlacement;
}

export interface WorkloadView {
  readonly key: string;
  readonly kind: "Deployment" | "StatefulSet";
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly templateLabels: Readonly<Record<string, string>>;
}

export interface BudgetView {
  readonly key: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly spec: BudgetSpec;
}

export interface Snapshot {
  readonly at: number;
  readonly nodes: readonly { readonly name: string; readonly pool: string; readonly unschedulable: boolean }[];
  readonly pods: readonly PodView[];
  readonly workloads: readonly WorkloadView[];
  readonly budgets: readonly BudgetView[];
}

export const matches = (selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function ownerOf(meta: Meta): string {
  const ref = meta.ownerReferences?.[0];
  // A ReplicaSet is named after its Deployment plus the template hash the pod carries.
  if (ref?.kind === "ReplicaSet") return `Deployment/${meta.namespace}/${ref.name.replace(new RegExp(`-${meta.labels?.["pod-template-hash"] ?? "[a-z0-9]+"}$`), "")}`;
  return ref ? `${ref.kind}/${meta.namespace}/${ref.name}` : `Pod/${meta.namespace}/${meta.name}`;
}

export async function observe(kubectl: Kubectl): Promise<Snapshot> {
  const at = Date.now();
  const list = await kubectl.getJson<{ items: KubeObject[] }>(["nodes,pods,deployments.apps,statefulsets.apps,poddisruptionbudgets.policy", "--all-namespaces"]);
  const nodes: Snapshot["nodes"][number][] = [];
  const pods: PodView[] = [];
  const workloads: WorkloadView[] = [];
  const budgets: BudgetView[] = [];
  for (const o of list.items) {
    const meta = o.metadata as Meta;
    const spec = (o["spec"] ?? {}) as Record<string, any>;
    const status = (o["status"] ?? {}) as Record<string, any>;
    if (o.kind === "Node") {
      nodes.push({ name: meta.name, pool: meta.labels?.[POOL_LABEL] ?? "?", unschedulable: spec["unschedulable"] === true });
    } else if (o.kind === "Pod") {
      const conditions = (status["conditions"] ?? []) as { type: string; status: string; reason?: string; message?: string }[];
      const scheduled = conditions.find((c) => c.type === "PodScheduled");
      pods.push({
        name: meta.name,
        namespace: meta.namespace ?? "",
        owner: ownerOf(meta),
        node: spec["nodeName"],
        ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
        terminating: meta.deletionTimestamp !== undefined,
        labels: meta.labels ?? {},
        unschedulable: scheduled?.status === "False" ? (scheduled.message ?? scheduled.reason) : undefined,
        phase: status["phase"],
        placement: { nodeSelector: spec["nodeSelector"], tolerations: spec["tolerations"] },
      });
    } else if ((o.kind === "Deployment" || o.kind === "StatefulSet") && meta.labels?.[MANAGED] === GENERATORS) {
      workloads.push({
        key: `${o.kind}/${meta.namespace}/${meta.name}`,
        kind: o.kind,
        namespace: meta.namespace ?? "",
        name: meta.name,
        replicas: spec["replicas"] ?? 1,
        templateLabels: spec["template"]?.metadata?.labels ?? {},
      });
    } else if (o.kind === "PodDisruptionBudget" && meta.labels?.[MANAGED] === GENERATORS) {
      budgets.push({
        key: `PodDisruptionBudget/${meta.namespace}/${meta.name}`,
        namespace: meta.namespace ?? "",
        selector: spec["selector"]?.matchLabels ?? {},
        spec: { minAvailable: spec["minAvailable"], maxUnavailable: spec["maxUnavailable"] },
      });
    }
  }
  return { at, nodes, pods, workloads, budgets };
}

/** Ready pods of a workload on nodes that exist. */
export function readyOf(s: Snapshot, key: string): number {
  const nodes = new Set(s.nodes.map((n) => n.name));
  return s.pods.filter((p) => p.owner === key && p.ready && !p.terminating && p.node !== undefined && nodes.has(p.node)).length;
}

/** Workloads not at their replica count of ready pods on existing nodes, as "kind/ns/name ready/wanted". */
export function shortOf(s: Snapshot): string[] {
  return s.workloads.filter((w) => readyOf(s, w.key) < w.replicas).map((w) => `${w.key} ${readyOf(s, w.key)}/${w.replicas}`);
}

/** One budget or quorum at one moment: how many are ready, of how many, and how many must be. */
export interface Margin {
  readonly subject: string;
  readonly ready: number;
  readonly of: number;
  readonly needs: number;
}

/** Each budget's ready pods against what it promises to keep, over the workloads it covers. */
export function budgetMargins(s: Snapshot): Margin[] {
  const nodes = new Set(s.nodes.map((n) => n.name));
  return s.budgets.map((b) => {
    const covered = s.workloads.filter((w) => w.namespace === b.namespace && matches(b.selector, w.templateLabels));
    const expected = covered.reduce((n, w) => n + w.replicas, 0);
    const ready = s.pods.filter((p) => p.namespace === b.namespace && matches(b.selector, p.labels) && p.ready && !p.terminating && p.node !== undefined && nodes.has(p.node)).length;
    return { subject: b.key, ready, of: expected, needs: desiredHealthy(b.spec, expected) };
  });
}

/** Every replicated StatefulSet (two or more members) as a quorum: ready members against what it needs. */
export function quorumMargins(s: Snapshot): Margin[] {
  return s.workloads
    .filter((w) => w.kind === "StatefulSet" && w.replicas >= 2)
    .map((w) => ({ subject: w.key, ready: readyOf(s, w.key), of: w.replicas, needs: quorumNeeded(w.replicas) }));
}

/** The lowest margin seen for each subject over a drill. */
export class MarginLog {
  private readonly worst = new Map<string, Margin>();

  add(margins: readonly Margin[]): void {
    for (const m of margins) {
      const before = this.worst.get(m.subject);
      if (!before || m.ready - m.needs < before.ready - before.needs) this.worst.set(m.subject, m);
    }
  }

  /** Subjects that fell below what they must keep. */
  breaches(): Margin[] {
    return [...this.worst.values()].filter((m) => m.ready < m.needs).sort((a, b) => (a.subject < b.subject ? -1 : 1));
  }

  /** The tightest subject (least room above what it needs), for the report's "minimum ready". */
  tightest(): Margin | undefined {
    return [...this.worst.values()].sort((a, b) => a.ready - a.needs - (b.ready - b.needs) || (a.subject < b.subject ? -1 : 1))[0];
  }
}

export const formatMargin = (m: Margin): string => `${m.subject} ${m.ready}/${m.of} ready (keeps ${m.needs})`;
