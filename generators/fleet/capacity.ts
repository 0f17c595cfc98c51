import { bytes, cpuMillis, formatBytes, formatCpu } from "../quantity.js";
import type { KubeObject } from "../render/app.js";
import type { SpecIssue } from "../spec/validate.js";
import type { ClusterProfile } from "./types.js";

/** CPU (millicores) and memory (bytes) the cluster's pools offer at their autoscaling maximum. */
export function poolCapacity(cluster: ClusterProfile): { cpu: number; memory: number } {
  return cluster.nodePools.reduce(
    (sum, p) => {
      const nodes = p.maxCount ?? p.count;
      return { cpu: sum.cpu + nodes * cpuMillis(p.cpu), memory: sum.memory + nodes * bytes(p.memory) };
    },
    { cpu: 0, memory: 0 },
  );
}

/**
 * The namespaces' quota requests plus the platform reserve must fit the node
 * pools: otherwise a quota promises capacity the cluster cannot schedule.
 */
export function capacityIssues(cluster: ClusterProfile, objects: readonly KubeObject[]): SpecIssue[] {
  const quotas = objects.filter((o) => o.kind === "ResourceQuota") as unknown as { spec: { hard: Record<string, string> } }[];
  const wanted = {
    cpu: cpuMillis(cluster.platformReserve.cpu) + quotas.reduce((n, q) => n + cpuMillis(q.spec.hard["requests.cpu"] ?? "0"), 0),
    memory:
      bytes(cluster.platformReserve.memory) + quotas.reduce((n, q) => n + bytes(q.spec.hard["requests.memory"] ?? "0"), 0),
  };
  const have = poolCapacity(cluster);
  const issues: SpecIssue[] = [];
  const check = (resource: "cpu" | "memory", format: (n: number) => string): void => {
    if (wanted[resource] <= have[resource]) return;
    issues.push({
      app: "*",
      cluster: cluster.name,
      field: `nodePools (${resource})`,
      value: format(have[resource]),
      problem: `the apps' quota requests plus the platform reserve need ${format(wanted[resource])} ${resource}, more than the pools offer at their maximum size`,
      fix: "raise a pool's count or maxCount, or lower replicas, HPA maximums or requests in the apps",
    });
  };
  check("cpu", formatCpu);
  check("memory", formatBytes);
  return issues;
}
