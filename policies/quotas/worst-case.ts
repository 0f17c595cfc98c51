// The worst case a namespace must hold, read from the rendered YAML.
//
// Pods at once, per workload:
// - Deployment, ReplicaSet, ReplicationController, StatefulSet: the largest
//   `maxReplicas` of an HPA whose scaleTargetRef names it, or `spec.replicas`
//   (default 1) when that is larger or there is no HPA;
// - plus, for a Deployment's RollingUpdate, its `maxSurge` (default 25%,
//   rounded up, of that count): a rollout at the HPA maximum creates the surge
//   pods before it removes old ones, and with no quota room left it stalls;
//   Recreate and StatefulSets add none;
// - DaemonSet: one pod per node of every pool it may run on, at the pools'
//   autoscaler maximum, plus its `maxSurge` (default 0);
// - Job: `parallelism` (default 1), or `completions` when fewer;
// - CronJob: its Job's pods times the runs that may overlap: one under
//   `concurrencyPolicy: Forbid` or `Replace`; unbounded under `Allow` (the default);
// - bare Pod: one.
// Pods that are terminating (within their grace period) still count against a
// quota; the model does not add them, as the Deployment controller's surge
// bound does not.
//
// Claims: every PersistentVolumeClaim, each StatefulSet volumeClaimTemplate
// once per replica (claims outlive scale-down, so at the replica maximum) and
// each generic ephemeral volume once per pod.
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { componentOf, podTemplates, resourceName, type PodTemplate } from "../lib/objects.js";
import type { ClusterTree, RenderedDocument } from "../lib/types.js";
import { eligiblePools, maxNodes } from "./node-pools.js";
import { containerDefaults, isBestEffort, podResources, type PodResources } from "./pod-resources.js";
import { parseQuantity } from "./quantity.js";

/** Why a workload's pod count has no bound, with where to fix it. */
export interface Unbounded {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

export interface Workload {
  readonly document: RenderedDocument;
  readonly template: PodTemplate;
  readonly namespace: string | undefined;
  /** Kind/name */
  readonly name: string;
  readonly pod: PodResources;
  /** Most pods at once; undefined when there is no bound. */
  readonly pods: number | undefined;
  /** How `pods` was reached: "HPA kades-api-hpa maxReplicas 10 + maxSurge 1". */
  readonly why: string;
  readonly unbounded?: Unbounded;
  /** Replicas whose claims a StatefulSet keeps (at the replica maximum, without surge). */
  readonly replicas: number;
}

/** A storage claim the namespace will hold. */
export interface Claim {
  readonly document: RenderedDocument;
  /** `PersistentVolumeClaim/data`, or `StatefulSet/kafka volumeClaimTemplates[0] (data)`. */
  readonly name: string;
  readonly path: string;
  /** Size of one claim; undefined when not a valid quantity (reported elsewhere, counted as 0). */
  readonly size: bigint | undefined;
  /** How many such claims; undefined when the owning workload has no bound. */
  readonly count: number | undefined;
  readonly why: string;
}

interface Hpa {
  readonly name: string;
  readonly maxReplicas: number;
}

function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return "";
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] as string) : "";
}

/** HPAs (any version) in the workload's namespace whose scaleTargetRef names it. */
function hpasFor(cluster: ClusterTree, document: RenderedDocument): Hpa[] {
  const target = document.object;
  return cluster.documents
    .filter((d) => d.object.kind === "HorizontalPodAutoscaler" && groupOf(d.object.apiVersion) === "autoscaling")
    .filter((d) => d.object.metadata.namespace === target.metadata.namespace)
    .flatMap((d) => {
      const spec = (d.object as unknown as { spec?: { maxReplicas?: unknown; scaleTargetRef?: { kind?: string; name?: string; apiVersion?: string } } }).spec;
      const ref = spec?.scaleTargetRef;
      if (ref?.kind !== target.kind || ref.name !== target.metadata.name) return [];
      if (ref.apiVersion !== undefined && groupOf(ref.apiVersion) !== groupOf(target.apiVersion)) return [];
      const maxReplicas = typeof spec?.maxReplicas === "number" && Number.isInteger(spec.maxReplicas) ? spec.maxReplicas : 0;
      return [{ name: d.object.metadata.name, maxReplicas }];
    });
}

