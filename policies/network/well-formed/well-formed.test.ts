import { describe, expect, it } from "vitest";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import { wellFormed } from "./well-formed.js";

describeFixtures(wellFormed, import.meta.dirname);

describe("when the committed prod tree is judged", () => {
  it("should find every NetworkPolicy valid", () => {
    expect(wellFormed.check(committedCluster("prod"))).toEqual([]);
  });

  it("should name the rule and field once a source range loses its prefix length", async () => {
    const tree = injected("prod", "/kades/networkpolicy-allow-kades-api.yaml", (o) => {
      o["spec"].ingress[1].from[0].ipBlock.cidr = "203.0.113.0";
      return o as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "network/well-formed");
    expect(diagnostics.map((d) => d.path)).toEqual(["spec.ingress[1].from[0].ipBlock.cidr"]);
  });
});
