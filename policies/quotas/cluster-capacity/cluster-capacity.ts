import type { NodePool } from "../../../generators/fleet/types.js";
import { byCodeUnit } from "../../../generators/order.js";
import { componentOf, sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { eligiblePools, maxNodes, nodeAllocatable, poolCapacity } from "../node-pools.js";
import { COMPUTE, type Compute } from "../pod-resources.js";
import { formatBytes, formatCpu, parseQuantity } from "../quantity.js";
import { isUnscoped, quotas, workloads, type Workload } from "../worst-case.js";

const FORMAT: Readonly<Record<Compute, (n: bigint) => string>> = { cpu: formatCpu, memory: formatBytes };
const PROFILES = "generators/fleet/clusters.ts";

interface Share {
  readonly text: string;
  readonly nanos: bigint;
}

function sum(shares: readonly Share[]): bigint {
  return shares.reduce((n, s) => n + s.nanos, 0n);
}

function poolText(pools: readonly NodePool[], r: Compute): string {
  return pools.map((p) => `${p.name} ${maxNodes(p)} × ${FORMAT[r](parseQuantity(p[r]))}`).join(" + ");
}

/** Worst-case requests of a set of workloads, largest first. */
function workloadShares(ws: readonly Workload[], r: Compute): Share[] {
  return ws
    .filter((w) => w.pods !== undefined && w.pods > 0 && w.pod.requests[r] > 0n)
    .map((w) => ({ nanos: w.pod.requests[r] * BigInt(w.pods as number), text: `${w.name} ${w.pods} × ${FORMAT[r](w.pod.requests[r])}` }))
    .sort((a, b) => (a.nanos === b.nanos ? byCodeUnit(a.text, b.text) : a.nanos > b.nanos ? -1 : 1));
}

/**
 * Per cluster: the namespaces' quota requests plus the profile's platform
 * reserve fit the node pools at their autoscaler maximum; every pod fits one
 * node of a pool it may run on; and the worst case of pods that can run on
 * one pool only fits that pool.
 */
export const clusterCapacity: Policy = {
  id: "cluster-capacity",
  area: "quotas",
  severity: "Bug",
  description: "the namespaces' quota requests plus the platform reserve fit the profile's node pools at their autoscaler maximum, and every pod fits a node it may run on",
  check(cluster: ClusterTree): Finding[] {
    const profile = cluster.profile;
    if (!profile) {
      return [
        {
          summary: "capacity not checked",
          path: "",
          problem: `cluster \`${cluster.name}\` has no profile in ${PROFILES}, so its node pools are unknown and its quotas were not compared with any capacity`,
          fix: `name the directory after a cluster of ${PROFILES}, or add a ClusterProfile \`${cluster.name}\` there`,
          severity: "Warning",
        },
      ];
    }
    const findings: Finding[] = [];
    const all = workloads(cluster);
    const allQuotas = quotas(cluster).filter(isUnscoped);
    const namespaces = [...new Set([...allQuotas.map((q) => q.namespace), ...all.map((w) => w.namespace)].filter((n): n is string => n !== undefined))].sort(byCodeUnit);

    for (const r of COMPUTE) {
      const measure = `requests.${r}` as const;
      const shares: Share[] = [];
      for (const ns of namespaces) {
        const bounds = allQuotas
          .filter((q) => q.namespace === ns)
          .map((q) => ({ q, nanos: q.bounds.get(measure)?.nanos }))
          .filter((b): b is { q: (typeof allQuotas)[number]; nanos: bigint } => b.nanos !== undefined)
          .sort((a, b) => (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0));
        const tightest = bounds[0];
        if (tightest) {
          shares.push({ nanos: tightest.nanos, text: `${ns} ${FORMAT[r](tightest.nanos)} by ${tightest.q.document.object.metadata.name}` });
        } else {
          const worst = sum(workloadShares(all.filter((w) => w.namespace === ns), r));
          if (worst > 0n) shares.push({ nanos: worst, text: `${ns} ${FORMAT[r](worst)} as its worst case, having no quota on ${measure}` });
        }
      }
      shares.sort((a, b) => (a.nanos === b.nanos ? 0 : a.nanos > b.nanos ? -1 : 1));
      const reserve = parseQuantity(profile.platformReserve[r]);
      const wanted = reserve + sum(shares);
      const have = profile.nodePools.reduce((n, p) => n + poolCapacity(p)[r], 0n);
      if (wanted <= have) continue;
      findings.push({
        summary: `quotas exceed the cluster's ${r}`,
        path: "",
        problem:
          `the namespaces' ${measure} ${FORMAT[r](sum(shares))} (${shares.map((s) => s.text).join("; ")}) plus the platform reserve ${FORMAT[r](reserve)} ` +
          `need ${FORMAT[r](wanted)}, more than the node pools offer at their autoscaler maximum: ${FORMAT[r](have)} (${poolText(profile.nodePools, r)})`,
        fix: `raise a pool's count or maxCount of profile \`${profile.name}\` in ${PROFILES}, or lower the quotas, replicas, HPA maxima or requests of the apps`,
      });
    }

    const onlyOn = new Map<NodePool, Workload[]>();
    for (const w of all) {
      const pools = eligiblePools(w.template.spec, profile);
      // A pod no pool takes has no capacity to fit: placement/pool-fit reports it.
      if (pools.length === 0) continue;
      if (pools.length === 1) onlyOn.set(pools[0] as NodePool, [...(onlyOn.get(pools[0] as NodePool) ?? []), w]);
      for (const r of COMPUTE) {
        const largest = pools.reduce((n, p) => (nodeAllocatable(p)[r] > n ? nodeAllocatable(p)[r] : n), 0n);
        if (w.pod.requests[r] <= largest) continue;
        findings.push({
          document: w.document,
          summary: `pod requests more ${r} than any node offers`,
          path: w.template.path,
          problem: `requests ${FORMAT[r](w.pod.requests[r])} ${r} per pod, more than one node of the pools it may run on offers (${pools.map((p) => `${p.name} ${FORMAT[r](nodeAllocatable(p)[r])}`).join(", ")}), so its pods never schedule`,
          fix: `lower the ${r} requests of component ${componentOf(w.document.object)} in ${sourceOf(w.document)}, or place it on a pool with larger nodes`,
        });
      }
    }

    for (const pool of profile.nodePools) {
      const ws = onlyOn.get(pool) ?? [];
      for (const r of COMPUTE) {
        const shares = workloadShares(ws, r);
        const wanted = sum(shares);
        const have = poolCapacity(pool)[r];
        if (wanted <= have) continue;
        findings.push({
          summary: `pods pinned to pool ${pool.name} exceed its ${r}`,
          path: "",
          problem: `pods that may run only on pool \`${pool.name}\` request ${FORMAT[r](wanted)} ${r} in the worst case (${shares.map((s) => s.text).join("; ")}), more than the pool offers at its autoscaler maximum: ${FORMAT[r](have)} (${poolText([pool], r)})`,
          fix: `raise pool \`${pool.name}\`'s maxCount of profile \`${profile.name}\` in ${PROFILES}, or lower the replicas, HPA maxima or requests of those components`,
        });
      }
    }
    return findings;
  },
};
