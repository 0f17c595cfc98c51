// The order Argo CD applies an app's objects in: its Namespace, then what pods
// need to start (quota, identities, policies, config, secrets), then data
// stores, the Jobs that prepare them, and last the components that use them.
// Argo CD waits for every object of a wave to be healthy before the next wave.
import type { ClaimSpec, AppSpec, WorkloadSpec } from "../spec/types.js";
import { DATA_SAFETY_ANNOTATIONS, isBatch } from "../render/context.js";
import { SpecError } from "../spec/validate.js";
import { byCodeUnit } from "../order.js";

export const SYNC_WAVE = "argocd.argoproj.io/sync-wave";
export const HOOK = "argocd.argoproj.io/hook";
export const HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy";

/** Waves inside an app's Application; components start at `firstWorkload` and count up. */
export const APP_WAVES = { namespace: -2, foundation: -1, firstWorkload: 0 } as const;

/** Kinds every pod of the app may need before it starts; none of them waits on a pod. */
const FOUNDATION_KINDS: ReadonlySet<string> = new Set([
  "ResourceQuota",
  "LimitRange",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "NetworkPolicy",
  "ConfigMap",
  "ExternalSecret",
  "PrometheusRule",
]);

/** Kinds that belong to one component (by its `app.kubernetes.io/name` label) and sync in its wave. */
const COMPONENT_KINDS: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "Job",
  "CronJob",
  "Service",
  "HorizontalPodAutoscaler",
  "VerticalPodAutoscaler",
  "PodDisruptionBudget",
  "ServiceMonitor",
]);

/** What the annotator needs of an object: its kind, name and labels. */
export interface Annotatable {
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
}

function componentDeps(component: WorkloadSpec): string[] {
  const names = (component.connects ?? []).flatMap((c) => ("component" in c && c.component !== component.name ? [c.component] : []));
  return [...new Set(names)].sort(byCodeUnit);
}

function isDatastore(component: WorkloadSpec): boolean {
  return !isBatch(component) && component.role === "datastore";
}

/**
 * The sync wave of every component. A data store syncs after the data stores it
 * connects to; a Job after the data stores it connects to (it prepares them:
 * schema migration, cluster forming); every other component after the data
 * stores it connects to and after the Jobs that prepare those stores.
 * Components that connect to no data store start in the first workload wave.
 */
export function componentWaves(app: AppSpec, cluster: string): ReadonlyMap<string, number> {
  const byName = new Map(app.components.map((c) => [c.name, c]));
  const stores = new Set(app.components.filter(isDatastore).map((c) => c.name));
  const waves = new Map<string, number>();

  const storeWave = (name: string, path: readonly string[]): number => {
    const known = waves.get(name);
    if (known !== undefined) return known;
    if (path.includes(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name].join(" -> ");
      throw new SpecError([
        {
          app: app.name,
          cluster,
          field: `components[${name}].connects`,
          value: cycle,
          problem: `data stores connect to each other in a cycle (${cycle}), so none of them can sync first`,
          fix: "remove one of the connections, or drop role \"datastore\" from a component that does not hold data",
        },
      ]);
    }
    const deps = componentDeps(byName.get(name) as WorkloadSpec).filter((d) => stores.has(d));
    const wave = deps.length === 0 ? APP_WAVES.firstWorkload : 1 + Math.max(...deps.map((d) => storeWave(d, [...path, name])));
    waves.set(name, wave);
    return wave;
  };

  for (const name of [...stores].sort(byCodeUnit)) storeWave(name, []);
  const jobs = app.components.filter((c) => c.kind === "Job");
  const storesOf = (c: WorkloadSpec): string[] => componentDeps(c).filter((d) => stores.has(d));
  for (const job of jobs) {
    const deps = storesOf(job);
    waves.set(job.name, deps.length === 0 ? APP_WAVES.firstWorkload : 1 + Math.max(...deps.map((d) => waves.get(d) as number)));
  }
  for (const component of app.components) {
    if (waves.has(component.name)) continue;
    const used = storesOf(component);
    const preparers = jobs.filter((j) => storesOf(j).some((s) => used.includes(s))).map((j) => j.name);
    const deps = [...used, ...preparers];
    waves.set(
      component.name,
      deps.length === 0 ? APP_WAVES.firstWorkload : 1 + Math.max(...deps.map((d) => waves.get(d) as number)),
    );
  }
  return waves;
}

function claimsOf(component: WorkloadSpec): string[] {
  return Object.values(component.volumes ?? {}).flatMap((v) => ("claim" in v ? [v.claim] : []));
}

/**
 * A PVC syncs with its first consumer, not before it: on a WaitForFirstConsumer
 * storage class it stays Pending (Progressing to Argo CD) until a pod uses it,
 * and an earlier wave would never finish.
 */
function claimWave(app: AppSpec, claim: ClaimSpec, waves: ReadonlyMap<string, number>): number {
  const consumers = app.components.filter((c) => claimsOf(c).includes(claim.name)).map((c) => waves.get(c.name) as number);
  return consumers.length === 0 ? APP_WAVES.foundation : Math.min(...consumers);
}

/** The data an app keeps: a Namespace holding it must not be deleted with the app either. */
function holdsData(app: AppSpec): boolean {
  return (
    (app.claims ?? []).length > 0 ||
    app.components.some((c) => !isBatch(c) && (c.volumeClaimTemplates ?? []).length > 0)
  );
}

/**
 * Argo CD annotations of one object of the app: its sync wave; for Jobs the Sync
 * hook that re-creates them on every sync (a Job's pod template is immutable, so
 * an edited Job could never be applied in place); for a Namespace holding data,
 * protection from pruning and deletion. Throws for a kind it has no rule for.
 */
export function syncAnnotations(
  app: AppSpec,
  cluster: string,
  object: Annotatable,
  waves: ReadonlyMap<string, number> = componentWaves(app, cluster),
): Record<string, string> {
  const wave = (n: number): Record<string, string> => ({ [SYNC_WAVE]: String(n) });
  switch (object.kind) {
    case "Namespace":
      return { ...wave(APP_WAVES.namespace), ...(holdsData(app) ? DATA_SAFETY_ANNOTATIONS : {}) };
    case "PersistentVolumeClaim": {
      const claim = (app.claims ?? []).find((c) => c.name === object.metadata.name);
      if (!claim) throw new Error(`apps/${app.name}: PersistentVolumeClaim/${object.metadata.name} is not in the spec's claims`);
      return wave(claimWave(app, claim, waves));
    }
    case "Ingress": {
      const spec = (app.ingresses ?? []).find((i) => i.name === object.metadata.name);
      const target = spec ? waves.get(spec.component) : undefined;
      if (target === undefined) throw new Error(`apps/${app.name}: Ingress/${object.metadata.name} routes to no known component`);
      return wave(target);
    }
  }
  if (FOUNDATION_KINDS.has(object.kind)) return wave(APP_WAVES.foundation);
  if (COMPONENT_KINDS.has(object.kind)) {
    const component = object.metadata.labels?.["app.kubernetes.io/name"];
    const n = component === undefined ? undefined : waves.get(component);
    if (n === undefined) {
      throw new Error(`apps/${app.name}: ${object.kind}/${object.metadata.name} carries no app.kubernetes.io/name of a component`);
    }
    if (object.kind !== "Job") return wave(n);
    return { ...wave(n), [HOOK]: "Sync", [HOOK_DELETE_POLICY]: "BeforeHookCreation" };
  }
  throw new Error(
    `apps/${app.name}: no sync wave rule for ${object.kind}/${object.metadata.name}; add the kind to generators/argocd/sync-order.ts`,
  );
}
