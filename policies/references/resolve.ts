// What a namespace holds once the tree is synced: the objects it renders, and
// what Kubernetes and the controllers the fleet runs create from them (the
// pods of every workload with the labels their controllers add, cert-manager's
// ACME solver pods, the Secrets of ExternalSecrets and Certificates, the
// `default` ServiceAccount, `kube-root-ca.crt`, the claims of StatefulSets).
// Every references policy asks this model whether a name or a selector
// resolves, so what counts as "exists" is decided in one place.
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { byCodeUnit } from "../../generators/order.js";
import { type LabelSelector, type Labels, autoscalers, describeLabels, namespaceOf, replicaRange, selects } from "../availability/workloads.js";
import { type PodTemplate, podTemplates, resourceName } from "../lib/objects.js";
import type { ClusterTree, KubeObject, RenderedDocument } from "../lib/types.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The labels the StatefulSet controller puts on each pod (k8s.io/api apps/v1, set in `updateIdentity`). */
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
/** The labels the API server adds to a Job's pod template unless `manualSelector` is set. */
export const JOB_NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"] as const;
/** cert-manager's label on every ACME HTTP-01 solver pod (`SolverIdentificationLabelKey`), its listen port and port name. */
export const ACME_SOLVER_LABEL = "acme.cert-manager.io/http01-solver";
export const ACME_SOLVER_PORT = { name: "http", containerPort: 8089, protocol: "TCP" } as const;
/** The Ingress annotations cert-manager's ingress-shim reads to create a Certificate per TLS entry. */
export const ISSUER_ANNOTATION = "cert-manager.io/issuer";
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";
/** The keys cert-manager writes into a certificate's Secret. */
export const TLS_SECRET_KEYS: ReadonlySet<string> = new Set(["ca.crt", "tls.crt", "tls.key"]);
/** The ConfigMap kube-controller-manager's root CA publisher creates in every namespace. */
export const ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
/** The ServiceAccount the service account controller creates in every namespace. */
export const DEFAULT_SERVICE_ACCOUNT = "default";

/** A container port a Service, a probe or a ServiceMonitor can name. */
export interface DeclaredPort {
  readonly name: string | undefined;
  readonly containerPort: number;
  readonly protocol: string;
  readonly container: string;
}

/** A pod that runs in a namespace: from a pod template of the tree, or one a controller starts itself. */
export interface KnownPod {
  readonly namespace: string;
  /** Every label it carries, those its controller adds at run time included. */
  readonly labels: Labels;
  /** What creates it, as diagnostics name it: `StatefulSet/timescaledb`, `cert-manager's HTTP-01 solver (ClusterIssuer/x)`. */
  readonly origin: string;
  /** The template it comes from; absent for pods a controller builds itself. */
  readonly template: PodTemplate | undefined;
  /** Ports a Service finds on it: those of its containers and of its native sidecars (endpointslice `FindPort`). */
  readonly ports: readonly DeclaredPort[];
}

/** Something that makes a named object exist, and the keys it holds when they are known. */
export interface Creator {
  /** `ExternalSecret/kades-secrets`, `ConfigMap/kades-config`, `the service account controller`. */
  readonly by: string;
  /** The data keys it holds; undefined when they cannot be known from the tree (dataFrom, templates). */
  readonly keys: ReadonlySet<string> | undefined;
}

export type NamedKind = "ConfigMap" | "Secret" | "ServiceAccount" | "PersistentVolumeClaim";

interface Model {
  readonly pods: readonly KnownPod[];
  /** Namespace to the Applications that install objects the tree does not hold there. */
  readonly outside: ReadonlyMap<string, readonly string[]>;
  /** `<kind>/<namespace>/<name>` to what creates it. */
  readonly named: ReadonlyMap<string, readonly Creator[]>;
  readonly namespaces: ReadonlySet<string>;
}

const MODELS = new WeakMap<ClusterTree, Model>();

function model(cluster: ClusterTree): Model {
  let built = MODELS.get(cluster);
  if (built === undefined) {
    built = build(cluster);
    MODELS.set(cluster, built);
  }
  return built;
}

const key = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

/** Containers whose ports a Service reaches: the regular ones and init containers that run as sidecars. */
function servingContainers(spec: IPodSpec): IContainer[] {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always")];
}

function portsOf(spec: IPodSpec): DeclaredPort[] {
  return servingContainers(spec).flatMap((c) =>
    (c.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? "TCP", container: c.name })),
  );
}

