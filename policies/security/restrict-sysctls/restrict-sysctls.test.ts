import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { atKubernetes, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictSysctls } from "./restrict-sysctls.js";

const dir = import.meta.dirname;
const policy = restrictSysctls;

function withSysctl(name: string): ReturnType<typeof fixtureTree> {
  return fixtureTree(dir, "good-deployment.yaml", ([d]) => {
    podSpec(d!).securityContext.sysctls = [{ name, value: "1" }];
  });
}

describeFixtures(policy, dir);

describe("when a pod sets sysctls", () => {
  it.each([["kernel.shm_rmid_forced"], ["net.ipv4.ip_unprivileged_port_start"], ["net.ipv4.ping_group_range"], ["net.ipv4.tcp_syncookies"]])(
    "should accept %s, safe since v1.0",
    async (name) => {
      expect(await pathsFound(policy, atKubernetes(withSysctl(name), "1.26.0"))).toEqual([]);
    },
  );

  it.each([["kernel.msgmax"], ["net.ipv4.ip_forward"], ["kernel.shm_rmid_forced.extra"]])("should reject %s", async (name) => {
    expect(await pathsFound(policy, withSysctl(name))).toEqual(["spec.template.spec.securityContext.sysctls[0].name"]);
  });
});

describe("when the cluster's version decides", () => {
  it.each([
    ["net.ipv4.ip_local_reserved_ports", "1.26.9", "1.27.0"],
    ["net.ipv4.tcp_fin_timeout", "1.28.3", "1.29.0"],
    ["net.ipv4.tcp_wmem", "1.31.2", "1.32.0"],
  ])("should reject %s at v%s and accept it from v%s", async (name, before, from) => {
    expect(await pathsFound(policy, atKubernetes(withSysctl(name), before))).toEqual(["spec.template.spec.securityContext.sysctls[0].name"]);
    expect(await pathsFound(policy, atKubernetes(withSysctl(name), from))).toEqual([]);
  });
});

describe("when an unsafe sysctl is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      podSpec(o).securityContext.sysctls = [{ name: "net.core.somaxconn", value: "4096" }];
    });
    expect(rules).toContain("security/restrict-sysctls");
  });
});
