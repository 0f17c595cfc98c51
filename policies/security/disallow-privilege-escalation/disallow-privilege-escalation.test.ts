import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowPrivilegeEscalation } from "./disallow-privilege-escalation.js";

const dir = import.meta.dirname;
const policy = disallowPrivilegeEscalation;

describeFixtures(policy, dir);

describe("when a container does not set allowPrivilegeEscalation: false", () => {
  it("should report an unset field as well as true", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      delete podSpec(s!).initContainers[0].securityContext;
      podSpec(s!).containers[0].securityContext.allowPrivilegeEscalation = true;
    });
    expect(await pathsFound(policy, tree)).toEqual([
      "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation",
      "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
    ]);
  });

  it("should report an ephemeral container too", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).ephemeralContainers = [{ name: "debugger", image: "docker.io/library/busybox:1.36.1" }];
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.template.spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation"]);
  });
});

describe("when the pod is a Windows pod", () => {
  it("should exempt it even with allowPrivilegeEscalation unset", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-windows-pod.yaml"))).toEqual([]);
  });

  it("should not exempt a pod whose os is linux", async () => {
    const tree = fixtureTree(dir, "good-windows-pod.yaml", ([p]) => {
      p!.spec.os.name = "linux";
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.containers[0].securityContext.allowPrivilegeEscalation"]);
  });
});

describe("when privilege escalation is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/cronjob-db-backup.yaml", (o) => {
      o.spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    });
    expect(rules).toContain("security/disallow-privilege-escalation");
  });
});
