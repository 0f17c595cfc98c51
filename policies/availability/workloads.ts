// Questions several policies ask of a rendered cluster: which pods a label
// selector picks, which workloads keep pods running, which autoscalers act on
// a workload and how far they may scale it, and how to name the spec field a
// fix belongs in. Shared by the availability, autoscaling, images, rbac and argocd areas.
import type { ILabelSelector } from "@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector";
import { APPS } from "../../apps/index.js";
import { type PodTemplate, componentOf, podTemplates, resourceName, sourceOf } from "../lib/objects.js";
import type { ClusterTree, KubeObject, RenderedDocument } from "../lib/types.js";

export type LabelSelector = ILabelSelector;
export type Labels = Readonly<Record<string, string>>;

/** The namespace an object lives in (`default` when the manifest names none, as `kubectl apply` does). */
export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? "default";
}

/**
 * Whether a label selector selects an object with these labels, with the API
 * server's semantics: an absent selector selects nothing, an empty one
 * everything; matchLabels and every matchExpression must all hold.
 */
export function selects(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  if (selector === null || selector === undefined) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    const holds =
      operator === "In"
        ? has && values.includes(value as string)
        : operator === "NotIn"
          ? !has || !values.includes(value as string)
          : operator === "Exists"
            ? has
            : operator === "DoesNotExist"
              ? !has
              : false;
    if (!holds) return false;
  }
  return true;
}

/** A selector as people write it: `{app.kubernetes.io/name=kades-api, tier In (a, b)}`. */
export function describeSelector(selector: LabelSelector | null | undefined): string {
  if (selector === null || selector === undefined) return "nothing (no selector)";
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(", ")})` : ""}`),
  ];
  return parts.length === 0 ? "every pod (empty selector)" : `{${parts.join(", ")}}`;
}