/** How many pods a StatefulSet may name: its replicas or its HPA's maximum, at least one. */
function ordinals(template: PodTemplate, cluster: ClusterTree): number[] {
  const start = ((template.document.object as Json).spec?.ordinals?.start as number | undefined) ?? 0;
  const count = Math.max(1, replicaRange(template, autoscalers(cluster)).most);
  return Array.from({ length: count }, (_, i) => start + i);
}

function templatePods(cluster: ClusterTree, templates: readonly PodTemplate[]): KnownPod[] {
  return templates.flatMap((template): KnownPod[] => {
    const { object } = template.document;
    const base = { namespace: namespaceOf(object), origin: resourceName(object), template, ports: portsOf(template.spec) };
    const labels = template.metadata.labels ?? {};
    if (object.kind === "StatefulSet") {
      return ordinals(template, cluster).map((i) => ({ ...base, labels: { ...labels, [POD_NAME_LABEL]: `${object.metadata.name}-${i}`, [POD_INDEX_LABEL]: String(i) } }));
    }
    if (object.kind === "Job" && (object as Json).spec?.manualSelector !== true) {
      return [{ ...base, labels: { ...labels, ...Object.fromEntries(JOB_NAME_LABELS.map((l) => [l, object.metadata.name])) } }];
    }
    return [{ ...base, labels }];
  });
}

/** An issuer of the tree, by the reference an Ingress or Certificate makes to it. */
export function issuerOf(cluster: ClusterTree, namespace: string, kind: string, name: string): RenderedDocument | undefined {
  return cluster.documents.find(
    (d) => d.object.apiVersion.startsWith("cert-manager.io/") && d.object.kind === kind && d.object.metadata.name === name && (kind === "ClusterIssuer" || namespaceOf(d.object) === namespace),
  );
}

/** The issuer an Ingress asks ingress-shim for, when it asks; external issuers (issuer-kind annotations) are not modelled. */
export function ingressIssuer(ingress: KubeObject): { kind: "Issuer" | "ClusterIssuer"; name: string; annotation: string } | undefined {
  const annotations = ingress.metadata.annotations ?? {};
  if (annotations["cert-manager.io/issuer-kind"] !== undefined || annotations["cert-manager.io/issuer-group"] !== undefined) return undefined;
  const cluster = annotations[CLUSTER_ISSUER_ANNOTATION];
  if (cluster !== undefined) return { kind: "ClusterIssuer", name: cluster, annotation: CLUSTER_ISSUER_ANNOTATION };
  const namespaced = annotations[ISSUER_ANNOTATION];
  return namespaced === undefined ? undefined : { kind: "Issuer", name: namespaced, annotation: ISSUER_ANNOTATION };
}

/** The TLS entries ingress-shim turns into Certificates: those with hosts and a secret name. */
export function shimTls(ingress: KubeObject): { secretName: string; index: number }[] {
  if (!hasShimAnnotation(ingress)) return [];
  const tls = ((ingress as Json).spec?.tls ?? []) as { hosts?: string[]; secretName?: string }[];
  return tls.flatMap((t, index) => ((t.hosts ?? []).length > 0 && typeof t.secretName === "string" ? [{ secretName: t.secretName, index }] : []));
}

/** Whether ingress-shim acts on the Ingress: it names an issuer or a cluster issuer. */
export function hasShimAnnotation(ingress: KubeObject): boolean {
  const annotations = ingress.metadata.annotations ?? {};
  return annotations[ISSUER_ANNOTATION] !== undefined || annotations[CLUSTER_ISSUER_ANNOTATION] !== undefined;
}

/** Who asks cert-manager for a certificate in which namespace, and from which issuer: Ingresses through ingress-shim, and Certificates. */
function certificateRequests(cluster: ClusterTree): { namespace: string; secretName: string; requester: string; issuer: RenderedDocument | undefined }[] {
  return cluster.documents.flatMap((d) => {
    const { object } = d;
    const namespace = namespaceOf(object);
    if (object.kind === "Ingress" && object.apiVersion.startsWith("networking.k8s.io/")) {
      const issuer = ingressIssuer(object);
      const found = issuer && issuerOf(cluster, namespace, issuer.kind, issuer.name);
      return shimTls(object).map((t) => ({ namespace, secretName: t.secretName, requester: resourceName(object), issuer: found }));
    }
    if (object.kind === "Certificate" && object.apiVersion.startsWith("cert-manager.io/")) {
      const spec = (object as Json).spec ?? {};
      if (typeof spec.secretName !== "string") return [];
      const ref = spec.issuerRef ?? {};
      const external = ref.group !== undefined && ref.group !== "cert-manager.io";
      const issuer = external ? undefined : issuerOf(cluster, namespace, ref.kind ?? "Issuer", ref.name ?? "");
      return [{ namespace, secretName: spec.secretName as string, requester: resourceName(object), issuer }];
    }
    return [];
  });
}

