import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ConfigMapSpec } from "../spec/types.js";
import { type AppContext, meta } from "./context.js";

/** Plain configuration; anything secret goes through an ExternalSecret instead. */
export function configMap(ctx: AppContext, spec: ConfigMapSpec): ConfigMap {
  return new ConfigMap({ metadata: meta(ctx, spec.name), data: { ...spec.data } });
}