/** Labels as people write them: `{a=b, c=d}`. */
export function describeLabels(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}}`;
}

/** Kinds whose pods are kept running by a controller with a replica count. */
const REPLICATED_KINDS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"]);
/** Kinds whose pods run until deleted (a bare Pod only when it restarts). */
const LONG_RUNNING_KINDS = new Set([...REPLICATED_KINDS, "DaemonSet"]);

/** Pod templates of controllers that keep a replica count: Deployments, StatefulSets, ReplicaSets, ReplicationControllers. */
export function replicatedTemplates(cluster: ClusterTree): PodTemplate[] {
  return podTemplates(cluster).filter((t) => REPLICATED_KINDS.has(t.document.object.kind));
}

/** Pod templates whose pods are meant to keep running: not Jobs, CronJobs, nor Pods that run to completion. */
export function longRunningTemplates(cluster: ClusterTree): PodTemplate[] {
  return podTemplates(cluster).filter((t) => {
    const { kind } = t.document.object;
    if (LONG_RUNNING_KINDS.has(kind)) return true;
    return kind === "Pod" && (t.spec.restartPolicy ?? "Always") === "Always";
  });
}

/** The field path of a pod template's metadata, next to its spec (`spec.template.metadata`). */
export function templateMetadataPath(template: PodTemplate): string {
  return template.path === "spec" ? "metadata" : template.path.replace(/\.spec$/, ".metadata");
}

/** A `{apiVersion, kind, name}` reference to a workload in the referrer's namespace. */
export interface WorkloadRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
}

function groupOf(apiVersion: string | undefined): string {
  if (apiVersion === undefined) return "";
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/** Whether two references name the same object: kind, name and API group (any version). */
export function sameRef(a: WorkloadRef, b: WorkloadRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.apiVersion === undefined || b.apiVersion === undefined || groupOf(a.apiVersion) === groupOf(b.apiVersion));
}

/** Whether `ref`, written in `namespace`, names this object (same namespace, API group, kind and name; any version). */
export function refersTo(ref: WorkloadRef | undefined, namespace: string, object: KubeObject): boolean {
  return ref !== undefined && namespace === namespaceOf(object) && sameRef(ref, { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name });
}

/** A resource (cpu, memory) an HPA scales on, and where. */
export interface ResourceMetric {
  readonly resource: string;
  readonly path: string;
  /** Not written in the HPA: the API's default (autoscaling/v1 is always CPU; v2 without metrics is CPU at 80%). */
  readonly implicit: boolean;
}

/** A HorizontalPodAutoscaler (autoscaling/v1 or v2) as the policies need it. */
export interface Autoscaler {
  readonly document: RenderedDocument;
  readonly target: WorkloadRef | undefined;
  /** `spec.minReplicas`, 1 when unset (the API default). */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The pod resources it scales on, with the API defaults applied (no metrics at all means CPU at 80%). */
  readonly resourceMetrics: readonly ResourceMetric[];
}

interface HpaShape {
  spec?: {
    scaleTargetRef?: WorkloadRef;
    minReplicas?: number;
    maxReplicas?: number;
    targetCPUUtilizationPercentage?: number;
    metrics?: { type?: string; resource?: { name?: string }; containerResource?: { name?: string } }[];
  };
}

/** Every HorizontalPodAutoscaler of the cluster, of either API version. */
export function autoscalers(cluster: ClusterTree): Autoscaler[] {
  return cluster.documents
    .filter((d) => d.object.kind === "HorizontalPodAutoscaler" && d.object.apiVersion.startsWith("autoscaling/"))
    .map((document) => {
      const spec = (document.object as unknown as HpaShape).spec ?? {};
      const metrics = spec.metrics ?? [];
      let resourceMetrics: ResourceMetric[];
      if (document.object.apiVersion === "autoscaling/v1") {
        const explicit = spec.targetCPUUtilizationPercentage !== undefined;
        resourceMetrics = [{ resource: "cpu", path: explicit ? "spec.targetCPUUtilizationPercentage" : "spec", implicit: !explicit }];
      } else if (metrics.length === 0) {
        resourceMetrics = [{ resource: "cpu", path: "spec.metrics", implicit: true }];
      } else {
        resourceMetrics = metrics.flatMap((m, i): ResourceMetric[] => {
          if (m.type === "Resource" && m.resource?.name) return [{ resource: m.resource.name, path: `spec.metrics[${i}].resource.name`, implicit: false }];
          if (m.type === "ContainerResource" && m.containerResource?.name) {
            return [{ resource: m.containerResource.name, path: `spec.metrics[${i}].containerResource.name`, implicit: false }];
          }
          return [];
        });
      }
      return {
        document,
        target: spec.scaleTargetRef,
        minReplicas: spec.minReplicas ?? 1,
        maxReplicas: spec.maxReplicas ?? spec.minReplicas ?? 1,
        resourceMetrics,
      };
    });
}

/** The autoscalers that act on this workload. */
export function autoscalersOf(all: readonly Autoscaler[], workload: KubeObject): Autoscaler[] {
  return all.filter((a) => refersTo(a.target, namespaceOf(a.document.object), workload));
}

/** How many pods a workload may run: its replicas, or the bounds of the HPA that owns the count. */
export interface ReplicaRange {
  /** The fewest it may run (the HPA's minReplicas, else spec.replicas). */
  readonly least: number;
  /** The most it may run (the HPA's maxReplicas, else spec.replicas). */
  readonly most: number;
  /** Whether more than one pod is declared: spec.replicas > 1 or an HPA minReplicas > 1. */
  readonly multiple: boolean;
  /** Where that count is declared, for diagnostics. */
  readonly source: string;
  readonly autoscaler: Autoscaler | undefined;
}

export function replicaRange(template: PodTemplate, all: readonly Autoscaler[]): ReplicaRange {
  const hpa = autoscalersOf(all, template.document.object)[0];
  if (!hpa) {
    return { least: template.replicas, most: template.replicas, multiple: template.replicas > 1, source: `spec.replicas = ${template.replicas}`, autoscaler: undefined };
  }
  const name = hpa.document.object.metadata.name;
  return {
    least: hpa.minReplicas,
    most: Math.max(hpa.maxReplicas, hpa.minReplicas),
    multiple: template.replicas > 1 || hpa.minReplicas > 1,
    source:
      hpa.minReplicas > 1 || template.replicas <= 1
        ? `HorizontalPodAutoscaler/${name} minReplicas = ${hpa.minReplicas}`
        : `spec.replicas = ${template.replicas}`,
    autoscaler: hpa,
  };
}

const APP_SOURCES = new Set(APPS.map((a) => `apps/${a.name}`));

/**
 * Where an object is rendered from, for a fix: `apps/<app>` when that app
 * exists in apps/index.ts, else `generators/` (platform objects labelled part
 * of argocd or cert-manager have no app spec).
 */
export function renderedFrom(document: RenderedDocument): string {
  const source = sourceOf(document);
  return APP_SOURCES.has(source) ? source : "generators/";
}

/**
 * Where a container's setting lives in the app spec, for a fix: the main
 * container is the component itself (`probes`), others are its
 * `sidecars[<name>]` or `initContainers[<name>]`; reads "`probes` of component
 * kades-api in apps/kades". An object no app renders is named by its container
 * and resource instead.
 */
export function specField(document: RenderedDocument, containerName: string, init: boolean, field: string): string {
  const source = renderedFrom(document);
  if (!source.startsWith("apps/")) return `\`${field}\` of container ${containerName} of ${resourceName(document.object)} in ${source}`;
  const component = componentOf(document.object);
  const prefix = init ? `initContainers[${containerName}].` : containerName === component ? "" : `sidecars[${containerName}].`;
  return `\`${prefix}${field}\` of component ${component} in ${source}`;
}
