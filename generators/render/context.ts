import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import type { ClusterProfile } from "../fleet/types.js";
import type { AppSpec, BatchWorkloadSpec, ServiceWorkloadSpec, WorkloadSpec } from "../spec/types.js";

/** What every render module is given: one app, resolved for one cluster. */
export interface AppContext {
  readonly app: AppSpec;
  readonly cluster: ClusterProfile;
}

export const MANAGED_BY = "iot-fleet-generators";

/** Labels that select a component's pods; stable across releases (selectors are immutable). */
export function selectorLabels(ctx: AppContext, component: string): Record<string, string> {
  return { "app.kubernetes.io/name": component, "app.kubernetes.io/part-of": ctx.app.name };
}

/** Labels on every object: the app, the component (when there is one) and who manages it. */
export function commonLabels(ctx: AppContext, workload?: WorkloadSpec): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": ctx.app.name,
    "app.kubernetes.io/managed-by": MANAGED_BY,
    ...(workload
      ? { "app.kubernetes.io/name": workload.name, "app.kubernetes.io/component": componentRole(workload) }
      : {}),
  };
}

export function componentRole(workload: WorkloadSpec): string {
  if (isBatch(workload)) return "batch";
  return workload.role ?? "app";
}

/** Namespaced metadata with the common labels. */
export function meta(
  ctx: AppContext,
  name: string,
  workload?: WorkloadSpec,
  annotations?: Record<string, string>,
): IObjectMeta {
  return {
    name,
    namespace: ctx.app.namespace,
    labels: commonLabels(ctx, workload),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

export function isBatch(workload: WorkloadSpec): workload is BatchWorkloadSpec {
  return workload.kind === "Job" || workload.kind === "CronJob";
}

export function isService(workload: WorkloadSpec): workload is ServiceWorkloadSpec {
  return !isBatch(workload);
}

/** Argo CD must never prune or delete stored data, even when it leaves Git. */
export const DATA_SAFETY_ANNOTATIONS: Readonly<Record<string, string>> = {
  "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
};
