import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { atKubernetes, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictSelinux } from "./restrict-selinux.js";

const dir = import.meta.dirname;
const policy = restrictSelinux;

function withContainerType(type: string): ReturnType<typeof fixtureTree> {
  return fixtureTree(dir, "good-selinux.yaml", ([d]) => {
    podSpec(d!).containers[0].securityContext.seLinuxOptions.type = type;
  });
}

describeFixtures(policy, dir);

describe("when seLinuxOptions set a type", () => {
  it.each([["container_t"], ["container_init_t"], ["container_kvm_t"], [""]])("should accept %j", async (type) => {
    expect(await pathsFound(policy, withContainerType(type))).toEqual([]);
  });

  it.each([["spc_t"], ["unconfined_t"]])("should reject %j", async (type) => {
    expect(await pathsFound(policy, withContainerType(type))).toEqual(["spec.template.spec.containers[0].securityContext.seLinuxOptions.type"]);
  });

  it("should accept container_engine_t from v1.31 and reject it before", async () => {
    expect(await pathsFound(policy, atKubernetes(withContainerType("container_engine_t"), "1.31.0"))).toEqual([]);
    expect(await pathsFound(policy, atKubernetes(withContainerType("container_engine_t"), "1.30.14"))).toEqual([
      "spec.template.spec.containers[0].securityContext.seLinuxOptions.type",
    ]);
  });
});

describe("when seLinuxOptions set a user or role", () => {
  it("should report both, in an init container too", async () => {
    const tree = fixtureTree(dir, "good-selinux.yaml", ([d]) => {
      podSpec(d!).initContainers = [{ name: "init", image: "docker.io/library/busybox:1.36.1", securityContext: { seLinuxOptions: { user: "system_u", role: "system_r" } } }];
    });
    expect(await pathsFound(policy, tree)).toEqual([
      "spec.template.spec.initContainers[0].securityContext.seLinuxOptions.user",
      "spec.template.spec.initContainers[0].securityContext.seLinuxOptions.role",
    ]);
  });

  it("should accept them empty", async () => {
    const tree = fixtureTree(dir, "good-selinux.yaml", ([d]) => {
      Object.assign(podSpec(d!).securityContext.seLinuxOptions, { user: "", role: "" });
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when a custom SELinux type is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      podSpec(o).securityContext.seLinuxOptions = { type: "spc_t" };
    });
    expect(rules).toContain("security/restrict-selinux");
  });
});
