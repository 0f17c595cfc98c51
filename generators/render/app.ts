import type { ClusterProfile } from "../fleet/types.js";
import type { AppDefinition } from "../spec/types.js";

/** A rendered Kubernetes object as plain JSON (already validated against its model). */
export type KubeObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
};

/** Renders every object of one app for one cluster. */
export function renderApp(app: AppDefinition, cluster: ClusterProfile): KubeObject[] {
  void app;
  void cluster;
  throw new Error("not implemented yet");
}