/** An IntOrString surge or unavailability: an integer, or a percentage of `of`, rounded up. */
export function surgeOf(value: unknown, of: number, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === "number") return Math.max(0, Math.trunc(v));
  const text = String(v);
  const percent = /^([0-9]+)%$/.exec(text);
  if (percent) return Math.ceil((Number(percent[1]) * of) / 100);
  return /^[0-9]+$/.test(text) ? Number(text) : 0;
}

interface Scalable {
  spec?: {
    replicas?: number;
    parallelism?: number;
    completions?: number;
    concurrencyPolicy?: string;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown } };
    updateStrategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown } };
    jobTemplate?: { spec?: { parallelism?: number; completions?: number } };
  };
}

function jobPods(spec: { parallelism?: number; completions?: number } | undefined): { pods: number; why: string } {
  const parallelism = spec?.parallelism ?? 1;
  if (spec?.completions !== undefined && spec.completions < parallelism) return { pods: spec.completions, why: `completions ${spec.completions}` };
  return { pods: parallelism, why: `parallelism ${parallelism}` };
}

function replicated(cluster: ClusterTree, document: RenderedDocument): { replicas: number; why: string } {
  const declared = (document.object as Scalable).spec?.replicas ?? 1;
  const hpa = hpasFor(cluster, document).sort((a, b) => b.maxReplicas - a.maxReplicas)[0];
  if (hpa && hpa.maxReplicas >= declared) return { replicas: hpa.maxReplicas, why: `HPA ${hpa.name} maxReplicas ${hpa.maxReplicas}` };
  return { replicas: declared, why: `replicas ${declared}` };
}

function countPods(cluster: ClusterTree, template: PodTemplate): Pick<Workload, "pods" | "why" | "unbounded" | "replicas"> {
  const { document } = template;
  const object = document.object as Scalable;
  switch (document.object.kind) {
    case "Deployment": {
      const { replicas, why } = replicated(cluster, document);
      const strategy = object.spec?.strategy;
      const surge = strategy?.type === "Recreate" ? 0 : surgeOf(strategy?.rollingUpdate?.maxSurge, replicas, "25%");
      return { pods: replicas + surge, why: surge > 0 ? `${why} + maxSurge ${surge}` : why, replicas };
    }
    case "StatefulSet":
    case "ReplicaSet":
    case "ReplicationController": {
      const { replicas, why } = replicated(cluster, document);
      return { pods: replicas, why, replicas };
    }
    case "DaemonSet": {
      if (!cluster.profile) {
        return {
          pods: undefined,
          why: "one per node",
          replicas: 0,
          unbounded: {
            path: "",
            problem: `runs one pod per node, and cluster ${cluster.name} has no profile naming its nodes`,
            fix: `add a profile for ${cluster.name} to generators/fleet/clusters.ts`,
          },
        };
      }
      const nodes = eligiblePools(template.spec, cluster.profile).reduce((n, p) => n + maxNodes(p), 0);
      const surge = object.spec?.updateStrategy?.type === "OnDelete" ? 0 : surgeOf(object.spec?.updateStrategy?.rollingUpdate?.maxSurge, nodes, "0");
      const why = `one per node: ${nodes} node(s) at the pools' maximum`;
      return { pods: nodes + surge, why: surge > 0 ? `${why} + maxSurge ${surge}` : why, replicas: nodes };
    }
    case "Job": {
      const { pods, why } = jobPods(object.spec);
      return { pods, why, replicas: pods };
    }
    case "CronJob": {
      const job = jobPods(object.spec?.jobTemplate?.spec);
      const policy = object.spec?.concurrencyPolicy ?? "Allow";
      if (policy === "Forbid" || policy === "Replace") {
        return { pods: job.pods, why: `concurrencyPolicy ${policy} (one run at a time), ${job.why}`, replicas: job.pods };
      }
      return {
        pods: undefined,
        why: `concurrencyPolicy ${policy}`,
        replicas: 0,
        unbounded: {
          path: "spec.concurrencyPolicy",
          problem: `is ${object.spec?.concurrencyPolicy === undefined ? "not set (Allow)" : policy}: runs may overlap without bound, so no quota can be shown to hold them`,
          fix: `set \`concurrencyPolicy: Forbid\` (or Replace) on the CronJob in ${sourceHint(document)}`,
        },
      };
    }
    default:
      return { pods: template.replicas, why: "a single pod", replicas: template.replicas };
  }
}

