import { PersistentVolumeClaim } from "kubernetes-models/v1";
import type { ClaimSpec } from "../spec/types.js";
import { type AppContext, DATA_SAFETY_ANNOTATIONS, meta } from "./context.js";

export function persistentVolumeClaim(ctx: AppContext, claim: ClaimSpec): PersistentVolumeClaim {
  return new PersistentVolumeClaim({
    metadata: meta(ctx, claim.name, undefined, { "iot-fleet.io/description": claim.description, ...DATA_SAFETY_ANNOTATIONS }),
    spec: {
      accessModes: [claim.accessMode ?? "ReadWriteOnce"],
      storageClassName: ctx.cluster.storageClasses[claim.storageClass ?? "standard"],
      resources: { requests: { storage: claim.size } },
    },
  });
}
