import type { IContainer } from "kubernetes-models/v1/Container";
import { APPS } from "../../apps/index.js";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ClusterTree, KubeObject, RenderedDocument } from "./types.js";

/** `Kind/name`, how diagnostics name an object. */
export function resourceName(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

const APP_NAMES = new Set(APPS.map((a) => a.name));

/** Where an object comes from, for the fix text: `apps/kades`, or `generators/` for platform objects. */
export function sourceOf(document: RenderedDocument): string {
  const fromPath = /(?:^|\/)apps\/([^/]+)\//.exec(document.file)?.[1];
  // Platform objects carry part-of labels too (`platform`, `argocd`): only a real app is a source folder.
  const fromLabel = document.object.metadata.labels?.["app.kubernetes.io/part-of"];
  const app = fromPath ?? (fromLabel !== undefined && APP_NAMES.has(fromLabel) ? fromLabel : undefined);
  return app ? `apps/${app}` : "generators/";
}

/** The component an object belongs to (its `app.kubernetes.io/name`), else its own name. */
export function componentOf(object: KubeObject): string {
  return object.metadata.labels?.["app.kubernetes.io/name"] ?? object.metadata.name;
}

/** Documents of the given kinds (and optional apiVersion group). */
export function ofKind(cluster: ClusterTree, ...kinds: string[]): RenderedDocument[] {
  return cluster.documents.filter((d) => kinds.includes(d.object.kind));
}

/** A pod template found in a workload, with the field path to its pod spec. */
export interface PodTemplate {
  readonly document: RenderedDocument;
  /** e.g. `spec.template.spec`, `spec.jobTemplate.spec.template.spec`, or `spec` for a bare Pod. */
  readonly path: string;
  readonly spec: IPodSpec;
  readonly metadata: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  /** Replicas the workload declares (1 for Jobs, CronJobs and Pods; `spec.replicas` or 1 for the rest). */
  readonly replicas: number;
}

const TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]);

interface TemplateHolder {
  spec?: { replicas?: number; template?: { metadata?: PodTemplate["metadata"]; spec?: IPodSpec }; jobTemplate?: { spec?: { template?: { metadata?: PodTemplate["metadata"]; spec?: IPodSpec } } } };
}

/** Every pod template in the cluster: Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and bare Pods. */
export function podTemplates(cluster: ClusterTree): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const document of cluster.documents) {
    const { kind } = document.object;
    const holder = document.object as unknown as TemplateHolder;
    if (TEMPLATE_KINDS.has(kind) && holder.spec?.template?.spec) {
      out.push({
        document,
        path: "spec.template.spec",
        spec: holder.spec.template.spec,
        metadata: holder.spec.template.metadata ?? {},
        replicas: kind === "Job" || kind === "DaemonSet" ? 1 : (holder.spec.replicas ?? 1),
      });
    } else if (kind === "CronJob" && holder.spec?.jobTemplate?.spec?.template?.spec) {
      const template = holder.spec.jobTemplate.spec.template;
      out.push({ document, path: "spec.jobTemplate.spec.template.spec", spec: template.spec as IPodSpec, metadata: template.metadata ?? {}, replicas: 1 });
    } else if (kind === "Pod") {
      const pod = document.object as unknown as { spec?: IPodSpec; metadata: PodTemplate["metadata"] };
      if (pod.spec) out.push({ document, path: "spec", spec: pod.spec, metadata: pod.metadata, replicas: 1 });
    }
  }
  return out;
}

/** A container of a pod template, with its field path. */
export interface ContainerAt {
  readonly container: IContainer;
  /** `spec.template.spec.initContainers[0]` */
  readonly path: string;
  readonly init: boolean;
}

/** Every container of a pod spec: init containers (sidecars included), containers and ephemeral containers. */
export function containersOf(template: PodTemplate): ContainerAt[] {
  const list = (field: "initContainers" | "containers" | "ephemeralContainers"): ContainerAt[] =>
    ((template.spec[field] ?? []) as IContainer[]).map((container, i) => ({
      container,
      path: `${template.path}.${field}[${i}]`,
      init: field === "initContainers",
    }));
  return [...list("initContainers"), ...list("containers"), ...list("ephemeralContainers")];
}
