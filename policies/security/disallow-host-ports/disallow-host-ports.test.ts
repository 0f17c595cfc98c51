import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { disallowHostPorts } from "./disallow-host-ports.js";

const dir = import.meta.dirname;
const policy = disallowHostPorts;

describeFixtures(policy, dir);

describe("when container ports set hostPort", () => {
  it("should report each host port at its own path", async () => {
    const tree = fixtureTree(dir, "good-deployment.yaml", ([d]) => {
      podSpec(d!).containers[0].ports[1].hostPort = 8080;
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.template.spec.containers[0].ports[1].hostPort"]);
  });

  it("should accept hostPort: 0, which means none", async () => {
    const tree = fixtureTree(dir, "good-deployment.yaml", ([d]) => {
      podSpec(d!).containers[0].ports[1].hostPort = 0;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when a host port is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      o.spec.template.spec.containers[0].ports[0].hostPort = 8000;
    });
    expect(rules).toContain("security/disallow-host-ports");
  });
});
