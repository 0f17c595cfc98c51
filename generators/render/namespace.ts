import { Namespace } from "kubernetes-models/v1/Namespace";
import { type AppContext, commonLabels } from "./context.js";

/** The app's namespace, enforcing Pod Security "restricted" at the cluster's Kubernetes minor version. */
export function namespace(ctx: AppContext): Namespace {
  const [major, minor] = ctx.cluster.kubernetesVersion.split(".");
  const version = `v${major}.${minor}`;
  return new Namespace({
    metadata: {
      name: ctx.app.namespace,
      labels: {
        ...commonLabels(ctx),
        ...(ctx.app.namespaceLabels ?? {}),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": version,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": version,
      },
    },
  });
}
