import type { Quantity, ResourceAmounts, ResourcesSpec, StorageClassRole, Tier } from "../spec/types.js";

export type VolumeBindingMode = "WaitForFirstConsumer" | "Immediate";

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** A group of identical nodes. Pods placed on it select `selector` and tolerate its taints. */
export interface NodePool {
  readonly name: string;
  /** Nodes the pool runs normally. */
  readonly count: number;
  /** Most nodes the cluster autoscaler may grow the pool to. @default count */
  readonly maxCount?: number;
  /** Allocatable CPU per node. */
  readonly cpu: Quantity;
  /** Allocatable memory per node. */
  readonly memory: Quantity;
  readonly arch: "amd64" | "arm64";
  /** Node labels pods use as their nodeSelector to land on this pool. */
  readonly selector: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly Taint[];
}

/** One cluster of the fleet: where it runs, what it runs, and how it differs. */
export interface ClusterProfile {
  readonly name: string;
  /** Which tier of each app spec this cluster renders. */
  readonly tier: Tier;
  readonly kubernetesVersion: string;
  /** DNS suffix for ingress hosts the apps derive from it. */
  readonly domain: string;
  readonly nodePools: readonly NodePool[];
  /** Pool for components that name no pool (or one this cluster lacks). */
  readonly defaultPool: string;
  /** App ids (folders under apps/) this cluster runs. */
  readonly apps: readonly string[];
  readonly ingressClass: string;
  /** cert-manager ClusterIssuer that signs ingress certificates. */
  readonly clusterIssuer: string;
  /** external-secrets ClusterSecretStore every ExternalSecret reads from. */
  readonly secretStore: string;
  readonly storageClasses: Readonly<Record<StorageClassRole, string>>;
  /**
   * When each storage class (by name) binds a claim: `WaitForFirstConsumer`
   * (kind's `standard`, local-path and most cloud defaults) binds only once a
   * pod using the claim is scheduled; `Immediate` provisions at creation.
   */
  readonly storageClassBinding: Readonly<Record<string, VolumeBindingMode>>;
  /** Storage class roles whose class lets pods on different nodes mount a volume read-write (ReadWriteMany). */
  readonly readWriteMany: readonly StorageClassRole[];
  /** CIDRs allowed to reach LoadBalancer Services. */
  readonly loadBalancerSourceRanges: readonly string[];
  /** Named networks outside the cluster that components may connect to. */
  readonly externalNetworks: Readonly<Record<string, readonly string[]>>;
  /** Requests kept free of app quotas for system pods and platform add-ons (Argo CD, ingress, monitoring, ...). */
  readonly platformReserve: ResourceAmounts;
  /** Upper bound on every container's requests and limits (small test clusters). */
  readonly resourceCap?: ResourcesSpec;
  /** The Git repository and revision Argo CD in this cluster syncs from (Applications, runbook links). */
  readonly repository: Repository;
  /** Where the cluster's ClusterSecretStore (`secretStore`) reads secret values from. */
  readonly secretBackend: SecretBackend;
  /** How the ClusterIssuer named `clusterIssuer` signs ingress certificates. */
  readonly issuer: IssuerSpec;
  /** Size and shape of the platform add-ons (Argo CD, ingress, monitoring, ...). */
  readonly platform: PlatformSettings;
}

/** A Git repository at a revision (branch, tag or commit). */
export interface Repository {
  readonly url: string;
  readonly targetRevision: string;
}

/**
 * The backend external-secrets reads from. `vault` authenticates with the
 * external-secrets ServiceAccount's own token (Vault Kubernetes auth), so no
 * credential is stored anywhere. `fake` is external-secrets' test provider with
 * generated throwaway values: development and kind clusters only.
 */
export type SecretBackend =
  | {
      readonly provider: "vault";
      /** Vault address, e.g. `https://vault.example.com:8200`. */
      readonly server: string;
      /** Mount path of the KV version 2 engine holding `iot-fleet/<cluster>/<app>/<secret>`. */
      readonly kvMount: string;
      /** Mount path of the Kubernetes auth method that trusts this cluster's ServiceAccount tokens. */
      readonly authMount: string;
      /** Vault role bound to the external-secrets ServiceAccount. */
      readonly role: string;
    }
  | { readonly provider: "fake" };

/** ACME (Let's Encrypt over HTTP-01 through the cluster's ingress class) or a self-signed issuer. */
export type IssuerSpec =
  | { readonly kind: "acme"; readonly server: string; readonly email: string }
  | { readonly kind: "selfSigned" };

export interface PlatformSettings {
  /** Replicas of each platform controller and of Prometheus; 2 or more where the cluster is highly available. */
  readonly replicas: number;
  /** Run Grafana with one dashboard per app (a cluster without it is watched from elsewhere). */
  readonly grafana: boolean;
  /** How long Prometheus keeps samples, e.g. "15d". */
  readonly prometheusRetention: string;
  /** Persistent Prometheus storage; without it Prometheus keeps its data on an emptyDir. @default none */
  readonly prometheusStorage?: { readonly size: string; readonly storageClass: StorageClassRole };
  /** The cluster provisions LoadBalancer Services; without them the ingress controller is a NodePort Service. */
  readonly loadBalancers: boolean;
  /** Kubelets serve self-signed certificates (kind), so metrics-server skips their verification. */
  readonly kubeletInsecureTLS: boolean;
  /** Install Argo CD's highly available manifests (redis-ha, several replicas). */
  readonly argocdHighAvailability: boolean;
}

/** Where the fleet's shared platform pieces live; the same in every cluster. */
export interface PlatformEndpoints {
  readonly ingressNamespace: string;
  readonly ingressPodLabels: Readonly<Record<string, string>>;
  readonly monitoringNamespace: string;
  readonly prometheusPodLabels: Readonly<Record<string, string>>;
  /** Label the Prometheus operator selects ServiceMonitors and PrometheusRules by. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
}
