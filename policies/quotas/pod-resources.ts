// What a pod asks for once the API server has admitted it, computed from the
// rendered YAML alone: API defaulting (a container with a limit and no request
// requests its limit), the namespace LimitRange's Container defaults (the
// LimitRanger admission plugin), and the pod's effective requests and limits
// as the scheduler and ResourceQuota count them (component-helpers
// PodRequests / PodLimits): the sum of the containers and sidecars
// (`initContainers` with `restartPolicy: Always`), or the largest init step
// (one init container plus the sidecars started before it), whichever is more.
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { byCodeUnit } from "../../generators/order.js";
import type { ClusterTree, RenderedDocument } from "../lib/types.js";
import { parseQuantity } from "./quantity.js";

export const COMPUTE = ["cpu", "memory"] as const;
export type Compute = (typeof COMPUTE)[number];
export type Side = "requests" | "limits";

/** One LimitRange default, with where it was read. */
export interface DefaultValue {
  readonly nanos: bigint;
  readonly document: RenderedDocument;
  /** `spec.limits[0].default.cpu` (or the `max`/`min` it defaults from). */
  readonly path: string;
}

/** The Container defaults a namespace's LimitRanges give, after the API's own defaulting of the LimitRange. */
export interface ContainerDefaults {
  readonly limits: Partial<Record<Compute, DefaultValue>>;
  readonly requests: Partial<Record<Compute, DefaultValue>>;
}

export const NO_DEFAULTS: ContainerDefaults = { limits: {}, requests: {} };

interface LimitRangeItem {
  type?: string;
  default?: Record<string, unknown>;
  defaultRequest?: Record<string, unknown>;
  max?: Record<string, unknown>;
  min?: Record<string, unknown>;
}

/** The LimitRanges of a namespace, by name (the order the admission plugin's lister gives is not specified; name order is stable). */
export function limitRangesIn(cluster: ClusterTree, namespace: string): RenderedDocument[] {
  return cluster.documents
    .filter((d) => d.object.kind === "LimitRange" && d.object.apiVersion === "v1" && d.object.metadata.namespace === namespace)
    .sort((a, b) => byCodeUnit(a.object.metadata.name, b.object.metadata.name));
}

function itemsOf(document: RenderedDocument): LimitRangeItem[] {
  const limits = (document.object as unknown as { spec?: { limits?: unknown } }).spec?.limits;
  return Array.isArray(limits) ? (limits as LimitRangeItem[]) : [];
}

