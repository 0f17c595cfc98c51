import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { poolFit } from "./pool-fit.js";

describeFixtures(poolFit, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when the cluster has other pools", () => {
  it("should take the analytics worker nowhere on staging, which has only the standard pool", async () => {
    expect((await checkFixture(poolFit, fixture("good-tainted-pool.yaml"), "staging")).map((d) => d.path)).toEqual(['spec.template.spec.nodeSelector["node.iot-fleet.io/pool"]']);
  });

  it("should skip a cluster without a profile, whose pools nothing here knows", async () => {
    expect(await checkFixture(poolFit, fixture("bad-01.yaml"), "nowhere")).toEqual([]);
  });
});

describe("when a pod selects a pool and lacks its toleration", () => {
  it("should point at the tolerations, the field of the pool it got furthest with", async () => {
    const [found] = await checkFixture(poolFit, fixture("bad-02.yaml"));
    expect(found?.path).toBe("spec.template.spec.tolerations");
    expect(found?.problem).toContain("taint dedicated=analytics:NoSchedule is not tolerated");
    expect(found?.problem).toContain('"0/N nodes are available: ... had untolerated taint"');
  });
});

describe("when the committed prod tree's kades-api selects a pool no node has", () => {
  it("should name the workload, the nodeSelector key and the fix in apps/kades", async () => {
    const tree = injected("prod", "apps/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.nodeSelector["node.iot-fleet.io/pool"] = "gpu";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "placement/pool-fit");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Deployment/kades-api", 'spec.template.spec.nodeSelector["node.iot-fleet.io/pool"]']]);
    expect(found[0]?.fix).toContain("set `nodePool` of component kades-api in apps/kades to a pool of cluster prod (standard, analytics)");
  });
});

describe("when the committed edge tree's ingress controller stops tolerating the edge taint", () => {
  it("should name the Application and the values field", async () => {
    const tree = injected("edge", "argocd/application-ingress-nginx.yaml", (o) => {
      o.spec.source.helm.valuesObject.controller.tolerations = [];
      return o as KubeObject;
    });
    expect((await runPolicy(poolFit, tree)).map((d) => [d.resource, d.path])).toEqual([["Application/ingress-nginx", "spec.source.helm.valuesObject.controller.tolerations"]]);
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(poolFit, committedCluster(name))).toEqual([]);
  });
});
