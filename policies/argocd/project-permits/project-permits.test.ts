import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { globMatches, permittedBy } from "../applications.js";
import { projectPermits } from "./project-permits.js";

describeFixtures(projectPermits, import.meta.dirname);

describe("when matching Argo CD's patterns", () => {
  it.each([
    ["*", "anything/at all", true],
    ["https://github.com/iot-platform/*", "https://github.com/iot-platform/iot-fleet-gitops.git", true],
    ["https://github.com/iot-platform/*", "https://github.com/other/iot-fleet-gitops.git", false],
    ["demo-?", "demo-1", true],
    ["demo-?", "demo-12", false],
    ["demo.x", "demoax", false],
    ["", "", true],
    ["", "demo", false],
  ])("should match %j against %j: %s", (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });

  it("should let a `!` pattern deny what another admits, and admit nothing without a plain pattern", () => {
    expect(permittedBy(["*", "!kube-system"], "demo")).toBe(true);
    expect(permittedBy(["*", "!kube-system"], "kube-system")).toBe(false);
    expect(permittedBy(["!kube-system"], "demo")).toBe(false);
  });
});

describe("when the committed prod tree is changed the way the Argo CD catalogue changes it", () => {
  it("should name the project, its whitelist and the kind when it no longer permits CronJob", async () => {
    const tree = injected("prod", "argocd/appproject-kades.yaml", (o) => {
      o.spec.namespaceResourceWhitelist = o.spec.namespaceResourceWhitelist.filter((k: { kind: string }) => k.kind !== "CronJob");
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "argocd/project-permits");
    expect(found.map((d) => [d.file, d.resource, d.path])).toEqual([["clusters/prod/argocd/appproject-kades.yaml", "AppProject/kades", "spec.namespaceResourceWhitelist"]]);
    expect(found[0]?.problem).toContain('syncs CronJob/db-backup; Argo CD refuses the sync: "resource batch:CronJob is not permitted in project kades"');
    expect(found[0]?.fix).toContain('add {group: "batch", kind: CronJob} to spec.namespaceResourceWhitelist');
  });

  it("should name the Application's destination when it moves to a namespace the project forbids", async () => {
    const tree = injected("prod", "argocd/application-pynomaly.yaml", (o) => {
      o.spec.destination.namespace = "kube-system";
      return o as KubeObject;
    });
    const found = (await runPolicy(projectPermits, tree)).map((d) => [d.resource, d.path]);
    expect(found).toEqual([["Application/pynomaly", "spec.destination.namespace"]]);
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(projectPermits, committedCluster(name))).toEqual([]);
  });
});
