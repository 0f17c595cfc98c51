import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { containerResources } from "./container-resources.js";

describeFixtures(containerResources, import.meta.dirname);

function pod(resources: Record<string, unknown> | undefined, field: "containers" | "initContainers" = "containers"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns" },
    spec: { containers: [], [field]: [{ name: "c", image: "i:1", ...(resources ? { resources } : {}) }] },
  };
}

const FULL = { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } };

async function findings(object: KubeObject): Promise<string[]> {
  const result = await containerResources.check(clusterOf("prod", [{ file: "f.yaml", index: 0, object }]));
  return result.map((f) => `${f.path}: ${f.summary}`);
}

describe("when a container sets all four values", () => {
  it("should accept it", async () => {
    expect(await findings(pod(FULL))).toEqual([]);
  });

  it("should accept requests equal to limits written in different units", async () => {
    expect(await findings(pod({ requests: { cpu: "1000m", memory: "1Gi" }, limits: { cpu: 1, memory: "1024Mi" } }))).toEqual([]);
  });
});

describe("when a container omits a value", () => {
  it("should name each missing field, with the init container's path", async () => {
    expect(await findings(pod({ requests: { cpu: "100m" }, limits: { memory: "1Gi" } }, "initContainers"))).toEqual([
      "spec.initContainers[0].resources.requests.memory: init container has no memory request",
      "spec.initContainers[0].resources.limits.cpu: init container has no cpu limit",
    ]);
  });

  it("should not accept a LimitRange default in place of a declared value", async () => {
    const limitRange: KubeObject = {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "defaults", namespace: "ns" },
      spec: { limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "1", memory: "1Gi" } }] },
    };
    const tree = clusterOf("prod", [
      { file: "f.yaml", index: 0, object: pod(undefined) },
      { file: "g.yaml", index: 0, object: limitRange },
    ]);
    expect((await containerResources.check(tree)).map((f) => f.path)).toHaveLength(4);
  });
});

describe("when a request exceeds its limit", () => {
  it("should reject a request one millicore above", async () => {
    expect(await findings(pod({ ...FULL, requests: { cpu: "1001m", memory: "64Mi" } }))).toEqual([
      "spec.containers[0].resources.requests.cpu: container requests more cpu than its limit",
    ]);
  });

  it("should reject a request one byte above, compared exactly", async () => {
    expect(await findings(pod({ ...FULL, requests: { cpu: "100m", memory: String(128 * 2 ** 20 + 1) } }))).toEqual([
      "spec.containers[0].resources.requests.memory: container requests more memory than its limit",
    ]);
  });
});

describe("when resources are injected into the committed prod tree", () => {
  it("should name the rule when the kades API loses its memory limit", async () => {
    const tree = injected("prod", "/kades/deployment-kades-api.yaml", (o) => {
      delete o.spec.template.spec.containers[0].resources.limits.memory;
      return o as KubeObject;
    });
    const diagnostics = await runAll(tree);
    expect(diagnostics.filter((d) => d.rule === "quotas/container-resources").map((d) => d.path)).toEqual([
      "spec.template.spec.containers[0].resources.limits.memory",
    ]);
  });

  it("should find an init container whose request exceeds its limit", async () => {
    const tree = injected("prod", "/kades/statefulset-timescaledb.yaml", (o) => {
      o.spec.template.spec.initContainers[0].resources.requests.cpu = "600m";
      return o as KubeObject;
    });
    const paths = (await containerResources.check(tree)).map((f) => f.path);
    expect(paths).toEqual(["spec.template.spec.initContainers[0].resources.requests.cpu"]);
  });
});
