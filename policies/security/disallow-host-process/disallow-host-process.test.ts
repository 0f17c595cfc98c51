import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowHostProcess } from "./disallow-host-process.js";

const dir = import.meta.dirname;
const policy = disallowHostProcess;

describeFixtures(policy, dir);

describe("when hostProcess is set", () => {
  it("should report the pod and an init container separately", async () => {
    const tree = fixtureTree(dir, "good-windows-pod.yaml", ([p]) => {
      p!.spec.securityContext.windowsOptions.hostProcess = true;
      p!.spec.initContainers = [{ name: "setup", image: "mcr.microsoft.com/windows/nanoserver:ltsc2022", securityContext: { windowsOptions: { hostProcess: true } } }];
    });
    expect(await pathsFound(policy, tree)).toEqual([
      "spec.securityContext.windowsOptions.hostProcess",
      "spec.initContainers[0].securityContext.windowsOptions.hostProcess",
    ]);
  });

  it("should accept hostProcess: false", async () => {
    const tree = fixtureTree(dir, "good-windows-pod.yaml", ([p]) => {
      p!.spec.securityContext.windowsOptions.hostProcess = false;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when hostProcess is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      podSpec(o).securityContext.windowsOptions = { hostProcess: true };
    });
    expect(rules).toContain("security/disallow-host-process");
  });
});
