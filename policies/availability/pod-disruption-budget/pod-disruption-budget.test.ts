import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { podDisruptionBudget } from "./pod-disruption-budget.js";

describeFixtures(podDisruptionBudget, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;
const summaries = async (name: string): Promise<string[]> => (await checkFixture(podDisruptionBudget, fixture(name))).map((d) => `${d.resource}: ${d.summary}`);

describe("when a budget is judged against the workload's fewest pods", () => {
  it("should accept 50% of an HPA minimum of two (one may go)", async () => {
    expect(await summaries("good-autoscaled.yaml")).toEqual([]);
  });

  it("should refuse 100% of the same minimum", async () => {
    expect(await summaries("bad-08.yaml")).toEqual(["PodDisruptionBudget/pynomaly-worker: PodDisruptionBudget blocks every eviction"]);
  });

  it.each([
    ["bad-04.yaml", "spec.maxUnavailable"],
    ["bad-05.yaml", "spec.minAvailable"],
    ["bad-06.yaml", "spec.minAvailable"],
  ])("should place the blocking value of %s at %s", async (name, path) => {
    expect((await checkFixture(podDisruptionBudget, fixture(name))).map((d) => d.path)).toEqual([path]);
  });
});

describe("when a workload may run a single pod", () => {
  it("should not ask for a budget", async () => {
    expect(await summaries("good-single.yaml")).toEqual([]);
  });

  it("should ask for one once the HPA minimum is above one", async () => {
    const [found] = await checkFixture(podDisruptionBudget, fixture("bad-11.yaml"));
    expect(found?.problem).toContain("HorizontalPodAutoscaler/alerts-worker-hpa minReplicas = 2");
  });
});

describe("when budgets select pods", () => {
  it.each(["bad-02.yaml", "bad-03.yaml"])("should not count a budget that selects other pods (%s)", async (name) => {
    expect(await summaries(name)).toEqual(["Deployment/kades-api: multi-replica workload has no PodDisruptionBudget"]);
  });

  it("should refuse two budgets over the same pods", async () => {
    expect(await summaries("bad-09.yaml")).toEqual(["Deployment/kades-api: pods are covered by more than one PodDisruptionBudget"]);
  });
});

describe("when the committed prod tree is changed by hand", () => {
  it("should name the rule when a budget is deleted", async () => {
    const tree = injected("prod", "/kades/poddisruptionbudget-timescaledb.yaml", () => []);
    const found = (await runAll(tree)).filter((d) => d.rule === "availability/pod-disruption-budget");
    expect(found.map((d) => d.resource)).toEqual(["StatefulSet/timescaledb"]);
  });

  it("should name the rule when a budget stops all evictions", async () => {
    const tree = injected("prod", "/kades/poddisruptionbudget-kades-api.yaml", (o) => {
      o.spec.maxUnavailable = 0;
      return o as KubeObject;
    });
    const found = await runPolicy(podDisruptionBudget, tree);
    expect(found.map((d) => [d.resource, d.path])).toEqual([["PodDisruptionBudget/kades-api", "spec.maxUnavailable"]]);
  });
});
