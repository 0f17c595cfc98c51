// Checks of the Argo CD wiring, run on parsed documents of a clusters/ tree.
// Each returns the problems it finds (empty when the tree is right), so the
// tests can run it on the committed tree and on copies broken on purpose.
// Dependencies are derived from what the objects say (kinds, references,
// selectors) and from the app specs, never from the sync waves under test.
import type { ClusterProfile } from "../../generators/fleet/types.js";
import type { AppSpec } from "../../generators/spec/types.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A parsed file: path relative to clusters/ (`prod/argocd/application-kades.yaml`) and its object. */
export interface Doc {
  readonly path: string;
  readonly object: Json;
}

export const IN_CLUSTER = "https://kubernetes.default.svc";

/** Deep copy, for breaking one thing in a test. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function ofCluster(docs: readonly Doc[], cluster: string): Doc[] {
  return docs.filter((d) => d.path.startsWith(`${cluster}/`));
}

export function dirOf(doc: Doc): string {
  return doc.path.slice(0, doc.path.lastIndexOf("/"));
}

export function wave(object: Json): number {
  return Number(object.metadata?.annotations?.["argocd.argoproj.io/sync-wave"] ?? "0");
}

export function applications(docs: readonly Doc[]): Doc[] {
  return docs.filter((d) => d.object.kind === "Application" && d.object.apiVersion === "argoproj.io/v1alpha1");
}

export function sourcesOf(app: Json): Json[] {
  return app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
}

/** Directories of this repository an Application syncs, as tree paths (`prod/apps/kades`). */
export function repoDirs(app: Json, profile: ClusterProfile): string[] {
  return sourcesOf(app)
    .filter((s) => s.repoURL === profile.repository.url)
    .map((s) => String(s.path).replace(/^clusters\//, "").replace(/\/$/, ""));
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] as string) : "";
}

// ---------------------------------------------------------------------------
// Paths: every directory synced by exactly one Application, every path present.

/**
 * Every app and platform directory and the argocd directory are synced by
 * exactly one Application; every path an Application names exists in the
 * tree; the bootstrap directory holds the root Application only.
 */
