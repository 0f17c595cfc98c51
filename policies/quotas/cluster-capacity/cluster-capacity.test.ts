import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { Finding, KubeObject } from "../../lib/types.js";
import { clusterCapacity } from "./cluster-capacity.js";

describeFixtures(clusterCapacity, import.meta.dirname);

function quota(namespace: string, cpu: string, memory = "1Gi"): KubeObject {
  return { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: `${namespace}-quota`, namespace }, spec: { hard: { "requests.cpu": cpu, "requests.memory": memory } } };
}

function deployment(namespace: string, replicas: number, cpu: string, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "w", namespace },
    spec: { replicas, strategy: { type: "Recreate" }, template: { spec: { ...podSpec, containers: [{ name: "w", image: "i:1", resources: { requests: { cpu, memory: "1Gi" }, limits: { cpu, memory: "1Gi" } } }] } } },
  };
}

async function check(cluster: string, ...objects: KubeObject[]): Promise<readonly Finding[]> {
  return clusterCapacity.check(clusterOf(cluster, objects.map((object, index) => ({ file: "f.yaml", index, object }))));
}

describe("when the cluster has no profile", () => {
  it("should warn that capacity was not checked, and fail nothing", async () => {
    const found = await check("lab", quota("a", "1000"));
    expect(found.map((f) => [f.severity, f.summary])).toEqual([["Warning", "capacity not checked"]]);
  });
});

describe("when judged against the edge profile (4 × 4 CPU, reserve 2)", () => {
  it("should accept quotas of 14 CPU and reject 14001m", async () => {
    expect(await check("edge", quota("a", "10"), quota("b", "4"))).toEqual([]);
    expect((await check("edge", quota("a", "10"), quota("b", "4001m"))).map((f) => f.summary)).toEqual(["quotas exceed the cluster's cpu"]);
  });

  it("should place a pod only where it tolerates the edge-node taint", async () => {
    const onPi = { nodeSelector: { "edge.terragon.io/device-type": "raspberry-pi" }, tolerations: [{ key: "edge-node", operator: "Equal", value: "true", effect: "NoSchedule" }] };
    expect(await check("edge", quota("a", "1"), deployment("a", 1, "1", onPi))).toEqual([]);
    // A pod no pool takes is placement/pool-fit's to report; it holds no capacity here.
    expect(await check("edge", quota("a", "1"), deployment("a", 10, "1", { ...onPi, tolerations: [] }))).toEqual([]);
  });
});

describe("when a namespace runs pods without a quota on requests", () => {
  it("should count its worst case instead (prod: 128 CPU less 8 reserved)", async () => {
    const anywhere = { tolerations: [{ operator: "Exists" }] };
    expect(await check("prod", deployment("free", 120, "1", anywhere))).toEqual([]);
    const found = await check("prod", deployment("free", 121, "1", anywhere));
    expect(found.map((f) => f.summary)).toEqual(["quotas exceed the cluster's cpu"]);
    expect(found[0]?.problem).toContain("free 121 as its worst case, having no quota on requests.cpu");
  });

  it("should count the tightest of several unscoped quotas, and ignore scoped ones", async () => {
    const scoped: KubeObject = { ...quota("a", "500"), metadata: { name: "scoped", namespace: "a" }, spec: { scopes: ["BestEffort"], hard: { "requests.cpu": "500" } } };
    expect(await check("prod", quota("a", "120"), { ...quota("a", "100"), metadata: { name: "second", namespace: "a" } }, scoped)).toEqual([]);
  });
});

describe("when pods may run on several pools", () => {
  it("should not hold them to one pool's capacity", async () => {
    const anywhere = { tolerations: [{ operator: "Exists" }] };
    expect(await check("prod", quota("a", "100"), deployment("a", 100, "1", anywhere))).toEqual([]);
  });
});

describe("when a violation is injected into the committed prod tree", () => {
  it("should name the rule when the kades quota requests 200 CPU", async () => {
    const tree = injected("prod", "/kades/resourcequota-kades-quota.yaml", (o) => {
      o.spec.hard["requests.cpu"] = "200";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "quotas/cluster-capacity");
    expect(found.map((d) => [d.file, d.summary])).toEqual([["clusters/prod", "quotas exceed the cluster's cpu"]]);
  });

  it("should leave chain-analysis to placement/pool-fit when it loses its analytics toleration", async () => {
    const tree = injected("prod", "/kades/deployment-chain-analysis.yaml", (o) => {
      delete o.spec.template.spec.tolerations;
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.resource === "Deployment/chain-analysis");
    expect(found.map((d) => [d.rule, d.path])).toEqual([["placement/pool-fit", "spec.template.spec.tolerations"]]);
  });
});
