import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { clusterOf } from "../lib/load.js";
import type { KubeObject } from "../lib/types.js";
import { containerDefaults, effectiveResources, isBestEffort, NO_DEFAULTS, podResources, type ContainerDefaults } from "./pod-resources.js";
import { parseQuantity } from "./quantity.js";

const q = parseQuantity;

function limitRange(name: string, item: Record<string, unknown>, namespace = "ns"): KubeObject {
  return { apiVersion: "v1", kind: "LimitRange", metadata: { name, namespace }, spec: { limits: [{ type: "Container", ...item }] } };
}

function defaultsOf(...objects: KubeObject[]): ContainerDefaults {
  return containerDefaults(clusterOf("prod", objects.map((object, index) => ({ file: "f.yaml", index, object }))), "ns");
}

describe("when a LimitRange gives Container defaults", () => {
  it("should default the limit to max and the request to the limit", () => {
    const d = defaultsOf(limitRange("l", { max: { cpu: "2", memory: "1Gi" } }));
    expect([d.limits.cpu?.nanos, d.requests.cpu?.nanos, d.requests.memory?.path]).toEqual([q("2"), q("2"), "spec.limits[0].max.memory"]);
  });

  it("should default the request to min when nothing else gives one, and give no limit", () => {
    const d = defaultsOf(limitRange("l", { min: { cpu: "100m" } }));
    expect([d.limits.cpu, d.requests.cpu?.nanos]).toEqual([undefined, q("100m")]);
  });

  it("should prefer an explicit defaultRequest over default", () => {
    const d = defaultsOf(limitRange("l", { default: { cpu: "1" }, defaultRequest: { cpu: "250m" } }));
    expect([d.limits.cpu?.nanos, d.requests.cpu?.nanos]).toEqual([q("1"), q("250m")]);
  });

  it("should take the first LimitRange by name, and ignore other namespaces and item types", () => {
    const d = defaultsOf(
      limitRange("b", { default: { cpu: "2" } }),
      limitRange("a", { default: { cpu: "1" } }),
      limitRange("0", { default: { cpu: "9" } }, "other"),
      { apiVersion: "v1", kind: "LimitRange", metadata: { name: "0", namespace: "ns" }, spec: { limits: [{ type: "Pod", max: { cpu: "8" } }] } },
    );
    expect(d.limits.cpu?.nanos).toBe(q("1"));
  });

  it("should skip a value that is not a quantity", () => {
    expect(defaultsOf(limitRange("l", { default: { cpu: "lots" } })).limits.cpu).toBeUndefined();
  });
});

describe("when a container declares some of its resources", () => {
  const defaults = defaultsOf(limitRange("l", { default: { cpu: "500m", memory: "512Mi" }, defaultRequest: { cpu: "100m", memory: "128Mi" } }));

  it("should request its limit when it sets only the limit (API defaulting comes before the LimitRange)", () => {
    const e = effectiveResources({ name: "c", resources: { limits: { cpu: "2" } } }, defaults);
    expect([e.requests.cpu, e.limits.cpu]).toEqual([
      { nanos: q("2"), origin: "limit" },
      { nanos: q("2"), origin: "explicit" },
    ]);
  });

  it("should take the LimitRange defaults for what it omits", () => {
    const e = effectiveResources({ name: "c", resources: { requests: { memory: "1Gi" } } }, defaults);
    expect([e.requests.memory.origin, e.limits.memory, e.requests.cpu]).toEqual(["explicit", { nanos: q("512Mi"), origin: "default" }, { nanos: q("100m"), origin: "default" }]);
  });

  it("should report a value as missing when there is no default either", () => {
    expect(effectiveResources({ name: "c" }, NO_DEFAULTS).limits.memory.origin).toBe("missing");
  });
});

function container(name: string, cpu: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: "i:1", resources: { requests: { cpu, memory: "1Mi" }, limits: { cpu, memory: "1Mi" } }, ...extra };
}

describe("when computing a pod's effective requests", () => {
  it("should take the larger of the containers' sum and the largest init container", () => {
    const spec = { initContainers: [container("i1", "3"), container("i2", "1")], containers: [container("a", "1"), container("b", "1")] } as unknown as IPodSpec;
    expect(podResources(spec, "spec", NO_DEFAULTS).requests.cpu).toBe(q("3"));
    const small = { initContainers: [container("i1", "1500m")], containers: [container("a", "1"), container("b", "1")] } as unknown as IPodSpec;
    expect(podResources(small, "spec", NO_DEFAULTS).requests.cpu).toBe(q("2"));
  });

  it("should add native sidecars to the running sum and to every later init step", () => {
    // running: 1 (a) + 1 (s1) + 3 (s2) = 5; init steps: s1 1, i 2 + 1 = 3, s1 + s2 = 4 -> 5
    const always = { restartPolicy: "Always" };
    const spec = { initContainers: [container("s1", "1", always), container("i", "2"), container("s2", "3", always)], containers: [container("a", "1")] } as unknown as IPodSpec;
    expect(podResources(spec, "spec", NO_DEFAULTS).requests.cpu).toBe(q("5"));
    // an init step after a sidecar can dominate: running 1 + 1 = 2; init 5 + 1 = 6 -> 6
    const heavy = { initContainers: [container("s1", "1", always), container("i", "5")], containers: [container("a", "1")] } as unknown as IPodSpec;
    expect(podResources(heavy, "spec", NO_DEFAULTS).limits.cpu).toBe(q("6"));
    // the same init container before the sidecar runs alone: max(2, 5) = 5
    const before = { initContainers: [container("i", "5"), container("s1", "1", always)], containers: [container("a", "1")] } as unknown as IPodSpec;
    expect(podResources(before, "spec", NO_DEFAULTS).limits.cpu).toBe(q("5"));
  });

  it("should give each container its field path", () => {
    const spec = { initContainers: [container("i", "1")], containers: [container("a", "1")] } as unknown as IPodSpec;
    expect(podResources(spec, "spec.template.spec", NO_DEFAULTS).containers.map((c) => c.path)).toEqual(["spec.template.spec.initContainers[0]", "spec.template.spec.containers[0]"]);
  });
});

describe("when classing a pod as BestEffort", () => {
  it("should class a pod with no requests or limits anywhere as BestEffort", () => {
    expect(isBestEffort(podResources({ containers: [{ name: "a" }] }, "spec", NO_DEFAULTS))).toBe(true);
  });

  it("should not once any container, or a LimitRange default, gives one", () => {
    expect(isBestEffort(podResources({ containers: [{ name: "a" }, container("b", "1")] } as unknown as IPodSpec, "spec", NO_DEFAULTS))).toBe(false);
    const defaults = defaultsOf(limitRange("l", { default: { cpu: "1" } }));
    expect(isBestEffort(podResources({ containers: [{ name: "a" }] }, "spec", defaults))).toBe(false);
  });
});
