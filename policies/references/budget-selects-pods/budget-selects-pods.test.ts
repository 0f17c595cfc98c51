import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { budgetSelectsPods } from "./budget-selects-pods.js";

describeFixtures(budgetSelectsPods, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a budget has no selector", () => {
  it("should say that it selects nothing", async () => {
    const found = await checkFixture(budgetSelectsPods, fixture("bad-02.yaml"));
    expect(found[0]?.problem).toContain("is not set, and a policy/v1 budget without a selector selects no pods");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["staging", "prod"])("should find nothing in clusters/%s, which has budgets", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.filter((d) => d.object.kind === "PodDisruptionBudget").length).toBeGreaterThan(0);
    expect(await runPolicy(budgetSelectsPods, cluster)).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when prod's TimescaleDB budget is edited to select nothing", async () => {
    const tree = injected("prod", "/kades/poddisruptionbudget-timescaledb.yaml", (o) => {
      o.spec.selector.matchLabels["app.kubernetes.io/name"] = "timescale";
      return o as KubeObject;
    });
    const found = await runPolicy(budgetSelectsPods, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/budget-selects-pods", "clusters/prod/apps/kades/poddisruptionbudget-timescaledb.yaml", "PodDisruptionBudget/timescaledb", "spec.selector"],
    ]);
    expect(found[0]?.fix).toContain("apps/kades");
  });
});
