import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { componentWaves, syncAnnotations } from "../argocd/sync-order.js";
import type { ClusterProfile } from "../fleet/types.js";
import type { AppDefinition } from "../spec/types.js";
import { assertValidApp } from "../spec/validate.js";
import { type AppContext, isService } from "./context.js";
import { configMap } from "./config.js";
import { namespace } from "./namespace.js";
import { acmeSolverNetworkPolicy, baseNetworkPolicies, componentNetworkPolicy, ingress, services } from "./networking.js";
import { prometheusRule, serviceMonitor } from "./monitoring.js";
import { limitRange, resourceQuota } from "./quotas.js";
import { rbacObjects } from "./rbac.js";
import { horizontalPodAutoscaler, podDisruptionBudget, verticalPodAutoscaler } from "./scaling.js";
import { externalSecret } from "./secrets.js";
import { persistentVolumeClaim } from "./storage.js";
import { workloadObject } from "./workload.js";

/** A rendered Kubernetes object as plain JSON (already validated against its model). */
export type KubeObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
};

interface Model {
  readonly kind: string;
  metadata?: IObjectMeta;
  validate(): void;
  toJSON(): unknown;
}

/** Renders every object of one app for one cluster; throws SpecError on a bad spec before building anything. */
export function renderApp(app: AppDefinition, cluster: ClusterProfile): KubeObject[] {
  const spec = app.spec({ tier: cluster.tier, cluster: cluster.name, domain: cluster.domain });
  assertValidApp(spec, cluster, app.name);
  const ctx: AppContext = { app: spec, cluster };
  const models: (Model | undefined)[] = [
    namespace(ctx),
    resourceQuota(ctx),
    limitRange(ctx),
    ...rbacObjects(ctx),
    ...(spec.configMaps ?? []).map((c) => configMap(ctx, c)),
    ...(spec.secrets ?? []).map((s) => externalSecret(ctx, s)),
    ...(spec.claims ?? []).map((c) => persistentVolumeClaim(ctx, c)),
    ...spec.components.flatMap((w) =>
      isService(w)
        ? [
            workloadObject(ctx, w),
            ...services(ctx, w),
            horizontalPodAutoscaler(ctx, w),
            verticalPodAutoscaler(ctx, w),
            podDisruptionBudget(ctx, w),
            serviceMonitor(ctx, w),
          ]
        : [workloadObject(ctx, w)],
    ),
    ...(spec.ingresses ?? []).map((i) => ingress(ctx, i)),
    ...baseNetworkPolicies(ctx),
    ...spec.components.map((w) => componentNetworkPolicy(ctx, w)),
    acmeSolverNetworkPolicy(ctx),
    prometheusRule(ctx),
  ];
  const waves = componentWaves(spec, cluster.name);
  return models
    .filter((m): m is Model => m !== undefined)
    .map((m) => {
      // Argo CD sync waves, hooks and deletion protection (generators/argocd/sync-order.ts).
      const metadata = m.metadata ?? {};
      m.metadata = { ...metadata, annotations: { ...metadata.annotations, ...syncAnnotations(spec, cluster.name, { kind: m.kind, metadata }, waves) } };
      // Schema check of every object against its kubernetes-models class before it can be written.
      m.validate();
      return JSON.parse(JSON.stringify(m.toJSON())) as KubeObject;
    });
}