/** cert-manager starts an HTTP-01 solver pod in the namespace of each certificate an ACME issuer with an http01 solver signs. */
function acmeSolverPods(cluster: ClusterTree): KnownPod[] {
  const pods = new Map<string, KnownPod>();
  for (const request of certificateRequests(cluster)) {
    const solvers = ((request.issuer?.object as Json)?.spec?.acme?.solvers ?? []) as Json[];
    for (const solver of solvers) {
      if (solver?.http01?.ingress === undefined) continue;
      // The solver's own labels win over podTemplate labels (cert-manager filters the identity keys out of the template).
      const labels = { ...(solver.http01.ingress.podTemplate?.metadata?.labels ?? {}), [ACME_SOLVER_LABEL]: "true" } as Labels;
      const origin = `cert-manager's ACME HTTP-01 solver (${resourceName((request.issuer as RenderedDocument).object)})`;
      const id = `${request.namespace}\n${origin}\n${describeLabels(labels)}`;
      if (!pods.has(id)) pods.set(id, { namespace: request.namespace, labels, origin, template: undefined, ports: [{ ...ACME_SOLVER_PORT, container: "acmesolver" }] });
    }
  }
  return [...pods.values()];
}

function add(named: Map<string, Creator[]>, k: string, creator: Creator): void {
  named.set(k, [...(named.get(k) ?? []), creator]);
}

const keysOf = (...maps: unknown[]): Set<string> => new Set(maps.flatMap((m) => (m !== null && typeof m === "object" ? Object.keys(m) : [])));

/** The keys of the Secret an ExternalSecret writes, when the tree tells them (no dataFrom, no templateFrom). */
function externalSecretKeys(spec: Json): ReadonlySet<string> | undefined {
  const template = spec.target?.template;
  if ((spec.dataFrom ?? []).length > 0 || (template?.templateFrom ?? []).length > 0) return undefined;
  const data = new Set<string>(((spec.data ?? []) as { secretKey?: string }[]).flatMap((d) => (d.secretKey ? [d.secretKey] : [])));
  if (template?.data === undefined) return data;
  const templated = keysOf(template.data);
  return template.mergePolicy === "Merge" ? new Set([...data, ...templated]) : templated;
}

/**
 * Applications whose source is not a directory of this tree (a Helm chart,
 * another repository's manifests) install objects the tree does not hold, in
 * their destination namespace: what lives there cannot be known.
 */
function installedOutside(cluster: ClusterTree): Map<string, string[]> {
  const outside = new Map<string, string[]>();
  for (const { object } of cluster.documents) {
    if (object.kind !== "Application" || !object.apiVersion.startsWith("argoproj.io/")) continue;
    const spec = (object as Json).spec ?? {};
    const sources = (spec.sources ?? (spec.source ? [spec.source] : [])) as { chart?: string; path?: string }[];
    const namespace = spec.destination?.namespace as string | undefined;
    if (namespace === undefined || !sources.some((s) => s.chart !== undefined || !(s.path ?? "").startsWith("clusters/"))) continue;
    outside.set(namespace, [...(outside.get(namespace) ?? []), resourceName(object)].sort(byCodeUnit));
  }
  return outside;
}

