import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS } from "../fleet/versions.js";
import { INJECTED_CA_BUNDLES, plain, platformLabels, type PlatformAddon } from "./addon.js";
import { PLATFORM_NAMESPACES } from "./namespaces.js";
import { platformPlacement, resources } from "./placement.js";

export const CERT_MANAGER_ADDON = "cert-manager";
export const CLUSTER_ISSUER_ADDON = "cluster-issuer";

/** cert-manager, which signs the TLS certificate of every Ingress. */
export function certManagerAddon(cluster: ClusterProfile, needs: readonly string[], monitoring: boolean): PlatformAddon {
  const replicas = cluster.platform.replicas;
  const placement = platformPlacement(cluster);
  return {
    id: CERT_MANAGER_ADDON,
    description: "cert-manager: TLS certificates for ingresses",
    namespace: PLATFORM_NAMESPACES.certManager,
    needs,
    installsCrds: true,
    ignoreDifferences: INJECTED_CA_BUNDLES,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.certManager,
      releaseName: CERT_MANAGER_ADDON,
      values: {
        crds: { enabled: true, keep: true },
        // Leader election in its own namespace keeps the add-on out of kube-system.
        global: { leaderElection: { namespace: PLATFORM_NAMESPACES.certManager } },
        replicaCount: replicas,
        podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
        resources: resources("50m", "128Mi"),
        ...placement,
        webhook: { replicaCount: replicas, resources: resources("20m", "64Mi"), ...placement },
        cainjector: { replicaCount: replicas, resources: resources("50m", "128Mi"), ...placement },
        startupapicheck: { resources: resources("10m", "32Mi"), ...placement },
        prometheus: { enabled: monitoring, servicemonitor: { enabled: monitoring, labels: { ...PLATFORM.prometheusSelector } } },
      },
    },
  };
}

function issuerSpec(cluster: ClusterProfile): Record<string, unknown> {
  const issuer = cluster.issuer;
  if (issuer.kind === "selfSigned") return { selfSigned: {} };
  return {
    acme: {
      server: issuer.server,
      email: issuer.email,
      // cert-manager creates the ACME account key in this Secret; nothing secret is in Git.
      privateKeySecretRef: { name: `${cluster.clusterIssuer}-account-key` },
      // ClusterIP: the default NodePort solver Service would exceed every app quota's `services.nodeports`.
      solvers: [{ http01: { ingress: { ingressClassName: cluster.ingressClass, serviceType: "ClusterIP" } } }],
    },
  };
}

/** The ClusterIssuer every Ingress of the cluster names in `cert-manager.io/cluster-issuer`. */
export function clusterIssuerAddon(cluster: ClusterProfile, needs: readonly string[]): PlatformAddon {
  const issuer = plain(
    new ClusterIssuer({
      metadata: { name: cluster.clusterIssuer, labels: platformLabels(CLUSTER_ISSUER_ADDON) },
      spec: issuerSpec(cluster),
    }),
  );
  return {
    id: CLUSTER_ISSUER_ADDON,
    description: `ClusterIssuer ${cluster.clusterIssuer} (${cluster.issuer.kind})`,
    namespace: PLATFORM_NAMESPACES.certManager,
    needs,
    installsCrds: false,
    source: { kind: "directory", directory: "cert-manager", objects: [issuer] },
  };
}