function tryParse(value: unknown): bigint | undefined {
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

/**
 * A Container item's defaults as the API server stores them: `default` falls
 * back to `max`; `defaultRequest` to `default` (so to `max`), then to `min`.
 * Values that are not quantities are skipped (namespace-quota reports them).
 */
export function itemDefaults(document: RenderedDocument, index: number): ContainerDefaults {
  const item = itemsOf(document)[index];
  const limits: Partial<Record<Compute, DefaultValue>> = {};
  const requests: Partial<Record<Compute, DefaultValue>> = {};
  if (!item || item.type !== "Container") return { limits, requests };
  const at = (field: keyof LimitRangeItem, r: Compute): DefaultValue | undefined => {
    const raw = (item[field] as Record<string, unknown> | undefined)?.[r];
    if (raw === undefined) return undefined;
    const nanos = tryParse(raw);
    return nanos === undefined ? undefined : { nanos, document, path: `spec.limits[${index}].${field}.${r}` };
  };
  for (const r of COMPUTE) {
    const limit = at("default", r) ?? at("max", r);
    if (limit) limits[r] = limit;
    const request = at("defaultRequest", r) ?? limit ?? at("min", r);
    if (request) requests[r] = request;
  }
  return { limits, requests };
}

/** The Container defaults of a namespace: the first LimitRange (by name) and item that gives each value. */
export function containerDefaults(cluster: ClusterTree, namespace: string | undefined): ContainerDefaults {
  if (namespace === undefined) return NO_DEFAULTS;
  const limits: Partial<Record<Compute, DefaultValue>> = {};
  const requests: Partial<Record<Compute, DefaultValue>> = {};
  for (const document of limitRangesIn(cluster, namespace)) {
    itemsOf(document).forEach((_, index) => {
      const d = itemDefaults(document, index);
      for (const r of COMPUTE) {
        limits[r] ??= d.limits[r];
        requests[r] ??= d.requests[r];
      }
    });
  }
  for (const r of COMPUTE) {
    if (limits[r] === undefined) delete limits[r];
    if (requests[r] === undefined) delete requests[r];
  }
  return { limits, requests };
}

/** Where a container's effective value comes from. */
export type Origin = "explicit" | "limit" | "default" | "missing" | "invalid";

export interface EffectiveValue {
  readonly nanos: bigint;
  readonly origin: Origin;
}

export type EffectiveResources = Readonly<Record<Side, Readonly<Record<Compute, EffectiveValue>>>>;

/** A container's requests and limits after API defaulting and the LimitRange defaults. */
export function effectiveResources(container: IContainer, defaults: ContainerDefaults): EffectiveResources {
  const declared = (side: Side, r: Compute): EffectiveValue | undefined => {
    const raw = container.resources?.[side]?.[r];
    if (raw === undefined || raw === null) return undefined;
    const nanos = tryParse(raw);
    return nanos === undefined ? { nanos: 0n, origin: "invalid" } : { nanos, origin: "explicit" };
  };
  const missing: EffectiveValue = { nanos: 0n, origin: "missing" };
  const pick = (side: Side, r: Compute): EffectiveValue => {
    const own = declared(side, r);
    if (own) return own;
    if (side === "requests") {
      const limit = declared("limits", r);
      if (limit && limit.origin === "explicit") return { nanos: limit.nanos, origin: "limit" };
    }
    const fallback = defaults[side][r];
    return fallback ? { nanos: fallback.nanos, origin: "default" } : missing;
  };
  return {
    requests: { cpu: pick("requests", "cpu"), memory: pick("requests", "memory") },
    limits: { cpu: pick("limits", "cpu"), memory: pick("limits", "memory") },
  };
}

/** A container of a pod spec with its field path, in the order the kubelet starts them. */
export interface PodContainer {
  readonly container: IContainer;
  readonly path: string;
  readonly init: boolean;
  /** An init container with `restartPolicy: Always`: it keeps running beside the containers. */
  readonly sidecar: boolean;
  readonly effective: EffectiveResources;
}

export type Amounts = Readonly<Record<Compute, bigint>>;

/** A pod's effective requests and limits, and its containers as admitted. */
export interface PodResources {
  readonly requests: Amounts;
  readonly limits: Amounts;
  readonly containers: readonly PodContainer[];
}

export const ZERO: Amounts = { cpu: 0n, memory: 0n };

function add(a: Amounts, b: Amounts): Amounts {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory };
}

function max(a: Amounts, b: Amounts): Amounts {
  return { cpu: a.cpu > b.cpu ? a.cpu : b.cpu, memory: a.memory > b.memory ? a.memory : b.memory };
}

/** The pod's requests and limits as quota and scheduler count them (ephemeral containers take none of their own). */
export function podResources(spec: IPodSpec, specPath: string, defaults: ContainerDefaults): PodResources {
  const containers: PodContainer[] = [];
  const init = (spec.initContainers ?? []) as IContainer[];
  const main = (spec.containers ?? []) as IContainer[];
  init.forEach((container, i) =>
    containers.push({
      container,
      path: `${specPath}.initContainers[${i}]`,
      init: true,
      sidecar: container.restartPolicy === "Always",
      effective: effectiveResources(container, defaults),
    }),
  );
  main.forEach((container, i) =>
    containers.push({ container, path: `${specPath}.containers[${i}]`, init: false, sidecar: false, effective: effectiveResources(container, defaults) }),
  );
  const total = (side: Side): Amounts => {
    const amounts = (c: PodContainer): Amounts => ({ cpu: c.effective[side].cpu.nanos, memory: c.effective[side].memory.nanos });
    let running = containers.filter((c) => !c.init).map(amounts).reduce(add, ZERO);
    let sidecars = ZERO;
    let initPeak = ZERO;
    for (const c of containers.filter((x) => x.init)) {
      if (c.sidecar) {
        running = add(running, amounts(c));
        sidecars = add(sidecars, amounts(c));
        initPeak = max(initPeak, sidecars);
      } else {
        initPeak = max(initPeak, add(amounts(c), sidecars));
      }
    }
    return max(running, initPeak);
  };
  return { requests: total("requests"), limits: total("limits"), containers };
}

/** BestEffort QoS: no container has a cpu or memory request or limit once admitted. */
export function isBestEffort(pod: PodResources): boolean {
  return pod.containers.every((c) => COMPUTE.every((r) => c.effective.requests[r].origin === "missing" && c.effective.limits[r].origin === "missing"));
}
