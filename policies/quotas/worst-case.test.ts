import { describe, expect, it } from "vitest";
import { clusterOf } from "../lib/load.js";
import type { KubeObject } from "../lib/types.js";
import { claims, quotas, surgeOf, workloads } from "./worst-case.js";
import { parseQuantity } from "./quantity.js";

function tree(...objects: KubeObject[]): ReturnType<typeof clusterOf> {
  return clusterOf("prod", objects.map((object, index) => ({ file: "f.yaml", index, object })));
}

const POD = { spec: { containers: [{ name: "c", image: "i:1" }] } };

describe("when reading a rollout surge", () => {
  it.each<[unknown, number, number]>([
    [undefined, 10, 3],
    ["25%", 4, 1],
    ["50%", 3, 2],
    ["0%", 10, 0],
    [0, 10, 0],
    [2, 10, 2],
    ["2", 10, 2],
  ])("should read %j of %i replicas as %i", (value, replicas, surge) => {
    expect(surgeOf(value, replicas, "25%")).toBe(surge);
  });
});

describe("when counting a workload's pods", () => {
  it("should count a Deployment's default 25% surge of its replicas", () => {
    const d: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" }, spec: { replicas: 5, template: POD } };
    expect(workloads(tree(d)).map((w) => [w.pods, w.why])).toEqual([[7, "replicas 5 + maxSurge 2"]]);
  });

  it("should count a StatefulSet at its HPA maximum, without surge, and its claims at that many replicas", () => {
    const s: KubeObject = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s", namespace: "ns" },
      spec: { replicas: 2, template: POD, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "10Gi" } } } }] },
    };
    const hpa: KubeObject = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "ns" }, spec: { maxReplicas: 5, scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "s" } } };
    const t = tree(s, hpa);
    expect(workloads(t).map((w) => w.pods)).toEqual([5]);
    expect(claims(t, "ns").map((c) => [c.count, c.size])).toEqual([[5, parseQuantity("10Gi")]]);
  });

  it("should ignore an HPA in another namespace", () => {
    const d: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" }, spec: { replicas: 1, strategy: { type: "Recreate" }, template: POD } };
    const hpa: KubeObject = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "other" }, spec: { maxReplicas: 9, scaleTargetRef: { kind: "Deployment", name: "d" } } };
    expect(workloads(tree(d, hpa)).map((w) => w.pods)).toEqual([1]);
  });

  it("should count a bare Pod once and a Job with parallelism 0 as none", () => {
    const pod: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns" }, ...POD };
    const job: KubeObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "ns" }, spec: { parallelism: 0, template: POD } };
    expect(workloads(tree(pod, job)).map((w) => w.pods)).toEqual([1, 0]);
  });
});

describe("when reading quotas", () => {
  it("should keep the tighter of two forms of a measure", () => {
    const quota: KubeObject = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace: "ns" }, spec: { hard: { cpu: "2", "requests.cpu": "1500m", pods: "4" } } };
    const [parsed] = quotas(tree(quota));
    expect(parsed?.bounds.get("requests.cpu")).toEqual({ key: "requests.cpu", raw: "1500m", nanos: parseQuantity("1500m") });
    expect(parsed?.bounds.get("pods")?.nanos).toBe(parseQuantity("4"));
    expect(parsed?.bounds.has("limits.cpu")).toBe(false);
  });
});
