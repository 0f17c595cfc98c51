import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowPrivileged } from "./disallow-privileged.js";

const dir = import.meta.dirname;

describeFixtures(disallowPrivileged, dir);

describe("when containers set privileged", () => {
  it("should report each privileged container at its own path", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).initContainers[0].securityContext.privileged = true;
      podSpec(s!).containers[0].securityContext.privileged = true;
    });
    expect(await pathsFound(disallowPrivileged, tree)).toEqual([
      "spec.template.spec.initContainers[0].securityContext.privileged",
      "spec.template.spec.containers[0].securityContext.privileged",
    ]);
  });

  it("should accept privileged: false and an unset field", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).initContainers[0].securityContext.privileged;
    });
    expect(await pathsFound(disallowPrivileged, tree)).toEqual([]);
  });
});

describe("when a privileged init container is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/statefulset-timescaledb.yaml", (o) => {
      o.spec.template.spec.initContainers[0].securityContext.privileged = true;
    });
    expect(rules).toContain("security/disallow-privileged");
  });
});
