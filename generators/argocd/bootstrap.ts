// The root Application: the one object an operator applies by hand after
// installing Argo CD. It manages Argo CD itself from the upstream manifests of
// the pinned release (wave 0, with the Application health check merged into
// argocd-cm), then every AppProject and Application under
// `clusters/<cluster>/argocd/` in their waves.
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { stringify } from "yaml";
import type { ClusterProfile } from "../fleet/types.js";
import { ARGOCD_MANIFESTS } from "../fleet/versions.js";
import type { KubeObject } from "../render/app.js";
import { plain } from "../platform/addon.js";
import { platformPlacement } from "../platform/placement.js";
import { syncPolicy } from "./applications.js";
import { argocdSettings } from "./health.js";
import { ARGOCD_NAMESPACE, gitPath, IN_CLUSTER, MANAGED_BY, ROOT_APPLICATION, ROOT_PROJECT } from "./names.js";

/** Upstream Argo CD manifests: the highly available set where the profile asks for it. */
function manifestsDir(cluster: ClusterProfile): string {
  return cluster.platform.argocdHighAvailability ? "manifests/ha" : "manifests";
}

/** The install manifest the bootstrap guide applies: the same release and variant the root keeps in sync. */
export function installManifestUrl(cluster: ClusterProfile): string {
  return `https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_MANIFESTS.version}/${manifestsDir(cluster)}/install.yaml`;
}

/**
 * JSON patch giving Argo CD's pods the tolerations of the cluster's default
 * pool, or undefined where it has no taints. Where it has (edge), the bootstrap
 * guide applies this patch right after the install, and the root keeps it.
 */
export function tolerationPatch(cluster: ClusterProfile): { op: "add"; path: string; value: unknown }[] | undefined {
  const { tolerations } = platformPlacement(cluster);
  if (tolerations.length === 0) return undefined;
  return [{ op: "add", path: "/spec/template/spec/tolerations", value: tolerations }];
}

function kustomizePatches(cluster: ClusterProfile): { target: Record<string, string>; patch: string }[] {
  const settings = stringify(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "argocd-cm" }, data: argocdSettings() },
    { lineWidth: 0, version: "1.1" },
  );
  const tolerations = tolerationPatch(cluster);
  return [
    { target: { kind: "ConfigMap", name: "argocd-cm" }, patch: settings },
    ...(tolerations
      ? ["Deployment", "StatefulSet"].map((kind) => ({ target: { group: "apps", kind }, patch: JSON.stringify(tolerations) }))
      : []),
  ];
}

/** The root Application of the cluster (`clusters/<cluster>/bootstrap/application-root.yaml`). */
export function rootApplication(cluster: ClusterProfile): KubeObject {
  return plain(
    new Application({
      metadata: {
        name: ROOT_APPLICATION,
        namespace: ARGOCD_NAMESPACE,
        labels: { ...MANAGED_BY, "app.kubernetes.io/part-of": "argocd" },
      },
      spec: {
        project: ROOT_PROJECT,
        sources: [
          {
            repoURL: ARGOCD_MANIFESTS.repoURL,
            targetRevision: ARGOCD_MANIFESTS.version,
            path: `${manifestsDir(cluster)}/cluster-install`,
            kustomize: { patches: kustomizePatches(cluster) },
          },
          {
            repoURL: cluster.repository.url,
            targetRevision: cluster.repository.targetRevision,
            path: gitPath(cluster, "argocd"),
            directory: { recurse: false },
          },
        ],
        destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
        // Argo CD's CRDs exceed client-side apply's annotation limit.
        syncPolicy: syncPolicy({ serverSide: true, respectIgnored: false }),
        info: [{ name: "Bootstrap", value: "README.md#bootstrap-a-cluster" }],
      },
    }),
  );
}
