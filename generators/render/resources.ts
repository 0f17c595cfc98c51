import { bytes, cpuMillis, formatBytes, formatCpu } from "../quantity.js";
import type { ContainerSpec, ResourceAmounts, ResourcesSpec, WorkloadSpec } from "../spec/types.js";
import type { AppContext } from "./context.js";

/** Container resources after the cluster's cap (small test clusters shrink everything). */
export function effectiveResources(ctx: AppContext, resources: ResourcesSpec): ResourcesSpec {
  const cap = ctx.cluster.resourceCap;
  if (!cap) return resources;
  return { requests: capAmounts(resources.requests, cap.requests), limits: capAmounts(resources.limits, cap.limits) };
}

function capAmounts(value: ResourceAmounts, cap: ResourceAmounts): ResourceAmounts {
  return {
    cpu: cpuMillis(value.cpu) > cpuMillis(cap.cpu) ? cap.cpu : value.cpu,
    memory: bytes(value.memory) > bytes(cap.memory) ? cap.memory : value.memory,
  };
}

/** CPU in millicores and memory in bytes. */
export interface Amounts {
  readonly cpu: number;
  readonly memory: number;
}

export interface PodAmounts {
  readonly requests: Amounts;
  readonly limits: Amounts;
}

const ZERO: Amounts = { cpu: 0, memory: 0 };

function amounts(value: ResourceAmounts): Amounts {
  return { cpu: cpuMillis(value.cpu), memory: bytes(value.memory) };
}

function add(a: Amounts, b: Amounts): Amounts {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory };
}

function max(a: Amounts, b: Amounts): Amounts {
  return { cpu: Math.max(a.cpu, b.cpu), memory: Math.max(a.memory, b.memory) };
}

export function scale(a: Amounts, factor: number): Amounts {
  return { cpu: a.cpu * factor, memory: a.memory * factor };
}

export function sum(values: readonly Amounts[]): Amounts {
  return values.reduce(add, ZERO);
}

/** The pod's effective requests and limits, as the scheduler and quota count them: init containers run alone. */
export function podAmounts(ctx: AppContext, workload: WorkloadSpec): PodAmounts {
  const of = (containers: readonly ContainerSpec[], key: "requests" | "limits"): Amounts[] =>
    containers.map((c) => amounts(effectiveResources(ctx, c.resources)[key]));
  const main = [workload, ...(workload.sidecars ?? [])];
  const init = workload.initContainers ?? [];
  return {
    requests: max(sum(of(main, "requests")), of(init, "requests").reduce(max, ZERO)),
    limits: max(sum(of(main, "limits")), of(init, "limits").reduce(max, ZERO)),
  };
}

export function formatAmounts(a: Amounts): ResourceAmounts {
  return { cpu: formatCpu(a.cpu), memory: formatBytes(a.memory) };
}
