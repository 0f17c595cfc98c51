import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { diagnosticsOf, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem.js";

const dir = import.meta.dirname;
const policy = readOnlyRootFilesystem;

describeFixtures(policy, dir);

describe("when a container's root filesystem is writable", () => {
  it("should name the spec's opt-out field in the fix", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      podSpec(c!).containers[0].securityContext.readOnlyRootFilesystem = false;
    });
    const [diagnostic] = await diagnosticsOf(policy, tree);
    expect(diagnostic?.path).toBe("spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem");
    expect(diagnostic?.fix).toContain("`security.readOnlyRootFilesystem: false`");
    expect(diagnostic?.fix).toContain('apps/kades (component db-backup, container "db-backup")');
  });

  it("should accept every container set to true", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-statefulset.yaml"))).toEqual([]);
  });
});

describe("when the pod is a Windows pod", () => {
  it("should exempt it (Windows cannot set the field)", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      podSpec(c!).os = { name: "windows" };
      delete podSpec(c!).containers[0].securityContext.readOnlyRootFilesystem;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });

  it("should judge the same pod on Linux", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      podSpec(c!).os = { name: "linux" };
      delete podSpec(c!).containers[0].securityContext.readOnlyRootFilesystem;
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem"]);
  });
});

describe("when a writable root filesystem is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/statefulset-timescaledb.yaml", (o) => {
      o.spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem = false;
    });
    expect(rules).toContain("security/read-only-root-filesystem");
  });
});