function sourceHint(document: RenderedDocument): string {
  const app = /(?:^|\/)apps\/([^/]+)\//.exec(document.file)?.[1] ?? document.object.metadata.labels?.["app.kubernetes.io/part-of"];
  return app ? `apps/${app} (component ${componentOf(document.object)})` : "the manifest";
}

/** Every pod-running object of the cluster with its worst-case pod count and admitted pod resources. */
export function workloads(cluster: ClusterTree): Workload[] {
  return podTemplates(cluster).map((template) => {
    const namespace = template.document.object.metadata.namespace;
    return {
      document: template.document,
      template,
      namespace,
      name: resourceName(template.document.object),
      pod: podResources(template.spec, template.path, containerDefaults(cluster, namespace)),
      ...countPods(cluster, template),
    };
  });
}

function tryParse(value: unknown): bigint | undefined {
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

interface ClaimSpec {
  metadata?: { name?: string };
  spec?: { resources?: { requests?: { storage?: unknown } } };
}

/** Every claim the namespace holds in the worst case: PVCs, volumeClaimTemplates × replicas, ephemeral volumes × pods. */
export function claims(cluster: ClusterTree, namespace: string, all: readonly Workload[] = workloads(cluster)): Claim[] {
  const out: Claim[] = [];
  for (const document of cluster.documents) {
    if (document.object.kind !== "PersistentVolumeClaim" || document.object.metadata.namespace !== namespace) continue;
    const spec = document.object as unknown as ClaimSpec;
    out.push({ document, name: resourceName(document.object), path: "spec.resources.requests.storage", size: tryParse(spec.spec?.resources?.requests?.storage), count: 1, why: "a PersistentVolumeClaim" });
  }
  for (const w of all) {
    if (w.namespace !== namespace) continue;
    if (w.document.object.kind === "StatefulSet") {
      const templates = ((w.document.object as unknown as { spec?: { volumeClaimTemplates?: ClaimSpec[] } }).spec?.volumeClaimTemplates ?? []) as ClaimSpec[];
      templates.forEach((t, i) => {
        out.push({
          document: w.document,
          name: `${w.name} volumeClaimTemplates ${t.metadata?.name ?? i}`,
          path: `spec.volumeClaimTemplates[${i}].spec.resources.requests.storage`,
          size: tryParse(t.spec?.resources?.requests?.storage),
          count: w.replicas,
          why: `one per replica: ${w.why.replace(/ \+ maxSurge.*$/, "")}`,
        });
      });
    }
    const volumes = (w.template.spec as IPodSpec).volumes ?? [];
    volumes.forEach((v, i) => {
      const template = (v as { ephemeral?: { volumeClaimTemplate?: ClaimSpec } }).ephemeral?.volumeClaimTemplate;
      if (!template) return;
      out.push({
        document: w.document,
        name: `${w.name} ephemeral volume ${v.name}`,
        path: `${w.template.path}.volumes[${i}].ephemeral.volumeClaimTemplate.spec.resources.requests.storage`,
        size: tryParse(template.spec?.resources?.requests?.storage),
        count: w.pods,
        why: `one per pod: ${w.why}`,
      });
    });
  }
  return out;
}

/** What a quota measures, with the `spec.hard` keys that set it (either form binds). */
export const MEASURES = {
  "requests.cpu": ["requests.cpu", "cpu"],
  "requests.memory": ["requests.memory", "memory"],
  "limits.cpu": ["limits.cpu"],
  "limits.memory": ["limits.memory"],
  pods: ["pods", "count/pods"],
  "requests.storage": ["requests.storage"],
  persistentvolumeclaims: ["persistentvolumeclaims", "count/persistentvolumeclaims"],
} as const;
export type Measure = keyof typeof MEASURES;
export const MEASURE_NAMES = Object.keys(MEASURES) as Measure[];

/** How a measure's amounts are written. */
export function unitOf(measure: Measure): "cpu" | "bytes" | "count" {
  if (measure.endsWith(".cpu")) return "cpu";
  if (measure.endsWith(".memory") || measure === "requests.storage") return "bytes";
  return "count";
}

/** One bound of a quota: the `spec.hard` key and its value. */
export interface Bound {
  readonly key: string;
  readonly raw: unknown;
  /** undefined when the value is not a quantity. */
  readonly nanos: bigint | undefined;
}

interface ScopeRequirement {
  scopeName?: string;
  operator?: string;
  values?: string[];
}

export interface Quota {
  readonly document: RenderedDocument;
  readonly namespace: string | undefined;
  /** Every measure the quota sets, with the tightest of its keys. */
  readonly bounds: ReadonlyMap<Measure, Bound>;
  /** `spec.scopes` and `spec.scopeSelector.matchExpressions`, as requirements. */
  readonly scopes: readonly ScopeRequirement[];
}

export const POD_SCOPES = new Set(["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"]);

/** Every ResourceQuota of the cluster, parsed. */
export function quotas(cluster: ClusterTree): Quota[] {
  return cluster.documents
    .filter((d) => d.object.kind === "ResourceQuota" && d.object.apiVersion === "v1")
    .map((document) => {
      const spec = (document.object as unknown as { spec?: { hard?: Record<string, unknown>; scopes?: string[]; scopeSelector?: { matchExpressions?: ScopeRequirement[] } } }).spec;
      const hard = spec?.hard ?? {};
      const bounds = new Map<Measure, Bound>();
      for (const measure of MEASURE_NAMES) {
        for (const key of MEASURES[measure]) {
          if (!(key in hard)) continue;
          const bound: Bound = { key, raw: hard[key], nanos: tryParse(hard[key]) };
          const current = bounds.get(measure);
          if (!current || (bound.nanos !== undefined && (current.nanos === undefined || bound.nanos < current.nanos))) bounds.set(measure, bound);
        }
      }
      const scopes: ScopeRequirement[] = [
        ...(spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: "Exists" })),
        ...(spec?.scopeSelector?.matchExpressions ?? []),
      ];
      return { document, namespace: document.object.metadata.namespace, bounds, scopes };
    });
}

