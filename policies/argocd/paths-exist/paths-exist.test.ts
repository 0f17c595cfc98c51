import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { pathsExist } from "./paths-exist.js";

describeFixtures(pathsExist, import.meta.dirname);

describe("when a path is written the ways Argo CD accepts", () => {
  it.each(["clusters/prod/apps/kades/", "./clusters/prod/apps/kades"])("should find the directory from %j", async (path) => {
    const tree = injected("prod", "argocd/application-kades.yaml", (o) => {
      o.spec.source.path = path;
      return o as KubeObject;
    });
    expect(await runPolicy(pathsExist, tree)).toEqual([]);
  });
});

describe("when the committed prod tree's Application syncs a directory that does not exist", () => {
  it("should name the Application, its path and the directories that do exist", async () => {
    const tree = injected("prod", "argocd/application-kades.yaml", (o) => {
      o.spec.source.path = "clusters/prod/apps/kades-renamed";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "argocd/paths-exist");
    expect(found.map((d) => [d.file, d.resource, d.path])).toEqual([["clusters/prod/argocd/application-kades.yaml", "Application/kades", "spec.source.path"]]);
    expect(found[0]?.problem).toContain("clusters/prod/apps/ holds iot-anomaly-detection, iot-edge-anomaly, iot-telemetry, kades, pynomaly");
  });

  it("should judge the root's second source, and not its Argo CD source", async () => {
    const tree = injected("prod", "bootstrap/application-root.yaml", (o) => {
      o.spec.sources[1].path = "clusters/prod/argo";
      return o as KubeObject;
    });
    expect((await runPolicy(pathsExist, tree)).map((d) => [d.resource, d.path])).toEqual([["Application/root", "spec.sources[1].path"]]);
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(pathsExist, committedCluster(name))).toEqual([]);
  });
});
