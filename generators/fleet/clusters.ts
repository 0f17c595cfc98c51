import type { ClusterProfile } from "./types.js";
import { KUBERNETES_VERSION } from "./versions.js";

// Each profile is the short list of ways a cluster differs. Figures come from
// the seeds: prod's 3 standard (8 CPU / 32 GiB) + 2 analytics (16 CPU / 64 GiB)
// nodes are the KADES and IoT API minimums; edge is Raspberry Pi arm64 nodes
// tainted edge-node=true:NoSchedule.

const ALL_APPS = ["iot-anomaly-detection", "iot-edge-anomaly", "iot-telemetry", "kades", "pynomaly"] as const;
const STANDARD_POOL = { name: "standard", arch: "amd64", selector: { "node.iot-fleet.io/pool": "standard" } } as const;

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
  // Node-local volumes: one node at a time.
  readWriteMany: [],
  loadBalancerSourceRanges: ["10.0.0.0/8"],
  externalNetworks: {
    "kubernetes-api": ["10.0.0.1/32"],
    logging: ["10.40.0.0/24"],
    "object-storage": ["10.50.0.0/24"],
    database: ["10.60.0.0/24"],
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
  // Network-attached classes (the IoT API guide's fast-ssd is NFS-backed).
  readWriteMany: ["standard", "fast"],
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
  resourceCap: {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
  },
};

/** Every cluster of the fleet, in a fixed order. */
export const CLUSTERS: readonly ClusterProfile[] = [dev, staging, prod, edge, kind];
