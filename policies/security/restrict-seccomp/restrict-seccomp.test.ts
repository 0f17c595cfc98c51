import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { diagnosticsOf, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictSeccomp } from "./restrict-seccomp.js";

const dir = import.meta.dirname;
const policy = restrictSeccomp;

describeFixtures(policy, dir);

describe("when the pod sets no profile", () => {
  it("should report the pod once, naming every container that sets none either", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).securityContext.seccompProfile;
      delete podSpec(s!).initContainers[0].securityContext.seccompProfile;
      delete podSpec(s!).containers[0].securityContext.seccompProfile;
    });
    const diagnostics = await diagnosticsOf(policy, tree);
    expect(diagnostics.map((d) => d.path)).toEqual(["spec.template.spec.securityContext.seccompProfile.type"]);
    expect(diagnostics[0]?.problem).toContain('init container "clone-replica", container "timescaledb"');
  });

  it("should accept it when every container sets one", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).securityContext.seccompProfile;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when a profile names another type", () => {
  it("should report a container's Unconfined even though the pod sets RuntimeDefault", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).containers[0].securityContext.seccompProfile.type = "Unconfined";
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.template.spec.containers[0].securityContext.seccompProfile.type"]);
  });

  it("should report a profile without a type", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).securityContext.seccompProfile = {};
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.template.spec.securityContext.seccompProfile.type"]);
  });
});

describe("when the pod is a Windows pod", () => {
  it("should exempt it", async () => {
    const tree = fixtureTree(dir, "bad-03.yaml", ([c]) => {
      podSpec(c!).os = { name: "windows" };
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when an unconfined profile is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/statefulset-timescaledb.yaml", (o) => {
      podSpec(o).securityContext.seccompProfile.type = "Unconfined";
    });
    expect(rules).toContain("security/restrict-seccomp");
  });
});
