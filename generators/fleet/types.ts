import type { Quantity, ResourceAmounts, ResourcesSpec, StorageClassRole, Tier } from "../spec/types.js";

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
