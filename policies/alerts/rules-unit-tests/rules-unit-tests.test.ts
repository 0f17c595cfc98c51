import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../lib/types.js";
import { committedCluster, describeFixtures, injected, loadFixture, REPO_ROOT, runAll } from "../../lib/testing.js";
import { runPolicy } from "../../lib/run.js";
import { alertsOf, prometheusRules } from "../rules.js";
import { alertCases, checkUnitTests, rulesUnitTests, substitute, unitTestFailures } from "./rules-unit-tests.js";

describeFixtures(rulesUnitTests, import.meta.dirname);

describe("when filling in a test file's placeholders", () => {
  it("should replace ${namespace} and ${revision}", () => {
    expect(substitute('ns="${namespace}" rev=${revision} ns=${namespace}', { namespace: "pynomaly-staging", revision: "v1.2.0" })).toEqual({
      text: 'ns="pynomaly-staging" rev=v1.2.0 ns=pynomaly-staging',
      unknown: [],
    });
  });

  it("should leave Go templates alone and name unknown placeholders", () => {
    expect(substitute("{{ $labels.pod }} ${cluster} ${namespace}", { namespace: "kades", revision: "main" })).toEqual({
      text: "{{ $labels.pod }} ${cluster} kades",
      unknown: ["cluster"],
    });
  });
});

describe("when reading the cases of a test file", () => {
  it("should tell firing cases from silent ones, exp_alerts left out counting as silent", () => {
    const file = {
      tests: [
        { name: "fires", alert_rule_test: [{ eval_time: "5m", alertname: "A", exp_alerts: [{ exp_labels: { severity: "critical" } }] }] },
        { alert_rule_test: [{ eval_time: "5m", alertname: "A", exp_alerts: [] }, { eval_time: "6m", alertname: "B" }] },
        { name: "no alert tests", promql_expr_test: [] },
      ],
    };
    expect(alertCases(file)).toEqual([
      { group: "fires", alertname: "A", evalTime: "5m", fires: true },
      { group: "tests[1]", alertname: "A", evalTime: "5m", fires: false },
      { group: "tests[1]", alertname: "B", evalTime: "6m", fires: false },
    ]);
  });

  it("should find no case in a file without tests", () => {
    expect(alertCases({ evaluation_interval: "1m" })).toEqual([]);
    expect(alertCases("not a mapping")).toEqual([]);
  });
});

describe("when reading promtool's failures", () => {
  // The shape promtool 2.42 (Debian 12) and 2.45 (Ubuntu 24.04) print, from cmd/promtool/unittest.go.
  const stderr = [
    "  FAILED:",
    "    name: A fires,",
    "    alertname: A, time: 10m, ",
    "        exp:[",
    "            0:",
    '              Labels:{alertname="A"}',
    "            ], ",
    "        got:[]",
    "    alertname: B, time: 5m, ",
    "        exp:[], ",
    "        got:[]",
    "",
  ].join("\n");

  it("should split them per alert, with the test group when named", () => {
    const failures = unitTestFailures(stderr);
    expect(failures.map((f) => [f.group, f.alertname, f.time])).toEqual([
      ["A fires", "A", "10m"],
      [undefined, "B", "5m"],
    ]);
    expect(failures[0]?.text).toContain("got:[]");
  });

  it("should keep an error that names no alert whole", () => {
    const failures = unitTestFailures("  FAILED:\nyaml: unmarshal errors:\n  line 9: field alert_rule_tests not found in type main.testGroup\n");
    expect(failures).toEqual([{ text: "yaml: unmarshal errors:\n  line 9: field alert_rule_tests not found in type main.testGroup" }]);
  });
});

/** Every alerting rule path of a committed cluster. */
function alertPaths(cluster: string): string[] {
  return prometheusRules(committedCluster(cluster))
    .flatMap((d) => alertsOf(d).map((a) => `${d.file} ${a.path}`))
    .sort();
}

/** The committed cluster with every alert's expression replaced. */
function withEveryExpr(cluster: string, expr: string): Promise<Diagnostic[]> {
  const tree = committedCluster(cluster);
  const documents = tree.documents.map((document) => {
    if (document.object.kind !== "PrometheusRule") return document;
    const object = structuredClone(document.object) as Record<string, any>;
    for (const group of object["spec"].groups) for (const rule of group.rules) if (rule.alert) rule.expr = expr;
    return { ...document, object: object as typeof document.object };
  });
  return runPolicy(rulesUnitTests, { ...tree, documents });
}