function build(cluster: ClusterTree): Model {
  const named = new Map<string, Creator[]>();
  const namespaces = new Set<string>();
  for (const { object } of cluster.documents) {
    if (object.kind === "Namespace" && object.apiVersion === "v1") namespaces.add(object.metadata.name);
    else if (object.metadata.namespace !== undefined) namespaces.add(object.metadata.namespace);
    const namespace = namespaceOf(object);
    const spec = (object as Json).spec ?? {};
    const self = resourceName(object);
    if (object.apiVersion === "v1" && object.kind === "ConfigMap") {
      add(named, key("ConfigMap", namespace, object.metadata.name), { by: self, keys: keysOf((object as Json).data, (object as Json).binaryData) });
    } else if (object.apiVersion === "v1" && object.kind === "Secret") {
      const token = (object as Json).type === "kubernetes.io/service-account-token" ? ["token", "ca.crt", "namespace"] : [];
      add(named, key("Secret", namespace, object.metadata.name), { by: self, keys: new Set([...keysOf((object as Json).data, (object as Json).stringData), ...token]) });
    } else if (object.apiVersion === "v1" && (object.kind === "ServiceAccount" || object.kind === "PersistentVolumeClaim")) {
      add(named, key(object.kind, namespace, object.metadata.name), { by: self, keys: undefined });
    } else if (object.kind === "ExternalSecret" && object.apiVersion.startsWith("external-secrets.io/")) {
      // Merge and None write into a Secret something else must create; Owner (the default) and Orphan create it.
      const policy = spec.target?.creationPolicy ?? "Owner";
      if (policy === "Owner" || policy === "Orphan") {
        add(named, key("Secret", namespace, spec.target?.name ?? object.metadata.name), { by: self, keys: externalSecretKeys(spec) });
      }
    }
  }
  const templates = podTemplates(cluster);
  // A StatefulSet's controller creates `<template>-<set>-<ordinal>` for each claim template and pod.
  for (const template of templates.filter((t) => t.document.object.kind === "StatefulSet")) {
    const { object } = template.document;
    for (const claim of ((object as Json).spec?.volumeClaimTemplates ?? []) as { metadata?: { name?: string } }[]) {
      for (const i of ordinals(template, cluster)) {
        const name = `${claim.metadata?.name}-${object.metadata.name}-${i}`;
        add(named, key("PersistentVolumeClaim", namespaceOf(object), name), { by: `${resourceName(object)} (volumeClaimTemplates ${claim.metadata?.name})`, keys: undefined });
      }
    }
  }
  for (const request of certificateRequests(cluster)) {
    add(named, key("Secret", request.namespace, request.secretName), { by: `cert-manager (certificate of ${request.requester})`, keys: TLS_SECRET_KEYS });
  }
  return { pods: [...templatePods(cluster, templates), ...acmeSolverPods(cluster)], named, namespaces, outside: installedOutside(cluster) };
}

/** Every namespace the tree names: Namespace objects and the namespaces of namespaced objects. */
export function namespacesOf(cluster: ClusterTree): ReadonlySet<string> {
  return model(cluster).namespaces;
}

/** Every pod the cluster runs, controller-built ones included. */
export function knownPods(cluster: ClusterTree): readonly KnownPod[] {
  return model(cluster).pods;
}

/** The pods of a namespace a label selector selects (absent selects nothing, empty selects all). */
export function selectedPods(cluster: ClusterTree, namespace: string, selector: LabelSelector | null | undefined): KnownPod[] {
  return model(cluster).pods.filter((p) => p.namespace === namespace && selects(selector, p.labels));
}

/** The distinct origins of some pods, in order: `StatefulSet/timescaledb, Deployment/x`. */
export function originsOf(pods: readonly KnownPod[]): string[] {
  return [...new Set(pods.map((p) => p.origin))].sort(byCodeUnit);
}

/** Pods grouped by what creates them (a StatefulSet's ordinals together), in order of origin. */
export function byOrigin(pods: readonly KnownPod[]): KnownPod[][] {
  const groups = new Map<string, KnownPod[]>();
  for (const pod of pods) groups.set(pod.origin, [...(groups.get(pod.origin) ?? []), pod]);
  return [...groups.keys()].sort(byCodeUnit).map((k) => groups.get(k) as KnownPod[]);
}

/**
 * The Applications that install objects the tree does not hold into this
 * namespace (Helm charts, Argo CD's own manifests), as `Application/x`; [] when
 * the tree holds everything there. A reference into such a namespace may
 * resolve to what they install, so it is not judged.
 */
export function installedOutsideTree(cluster: ClusterTree, namespace: string): readonly string[] {
  return model(cluster).outside.get(namespace) ?? [];
}

/** What creates a ConfigMap, Secret, ServiceAccount or claim of that name in that namespace; [] when nothing does. */
export function creatorsOf(cluster: ClusterTree, kind: NamedKind, namespace: string, name: string): readonly Creator[] {
  const outside = installedOutsideTree(cluster, namespace).map((by) => ({ by: `${by}, whose objects are not in the tree`, keys: undefined }));
  const found = [...(model(cluster).named.get(key(kind, namespace, name)) ?? []), ...outside];
  if (kind === "ConfigMap" && name === ROOT_CA_CONFIG_MAP) return [...found, { by: "kube-controller-manager (root CA publisher, every namespace)", keys: new Set(["ca.crt"]) }];
  if (kind === "ServiceAccount" && name === DEFAULT_SERVICE_ACCOUNT) return [...found, { by: "kube-controller-manager (service account controller, every namespace)", keys: undefined }];
  return found;
}

