import type { ClusterProfile } from "../fleet/types.js";

/** Where Argo CD runs in every cluster; Applications and AppProjects live here. */
export const ARGOCD_NAMESPACE = "argocd";
/** The cluster Argo CD runs in: every Application deploys to its own cluster. */
export const IN_CLUSTER = "https://kubernetes.default.svc";
/** The app-of-apps root: the one object applied by hand (`clusters/<cluster>/bootstrap/`). */
export const ROOT_APPLICATION = "root";
/** The root's project: Argo CD's built-in `default` project, locked down to what the root syncs. */
export const ROOT_PROJECT = "default";
/** The project of every platform add-on. */
export const PLATFORM_PROJECT = "platform";
/** Deleting an Application deletes its resources too (except those marked Delete=false). */
export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "iot-fleet-generators" } as const;

/** A directory of the cluster's tree, as a path in the Git repository. */
export function gitPath(cluster: ClusterProfile, ...parts: string[]): string {
  return ["clusters", cluster.name, ...parts].join("/");
}
