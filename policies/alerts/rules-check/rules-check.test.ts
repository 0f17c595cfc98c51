import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, injected, loadFixture, runAll } from "../../lib/testing.js";
import { rulesCheck } from "./rules-check.js";

describeFixtures(rulesCheck, import.meta.dirname);

const fixture = (name: string): ReturnType<typeof loadFixture> => loadFixture(join(import.meta.dirname, "fixtures", name));

describe("when several rule files of one cluster are checked together", () => {
  it("should place each error on its own file", async () => {
    const documents = ["good-kades-rules.yaml", "bad-01.yaml", "bad-02.yaml"].flatMap((f) => fixture(f).documents);
    const diagnostics = await runPolicy(rulesCheck, clusterOf("prod", documents, "policies/alerts/rules-check/fixtures"));
    expect(diagnostics.map((d) => [d.file, d.path])).toEqual([
      ["policies/alerts/rules-check/fixtures/bad-01.yaml", "spec.groups[0].rules[1].expr"],
      ["policies/alerts/rules-check/fixtures/bad-02.yaml", "spec.groups[0].rules[0].annotations.summary"],
    ]);
  });

  it("should find nothing in the committed edge tree", async () => {
    expect(await runPolicy(rulesCheck, committedCluster("edge"))).toEqual([]);
  });
});

describe("when promtool is not installed", () => {
  const withPromtool = async <T>(path: string, work: () => Promise<T>): Promise<T> => {
    const saved = process.env["PROMTOOL"];
    process.env["PROMTOOL"] = path;
    try {
      return await work();
    } finally {
      if (saved === undefined) delete process.env["PROMTOOL"];
      else process.env["PROMTOOL"] = saved;
    }
  };

  it("should report it as fatal, naming the setup command", async () => {
    const diagnostics = await withPromtool("/nonexistent/promtool", () => runPolicy(rulesCheck, fixture("good-kades-rules.yaml")));
    expect(diagnostics.map((d) => [d.severity, d.summary, d.resource])).toEqual([["Fatal", "promtool is not installed", ""]]);
    expect(diagnostics[0]?.fix).toContain("npm run setup");
  });

  it("should not need it for a cluster without PrometheusRules", async () => {
    const tree = fixture("good-kades-rules.yaml");
    const diagnostics = await withPromtool("/nonexistent/promtool", () => runPolicy(rulesCheck, { ...tree, documents: [] }));
    expect(diagnostics).toEqual([]);
  });
});

describe("when an expression of the committed prod tree is broken by hand", () => {
  it("should name the rule and promtool's parse error", async () => {
    const tree = injected("prod", "/kades/prometheusrule-kades-alerts.yaml", (rule) => {
      rule["spec"].groups[0].rules[3].expr = "max by (namespace, pod) (kube_pod_status_ready{namespace=\"kades\"} == 0";
      return rule as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "alerts/rules-check");
    expect(diagnostics.map((d) => [d.file, d.path])).toEqual([["clusters/prod/apps/kades/prometheusrule-kades-alerts.yaml", "spec.groups[0].rules[3].expr"]]);
    expect(diagnostics[0]?.problem).toContain("could not parse expression");
  });
});