/** The names of that kind the namespace holds, for a fix's "have: ..." list. */
export function namesIn(cluster: ClusterTree, kind: NamedKind, namespace: string): string[] {
  const prefix = key(kind, namespace, "");
  const implicit = kind === "ConfigMap" ? [ROOT_CA_CONFIG_MAP] : kind === "ServiceAccount" ? [DEFAULT_SERVICE_ACCOUNT] : [];
  const named = [...model(cluster).named.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  return [...new Set([...named, ...implicit])].sort(byCodeUnit);
}

/** Whether some creator holds the key (or its keys are not known); the creators' keys, for the message. */
export function holdsKey(creators: readonly Creator[], wanted: string): { holds: boolean; keys: string[] } {
  if (creators.some((c) => c.keys === undefined || c.keys.has(wanted))) return { holds: true, keys: [] };
  return { holds: false, keys: [...new Set(creators.flatMap((c) => [...(c.keys ?? [])]))].sort(byCodeUnit) };
}

/** Objects of a kind and apiVersion in a namespace, by name. */
export function objectsIn(cluster: ClusterTree, apiVersion: string, kind: string, namespace: string): RenderedDocument[] {
  return cluster.documents
    .filter((d) => d.object.apiVersion === apiVersion && d.object.kind === kind && namespaceOf(d.object) === namespace)
    .sort((a, b) => byCodeUnit(a.object.metadata.name, b.object.metadata.name));
}

/**
 * Why a selector selects no pod of the namespace. A requirement no pod meets
 * is named with the values the pods do carry ("no pod there carries
 * app.kubernetes.io/name=kades-apl; theirs: chain-analysis, kades-api");
 * otherwise the requirements are each met by some pod but never together,
 * and the nearest pods are named with what they lack.
 */
export function nearestMiss(cluster: ClusterTree, namespace: string, selector: LabelSelector | null | undefined): string {
  const pods = model(cluster).pods.filter((p) => p.namespace === namespace);
  if (pods.length === 0) return `namespace ${namespace} runs no pods at all`;
  if (selector === null || selector === undefined) return "the selector is not set, which selects nothing";
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (pods.some((p) => p.labels[k] === v)) continue;
    const theirs = [...new Set(pods.flatMap((p) => (p.labels[k] === undefined ? [] : [p.labels[k] as string])))].sort(byCodeUnit);
    return `no pod there carries ${k}=${v}; ${theirs.length === 0 ? `none carries ${k} at all` : `theirs: ${theirs.join(", ")}`}`;
  }
  for (const e of selector.matchExpressions ?? []) {
    if (pods.some((p) => selects({ matchExpressions: [e] }, p.labels))) continue;
    return `no pod there meets ${e.key} ${e.operator}${e.values ? ` (${e.values.join(", ")})` : ""}`;
  }
  const misses = pods.map((pod) => ({ pod, unmet: unmetRequirements(selector, pod.labels) }));
  const fewest = Math.min(...misses.map((m) => m.unmet.length));
  const nearest = misses.filter((m) => m.unmet.length === fewest);
  const closest = originsOf(nearest.map((m) => m.pod))
    .slice(0, 3)
    .map((origin) => {
      const first = nearest.find((m) => m.pod.origin === origin) as { pod: KnownPod; unmet: string[] };
      return `the pods of ${origin} ${first.unmet.join(" and ")}`;
    });
  return `each label is carried by some pod, never all together; nearest, ${closest.join("; ")}`;
}

/** What one pod's labels lack for a selector, as "carry a=b, not c" / "do not carry a". */
function unmetRequirements(selector: LabelSelector, labels: Labels): string[] {
  const unmet: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] === v) continue;
    unmet.push(labels[k] === undefined ? `do not carry ${k}` : `carry ${k}=${labels[k]}, not ${v}`);
  }
  for (const e of selector.matchExpressions ?? []) {
    if (selects({ matchExpressions: [e] }, labels)) continue;
    const has = labels[e.key] === undefined ? `${e.key} unset` : `${e.key}=${labels[e.key]}`;
    unmet.push(`have ${has}, which fails ${e.key} ${e.operator}${e.values ? ` (${e.values.join(", ")})` : ""}`);
  }
  return unmet;
}
