import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { atKubernetes, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictProcMount } from "./restrict-proc-mount.js";

const dir = import.meta.dirname;
const policy = restrictProcMount;

describeFixtures(policy, dir);

describe("when a container sets procMount", () => {
  it("should report Unmasked in an ephemeral container", async () => {
    const tree = fixtureTree(dir, "good-statefulset.yaml", ([s]) => {
      podSpec(s!).ephemeralContainers = [{ name: "debugger", image: "docker.io/library/busybox:1.36.1", securityContext: { procMount: "Unmasked" } }];
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.template.spec.ephemeralContainers[0].securityContext.procMount"]);
  });

  it("should accept Default", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-cronjob.yaml"))).toEqual([]);
  });
});

describe("when the pod runs in a user namespace", () => {
  it("should still reject Unmasked at v1.35, where only baseline relaxes it", async () => {
    const tree = fixtureTree(dir, "good-user-namespace.yaml", ([s]) => {
      podSpec(s!).containers[0].securityContext.procMount = "Unmasked";
    });
    expect(await pathsFound(policy, atKubernetes(tree, "1.35.0"))).toEqual(["spec.template.spec.containers[0].securityContext.procMount"]);
  });

  it("should accept the same pod without Unmasked", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-user-namespace.yaml"))).toEqual([]);
  });
});

describe("when an unmasked /proc is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.containers[0].securityContext.procMount = "Unmasked";
    });
    expect(rules).toContain("security/restrict-proc-mount");
  });
});
