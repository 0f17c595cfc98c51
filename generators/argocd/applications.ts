// Applications: one per app and one per platform add-on, all synced
// automatically with prune and self-heal, retried with backoff, in the wave
// their dependencies give (waves.ts).
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import type { ClusterProfile } from "../fleet/types.js";
import type { KubeObject } from "../render/app.js";
import type { PlatformAddon } from "../platform/addon.js";
import { plain } from "../platform/addon.js";
import type { AppObjects } from "../platform/index.js";
import { byCodeUnit } from "../order.js";
import { SYNC_WAVE } from "./sync-order.js";
import { ARGOCD_NAMESPACE, gitPath, IN_CLUSTER, MANAGED_BY, PLATFORM_PROJECT, RESOURCES_FINALIZER } from "./names.js";
import { groupOf } from "./projects.js";

/**
 * Objects at least this large (as JSON) sync server-side: client-side apply
 * copies the whole object into an annotation limited to 256 KiB.
 */
export const LARGE_OBJECT_BYTES = 128 * 1024;

/** Failed syncs are retried with exponential backoff (10s, 20s, ... at most 5m apart), and again on every new revision. */
export const RETRY = { limit: 10, refresh: true, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } } as const;

export interface SyncChoices {
  /** Apply server-side (large objects, CRDs). */
  readonly serverSide: boolean;
  /** Some fields are left to controllers in the cluster (ignoreDifferences). */
  readonly respectIgnored: boolean;
}

/** Automated sync with prune and self-heal; resources another Application owns are never taken over. */
export function syncPolicy(choices: SyncChoices): NonNullable<Application["spec"]["syncPolicy"]> {
  const options = [
    "FailOnSharedResource=true",
    "PruneLast=true",
    ...(choices.respectIgnored ? ["RespectIgnoreDifferences=true"] : []),
    ...(choices.serverSide ? ["ServerSideApply=true"] : []),
  ].sort(byCodeUnit);
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: options,
    retry: { limit: RETRY.limit, refresh: RETRY.refresh, backoff: { ...RETRY.backoff } },
  };
}

export function hasLargeObject(objects: readonly KubeObject[]): boolean {
  return objects.some((o) => Buffer.byteLength(JSON.stringify(o)) >= LARGE_OBJECT_BYTES);
}

function application(
  name: string,
  wave: number,
  labels: Record<string, string>,
  spec: Application["spec"],
  finalizers: readonly string[] = [],
): KubeObject {
  return plain(
    new Application({
      metadata: {
        name,
        namespace: ARGOCD_NAMESPACE,
        labels: { ...MANAGED_BY, ...labels },
        annotations: { [SYNC_WAVE]: String(wave) },
        ...(finalizers.length > 0 ? { finalizers: [...finalizers] } : {}),
      },
      spec,
    }),
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Replica counts an HPA owns: Argo CD neither reports them as drift nor resets them on sync. */
export function hpaReplicaFields(objects: readonly KubeObject[]): { group: string; kind: string; name: string; namespace: string; jsonPointers: string[] }[] {
  return objects
    .filter((o) => o.kind === "HorizontalPodAutoscaler")
    .map((o: Json) => ({
      group: groupOf(o.spec.scaleTargetRef.apiVersion),
      kind: o.spec.scaleTargetRef.kind as string,
      name: o.spec.scaleTargetRef.name as string,
      namespace: o.metadata.namespace as string,
      jsonPointers: ["/spec/replicas"],
    }))
    .sort((a, b) => byCodeUnit(a.kind, b.kind) || byCodeUnit(a.name, b.name));
}

/**
 * An app's Application: its directory, its namespace, its project. Deleting it
 * deletes the app's objects, except stored data (PVCs, StatefulSets and their
 * Namespace carry Prune=false,Delete=false).
 */
export function appApplication(cluster: ClusterProfile, app: AppObjects, wave: number): KubeObject {
  const ignored = hpaReplicaFields(app.objects);
  return application(
    app.name,
    wave,
    { "app.kubernetes.io/part-of": app.name },
    {
      project: app.name,
      source: {
        repoURL: cluster.repository.url,
        targetRevision: cluster.repository.targetRevision,
        path: gitPath(cluster, "apps", app.name),
        directory: { recurse: false },
      },
      destination: { server: IN_CLUSTER, namespace: app.namespace },
      ...(ignored.length > 0 ? { ignoreDifferences: ignored } : {}),
      syncPolicy: syncPolicy({ serverSide: hasLargeObject(app.objects), respectIgnored: ignored.length > 0 }),
      info: [{ name: "Spec", value: `apps/${app.name}` }],
    },
    [RESOURCES_FINALIZER],
  );
}

/**
 * A platform add-on's Application: its pinned chart with the values generated
 * for this cluster, or its directory under `platform/`. No finalizer: removing
 * the Application leaves the add-on running rather than deleting its CRDs and
 * with them every object of those kinds in the cluster.
 */
export function addonApplication(cluster: ClusterProfile, addon: PlatformAddon, wave: number): KubeObject {
  const source =
    addon.source.kind === "chart"
      ? {
          repoURL: addon.source.chart.repoURL,
          chart: addon.source.chart.chart,
          targetRevision: addon.source.chart.version,
          helm: { releaseName: addon.source.releaseName, valuesObject: addon.source.values as Record<string, unknown> },
        }
      : {
          repoURL: cluster.repository.url,
          targetRevision: cluster.repository.targetRevision,
          path: gitPath(cluster, "platform", addon.source.directory),
          directory: { recurse: false },
        };
  const ignored = (addon.ignoreDifferences ?? []).map((f) => ({ group: f.group, kind: f.kind, jqPathExpressions: [...f.jqPathExpressions] }));
  const large = addon.source.kind === "directory" && hasLargeObject(addon.source.objects);
  return application(
    addon.id,
    wave,
    { "app.kubernetes.io/part-of": "platform" },
    {
      project: PLATFORM_PROJECT,
      source,
      destination: { server: IN_CLUSTER, namespace: addon.namespace },
      ...(ignored.length > 0 ? { ignoreDifferences: ignored } : {}),
      syncPolicy: syncPolicy({ serverSide: addon.installsCrds || large, respectIgnored: ignored.length > 0 }),
      info: [{ name: "Add-on", value: addon.description }],
    },
  );
}
