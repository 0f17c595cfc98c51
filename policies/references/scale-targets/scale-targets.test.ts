import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { scaleTargets } from "./scale-targets.js";

describeFixtures(scaleTargets, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when the target's name exists under another kind or group", () => {
  it.each([
    ["bad-02.yaml", "spec.scaleTargetRef.kind", "there is apps/v1 Deployment/kades-api"],
    ["bad-03.yaml", "spec.scaleTargetRef.apiVersion", "there is apps/v1 Deployment/kades-api"],
  ])("should point %s at %s", async (name, path, hint) => {
    const found = await checkFixture(scaleTargets, fixture(name));
    expect(found.map((d) => d.path)).toEqual([path]);
    expect(found[0]?.problem).toContain(hint);
  });
});

describe("when a VPA targets a controller without a scale subresource", () => {
  it("should accept a CronJob for a VPA (a controller it knows) and refuse it for an HPA", async () => {
    expect(await checkFixture(scaleTargets, fixture("good-autoscalers.yaml"))).toEqual([]);
    const found = await checkFixture(scaleTargets, fixture("bad-05.yaml"));
    expect(found.map((d) => [d.resource, d.summary])).toEqual([["HorizontalPodAutoscaler/kades-api-hpa", "autoscaler targets a workload it cannot scale"]]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(scaleTargets, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix for the HPA and VPA of a Deployment deleted from prod", async () => {
    const tree = injected("prod", "/pynomaly/deployment-pynomaly-worker.yaml", () => []);
    const found = await runPolicy(scaleTargets, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/scale-targets", "clusters/prod/apps/pynomaly/horizontalpodautoscaler-pynomaly-worker-hpa.yaml", "HorizontalPodAutoscaler/pynomaly-worker-hpa", "spec.scaleTargetRef.name"],
      ["references/scale-targets", "clusters/prod/apps/pynomaly/verticalpodautoscaler-pynomaly-worker-vpa.yaml", "VerticalPodAutoscaler/pynomaly-worker-vpa", "spec.targetRef.name"],
    ]);
    expect(found[0]?.fix).toContain("`autoscaling` of component pynomaly-worker in apps/pynomaly");
    expect(found[1]?.fix).toContain("`verticalScaling` of component pynomaly-worker in apps/pynomaly");
  });

  it("should not take a Deployment of the same name in another namespace for the target", async () => {
    const tree = injected("prod", "/kades/horizontalpodautoscaler-kades-api-hpa.yaml", (o) => {
      o.metadata.namespace = "iot";
      return o as KubeObject;
    });
    expect((await runPolicy(scaleTargets, tree)).map((d) => d.resource)).toEqual(["HorizontalPodAutoscaler/kades-api-hpa"]);
  });
});