export function pathProblems(docs: readonly Doc[], profile: ClusterProfile): string[] {
  const cluster = profile.name;
  const mine = ofCluster(docs, cluster);
  const dirs = new Set(mine.map(dirOf));
  const problems: string[] = [];
  const referenced = new Map<string, string[]>();
  for (const app of applications(mine)) {
    for (const source of sourcesOf(app.object)) {
      if (source.chart !== undefined) continue;
      if (source.repoURL !== profile.repository.url) {
        // Only the root may sync another repository's directory: Argo CD's own manifests.
        if (!app.path.startsWith(`${cluster}/bootstrap/`)) problems.push(`${app.path}: syncs ${source.repoURL}, not this repository`);
        continue;
      }
      if (source.targetRevision !== profile.repository.targetRevision) {
        problems.push(`${app.path}: targetRevision ${source.targetRevision}, the profile says ${profile.repository.targetRevision}`);
      }
      const dir = String(source.path).replace(/^clusters\//, "");
      if (!dir.startsWith(`${cluster}/`)) problems.push(`${app.path}: path ${source.path} is outside clusters/${cluster}/`);
      if (!dirs.has(dir)) problems.push(`${app.path}: path ${source.path} does not exist`);
      referenced.set(dir, [...(referenced.get(dir) ?? []), app.path]);
    }
  }
  const synced = [...dirs].filter((d) => /^[^/]+\/(apps|platform)\/[^/]+$/.test(d) || d === `${cluster}/argocd`);
  for (const dir of synced) {
    const by = referenced.get(dir) ?? [];
    if (by.length !== 1) problems.push(`${dir}/: synced by ${by.length} Applications${by.length > 0 ? ` (${by.join(", ")})` : ""}, not exactly one`);
  }
  const unexpected = [...dirs].filter((d) => !synced.includes(d) && d !== `${cluster}/bootstrap`);
  for (const dir of unexpected) problems.push(`${dir}/: no Application syncs this directory`);
  const bootstrap = mine.filter((d) => dirOf(d) === `${cluster}/bootstrap`);
  if (bootstrap.length !== 1 || bootstrap[0]?.object.kind !== "Application") {
    problems.push(`${cluster}/bootstrap/: holds ${bootstrap.length} objects, not exactly the root Application`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Projects: least privilege.

function appDirOf(app: Json, profile: ClusterProfile): string | undefined {
  return repoDirs(app, profile).find((d) => /\/apps\/[^/]+$/.test(d));
}

/**
 * Every app's Application uses a project of its own that admits only this
 * repository, only the app's namespace, only that Namespace object among
 * cluster-scoped kinds and exactly the namespaced kinds of the app's
 * directory. No project anywhere uses a wildcard.
 */
export function projectProblems(docs: readonly Doc[], profile: ClusterProfile): string[] {
  const mine = ofCluster(docs, profile.name);
  const projects = new Map(mine.filter((d) => d.object.kind === "AppProject").map((d) => [d.object.metadata.name as string, d]));
  const problems: string[] = [];
  for (const p of projects.values()) {
    if (JSON.stringify(p.object.spec).includes("*")) problems.push(`${p.path}: uses a wildcard`);
  }
  const apps = applications(mine);
  const users = new Map<string, string[]>();
  for (const a of apps) users.set(a.object.spec.project, [...(users.get(a.object.spec.project) ?? []), a.path]);
  for (const app of apps) {
    const dir = appDirOf(app.object, profile);
    if (dir === undefined) continue;
    const where = app.path;
    const objects = mine.filter((d) => dirOf(d) === dir).map((d) => d.object);
    const namespace = objects.find((o) => o.kind === "Namespace")?.metadata.name;
    const project = projects.get(app.object.spec.project);
    if (!project) {
      problems.push(`${where}: project ${app.object.spec.project} does not exist`);
      continue;
    }
    const spec = project.object.spec;
    const at = project.path;
    if ((users.get(app.object.spec.project) ?? []).length !== 1) problems.push(`${at}: shared by ${users.get(app.object.spec.project)?.join(", ")}`);
    if (app.object.spec.destination?.namespace !== namespace) problems.push(`${where}: destination namespace ${app.object.spec.destination?.namespace}, the app's is ${namespace}`);
    if (JSON.stringify(spec.sourceRepos) !== JSON.stringify([profile.repository.url])) problems.push(`${at}: sourceRepos ${JSON.stringify(spec.sourceRepos)}, not only ${profile.repository.url}`);
    if (JSON.stringify(spec.destinations) !== JSON.stringify([{ namespace, server: IN_CLUSTER }])) {
      problems.push(`${at}: destinations ${JSON.stringify(spec.destinations)}, not only namespace ${namespace}`);
    }
    const clusterKinds = (spec.clusterResourceWhitelist ?? []).map((k: Json) => `${k.group}/${k.kind}/${k.name ?? "(any)"}`);
    if (JSON.stringify(clusterKinds) !== JSON.stringify([`/Namespace/${namespace}`])) problems.push(`${at}: cluster-scoped kinds ${clusterKinds.join(", ")}, not only Namespace ${namespace}`);
    const allowed = new Set<string>((spec.namespaceResourceWhitelist ?? []).map((k: Json) => `${k.group}/${k.kind}`));
    const used = new Set(objects.filter((o) => o.kind !== "Namespace").map((o) => `${groupOf(o.apiVersion)}/${o.kind}`));
    if (spec.namespaceResourceWhitelist === undefined) problems.push(`${at}: admits every namespaced kind`);
    for (const k of used) if (!allowed.has(k)) problems.push(`${at}: does not admit ${k}, which the app renders`);
    for (const k of allowed) if (!used.has(k)) problems.push(`${at}: admits ${k}, which the app does not render`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Sync order of the root: every Application after what it depends on.

/** Which upstream chart serves each API group (independent knowledge of the charts, not read from the generator). */
export const CHART_SERVES: Readonly<Record<string, string>> = {
  "external-secrets.io": "external-secrets",
  "monitoring.coreos.com": "kube-prometheus-stack",
  "cert-manager.io": "cert-manager",
  "autoscaling.k8s.io": "vertical-pod-autoscaler",
  "metrics.k8s.io": "metrics-server",
  "custom.metrics.k8s.io": "prometheus-adapter",
};

/** Charts that need another chart running first (the adapter queries Prometheus; the VPA recommender reads metrics-server). */
const CHART_NEEDS: Readonly<Record<string, readonly string[]>> = {
  "prometheus-adapter": ["monitoring.coreos.com"],
  "vertical-pod-autoscaler": ["metrics.k8s.io"],
};

/** Values that make a chart render ServiceMonitors (which need Prometheus' CRDs), per chart. */
const SERVICE_MONITOR_VALUES: Readonly<Record<string, (values: Json) => boolean>> = {
  "cert-manager": (v) => v?.prometheus?.servicemonitor?.enabled === true,
  "ingress-nginx": (v) => v?.controller?.metrics?.serviceMonitor?.enabled === true,
};

type Need = { readonly what: string; readonly provider: (app: Doc) => boolean };

function chartApp(chart: string): (app: Doc) => boolean {
  return (app) => sourcesOf(app.object).some((s) => s.chart === chart);
}

function serving(group: string): Need {
  const chart = CHART_SERVES[group];
  return { what: `the ${group} API`, provider: chart ? chartApp(chart) : () => false };
}

/** What the objects of one directory need from other Applications. */
function needsOf(objects: readonly Json[], dirApps: (pred: (o: Json) => boolean) => (app: Doc) => boolean): Need[] {
  const needs: Need[] = [];
  for (const o of objects) {
    const group = groupOf(o.apiVersion);
    if (CHART_SERVES[group]) needs.push(serving(group));
    if (o.kind === "ExternalSecret") {
      const store = o.spec.secretStoreRef.name;
      needs.push({ what: `ClusterSecretStore ${store}`, provider: dirApps((x) => x.kind === "ClusterSecretStore" && x.metadata.name === store) });
    }
    if (o.kind === "Ingress") {
      const issuer = o.metadata.annotations?.["cert-manager.io/cluster-issuer"];
      if (issuer) needs.push({ what: `ClusterIssuer ${issuer}`, provider: dirApps((x) => x.kind === "ClusterIssuer" && x.metadata.name === issuer) });
      const ingressClass = o.spec.ingressClassName;
      needs.push({
        what: `IngressClass ${ingressClass}`,
        provider: (app) => sourcesOf(app.object).some((s) => s.chart === "ingress-nginx" && s.helm?.valuesObject?.controller?.ingressClassResource?.name === ingressClass),
      });
    }
    if (o.kind === "HorizontalPodAutoscaler") {
      for (const m of o.spec.metrics ?? []) {
        if (m.type === "Resource") needs.push(serving("metrics.k8s.io"));
        if (m.type === "Pods") needs.push(serving("custom.metrics.k8s.io"));
      }
    }
  }
  return needs;
}

/**
 * Every Application syncs in a later wave than the Applications providing what
 * its objects need: the APIs (CRDs, metrics APIs) of the kinds it renders, the
 * ClusterSecretStore and ClusterIssuer it names, the IngressClass, the
 * Namespace it installs into and the Secret a chart's values name. AppProjects
 * come before every Application.
 */
export function rootOrderProblems(docs: readonly Doc[], profile: ClusterProfile): string[] {
  const mine = ofCluster(docs, profile.name);
  const apps = applications(mine).filter((a) => !a.path.startsWith(`${profile.name}/bootstrap/`));
  const objectsOf = (app: Doc): Json[] => {
    const dirs = repoDirs(app.object, profile);
    return mine.filter((d) => dirs.includes(dirOf(d))).map((d) => d.object);
  };
  const dirApps = (pred: (o: Json) => boolean) => (app: Doc) => objectsOf(app).some(pred);
  const problems: string[] = [];
  const firstApp = Math.min(...apps.map((a) => wave(a.object)));
  for (const p of mine.filter((d) => d.object.kind === "AppProject")) {
    if (wave(p.object) >= firstApp) problems.push(`${p.path}: wave ${wave(p.object)} is not before the first Application (wave ${firstApp})`);
  }
  for (const app of apps) {
    const needs = needsOf(objectsOf(app), dirApps);
    const namespace = app.object.spec.destination.namespace;
    if (namespace !== "kube-system") {
      needs.push({ what: `Namespace ${namespace}`, provider: dirApps((x) => x.kind === "Namespace" && x.metadata.name === namespace) });
    }
    for (const source of sourcesOf(app.object)) {
      if (source.chart === undefined) continue;
      const values = source.helm?.valuesObject;
      for (const group of CHART_NEEDS[source.chart] ?? []) needs.push(serving(group));
      if (SERVICE_MONITOR_VALUES[source.chart]?.(values)) needs.push(serving("monitoring.coreos.com"));
      const secret = values?.grafana?.enabled ? values.grafana.admin?.existingSecret : undefined;
      if (secret) {
        needs.push({
          what: `Secret ${namespace}/${secret}`,
          provider: dirApps((x) => x.kind === "ExternalSecret" && x.metadata.namespace === namespace && x.spec.target?.name === secret),
        });
      }
    }
    for (const need of needs) {
      const providers = apps.filter((p) => p !== app && need.provider(p));
      if (providers.length === 0 && !need.provider(app)) {
        problems.push(`${app.path}: needs ${need.what}, which no Application provides`);
        continue;
      }
      for (const p of providers) {
        if (wave(p.object) >= wave(app.object)) {
          problems.push(`${app.path}: wave ${wave(app.object)} needs ${need.what} from ${p.path}, which is in wave ${wave(p.object)}`);
        }
      }
    }
  }
  return [...new Set(problems)];
}

// ---------------------------------------------------------------------------
// Sync order inside an app: data stores, the Jobs preparing them, then their clients.

function podSpecOf(o: Json): Json | undefined {
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
  return ["Deployment", "StatefulSet", "Job"].includes(o.kind) ? o.spec?.template?.spec : undefined;
}

function podLabelsOf(o: Json): Record<string, string> {
  return (o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.metadata?.labels : o.spec?.template?.metadata?.labels) ?? {};
}

/** Objects a pod needs to exist before it can start: ConfigMaps, Secrets (via their ExternalSecret), claims, its ServiceAccount. */
function podReferences(pod: Json): { kind: string; name: string }[] {
  const refs: { kind: string; name: string }[] = [];
  for (const v of pod.volumes ?? []) {
    if (v.configMap) refs.push({ kind: "ConfigMap", name: v.configMap.name });
    if (v.secret) refs.push({ kind: "Secret", name: v.secret.secretName });
    if (v.persistentVolumeClaim) refs.push({ kind: "PersistentVolumeClaim", name: v.persistentVolumeClaim.claimName });
  }
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) refs.push({ kind: "ConfigMap", name: e.valueFrom.configMapKeyRef.name });
      if (e.valueFrom?.secretKeyRef) refs.push({ kind: "Secret", name: e.valueFrom.secretKeyRef.name });
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) refs.push({ kind: "ConfigMap", name: e.configMapRef.name });
      if (e.secretRef) refs.push({ kind: "Secret", name: e.secretRef.name });
    }
  }
  if (pod.serviceAccountName) refs.push({ kind: "ServiceAccount", name: pod.serviceAccountName });
  return refs;
}

/** Whether a Service selector picks pods of the StatefulSet (all of them, or one by the pod-name label the controller adds). */
function selectsPodsOf(selector: Record<string, string> | undefined, statefulSet: Json): boolean {
  const labels = podLabelsOf(statefulSet);
  const ordinal = new RegExp(`^${statefulSet.metadata.name}-\\d+$`);
  return (
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v || (k === "statefulset.kubernetes.io/pod-name" && ordinal.test(v)))
  );
}

/**
 * Inside one app's directory: the Namespace first; every ConfigMap, Secret
 * source (ExternalSecret) and ServiceAccount a pod references before the pod
 * (a claim no later than its first consumer); every data store the spec's
 * `connects` names, and the Services in front of it, before each component
 * that connects to it; a Job that connects to a data store after it, and
 * before every other component using that store.
 */
export function appOrderProblems(objects: readonly Json[], spec: AppSpec, where: string): string[] {
  const problems: string[] = [];
  const workload = (name: string): Json | undefined => objects.find((o) => podSpecOf(o) !== undefined && o.metadata.name === name);
  const namespace = objects.find((o) => o.kind === "Namespace");
  for (const o of objects) {
    if (o !== namespace && namespace && wave(o) <= wave(namespace)) problems.push(`${where}: ${o.kind}/${o.metadata.name} (wave ${wave(o)}) is not after its Namespace (wave ${wave(namespace)})`);
  }
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    for (const ref of podReferences(pod)) {
      const target =
        ref.kind === "Secret"
          ? objects.find((x) => x.kind === "ExternalSecret" && x.spec.target?.name === ref.name)
          : objects.find((x) => x.kind === ref.kind && x.metadata.name === ref.name);
      if (!target) {
        problems.push(`${where}: ${o.kind}/${o.metadata.name} references ${ref.kind} ${ref.name}, which the app does not render`);
        continue;
      }
      const late = ref.kind === "PersistentVolumeClaim" ? wave(target) > wave(o) : wave(target) >= wave(o);
      if (late) problems.push(`${where}: ${o.kind}/${o.metadata.name} (wave ${wave(o)}) needs ${target.kind}/${target.metadata.name} (wave ${wave(target)}) first`);
    }
  }
  const stores = new Set(spec.components.filter((c) => c.kind === "StatefulSet" && c.role === "datastore").map((c) => c.name));
  const storesOf = (name: string): string[] =>
    (spec.components.find((c) => c.name === name)?.connects ?? []).flatMap((k) => ("component" in k && k.component !== name && stores.has(k.component) ? [k.component] : []));
  const jobs = spec.components.filter((c) => c.kind === "Job").map((c) => c.name);
  for (const component of spec.components) {
    const self = workload(component.name);
    if (!self) {
      problems.push(`${where}: component ${component.name} has no workload`);
      continue;
    }
    const used = storesOf(component.name);
    const before: Json[] = [];
    for (const store of used) {
      const statefulSet = workload(store);
      if (statefulSet) before.push(statefulSet, ...objects.filter((x) => x.kind === "Service" && selectsPodsOf(x.spec.selector, statefulSet)));
    }
    if (component.kind !== "Job") {
      for (const job of jobs) if (storesOf(job).some((s) => used.includes(s))) before.push(workload(job));
    }
    for (const dep of before.filter(Boolean)) {
      if (wave(dep) >= wave(self)) {
        problems.push(`${where}: ${self.kind}/${self.metadata.name} (wave ${wave(self)}) connects to what ${dep.kind}/${dep.metadata.name} (wave ${wave(dep)}) provides, which must be synced first`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Replica counts owned by HPAs.

/** Each app's Application ignores exactly the replica counts of the workloads its HPAs scale, and respects that on sync. */
export function ignoreDifferencesProblems(docs: readonly Doc[], profile: ClusterProfile): string[] {
  const mine = ofCluster(docs, profile.name);
  const problems: string[] = [];
  for (const app of applications(mine)) {
    const dir = appDirOf(app.object, profile);
    if (dir === undefined) continue;
    const hpas = mine.filter((d) => dirOf(d) === dir && d.object.kind === "HorizontalPodAutoscaler").map((d) => d.object);
    const expected = hpas.map((h) => `${groupOf(h.spec.scaleTargetRef.apiVersion)}/${h.spec.scaleTargetRef.kind}/${h.metadata.namespace}/${h.spec.scaleTargetRef.name} /spec/replicas`).sort();
    const actual = (app.object.spec.ignoreDifferences ?? [])
      .flatMap((i: Json) => (i.jsonPointers ?? []).map((p: string) => `${i.group ?? ""}/${i.kind}/${i.namespace}/${i.name} ${p}`))
      .sort();
    const other = (app.object.spec.ignoreDifferences ?? []).filter((i: Json) => (i.jqPathExpressions ?? []).length > 0 || (i.managedFieldsManagers ?? []).length > 0);
    if (JSON.stringify(expected) !== JSON.stringify(actual) || other.length > 0) {
      problems.push(`${app.path}: ignores ${JSON.stringify(actual)}${other.length > 0 ? " and more" : ""}, the HPAs scale ${JSON.stringify(expected)}`);
    }
    const respects = (app.object.spec.syncPolicy?.syncOptions ?? []).includes("RespectIgnoreDifferences=true");
    if (expected.length > 0 && !respects) problems.push(`${app.path}: a sync would reset the HPA's replicas (no RespectIgnoreDifferences=true)`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Hooks and data safety.

const DELETE_POLICIES = new Set(["BeforeHookCreation", "HookSucceeded", "HookFailed"]);

/** Every Job (immutable pod template) is an Argo CD Sync hook with a delete policy; nothing else is a hook. */
export function hookProblems(docs: readonly Doc[]): string[] {
  const problems: string[] = [];
  for (const d of docs) {
    const annotations = d.object.metadata?.annotations ?? {};
    const hook = annotations["argocd.argoproj.io/hook"];
    if (d.object.kind === "Job") {
      if (hook !== "Sync") problems.push(`${d.path}: a Job is not a Sync hook (hook: ${hook}), so an edited Job could never be applied`);
      const policies = String(annotations["argocd.argoproj.io/hook-delete-policy"] ?? "").split(",").filter(Boolean);
      if (policies.length === 0 || !policies.every((p) => DELETE_POLICIES.has(p))) problems.push(`${d.path}: hook-delete-policy ${policies.join(",") || "(none)"}`);
    } else if (hook !== undefined) {
      problems.push(`${d.path}: ${d.object.kind} is a hook (${hook}); only Jobs are`);
    }
  }
  return problems;
}

function keepsOnDelete(object: Json): boolean {
  const options = String(object.metadata?.annotations?.["argocd.argoproj.io/sync-options"] ?? "").split(",");
  return options.includes("Prune=false") && options.includes("Delete=false");
}

/**
 * Stored data survives Argo CD: every PVC, every StatefulSet and every
 * Namespace holding either carries Prune=false and Delete=false.
 */
export function dataSafetyProblems(docs: readonly Doc[]): string[] {
  const problems: string[] = [];
  const holding = new Set<string>();
  for (const d of docs) {
    const stores = d.object.kind === "PersistentVolumeClaim" || (d.object.kind === "StatefulSet" && (d.object.spec.volumeClaimTemplates ?? []).length > 0);
    if (stores) holding.add(`${d.path.split("/")[0]}/${d.object.metadata.namespace}`);
    if ((d.object.kind === "PersistentVolumeClaim" || d.object.kind === "StatefulSet") && !keepsOnDelete(d.object)) {
      problems.push(`${d.path}: ${d.object.kind} can be pruned or deleted by Argo CD`);
    }
  }
  for (const d of docs.filter((x) => x.object.kind === "Namespace")) {
    if (holding.has(`${d.path.split("/")[0]}/${d.object.metadata.name}`) && !keepsOnDelete(d.object)) {
      problems.push(`${d.path}: Namespace holds stored data but can be deleted by Argo CD (deleting it deletes every claim in it)`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Server-side apply where objects are large.

/** Client-side apply keeps a copy of the object in an annotation capped at 256 KiB; half that is "large". */
export const LARGE_BYTES = 128 * 1024;

/** Charts that install CRDs (independent knowledge of the charts): CRDs are large. */
export const CRD_CHARTS: readonly string[] = ["cert-manager", "external-secrets", "kube-prometheus-stack", "vertical-pod-autoscaler"];

/**
 * Every Application that syncs a large object applies server-side: a directory
 * holding an object of 128 KiB or more, a chart that installs CRDs, the root
 * (Argo CD's own CRDs).
 */
export function serverSideProblems(docs: readonly Doc[], profile: ClusterProfile): string[] {
  const mine = ofCluster(docs, profile.name);
  const problems: string[] = [];
  for (const app of applications(mine)) {
    const dirs = repoDirs(app.object, profile);
    const large = mine.filter((d) => dirs.includes(dirOf(d)) && Buffer.byteLength(JSON.stringify(d.object)) >= LARGE_BYTES);
    const crds = sourcesOf(app.object).some((s) => CRD_CHARTS.includes(s.chart) || s.repoURL === "https://github.com/argoproj/argo-cd.git");
    const serverSide = (app.object.spec.syncPolicy?.syncOptions ?? []).includes("ServerSideApply=true");
    if ((large.length > 0 || crds) && !serverSide) {
      const why = large.length > 0 ? `${large.map((d) => d.path).join(", ")} is 128 KiB or more` : "its source installs CRDs";
      problems.push(`${app.path}: applies client-side, but ${why} (client-side apply copies objects into a 256 KiB annotation)`);
    }
  }
  return problems;
}
