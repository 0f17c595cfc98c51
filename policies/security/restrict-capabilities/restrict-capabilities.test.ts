import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictCapabilities } from "./restrict-capabilities.js";

const dir = import.meta.dirname;
const policy = restrictCapabilities;

describeFixtures(policy, dir);

describe("when a container adds capabilities", () => {
  it("should report each one but NET_BIND_SERVICE at its index", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN"];
    });
    expect(await pathsFound(policy, tree)).toEqual([
      "spec.template.spec.containers[0].securityContext.capabilities.add[1]",
      "spec.template.spec.containers[0].securityContext.capabilities.add[2]",
    ]);
  });

  it("should accept NET_BIND_SERVICE alone", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-deployment.yaml"))).toEqual([]);
  });
});

describe("when a container does not drop ALL", () => {
  it("should report a missing securityContext as well as a drop list without ALL", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).initContainers[0].securityContext;
      podSpec(s!).containers[0].securityContext.capabilities.drop = ["all"];
    });
    expect(await pathsFound(policy, tree)).toEqual([
      "spec.template.spec.initContainers[0].securityContext.capabilities.drop",
      "spec.template.spec.containers[0].securityContext.capabilities.drop",
    ]);
  });

  it("should accept ALL among other dropped capabilities", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).containers[0].securityContext.capabilities.drop = ["NET_RAW", "ALL"];
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when the pod is a Windows pod", () => {
  it("should exempt it", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-windows-pod.yaml"))).toEqual([]);
  });
});

describe("when an added capability is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"];
    });
    expect(rules).toContain("security/restrict-capabilities");
  });
});
