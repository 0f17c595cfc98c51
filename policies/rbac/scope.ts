// What "for apps" means to the RBAC policies. The apps of a cluster are the
// ones its fleet profile runs (their namespaces come from the app specs, where
// they are declared) plus whatever is rendered under `<cluster>/apps/`. Platform
// objects (`argocd/`, `platform/`, `bootstrap/`) are judged only where they
// reach into an app: a binding in an app namespace or one that grants
// something to an app's identity.
import { APPS } from "../../apps/index.js";
import { namespaceOf } from "../availability/workloads.js";
import type { ClusterTree, KubeObject, RenderedDocument } from "../lib/types.js";

export interface AppScope {
  /** App ids. */
  readonly apps: ReadonlySet<string>;
  /** Namespaces the apps run in, each with its app. */
  readonly namespaces: ReadonlyMap<string, string>;
}

function appFolder(cluster: ClusterTree, document: RenderedDocument): string | undefined {
  const prefix = `${cluster.root}/apps/`;
  return document.file.startsWith(prefix) ? document.file.slice(prefix.length).split("/")[0] : undefined;
}

export function appScope(cluster: ClusterTree): AppScope {
  const apps = new Set<string>(cluster.profile?.apps ?? []);
  const namespaces = new Map<string, string>();
  const profile = cluster.profile;
  if (profile) {
    for (const app of APPS.filter((a) => apps.has(a.name))) {
      namespaces.set(app.spec({ tier: profile.tier, cluster: profile.name, domain: profile.domain }).namespace, app.name);
    }
  }
  for (const document of cluster.documents) {
    const folder = appFolder(cluster, document);
    if (folder === undefined) continue;
    apps.add(folder);
    if (document.object.metadata.namespace !== undefined) namespaces.set(document.object.metadata.namespace, folder);
    if (document.object.kind === "Namespace") namespaces.set(document.object.metadata.name, folder);
  }
  return { apps, namespaces };
}

/** Whether an object belongs to an app: rendered under `apps/`, living in an app namespace, or labelled part of an app. */
export function isAppObject(cluster: ClusterTree, scope: AppScope, document: RenderedDocument): boolean {
  const { object } = document;
  const partOf = object.metadata.labels?.["app.kubernetes.io/part-of"];
  return (
    appFolder(cluster, document) !== undefined ||
    (object.metadata.namespace !== undefined && scope.namespaces.has(object.metadata.namespace)) ||
    (partOf !== undefined && scope.apps.has(partOf))
  );
}

export interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface BindingShape {
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly Subject[];
}

/** A subject of a binding that is, or includes, an app's identity. */
export interface AppSubject {
  /** Position in `subjects`. */
  readonly index: number;
  /** `ServiceAccount kades/kades-api`, or the group or user and what it covers. */
  readonly who: string;
  /** The app whose identity it is; undefined for groups that hold every app's. */
  readonly app: string | undefined;
}

/** Where the access of these subjects is declared, for a fix: `apps/kades`, or every app spec. */
export function appSources(subjects: readonly AppSubject[]): string {
  const apps = [...new Set(subjects.map((s) => s.app))];
  return apps.includes(undefined) ? "the app specs (apps/<app>)" : apps.map((a) => `apps/${a}`).join(", ");
}

/** Groups every workload identity is in, whatever its namespace. */
const EVERYONE_GROUPS: Readonly<Record<string, string>> = {
  "system:serviceaccounts": "every ServiceAccount of the cluster",
  "system:authenticated": "every authenticated identity",
  "system:unauthenticated": "every unauthenticated request",
};

/**
 * The subjects of a binding that are, or include, an app's identity, each
 * described: `ServiceAccount kades/kades-api`, or a group that covers one.
 */
export function appSubjects(scope: AppScope, binding: KubeObject): AppSubject[] {
  const subjects = (binding as unknown as BindingShape).subjects ?? [];
  const out: AppSubject[] = [];
  subjects.forEach((subject, index) => {
    const name = subject.name ?? "";
    if (subject.kind === "ServiceAccount") {
      const namespace = subject.namespace ?? namespaceOf(binding);
      const app = scope.namespaces.get(namespace);
      if (app !== undefined) out.push({ index, who: `ServiceAccount ${namespace}/${name}`, app });
    } else if (subject.kind === "Group") {
      const everyone = EVERYONE_GROUPS[name];
      const namespace = name.startsWith("system:serviceaccounts:") ? name.slice("system:serviceaccounts:".length) : undefined;
      const app = namespace === undefined ? undefined : scope.namespaces.get(namespace);
      if (everyone !== undefined) out.push({ index, who: `Group ${name} (${everyone}, apps included)`, app: undefined });
      else if (app !== undefined) out.push({ index, who: `Group ${name} (every ServiceAccount of ${namespace})`, app });
    } else if (subject.kind === "User") {
      const match = /^system:serviceaccount:([^:]+):(.+)$/.exec(name);
      const app = match ? scope.namespaces.get(match[1] as string) : undefined;
      if (app !== undefined) out.push({ index, who: `User ${name} (ServiceAccount ${match?.[1]}/${match?.[2]})`, app });
      else if (name === "system:anonymous") out.push({ index, who: "User system:anonymous (every unauthenticated request, apps included)", app: undefined });
    }
  });
  return out;
}

/** The Role or ClusterRole a binding refers to, when it is in the tree. */
export function boundRole(cluster: ClusterTree, binding: KubeObject): RenderedDocument | undefined {
  const ref = (binding as unknown as BindingShape).roleRef;
  if (ref?.kind === "ClusterRole") return cluster.documents.find((d) => d.object.kind === "ClusterRole" && d.object.metadata.name === ref.name);
  if (ref?.kind === "Role") {
    return cluster.documents.find((d) => d.object.kind === "Role" && d.object.metadata.name === ref.name && namespaceOf(d.object) === namespaceOf(binding));
  }
  return undefined;
}

/** RoleBindings and ClusterRoleBindings of the RBAC API. */
export function bindings(cluster: ClusterTree): RenderedDocument[] {
  return cluster.documents.filter((d) => (d.object.kind === "RoleBinding" || d.object.kind === "ClusterRoleBinding") && d.object.apiVersion.startsWith("rbac.authorization.k8s.io/"));
}
