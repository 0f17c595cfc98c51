import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowHostNamespaces } from "./disallow-host-namespaces.js";

const dir = import.meta.dirname;
const policy = disallowHostNamespaces;

describeFixtures(policy, dir);

describe("when a pod shares host namespaces", () => {
  it("should report each one", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      Object.assign(podSpec(c!), { hostNetwork: true, hostPID: true, hostIPC: true });
    });
    expect(await pathsFound(policy, tree)).toEqual(["hostNetwork", "hostPID", "hostIPC"].map((f) => `spec.jobTemplate.spec.template.spec.${f}`));
  });

  it("should accept them all set to false", async () => {
    const tree = fixtureTree(dir, "good-cronjob.yaml", ([c]) => {
      Object.assign(podSpec(c!), { hostNetwork: false, hostPID: false, hostIPC: false });
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when hostNetwork is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.hostNetwork = true;
    });
    expect(rules).toContain("security/disallow-host-namespaces");
  });
});
