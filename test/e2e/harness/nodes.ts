/**
 * kwok nodes shaped like a cluster profile's node pools: the count, the
 * allocatable CPU and memory, the labels pods select, the taints they must
 * tolerate and the architecture. The real scheduler then proves the fit.
 */
import type { ClusterProfile, NodePool } from "../../../generators/fleet/types.js";
import { KUBERNETES_VERSION } from "../../../generators/fleet/versions.js";
import type { KubeObject } from "./kubectl.js";

/** Label every harness node carries with its pool's name, for the per-pool report. */
export const POOL_LABEL = "e2e.iot-fleet.io/pool";
/** kwok manages exactly the nodes carrying this annotation. */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";
/** Pods a real kubelet could hold per node; kubelet's default. */
const MAX_PODS = "110";

/** Path of a node's emulated kubelet resource metrics on kwok's one listener; metrics-server reads it from the node's annotation. */
export function metricsPathFor(node: string): string {
  return `/metrics/nodes/${node}/metrics/resource`;
}

export function nodeName(pool: NodePool, index: number): string {
  return `${pool.name}-${index}`;
}

export function poolNode(pool: NodePool, index: number): KubeObject {
  const name = nodeName(pool, index);
  const resources = { cpu: pool.cpu, memory: pool.memory, pods: MAX_PODS };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0", "metrics.k8s.io/resource-metrics-path": metricsPathFor(name) },
      labels: {
        ...pool.selector,
        [POOL_LABEL]: pool.name,
        "kubernetes.io/arch": pool.arch,
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
        type: "kwok",
      },
    },
    spec: { taints: (pool.taints ?? []).map((t) => ({ ...t })) },
    // Node status may be set on create; kwok's node-initialize stage keeps capacity and adds conditions and addresses.
    status: {
      // Every node's emulated kubelet is kwok's one loopback listener (metrics-server scrapes it there).
      addresses: [
        { type: "InternalIP", address: "127.0.0.1" },
        { type: "Hostname", address: name },
      ],
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: pool.arch,
        operatingSystem: "linux",
        kubeletVersion: `v${KUBERNETES_VERSION}`,
        kubeProxyVersion: `v${KUBERNETES_VERSION}`,
        containerRuntimeVersion: "kwok",
        kernelVersion: "kwok",
        osImage: "kwok",
        machineID: name,
        systemUUID: name,
        bootID: name,
      },
    },
  };
}

/** The nodes a profile runs normally (`count` per pool; the autoscaler's `maxCount` is the drills' business). */
export function profileNodes(profile: ClusterProfile): KubeObject[] {
  return profile.nodePools.flatMap((pool) => Array.from({ length: pool.count }, (_, i) => poolNode(pool, i)));
}
