import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { ClaimSpec } from "../spec/types.js";
import { type AppContext, DATA_SAFETY_ANNOTATIONS, isBatch, isService, meta } from "./context.js";

/**
 * Set on a claim that binds only when a scheduled run first mounts it: its
 * class binds WaitForFirstConsumer and nothing long-running uses it. Argo CD
 * calls such a Pending claim Healthy (generators/argocd/health.ts) instead of
 * Progressing until the first run, and only while no node is chosen for it.
 */
export const FIRST_CONSUMER_ANNOTATION = "iot-fleet.io/first-consumer";

/** `Kind/name` of the components that mount the claim when none of them runs all the time; undefined otherwise. */
export function scheduledConsumers(ctx: AppContext, claim: ClaimSpec): string | undefined {
  const className = ctx.cluster.storageClasses[claim.storageClass ?? "standard"];
  if (ctx.cluster.storageClassBinding[className] !== "WaitForFirstConsumer") return undefined;
  const consumers = ctx.app.components.filter((w) => Object.values(w.volumes ?? {}).some((v) => "claim" in v && v.claim === claim.name));
  if (consumers.length === 0 || consumers.some(isService)) return undefined;
  return consumers
    .filter(isBatch)
    .map((w) => `${w.kind}/${w.name}`)
    .join(",");
}

export function persistentVolumeClaim(ctx: AppContext, claim: ClaimSpec): PersistentVolumeClaim {
  const firstConsumer = scheduledConsumers(ctx, claim);
  return new PersistentVolumeClaim({
    metadata: meta(ctx, claim.name, undefined, {
      "iot-fleet.io/description": claim.description,
      ...DATA_SAFETY_ANNOTATIONS,
      ...(firstConsumer ? { [FIRST_CONSUMER_ANNOTATION]: firstConsumer } : {}),
    }),
    spec: {
      accessModes: [claim.accessMode ?? "ReadWriteOnce"],
      storageClassName: ctx.cluster.storageClasses[claim.storageClass ?? "standard"],
      resources: { requests: { storage: claim.size } },
    },
  });
}
