import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { checkFixture, describeFixtures, injected, loadFixture, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { isProduction, spread } from "./spread.js";

describeFixtures(spread, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when deciding which clusters are production", () => {
  it("should follow the profile's tier", () => {
    expect(isProduction(clusterOf("prod", []))).toBe(true);
    expect(isProduction(clusterOf("staging", []))).toBe(false);
    expect(isProduction(clusterOf("kind", []))).toBe(false);
  });

  it("should fall back to the name for a cluster without a profile", () => {
    expect(isProduction(clusterOf("prod-eu-2", []))).toBe(false);
    expect(isProduction({ ...clusterOf("x", []), name: "prod", profile: undefined })).toBe(true);
  });
});

describe("when the cluster is not production", () => {
  it.each(["staging", "dev", "edge"])("should not ask %s to spread", async (cluster) => {
    expect(await checkFixture(spread, fixture("bad-01.yaml"), cluster)).toEqual([]);
  });

  it("should ask prod for the same workload", async () => {
    expect(await checkFixture(spread, fixture("bad-01.yaml"), "prod")).toHaveLength(1);
  });
});

describe("when a spread rule is on the wrong key or the wrong pods", () => {
  it("should point at the constraint's selector when it picks other pods", async () => {
    const [found] = await checkFixture(spread, fixture("bad-02.yaml"));
    expect(found?.path).toBe("spec.template.spec.topologySpreadConstraints[0].labelSelector");
  });

  it.each(["bad-03.yaml", "bad-04.yaml"])("should not count a zone rule as a node rule (%s)", async (name) => {
    const [found] = await checkFixture(spread, fixture(name));
    expect(found?.summary).toBe("replicas are not spread over nodes");
  });

  it("should count the HPA's maximum for a workload that declares one replica", async () => {
    const [found] = await checkFixture(spread, fixture("bad-05.yaml"));
    expect(found?.problem).toContain("up to 10 replicas (HorizontalPodAutoscaler/aggregator-worker-hpa maxReplicas = 10)");
  });

  it("should accept a namespaceSelector that picks the workload's own namespace by its name label", async () => {
    const tree = loadFixture(fixture("good-autoscaled.yaml"));
    const edited = tree.documents.map((d) => {
      const object = structuredClone(d.object) as Record<string, any>;
      const term = object.spec?.template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0];
      if (term) {
        delete term.namespaces;
        term.namespaceSelector = { matchLabels: { "kubernetes.io/metadata.name": "iot" } };
      }
      return { ...d, object: object as KubeObject };
    });
    expect(await spread.check({ ...tree, documents: edited })).toEqual([]);
  });
});

describe("when the committed prod tree loses a spread rule", () => {
  it("should name the rule", async () => {
    const tree = injected("prod", "/iot-telemetry/deployment-ingestion-api.yaml", (o) => {
      delete o.spec.template.spec.topologySpreadConstraints;
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "availability/spread");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Deployment/ingestion-api", "spec.template.spec.topologySpreadConstraints"]]);
  });
});
