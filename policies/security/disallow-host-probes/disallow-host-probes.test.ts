import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { atKubernetes, fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowHostProbes } from "./disallow-host-probes.js";

const dir = import.meta.dirname;
const policy = disallowHostProbes;

describeFixtures(policy, dir);

describe("when a probe or hook names a host", () => {
  it("should report the startup probe and the postStart hook", async () => {
    const tree = fixtureTree(dir, "good-deployment.yaml", ([d]) => {
      const c = podSpec(d!).containers[0];
      c.startupProbe = { tcpSocket: { port: 8000, host: "10.0.0.1" } };
      c.lifecycle = { postStart: { tcpSocket: { port: 80, host: "10.0.0.2" } } };
    });
    expect(await pathsFound(policy, tree)).toEqual([
      "spec.template.spec.containers[0].startupProbe.tcpSocket.host",
      "spec.template.spec.containers[0].lifecycle.postStart.tcpSocket.host",
    ]);
  });

  it("should accept an empty host", async () => {
    const tree = fixtureTree(dir, "good-deployment.yaml", ([d]) => {
      podSpec(d!).containers[0].livenessProbe.httpGet.host = "";
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when the cluster runs a version before the check existed", () => {
  it("should accept a probe host at v1.33", async () => {
    expect(await pathsFound(policy, atKubernetes(fixtureTree(dir, "bad-01.yaml"), "1.33.5"))).toEqual([]);
  });

  it("should reject it from v1.34", async () => {
    expect(await pathsFound(policy, atKubernetes(fixtureTree(dir, "bad-01.yaml"), "1.34.0"))).toEqual([
      "spec.template.spec.containers[0].livenessProbe.httpGet.host",
    ]);
  });
});

describe("when a probe host is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.containers[0].readinessProbe.httpGet.host = "169.254.169.254";
    });
    expect(rules).toContain("security/disallow-host-probes");
  });
});
