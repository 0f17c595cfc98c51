import { REPOSITORY } from "./platform.js";
import type { ClusterProfile, SecretBackend } from "./types.js";
import { KUBERNETES_VERSION } from "./versions.js";

// Each profile is the short list of ways a cluster differs. Figures come from
// the seeds: prod's 3 standard (8 CPU / 32 GiB) + 2 analytics (16 CPU / 64 GiB)
// nodes are the KADES and IoT API minimums; edge is Raspberry Pi arm64 nodes
// tainted edge-node=true:NoSchedule.

const ALL_APPS = ["iot-anomaly-detection", "iot-edge-anomaly", "iot-telemetry", "kades", "pynomaly"] as const;
const STANDARD_POOL = { name: "standard", arch: "amd64", selector: { "node.iot-fleet.io/pool": "standard" } } as const;

/** Vault with Kubernetes auth: external-secrets logs in with its own ServiceAccount token, one auth mount per cluster. */
function vault(cluster: string): SecretBackend {
  return {
    provider: "vault",
    server: "https://vault.iot-fleet.internal:8200",
    kvMount: "secret",
    authMount: `kubernetes-${cluster}`,
    role: "external-secrets",
  };
}

const LETS_ENCRYPT_EMAIL = "platform-team@terragonlabs.com";

export const dev: ClusterProfile = {
  name: "dev",
  tier: "development",
  kubernetesVersion: KUBERNETES_VERSION,
  domain: "dev.iot-fleet.internal",
  nodePools: [{ ...STANDARD_POOL, count: 3, cpu: "8", memory: "32Gi" }],
  defaultPool: "standard",
  platformReserve: { cpu: "4", memory: "12Gi" },
  apps: ALL_APPS,
  ingressClass: "nginx",
  clusterIssuer: "selfsigned",
  secretStore: "fleet-secrets",
  storageClasses: { standard: "standard", fast: "standard" },
  // Node-local volumes bind where their first pod lands.
  storageClassBinding: { standard: "WaitForFirstConsumer" },
  // Node-local volumes: one node at a time.
  readWriteMany: [],
  // The developer VPN. Must not overlap the pod network: network plugins that
  // match ipBlocks against pod addresses would open the LoadBalancer ports to every pod.
  loadBalancerSourceRanges: ["10.8.0.0/16"],
  externalNetworks: {
    "kubernetes-api": ["10.0.0.1/32"],
    logging: ["10.40.0.0/24"],
    "object-storage": ["10.50.0.0/24"],
    database: ["10.60.0.0/24"],
  },
  repository: REPOSITORY,
  // Throwaway generated values: nothing real to protect in development.
  secretBackend: { provider: "fake" },
  issuer: { kind: "selfSigned" },
  platform: {
    replicas: 1,
    grafana: true,
    prometheusRetention: "3d",
    loadBalancers: true,
    kubeletInsecureTLS: false,
    argocdHighAvailability: false,
  },
};

export const staging: ClusterProfile = {
  ...dev,
  name: "staging",
  tier: "staging",
  domain: "staging.iot-fleet.internal",
  // The cluster autoscaler adds nodes when HPAs scale out.
  nodePools: [{ ...STANDARD_POOL, count: 4, maxCount: 6, cpu: "8", memory: "32Gi" }],
  clusterIssuer: "letsencrypt-staging",
  storageClasses: { standard: "standard", fast: "fast-ssd" },
  // Both classes are network-attached (readWriteMany): standard binds where its first pod is scheduled, the NFS class at once.
  storageClassBinding: { standard: "WaitForFirstConsumer", "fast-ssd": "Immediate" },
  // Network-attached classes (the IoT API guide's fast-ssd is NFS-backed).
  readWriteMany: ["standard", "fast"],
  secretBackend: vault("staging"),
  issuer: { kind: "acme", server: "https://acme-staging-v02.api.letsencrypt.org/directory", email: LETS_ENCRYPT_EMAIL },
  platform: { ...dev.platform, prometheusRetention: "7d" },
};

export const prod: ClusterProfile = {
  ...staging,
  name: "prod",
  tier: "production",
  domain: "terragonlabs.com",
  // The seeds' minimum (3 + 2 nodes) is the normal size; the cluster autoscaler
  // grows each pool to its maxCount so every HPA can reach its maximum.
  nodePools: [
    { ...STANDARD_POOL, count: 3, maxCount: 8, cpu: "8", memory: "32Gi" },
    {
      name: "analytics",
      count: 2,
      maxCount: 4,
      cpu: "16",
      memory: "64Gi",
      arch: "amd64",
      selector: { "node.iot-fleet.io/pool": "analytics" },
      taints: [{ key: "dedicated", value: "analytics", effect: "NoSchedule" }],
    },
  ],
  clusterIssuer: "letsencrypt-prod",
  platformReserve: { cpu: "8", memory: "24Gi" },
  secretBackend: vault("prod"),
  issuer: { kind: "acme", server: "https://acme-v02.api.letsencrypt.org/directory", email: LETS_ENCRYPT_EMAIL },
  platform: {
    ...staging.platform,
    replicas: 2,
    prometheusRetention: "15d",
    prometheusStorage: { size: "100Gi", storageClass: "standard" },
    argocdHighAvailability: true,
  },
  loadBalancerSourceRanges: ["203.0.113.0/24"],
  externalNetworks: {
    "kubernetes-api": ["10.100.0.1/32"],
    logging: ["10.140.0.0/24"],
    "object-storage": ["10.150.0.0/24"],
    database: ["10.160.0.0/24"],
  },
};

export const edge: ClusterProfile = {
  ...dev,
  name: "edge",
  tier: "edge",
  domain: "edge.iot-fleet.internal",
  nodePools: [
    {
      name: "raspberry-pi",
      count: 4,
      cpu: "4",
      memory: "8Gi",
      arch: "arm64",
      selector: { "edge.terragon.io/device-type": "raspberry-pi" },
      taints: [{ key: "edge-node", value: "true", effect: "NoSchedule" }],
    },
  ],
  defaultPool: "raspberry-pi",
  platformReserve: { cpu: "2", memory: "4Gi" },
  apps: ["iot-edge-anomaly"],
  storageClasses: { standard: "local-path", fast: "local-path" },
  storageClassBinding: { "local-path": "WaitForFirstConsumer" },
  secretBackend: vault("edge"),
  // Only the smallest monitoring: dashboards live in a central Grafana, not on the devices.
  platform: { ...dev.platform, grafana: false, prometheusRetention: "2d" },
};

/** A small cluster for the kind end-to-end test: every app at development size, capped small. */
export const kind: ClusterProfile = {
  ...dev,
  name: "kind",
  domain: "kind.iot-fleet.internal",
  nodePools: [{ ...STANDARD_POOL, count: 2, cpu: "4", memory: "8Gi" }],
  platformReserve: { cpu: "2", memory: "4Gi" },
  storageClasses: { standard: "standard", fast: "standard" },
  // kind's control plane is a container on the Docker network "kind".
  externalNetworks: { ...dev.externalNetworks, "kubernetes-api": ["172.18.0.0/16"] },
  // Clients reach kind's Services from the Docker network, outside the pod network (10.244.0.0/16).
  loadBalancerSourceRanges: ["172.18.0.0/16"],
  resourceCap: {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
  },
  // kind has no cloud load balancer, and its kubelets serve self-signed certificates.
  platform: { ...dev.platform, loadBalancers: false, kubeletInsecureTLS: true },
};

/** Every cluster of the fleet, in a fixed order. */
export const CLUSTERS: readonly ClusterProfile[] = [dev, staging, prod, edge, kind];
