import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { runPolicy } from "../../lib/run.js";
import { describeFixtures, injected, loadFixture, runAll } from "../../lib/testing.js";
import { alertFields, durationMs, headingAnchors, runbookProblem } from "./alert-fields.js";
import { join } from "node:path";

describeFixtures(alertFields, import.meta.dirname);

describe("when reading a for duration", () => {
  it.each([
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1d", 86_400_000],
    ["500ms", 500],
    ["0s", 0],
  ])("should read %s as %d ms", (text, ms) => expect(durationMs(text)).toBe(ms));

  it.each([[""], ["5 minutes"], ["5"], ["m5"], ["1.5h"]])("should refuse %j", (text) => expect(durationMs(text)).toBeUndefined());
});

describe("when computing the anchors of a runbook", () => {
  it("should lowercase headings, drop punctuation and turn spaces into hyphens", () => {
    expect([...headingAnchors("# Title: runbook\n## First checks\n## KadesApiDown\n")]).toEqual(["title-runbook", "first-checks", "kadesapidown"]);
  });

  it("should number repeated headings", () => {
    expect([...headingAnchors("## Checks\n## Checks\n")]).toEqual(["checks", "checks-1"]);
  });

  it("should not take a comment in a code block for a heading", () => {
    expect([...headingAnchors("```sh\n# kubectl get pods\n```\n## Real\n")]).toEqual(["real"]);
  });
});

const RUNBOOK_BASE = "https://github.com/iot-platform/iot-fleet-gitops/blob/main/docs/runbooks/";

describe("when following a runbook_url", () => {
  it("should accept a section of a committed runbook", () => {
    expect(runbookProblem(`${RUNBOOK_BASE}kades.md#kadesapidown`, RUNBOOK_BASE)).toBeUndefined();
  });

  it("should reject a section that the runbook lacks", () => {
    expect(runbookProblem(`${RUNBOOK_BASE}kades.md#nosuchalert`, RUNBOOK_BASE)).toContain("has no heading with the anchor #nosuchalert");
  });

  it("should reject a link to another revision than the cluster's", () => {
    expect(runbookProblem(`${RUNBOOK_BASE.replace("/main/", "/v0.9.0/")}kades.md#kadesapidown`, RUNBOOK_BASE)).toContain("not a runbook of this repository at the cluster's revision");
  });

  it("should reject a URL with no section", () => {
    expect(runbookProblem(`${RUNBOOK_BASE}kades.md`, RUNBOOK_BASE)).toContain("names no runbook section");
  });
});

describe("when one alert breaks several rules", () => {
  it("should report each field once", async () => {
    const tree = loadFixture(join(import.meta.dirname, "fixtures", "good-single-alert.yaml"));
    const [document] = tree.documents;
    if (!document) throw new Error("empty fixture");
    const object = structuredClone(document.object) as Record<string, any>;
    const rule = object["spec"].groups[0].rules[0];
    delete rule.for;
    rule.labels = {};
    rule.annotations = {};
    const diagnostics = await runPolicy(alertFields, clusterOf("prod", [{ ...document, object: object as typeof document.object }]));
    expect(diagnostics.map((d) => d.path)).toEqual([
      "spec.groups[0].rules[0].for",
      "spec.groups[0].rules[0].labels.severity",
      "spec.groups[0].rules[0].annotations.summary",
      "spec.groups[0].rules[0].annotations.description",
      "spec.groups[0].rules[0].annotations.runbook_url",
    ]);
  });
});

describe("when the committed prod tree has an alert without for", () => {
  it("should name the rule, the alert and the field", async () => {
    const tree = injected("prod", "/kades/prometheusrule-kades-alerts.yaml", (rule) => {
      delete rule["spec"].groups[0].rules[1].for;
      return rule as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "alerts/alert-fields");
    expect(diagnostics.map((d) => [d.file, d.resource, d.path])).toEqual([
      ["clusters/prod/apps/kades/prometheusrule-kades-alerts.yaml", "PrometheusRule/kades-alerts", "spec.groups[0].rules[1].for"],
    ]);
    expect(diagnostics[0]?.fix).toContain("KadesHighErrorRate in apps/kades");
  });
});
