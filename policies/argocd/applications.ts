// The tree as Argo CD reads it: each Application's sources and destination,
// the directory of this repository each source syncs, the documents in it,
// and the AppProject that must permit them. Shared by the argocd policies and
// by the placement policies (which read the Helm values Applications carry).
import { byCodeUnit } from "../../generators/order.js";
import type { ClusterTree, KubeObject, RenderedDocument } from "../lib/types.js";

/** Where an Application puts what it syncs. */
export interface Destination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** One source of an Application: a Git directory or a Helm chart. */
export interface ApplicationSource {
  /** Field path of the source in the Application: `spec.source` or `spec.sources[1]`. */
  readonly path: string;
  readonly repoURL: string;
  readonly chart?: string;
  /** Directory in the repository (`clusters/prod/apps/kades`), for a Git source. */
  readonly directory?: string;
  /** `directory.recurse`: subdirectories are synced too. */
  readonly recurse: boolean;
  /** `helm.valuesObject`, when the source carries inline Helm values. */
  readonly values?: unknown;
}

/** An `argoproj.io` Application as the policies need it. */
export interface ApplicationView {
  readonly document: RenderedDocument;
  readonly name: string;
  readonly project: string;
  readonly destination: Destination;
  readonly sources: readonly ApplicationSource[];
}

// Parsed YAML is untyped.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function sourceOf(raw: Json, path: string): ApplicationSource {
  return {
    path,
    repoURL: String(raw?.repoURL ?? ""),
    ...(typeof raw?.chart === "string" ? { chart: raw.chart } : {}),
    ...(typeof raw?.path === "string" ? { directory: raw.path } : {}),
    recurse: raw?.directory?.recurse === true,
    ...(raw?.helm?.valuesObject !== undefined ? { values: raw.helm.valuesObject } : {}),
  };
}

/** Whether an object is an Argo CD Application. */
export function isApplication(object: KubeObject): boolean {
  return object.kind === "Application" && object.apiVersion.startsWith("argoproj.io/");
}

/** Whether an object is an Argo CD AppProject. */
export function isAppProject(object: KubeObject): boolean {
  return object.kind === "AppProject" && object.apiVersion.startsWith("argoproj.io/");
}

/** Every Application of the tree, in file order. */
export function applicationsOf(cluster: ClusterTree): ApplicationView[] {
  return cluster.documents
    .filter((d) => isApplication(d.object))
    .map((document) => {
      const spec = (document.object as Json).spec ?? {};
      const sources: ApplicationSource[] = Array.isArray(spec.sources)
        ? spec.sources.map((s: Json, i: number) => sourceOf(s, `spec.sources[${i}]`))
        : spec.source
          ? [sourceOf(spec.source, "spec.source")]
          : [];
      return {
        document,
        name: document.object.metadata.name,
        project: typeof spec.project === "string" && spec.project !== "" ? spec.project : "default",
        destination: spec.destination ?? {},
        sources,
      };
    });
}

/** The AppProjects of the tree, by name. */
export function projectsOf(cluster: ClusterTree): Map<string, RenderedDocument> {
  return new Map(cluster.documents.filter((d) => isAppProject(d.object)).map((d) => [d.object.metadata.name, d]));
}

/** A repository URL as Argo CD compares them: case, a trailing slash and `.git` do not matter. */
export function normalizeRepo(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, "").replace(/\.git$/, "");
}

/**
 * Whether a Git source reads this repository: the profile's repository; for a
 * tree without a profile, any Git source of a `clusters/` directory.
 */
