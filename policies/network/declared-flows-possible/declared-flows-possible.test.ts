import { describe, expect, it } from "vitest";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import { IntentError, intentFromFile } from "../intent.js";
import { find, world, worldIntent } from "../test-support.js";
import { declaredFlowFindings, declaredFlowsPossible } from "./declared-flows-possible.js";

describeFixtures(declaredFlowsPossible, import.meta.dirname);

describe("when a flow is declared that no policy allows", () => {
  const intent = worldIntent();
  const extra = { ...intent, flows: [...intent.flows, { ...(intent.flows[0] as (typeof intent.flows)[number]), port: 5433, declaredIn: "the test" }] };

  it("should report it at the destination's own policy", () => {
    const findings = declaredFlowFindings(world(), extra);
    expect(findings.map((f) => [f.summary, f.document?.object.metadata.name, f.path])).toEqual([
      ["declared flow is blocked", "allow-kades-api", "spec.egress"],
      ["declared flow is blocked", "allow-timescaledb", "spec.ingress"],
    ]);
    expect(findings[1]?.problem).toContain("on TCP 5433, and no other NetworkPolicy selecting kades/timescaledb does, though the test declares it");
  });

  it("should find nothing for the declared flows the policies allow", () => {
    expect(declaredFlowFindings(world(), intent)).toEqual([]);
  });
});

describe("when only part of a declared network is admitted", () => {
  it("should name the addresses left out", () => {
    const tree = world((objects) => {
      find(objects, "NetworkPolicy", "allow-kades-api").spec.ingress[1].from[0].ipBlock = { cidr: "203.0.113.0/24", except: ["203.0.113.64/26"] };
    });
    const [finding, ...rest] = declaredFlowFindings(tree, worldIntent());
    expect(rest).toEqual([]);
    expect(finding?.problem).toMatch(/^admits no ingress from addresses 203\.0\.113\.64\/26 to pod kades\/kades-api .* on TCP 8000, 8080,/);
  });
});

describe("when a fixture's intent is unreadable", () => {
  it("should stop with an error naming the file", () => {
    expect(() => intentFromFile("/nonexistent/intent.json")).toThrow(IntentError);
  });
});

describe("when the committed prod tree is judged", () => {
  it("should find every declared flow possible", () => {
    expect(declaredFlowsPossible.check(committedCluster("prod"))).toEqual([]);
  });

  it("should name the rule once the database stops admitting the backups", async () => {
    const tree = injected("prod", "/kades/networkpolicy-allow-timescaledb.yaml", (o) => {
      o["spec"].ingress[0].from = o["spec"].ingress[0].from.filter((p: any) => p.podSelector.matchLabels["app.kubernetes.io/name"] !== "db-backup");
      return o as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "network/declared-flows-possible");
    expect(diagnostics.map((d) => [d.resource, d.path])).toEqual([["NetworkPolicy/allow-timescaledb", "spec.ingress"]]);
    expect(diagnostics[0]?.problem).toContain("`connects` of db-backup in apps/kades");
  });
});
