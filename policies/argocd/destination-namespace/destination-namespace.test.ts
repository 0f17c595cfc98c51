import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { destinationNamespace } from "./destination-namespace.js";

describeFixtures(destinationNamespace, import.meta.dirname);

describe("when the committed prod tree's Application moves to another namespace", () => {
  it("should report the destination once, not each of the app's objects", async () => {
    const tree = injected("prod", "argocd/application-kades.yaml", (o) => {
      o.spec.destination.namespace = "default";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "argocd/destination-namespace");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Application/kades", "spec.destination.namespace"]]);
    expect(found[0]?.fix).toContain("set it to kades");
  });
});

describe("when one object of the committed prod tree moves to another namespace", () => {
  it("should report that object", async () => {
    const tree = injected("prod", "apps/kades/configmap-kades-config.yaml", (o) => {
      o.metadata.namespace = "iot";
      return o as KubeObject;
    });
    expect((await runPolicy(destinationNamespace, tree)).map((d) => [d.resource, d.path])).toEqual([["ConfigMap/kades-config", "metadata.namespace"]]);
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(destinationNamespace, committedCluster(name))).toEqual([]);
  });
});
