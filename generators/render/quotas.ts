import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { bytes, cpuMillis, formatBytes, formatCpu, roundUp } from "../quantity.js";
import type { ServiceWorkloadSpec, WorkloadSpec } from "../spec/types.js";
import { ACME_SOLVER, acmeSolverPods, hasClientService, servicePorts } from "./networking.js";
import { type AppContext, isService, meta } from "./context.js";
import { type Amounts, effectiveResources, podAmounts, scale, sum } from "./resources.js";
import { surgePods } from "./workload.js";

/** Everything the namespace can hold at once: every HPA at its maximum, mid-rollout, with every Job running. */
export interface WorstCase {
  readonly requests: Amounts;
  readonly limits: Amounts;
  readonly pods: number;
  readonly storage: number;
  readonly claims: number;
  readonly loadBalancers: number;
  /** LoadBalancer Services allocate a node port per Service port. */
  readonly nodePorts: number;
}

/** Most pods a workload runs at once: HPA maximum (or replicas) plus rollout surge; one for a Job. */
export function peakPods(workload: WorkloadSpec): number {
  if (!isService(workload)) return 1;
  return Math.max(workload.replicas, workload.autoscaling?.maxReplicas ?? 0) + surgePods(workload);
}

export function worstCase(ctx: AppContext): WorstCase {
  const solver = { requests: amounts(ACME_SOLVER.requests), limits: amounts(ACME_SOLVER.limits) };
  const perWorkload = [
    ...ctx.app.components.map((w) => ({ pods: peakPods(w), amounts: podAmounts(ctx, w) })),
    // cert-manager's HTTP-01 solver pods run in this namespace while a certificate is issued.
    { pods: acmeSolverPods(ctx), amounts: solver },
  ];
  const templates = ctx.app.components.flatMap((w) =>
    isService(w) ? (w.volumeClaimTemplates ?? []).map((t) => ({ size: bytes(t.size), count: w.replicas })) : [],
  );
  const claims = (ctx.app.claims ?? []).map((c) => ({ size: bytes(c.size), count: 1 }));
  const volumes = [...templates, ...claims];
  const balanced = ctx.app.components.filter(
    (w): w is ServiceWorkloadSpec => isService(w) && hasClientService(w) && w.service !== undefined && w.service !== false && w.service.type === "LoadBalancer",
  );
  return {
    requests: sum(perWorkload.map((p) => scale(p.amounts.requests, p.pods))),
    limits: sum(perWorkload.map((p) => scale(p.amounts.limits, p.pods))),
    pods: perWorkload.reduce((n, p) => n + p.pods, 0),
    storage: volumes.reduce((n, v) => n + v.size * v.count, 0),
    claims: volumes.reduce((n, v) => n + v.count, 0),
    loadBalancers: ctx.cluster.platform.loadBalancers ? balanced.length : 0,
    nodePorts: balanced.reduce((n, w) => n + servicePorts(w).length, 0),
  };
}

function amounts(values: { readonly cpu: string; readonly memory: string }): Amounts {
  return { cpu: cpuMillis(values.cpu), memory: bytes(values.memory) };
}

const CPU_STEP = 250;
const MEMORY_STEP = 256 * 2 ** 20;

/** The guide's quota where it gives one; otherwise the worst case, rounded up to tidy steps. */
export function resourceQuota(ctx: AppContext): ResourceQuota {
  const worst = worstCase(ctx);
  const explicit = ctx.app.quota;
  const hard: Record<string, string> = explicit
    ? {
        "requests.cpu": explicit.requestsCpu,
        "requests.memory": explicit.requestsMemory,
        "limits.cpu": explicit.limitsCpu,
        "limits.memory": explicit.limitsMemory,
        pods: String(explicit.pods),
        "requests.storage": explicit.requestsStorage ?? formatBytes(roundUp(worst.storage, 2 ** 30)),
      }
    : {
        "requests.cpu": formatCpu(roundUp(worst.requests.cpu, CPU_STEP)),
        "requests.memory": formatBytes(roundUp(worst.requests.memory, MEMORY_STEP)),
        "limits.cpu": formatCpu(roundUp(worst.limits.cpu, CPU_STEP)),
        "limits.memory": formatBytes(roundUp(worst.limits.memory, MEMORY_STEP)),
        pods: String(worst.pods),
        "requests.storage": formatBytes(roundUp(worst.storage, 2 ** 30)),
      };
  hard["persistentvolumeclaims"] = String(worst.claims);
  hard["services.loadbalancers"] = String(worst.loadBalancers);
  hard["services.nodeports"] = String(worst.nodePorts);
  return new ResourceQuota({ metadata: meta(ctx, `${ctx.app.namespace}-quota`), spec: { hard } });
}

/** Defaults for any container a spec forgot, and a ceiling at the largest container the app declares. */
export function limitRange(ctx: AppContext): LimitRange {
  const containers = ctx.app.components.flatMap((w) => [w, ...(w.sidecars ?? []), ...(w.initContainers ?? [])]);
  const limits = containers.map((c) => effectiveResources(ctx, c.resources).limits);
  const maxCpu = Math.max(...limits.map((l) => cpuMillis(l.cpu)));
  const maxMemory = Math.max(...limits.map((l) => bytes(l.memory)));
  const defaultCpu = Math.min(500, maxCpu);
  const defaultMemory = Math.min(512 * 2 ** 20, maxMemory);
  const sizes = [
    ...(ctx.app.claims ?? []).map((c) => bytes(c.size)),
    ...ctx.app.components.flatMap((w) => (isService(w) ? (w.volumeClaimTemplates ?? []).map((t) => bytes(t.size)) : [])),
  ];
  return new LimitRange({
    metadata: meta(ctx, `${ctx.app.namespace}-limits`),
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: formatCpu(defaultCpu), memory: formatBytes(defaultMemory) },
          defaultRequest: {
            cpu: formatCpu(Math.min(100, defaultCpu)),
            memory: formatBytes(Math.min(128 * 2 ** 20, defaultMemory)),
          },
          max: { cpu: formatCpu(maxCpu), memory: formatBytes(maxMemory) },
        },
        ...(sizes.length > 0
          ? [{ type: "PersistentVolumeClaim", max: { storage: formatBytes(Math.max(...sizes)) } }]
          : []),
      ],
    },
  });
}