/** True when the quota has no scope: it counts every pod and claim of its namespace. */
export function isUnscoped(quota: Quota): boolean {
  return quota.scopes.length === 0;
}

/** Scopes this model does not understand (their quota is then not judged). */
export function unknownScopes(quota: Quota): string[] {
  return quota.scopes.map((s) => s.scopeName ?? "").filter((name) => !POD_SCOPES.has(name));
}

function hasCrossNamespaceAffinity(spec: IPodSpec): boolean {
  const terms = [
    ...((spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as object[]),
    ...((spec.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm) as object[]),
    ...((spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as object[]),
    ...((spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm) as object[]),
  ] as { namespaces?: string[]; namespaceSelector?: object }[];
  return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
}

/** Whether a quota's scopes select the pods of a workload (scopes are ANDed). */
export function selectsPods(quota: Quota, workload: Workload): boolean {
  const spec = workload.template.spec;
  return quota.scopes.every((s) => {
    const present = (value: boolean): boolean => (s.operator === "DoesNotExist" ? !value : value);
    switch (s.scopeName) {
      case "Terminating":
        return present(spec.activeDeadlineSeconds !== undefined);
      case "NotTerminating":
        return present(spec.activeDeadlineSeconds === undefined);
      case "BestEffort":
        return present(isBestEffort(workload.pod));
      case "NotBestEffort":
        return present(!isBestEffort(workload.pod));
      case "CrossNamespacePodAffinity":
        return present(hasCrossNamespaceAffinity(spec));
      case "PriorityClass": {
        const name = spec.priorityClassName;
        const values = s.values ?? [];
        switch (s.operator) {
          case "In":
            return values.includes(name ?? "");
          case "NotIn":
            return !values.includes(name ?? "");
          case "DoesNotExist":
            // Kubernetes matches the selector against {PriorityClass: <name or "">}: the key always exists.
            return false;
          default:
            return name !== undefined && name !== "";
        }
      }
      default:
        return false;
    }
  });
}
