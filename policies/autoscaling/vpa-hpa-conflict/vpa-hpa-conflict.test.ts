import { describe, expect, it } from "vitest";
import { checkFixture, describeFixtures, injected, loadFixture, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { vpaHpaConflict } from "./vpa-hpa-conflict.js";

describeFixtures(vpaHpaConflict, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

/** The good-off fixture with the VPA's updateMode set (or removed with undefined). */
function withMode(mode: string | undefined): ReturnType<typeof loadFixture> {
  const tree = loadFixture(fixture("good-off.yaml"));
  const documents = tree.documents.map((d) => {
    if (d.object.kind !== "VerticalPodAutoscaler") return d;
    const object = structuredClone(d.object) as Record<string, any>;
    if (mode === undefined) delete object.spec.updatePolicy;
    else object.spec.updatePolicy.updateMode = mode;
    return { ...d, object: object as KubeObject };
  });
  return { ...tree, documents };
}

describe("when the VPA's update mode decides", () => {
  it.each([
    ["Auto", "Bug"],
    ["Recreate", "Bug"],
    ["InPlaceOrRecreate", "Bug"],
    ["InPlace", "Bug"],
    [undefined, "Bug"],
    ["Initial", "Warning"],
  ])("should report mode %s as %s", async (mode, severity) => {
    const found = await vpaHpaConflict.check(withMode(mode));
    expect(found.map((f) => f.severity ?? vpaHpaConflict.severity)).toEqual([severity]);
  });

  it("should accept Off", async () => {
    expect(await vpaHpaConflict.check(withMode("Off"))).toEqual([]);
  });
});

describe("when the VPA and HPA share no resource", () => {
  it("should accept a VPA on memory beside an HPA on CPU", async () => {
    expect(await checkFixture(vpaHpaConflict, fixture("good-disjoint.yaml"))).toEqual([]);
  });

  it("should refuse the same VPA once the HPA scales on memory", async () => {
    const [found] = await checkFixture(vpaHpaConflict, fixture("bad-05.yaml"));
    expect(found?.problem).toContain("on memory utilisation");
  });

  it("should accept a VPA whose container policy for every container is Off", async () => {
    const tree = withMode("Auto");
    const documents = tree.documents.map((d) => {
      if (d.object.kind !== "VerticalPodAutoscaler") return d;
      const object = structuredClone(d.object) as Record<string, any>;
      object.spec.resourcePolicy.containerPolicies[0].mode = "Off";
      return { ...d, object: object as KubeObject };
    });
    expect(await vpaHpaConflict.check({ ...tree, documents })).toEqual([]);
  });
});

describe("when the VPA and HPA target different workloads", () => {
  it("should accept them", async () => {
    const tree = withMode("Auto");
    const documents = tree.documents.map((d) => {
      if (d.object.kind !== "HorizontalPodAutoscaler") return d;
      const object = structuredClone(d.object) as Record<string, any>;
      object.spec.scaleTargetRef.name = "pynomaly-detection";
      return { ...d, object: object as KubeObject };
    });
    expect(await vpaHpaConflict.check({ ...tree, documents })).toEqual([]);
  });
});

describe("when a committed prod VPA is switched to Auto by hand", () => {
  it("should name the rule and the HPA it fights", async () => {
    const tree = injected("prod", "/pynomaly/verticalpodautoscaler-pynomaly-worker-vpa.yaml", (o) => {
      o.spec.updatePolicy.updateMode = "Auto";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "autoscaling/vpa-hpa-conflict");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["VerticalPodAutoscaler/pynomaly-worker-vpa", "spec.updatePolicy.updateMode"]]);
    expect(found[0]?.problem).toContain("HorizontalPodAutoscaler/pynomaly-worker-hpa");
    expect(found[0]?.fix).toContain("`verticalScaling.updateMode` of component pynomaly-worker in apps/pynomaly");
  });
});
