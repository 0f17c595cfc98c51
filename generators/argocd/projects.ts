// AppProjects: what each Application may take from where and put where.
// Least privilege, derived from what is rendered: an app's project admits only
// this repository, only its namespace, only its own Namespace object among
// cluster-scoped kinds and only the namespaced kinds the app renders. No
// project uses a wildcard.
import { AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import type { ClusterProfile } from "../fleet/types.js";
import { ARGOCD_MANIFESTS } from "../fleet/versions.js";
import type { KubeObject } from "../render/app.js";
import type { PlatformAddon } from "../platform/addon.js";
import { plain } from "../platform/addon.js";
import type { AppObjects } from "../platform/index.js";
import { byCodeUnit } from "../order.js";
import { SYNC_WAVE } from "./sync-order.js";
import { ARGOCD_NAMESPACE, IN_CLUSTER, MANAGED_BY, PLATFORM_PROJECT, ROOT_PROJECT } from "./names.js";
import { ROOT_WAVES } from "./waves.js";

interface GroupKind {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
}

/** The API group of an apiVersion: "" for the core group (`v1`). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] as string) : "";
}

function byGroupKind(a: GroupKind, b: GroupKind): number {
  return byCodeUnit(a.group, b.group) || byCodeUnit(a.kind, b.kind) || byCodeUnit(a.name ?? "", b.name ?? "");
}

function uniqueGroupKinds(items: readonly GroupKind[]): GroupKind[] {
  const seen = new Map(items.map((i) => [`${i.group}/${i.kind}/${i.name ?? ""}`, i]));
  return [...seen.values()].sort(byGroupKind);
}

function project(name: string, labels: Record<string, string>, spec: AppProject["spec"]): KubeObject {
  return plain(
    new AppProject({
      metadata: {
        name,
        namespace: ARGOCD_NAMESPACE,
        labels: { ...MANAGED_BY, ...labels },
        annotations: { [SYNC_WAVE]: String(ROOT_WAVES.projects) },
      },
      spec,
    }),
  );
}

/** An app's project: this repository, its namespace, its Namespace object and exactly the kinds it renders. */
export function appProject(cluster: ClusterProfile, app: AppObjects): KubeObject {
  const namespaced = app.objects.filter((o) => o.kind !== "Namespace");
  const stray = namespaced.filter((o) => o.metadata.namespace !== app.namespace);
  if (stray.length > 0) {
    throw new Error(
      `apps/${app.name} (cluster ${cluster.name}): ${stray.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")} ` +
        `is outside namespace ${app.namespace}; an app's project admits its own namespace only`,
    );
  }
  return project(app.name, { "app.kubernetes.io/part-of": app.name }, {
    description: `${app.name}: from ${cluster.repository.url} into namespace ${app.namespace} only`,
    sourceRepos: [cluster.repository.url],
    destinations: [{ server: IN_CLUSTER, namespace: app.namespace }],
    clusterResourceWhitelist: [{ group: "", kind: "Namespace", name: app.namespace }],
    namespaceResourceWhitelist: uniqueGroupKinds(namespaced.map((o) => ({ group: groupOf(o.apiVersion), kind: o.kind }))),
  });
}

/**
 * Cluster-scoped kinds the platform charts create (rendered by Helm inside the
 * cluster, so not visible here): their CRDs, RBAC, admission webhooks, the
 * metrics APIs and the ingress class.
 */
export const CHART_CLUSTER_KINDS: readonly GroupKind[] = [
  { group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration" },
  { group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration" },
  { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" },
  { group: "apiregistration.k8s.io", kind: "APIService" },
  { group: "networking.k8s.io", kind: "IngressClass" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
];

/** The platform project: the add-ons' chart repositories and this one, their namespaces, the cluster kinds they need. */
export function platformProject(cluster: ClusterProfile, addons: readonly PlatformAddon[]): KubeObject {
  const repos = addons.map((a) => (a.source.kind === "chart" ? a.source.chart.repoURL : cluster.repository.url));
  const namespaces = [...new Set(addons.map((a) => a.namespace))].sort(byCodeUnit);
  const clusterObjects = addons.flatMap((a) => (a.source.kind === "directory" ? a.source.objects : [])).filter((o) => !o.metadata.namespace);
  const charts = addons.some((a) => a.source.kind === "chart");
  return project(PLATFORM_PROJECT, { "app.kubernetes.io/part-of": "platform" }, {
    description: "Platform add-ons: pinned upstream charts and the platform manifests of this repository",
    sourceRepos: [...new Set(repos)].sort(byCodeUnit),
    destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
    clusterResourceWhitelist: uniqueGroupKinds([
      ...clusterObjects.map((o) => ({ group: groupOf(o.apiVersion), kind: o.kind, name: o.metadata.name })),
      ...(charts ? CHART_CLUSTER_KINDS : []),
    ]),
  });
}

/** Argo CD's own CRDs, the only CRDs the root may create. */
const ARGOCD_CRDS = ["applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io"];

/**
 * The built-in `default` project, which the root Application belongs to,
 * locked down to what the root syncs: Argo CD's upstream manifests and this
 * repository, into the argocd namespace, with Argo CD's CRDs and cluster RBAC.
 */
export function rootProject(cluster: ClusterProfile): KubeObject {
  return project(ROOT_PROJECT, { "app.kubernetes.io/part-of": "argocd" }, {
    description: "Argo CD itself and the root of the cluster's Applications",
    sourceRepos: [ARGOCD_MANIFESTS.repoURL, cluster.repository.url].sort(byCodeUnit),
    destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
    clusterResourceWhitelist: uniqueGroupKinds([
      ...ARGOCD_CRDS.map((name) => ({ group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", name })),
      { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
      { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
    ]),
  });
}