describe("when every alert of the committed prod tree is broken", () => {
  const expected = alertPaths("prod");

  it("should test all 21 alerts", () => expect(expected).toHaveLength(21));

  it("should fail a firing test of each alert when no alert can fire", async () => {
    const diagnostics = await withEveryExpr("prod", "vector(1) == 2");
    expect(diagnostics.every((d) => d.summary === "alert unit test fails")).toBe(true);
    expect([...new Set(diagnostics.map((d) => `${d.file} ${d.path}`))].sort()).toEqual(expected);
  });

  it("should fail a silent test of each alert when every alert always fires", async () => {
    const diagnostics = await withEveryExpr("prod", "vector(1)");
    const silentFailures = diagnostics.filter((d) => /exp:\[\], got:\[ ?0:/.test(d.problem));
    expect([...new Set(silentFailures.map((d) => `${d.file} ${d.path}`))].sort()).toEqual(expected);
  });
});

describe("when a threshold of the committed prod tree changes", () => {
  const file = "/pynomaly/prometheusrule-pynomaly-alerts.yaml";
  // Only the edited rule is judged: the other apps' tests have nothing to do with it.
  const withThreshold = (value: string): Promise<Diagnostic[]> => {
    const tree = injected("prod", file, (rule) => {
      const r = rule["spec"].groups[0].rules[0];
      r.expr = String(r.expr).replace(/> 0\.05$/, `> ${value}`);
      return rule as never;
    });
    return runPolicy(rulesUnitTests, { ...tree, documents: tree.documents.filter((d) => d.file.endsWith(file)) });
  };

  it("should still pass at the same threshold", async () => {
    expect(await withThreshold("0.05")).toEqual([]);
  });

  it("should fail the firing case when the threshold rises above it", async () => {
    const diagnostics = await withThreshold("0.07");
    expect(diagnostics.map((d) => d.path)).toEqual(["spec.groups[0].rules[0]"]);
    expect(diagnostics[0]?.problem).toMatch(/^fails test "PynomalyHighErrorRate fires when more than 5% of requests fail, after 5 minutes" at 6m of apps\/pynomaly\/alerts\.test\.yaml: promtool: /);
  });

  it("should fail the silent case when the threshold drops below it", async () => {
    const diagnostics = await withThreshold("0.03");
    expect(diagnostics.map((d) => d.path)).toEqual(["spec.groups[0].rules[0]"]);
    expect(diagnostics[0]?.problem).toMatch(/^fails test "PynomalyHighErrorRate stays silent just below 5%, and for another namespace" at 20m of apps\/pynomaly\/alerts\.test\.yaml: promtool: /);
  });
});

describe("when an alert without tests is added to the committed prod tree", () => {
  it("should report it has neither a firing nor a silent test", async () => {
    const tree = injected("prod", "/kades/prometheusrule-kades-alerts.yaml", (rule) => {
      const rules = rule["spec"].groups[0].rules as Record<string, unknown>[];
      rules.push({ ...rules[0], alert: "KadesRedisDown", expr: 'up{namespace="kades", job="redis"} == 0' });
      return rule as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "alerts/rules-unit-tests");
    expect(diagnostics.map((d) => [d.resource, d.path, d.summary])).toEqual([
      ["PrometheusRule/kades-alerts", "spec.groups[0].rules[4]", "alert has no firing test"],
      ["PrometheusRule/kades-alerts", "spec.groups[0].rules[4]", "alert has no silent test"],
    ]);
  });
});

describe("when promtool is not installed", () => {
  it("should report it as fatal, naming the setup command", async () => {
    const saved = process.env["PROMTOOL"];
    process.env["PROMTOOL"] = "/nonexistent/promtool";
    try {
      const diagnostics = await runPolicy(rulesUnitTests, committedCluster("edge"));
      expect(diagnostics.map((d) => [d.severity, d.summary])).toEqual([["Fatal", "promtool is not installed"]]);
      expect(diagnostics[0]?.fix).toContain("npm run setup");
    } finally {
      if (saved === undefined) delete process.env["PROMTOOL"];
      else process.env["PROMTOOL"] = saved;
    }
  });
});

describe("when an app's test file is broken", () => {
  const scratch = mkdtempSync(join(tmpdir(), "alert-unit-tests-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const real = readFileSync(join(REPO_ROOT, "apps", "pynomaly", "alerts.test.yaml"), "utf8");
  const rule = loadFixture(join(import.meta.dirname, "fixtures", "good-pynomaly-rules.yaml"));
  let n = 0;
  /** Judges the good Pynomaly rule against a test file with the given text. */
  const judge = async (text: string): Promise<string[][]> => {
    const root = join(scratch, String(n++));
    mkdirSync(join(root, "apps", "pynomaly"), { recursive: true });
    writeFileSync(join(root, "apps", "pynomaly", "alerts.test.yaml"), text);
    return (await checkUnitTests(rule, root)).map((f) => [f.summary, f.problem]);
  };

  it("should pass with the file as committed", async () => {
    expect(await judge(real)).toEqual([]);
  });

  it("should name a placeholder it does not know", async () => {
    expect(await judge(real.replace('description: PVC pynomaly-logs in ${namespace}', 'description: PVC pynomaly-logs in ${cluster}'))).toEqual([
      ["alert unit tests use an unknown placeholder", "is tested by apps/pynomaly/alerts.test.yaml, which writes ${cluster}"],
    ]);
  });

  it("should refuse a file that is not YAML", async () => {
    const findings = await judge(`${real}\n  - bad: [unclosed\n`);
    expect(findings.map(([summary]) => summary)).toEqual(["alert unit tests are not valid YAML"]);
  });

  it("should refuse a file that names its own rule files", async () => {
    expect(await judge(`rule_files: [pynomaly.rules.yaml]\n${real}`)).toEqual([
      ["alert unit tests name their own rule files", "is tested by apps/pynomaly/alerts.test.yaml, which sets rule_files; the check points it at each cluster's rendered rule"],
    ]);
  });

  it("should relay promtool's own complaint about a misspelt key", async () => {
    const findings = await judge(real.replace("alert_rule_test:", "alert_rule_tests:"));
    expect(findings.at(-1)?.[0]).toBe("alert unit test fails");
    expect(findings.at(-1)?.[1]).toContain("field alert_rule_tests not found");
  });
});