export function isThisRepository(cluster: ClusterTree, source: ApplicationSource): boolean {
  if (source.chart !== undefined || source.directory === undefined) return false;
  if (cluster.profile) return normalizeRepo(source.repoURL) === normalizeRepo(cluster.profile.repository.url);
  return source.directory.replace(/^\.\//, "").startsWith("clusters/");
}

/** The cluster's own directory in the repository: `clusters/<name>`. */
export function clusterDirectory(cluster: ClusterTree): string {
  return `clusters/${cluster.name}`;
}

/**
 * The directory a source syncs, relative to the cluster directory (`apps/kades`,
 * "" for the cluster directory itself), or undefined when it lies outside
 * `clusters/<name>/` (another cluster's, or the repository's other folders).
 */
export function treeDirectory(cluster: ClusterTree, source: ApplicationSource): string | undefined {
  if (source.directory === undefined) return undefined;
  const path = source.directory.replace(/^\.\//, "").replace(/\/+$/, "");
  const own = clusterDirectory(cluster);
  if (path === own) return "";
  return path.startsWith(`${own}/`) ? path.slice(own.length + 1) : undefined;
}

/** A document's directory relative to the cluster directory ("" at its top), or undefined when the file is the tree itself (a fixture). */
export function directoryOf(cluster: ClusterTree, document: RenderedDocument): string | undefined {
  const prefix = `${cluster.root}/`;
  if (!document.file.startsWith(prefix)) return undefined;
  const relative = document.file.slice(prefix.length);
  const slash = relative.lastIndexOf("/");
  return slash === -1 ? "" : relative.slice(0, slash);
}

/** The documents a directory holds: directly, or (recurse) anywhere below it. */
export function documentsIn(cluster: ClusterTree, directory: string, recurse: boolean): RenderedDocument[] {
  return cluster.documents.filter((d) => {
    const dir = directoryOf(cluster, d);
    if (dir === undefined) return false;
    if (dir === directory) return true;
    return recurse && (directory === "" || dir.startsWith(`${directory}/`));
  });
}

/** What one source of an Application syncs from this tree. */
export interface SyncedSource {
  readonly source: ApplicationSource;
  /** Relative to the cluster directory. */
  readonly directory: string;
  readonly documents: readonly RenderedDocument[];
}

/** The sources of an Application that read a directory of this cluster, each with the documents it syncs. */
export function syncedSources(cluster: ClusterTree, app: ApplicationView): SyncedSource[] {
  return app.sources.flatMap((source): SyncedSource[] => {
    if (!isThisRepository(cluster, source)) return [];
    const directory = treeDirectory(cluster, source);
    if (directory === undefined) return [];
    return [{ source, directory, documents: documentsIn(cluster, directory, source.recurse) }];
  });
}

/** The API group of an apiVersion: "" for the core group (`v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/**
 * Kinds the API server serves cluster-wide (built-in, and the CRDs the fleet
 * uses), by `group/kind`. Everything else is taken as namespaced, which is
 * what a manifest without `metadata.namespace` then gets.
 */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  "/Namespace",
  "/Node",
  "/PersistentVolume",
  "/ComponentStatus",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
  "admissionregistration.k8s.io/MutatingAdmissionPolicy",
  "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
  "apiextensions.k8s.io/CustomResourceDefinition",
  "apiregistration.k8s.io/APIService",
  "certificates.k8s.io/CertificateSigningRequest",
  "flowcontrol.apiserver.k8s.io/FlowSchema",
  "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
  "networking.k8s.io/IngressClass",
  "node.k8s.io/RuntimeClass",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "scheduling.k8s.io/PriorityClass",
  "storage.k8s.io/CSIDriver",
  "storage.k8s.io/CSINode",
  "storage.k8s.io/StorageClass",
  "storage.k8s.io/VolumeAttachment",
  "cert-manager.io/ClusterIssuer",
  "external-secrets.io/ClusterSecretStore",
  "external-secrets.io/ClusterExternalSecret",
  "external-secrets.io/ClusterPushSecret",
  "external-secrets.io/ClusterGenerator",
]);

/** Whether objects of this kind live in a namespace. */
export function isNamespaced(object: KubeObject): boolean {
  return !CLUSTER_SCOPED.has(`${groupOf(object.apiVersion)}/${object.kind}`);
}

/** `group/kind` as Argo CD prints it (`batch/CronJob`, `/Namespace` for the core group). */
export function groupKind(object: KubeObject): string {
  return `${groupOf(object.apiVersion)}/${object.kind}`;
}

/** The namespace an Application puts a namespaced object in: its own, else the Application's destination. */
export function effectiveNamespace(object: KubeObject, app: ApplicationView): string | undefined {
  if (!isNamespaced(object)) return undefined;
  return object.metadata.namespace ?? app.destination.namespace;
}

/**
 * Argo CD's glob (`util/glob`): `*` matches any run of characters, `?` one
 * character, everything else itself; the whole text must match.
 */
export function globMatches(pattern: string, text: string): boolean {
  const source = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${source}$`, "s").test(text);
}

/**
 * Argo CD's list of patterns with `!` negation (sourceRepos, destination
 * namespaces): permitted when some plain pattern matches and no `!` pattern
 * does.
 */
export function permittedBy(patterns: readonly string[], text: string): boolean {
  const denied = patterns.some((p) => p.startsWith("!") && globMatches(p.slice(1), text));
  return !denied && patterns.some((p) => !p.startsWith("!") && globMatches(p, text));
}

/** Names in a sorted, readable list that stays short: `a, b, c and 4 more`. */
export function firstFew(names: readonly string[], most = 3): string {
  const sorted = [...names].sort(byCodeUnit);
  return sorted.length <= most ? sorted.join(", ") : `${sorted.slice(0, most).join(", ")} and ${sorted.length - most} more`;
}

/** A key of a field path: `.name`, or `["app.kubernetes.io/name"]` when it is not a plain identifier. */
export function fieldKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** One object inside a source's Helm values, with its field path in the Application. */
export interface ValuesNode {
  readonly path: string;
  readonly node: Readonly<Record<string, unknown>>;
}

/** Every object of a source's inline Helm values (`helm.valuesObject`), the root included, depth first in key order. */
export function valuesNodes(source: ApplicationSource): ValuesNode[] {
  const out: ValuesNode[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (typeof value === "object" && value !== null) {
      out.push({ path, node: value as Record<string, unknown> });
      for (const [key, child] of Object.entries(value)) walk(child, `${path}${fieldKey(key)}`);
    }
  };
  walk(source.values, `${source.path}.helm.valuesObject`);
  return out;
}
