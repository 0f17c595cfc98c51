import { createHash } from "node:crypto";
import { ClusterSecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore";
import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import { HELM_CHARTS } from "../fleet/versions.js";
import type { KubeObject } from "../render/app.js";
import { byCodeUnit } from "../order.js";
import { INJECTED_CA_BUNDLES, plain, platformLabels, type PlatformAddon } from "./addon.js";
import { PLATFORM_NAMESPACES } from "./namespaces.js";
import { platformPlacement, resources } from "./placement.js";

export const EXTERNAL_SECRETS_ADDON = "external-secrets";
export const SECRET_STORE_ADDON = "cluster-secret-store";
/** The operator's ServiceAccount (the chart names it after the release); Vault trusts its token. */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";

/** The external-secrets operator, which turns every ExternalSecret into a Secret. */
export function externalSecretsAddon(cluster: ClusterProfile, needs: readonly string[], monitoring: boolean): PlatformAddon {
  const replicas = cluster.platform.replicas;
  const placement = platformPlacement(cluster);
  return {
    id: EXTERNAL_SECRETS_ADDON,
    description: "external-secrets operator: Secrets from the cluster's secret store",
    namespace: PLATFORM_NAMESPACES.externalSecrets,
    needs,
    installsCrds: true,
    ignoreDifferences: INJECTED_CA_BUNDLES,
    source: {
      kind: "chart",
      chart: HELM_CHARTS.externalSecrets,
      releaseName: EXTERNAL_SECRETS_ADDON,
      values: {
        installCRDs: true,
        // Vault checks the operator's token with a TokenReview made with that same token.
        systemAuthDelegator: cluster.secretBackend.provider === "vault",
        replicaCount: replicas,
        leaderElect: replicas > 1,
        global: placement,
        resources: resources("50m", "128Mi"),
        podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
        webhook: { replicaCount: replicas, resources: resources("20m", "64Mi") },
        certController: { resources: resources("20m", "64Mi") },
        // The operator starts before Prometheus' CRDs exist: the ServiceMonitor appears once they do.
        serviceMonitor: { enabled: monitoring, renderMode: "skipIfMissing", additionalLabels: { ...PLATFORM.prometheusSelector } },
      },
    },
  };
}

interface RemoteRef {
  readonly key: string;
  readonly property?: string;
}

function remoteRefs(externalSecrets: readonly KubeObject[]): RemoteRef[] {
  return externalSecrets.flatMap((o) => {
    const data = (o as unknown as { spec: { data?: { remoteRef: RemoteRef }[] } }).spec.data ?? [];
    return data.map((d) => d.remoteRef);
  });
}

/**
 * The fake provider's entries: one JSON document per remote key holding every
 * property the cluster's ExternalSecrets read, each a generated throwaway
 * value. They unlock nothing outside a development or kind cluster.
 */
export function fakeStoreData(cluster: ClusterProfile, externalSecrets: readonly KubeObject[]): { key: string; value: string }[] {
  const byKey = new Map<string, Set<string>>();
  for (const ref of remoteRefs(externalSecrets)) {
    const properties = byKey.get(ref.key) ?? new Set<string>();
    if (ref.property !== undefined) properties.add(ref.property);
    byKey.set(ref.key, properties);
  }
  return [...byKey]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([key, properties]) => {
      const value = (property: string): string =>
        `dev-${createHash("sha256").update(`${cluster.name}/${key}/${property}`).digest("base64url").slice(0, 24)}`;
      const document = Object.fromEntries([...properties].sort(byCodeUnit).map((p) => [p, value(p)]));
      return { key, value: JSON.stringify(document) };
    });
}

function provider(cluster: ClusterProfile, externalSecrets: readonly KubeObject[]): Record<string, unknown> {
  const backend = cluster.secretBackend;
  if (backend.provider === "fake") return { fake: { data: fakeStoreData(cluster, externalSecrets) } };
  return {
    vault: {
      server: backend.server,
      path: backend.kvMount,
      version: "v2",
      auth: {
        kubernetes: {
          mountPath: backend.authMount,
          role: backend.role,
          serviceAccountRef: { name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, namespace: PLATFORM_NAMESPACES.externalSecrets },
        },
      },
    },
  };
}

/**
 * The ClusterSecretStore every ExternalSecret of the cluster names, usable only
 * from the namespaces that hold those ExternalSecrets.
 */
export function secretStoreAddon(cluster: ClusterProfile, needs: readonly string[], externalSecrets: readonly KubeObject[]): PlatformAddon {
  const namespaces = [...new Set(externalSecrets.map((o) => o.metadata.namespace as string))].sort(byCodeUnit);
  const store = plain(
    new ClusterSecretStore({
      metadata: { name: cluster.secretStore, labels: platformLabels(SECRET_STORE_ADDON) },
      spec: {
        provider: provider(cluster, externalSecrets),
        conditions: [{ namespaces }],
      },
    }),
  );
  return {
    id: SECRET_STORE_ADDON,
    description: `ClusterSecretStore ${cluster.secretStore} (${cluster.secretBackend.provider})`,
    namespace: PLATFORM_NAMESPACES.externalSecrets,
    needs,
    installsCrds: false,
    source: { kind: "directory", directory: "external-secrets", objects: [store] },
  };
}
