import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { Finding, KubeObject } from "../../lib/types.js";
import { limitRangeAdmits } from "./limit-range-admits.js";

describeFixtures(limitRangeAdmits, import.meta.dirname);

function limitRange(item: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "LimitRange", metadata: { name: "l", namespace: "ns" }, spec: { limits: [item] } };
}

function pod(resources: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns" }, spec: { containers: [{ name: "c", image: "i:1", resources }] } };
}

async function check(...objects: KubeObject[]): Promise<readonly Finding[]> {
  return limitRangeAdmits.check(clusterOf("prod", objects.map((object, index) => ({ file: "f.yaml", index, object }))));
}

describe("when a container's limit/request ratio is bounded", () => {
  const ratio = limitRange({ type: "Container", maxLimitRequestRatio: { cpu: "2.5" } });

  it("should accept exactly the ratio and reject one millicore more", async () => {
    expect(await check(ratio, pod({ requests: { cpu: "400m" }, limits: { cpu: "1" } }))).toEqual([]);
    const found = await check(ratio, pod({ requests: { cpu: "400m" }, limits: { cpu: "1001m" } }));
    expect(found.map((f) => f.path)).toEqual(["spec.containers[0].resources.limits.cpu"]);
    expect(found[0]?.problem).toContain("2.502 times the request 400m");
  });

  it("should reject a container without a request", async () => {
    expect((await check(ratio, pod({ limits: { memory: "1Gi" } }))).map((f) => f.path)).toEqual(["spec.containers[0].resources.requests.cpu"]);
  });
});

describe("when a container relies on the LimitRange's defaults", () => {
  it("should judge the defaulted values and say where they came from", async () => {
    const range = limitRange({ type: "Container", default: { memory: "1Gi" }, min: { memory: "512Mi" } });
    expect(await check(range, pod({}))).toEqual([]);
    const explicitRequest = await check(range, pod({ requests: { memory: "256Mi" } }));
    expect(explicitRequest.map((f) => f.problem)).toEqual([expect.stringMatching(/^is 256Mi, below the minimum 512Mi of LimitRange\/l `spec.limits\[0\].min.memory`/)]);
  });

  it("should take a request from the limit when only the limit is set", async () => {
    const range = limitRange({ type: "Container", min: { cpu: "500m" } });
    expect(await check(range, pod({ limits: { cpu: "600m" } }))).toEqual([]);
    expect((await check(range, pod({ limits: { cpu: "400m" } }))).map((f) => f.problem)).toEqual([expect.stringContaining("is 400m (taken from the limit), below the minimum 500m")]);
  });
});

describe("when LimitRanges sit in another namespace", () => {
  it("should not apply them", async () => {
    const elsewhere = { ...limitRange({ type: "Container", max: { cpu: "1m" } }), metadata: { name: "l", namespace: "other" } };
    expect(await check(elsewhere, pod({ requests: { cpu: "1" }, limits: { cpu: "2" } }))).toEqual([]);
  });
});

describe("when a violation is injected into the committed prod tree", () => {
  it("should name the rule when a TimescaleDB container's limit exceeds the namespace maximum", async () => {
    const tree = injected("prod", "/kades/statefulset-timescaledb.yaml", (o) => {
      o.spec.template.spec.containers[0].resources.limits.memory = "64Gi";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "quotas/limit-range-admits");
    expect(found.map((d) => d.path)).toEqual(["spec.template.spec.containers[0].resources.limits.memory"]);
  });
});
