import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { byCodeUnit } from "../../../generators/order.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { findPromtool, oneLine, promtoolBroken, promtoolMissing, promtoolOnFiles, type PromtoolFile, type PromtoolRun } from "../promtool.js";
import { alertsOf, appOf, clusterRevision, prometheusRules, REPO_ROOT, ruleFileName, ruleFileText, type AlertAt } from "../rules.js";

/** Each app's alert unit tests: `apps/<app>/alerts.test.yaml`, in `promtool test rules` format. */
export const UNIT_TEST_FILE = "alerts.test.yaml";

/** The test file of an app, as the diagnostics name it (relative to the repository). */
export function unitTestFile(app: string): string {
  return `apps/${app}/${UNIT_TEST_FILE}`;
}

/**
 * Values a test file may write as `${name}`, replaced before promtool reads it:
 * what legitimately differs between the clusters an app runs in.
 */
export interface Placeholders {
  /** The PrometheusRule's namespace (Pynomaly's is per environment). */
  readonly namespace: string;
  /** The Git revision the cluster syncs, which runbook links point at. */
  readonly revision: string;
}

/** Replaces `${namespace}` and `${revision}`; returns the names of any other `${...}`. */
export function substitute(text: string, values: Placeholders): { readonly text: string; readonly unknown: string[] } {
  const unknown = new Set<string>();
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === "namespace" || name === "revision") return values[name];
    unknown.add(name);
    return whole;
  });
  return { text: out, unknown: [...unknown].sort(byCodeUnit) };
}

/** One `alert_rule_test` item: does it expect the alert to fire, or to stay silent? */
export interface AlertCase {
  readonly group: string;
  readonly alertname: string;
  readonly evalTime: string;
  readonly fires: boolean;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The alert cases of a parsed test file (promtool itself judges the rest of its shape). */
export function alertCases(file: unknown): AlertCase[] {
  const tests = asRecord(file)?.["tests"];
  if (!Array.isArray(tests)) return [];
  return tests.flatMap((test, i) => {
    const group = asRecord(test);
    const name = typeof group?.["name"] === "string" ? group["name"] : `tests[${i}]`;
    const cases = group?.["alert_rule_test"];
    if (!Array.isArray(cases)) return [];
    return cases.flatMap((c): AlertCase[] => {
      const item = asRecord(c);
      if (typeof item?.["alertname"] !== "string") return [];
      const expected = item["exp_alerts"];
      return [{ group: name, alertname: item["alertname"], evalTime: String(item["eval_time"] ?? ""), fires: Array.isArray(expected) && expected.length > 0 }];
    });
  });
}

/** One failure promtool reports: the test group, the alert and the time when it names them. */
export interface UnitTestFailure {
  readonly group?: string;
  readonly alertname?: string;
  readonly time?: string;
  readonly text: string;
}

/** Splits `promtool test rules` stderr into its failures (promtool 2.42 to 2.45 print the same shape). */
export function unitTestFailures(stderr: string): UnitTestFailure[] {
  const blocks: string[][] = [];
  let previousWasName = false;
  for (const line of stderr.split("\n")) {
    if (line.trim() === "" || line.trim() === "FAILED:") continue;
    const isName = /^ {4}name: /.test(line);
    const isHead = /^ {4}(alertname|expr|rule): /.test(line) || /^\S/.test(line);
    if (isName || (isHead && !previousWasName) || blocks.length === 0) blocks.push([line]);
    else blocks[blocks.length - 1]?.push(line);
    previousWasName = isName;
  }
  return blocks.map((lines) => {
    const text = lines.join("\n");
    const group = /^ {4}name: (.*),$/m.exec(text)?.[1];
    const alert = /alertname: (.*?), time: (.*?),/.exec(text);
    return {
      ...(group !== undefined ? { group } : {}),
      ...(alert ? { alertname: alert[1] as string, time: alert[2] as string } : {}),
      text: lines.filter((l) => !/^ {4}name: /.test(l)).join("\n"),
    };
  });
}

interface AppRules {
  readonly app: string;
  readonly namespace: string;
  readonly documents: RenderedDocument[];
  readonly alerts: AlertAt[];
}

function groupByApp(cluster: ClusterTree, findings: Finding[]): AppRules[] {
  const groups = new Map<string, AppRules>();
  for (const document of prometheusRules(cluster)) {
    const alerts = alertsOf(document);
    if (alerts.length === 0) continue;
    const app = appOf(cluster, document);
    if (app === undefined) {
      findings.push({
        document,
        summary: "alerts have no unit tests",
        path: "spec.groups",
        problem: `holds ${alerts.length} alert(s) but belongs to no app, so no apps/<app>/${UNIT_TEST_FILE} tests them`,
        fix: `declare the alerts in an app spec (apps/<app>, \`alerts\`) and test them in apps/<app>/${UNIT_TEST_FILE}`,
      });
      continue;
    }
    const namespace = document.object.metadata.namespace ?? "";
    const key = `${app}\u0000${namespace}`;
    const group = groups.get(key) ?? { app, namespace, documents: [], alerts: [] };
    group.documents.push(document);
    group.alerts.push(...alerts);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Coverage: every alert has a case that makes it fire and one that keeps it silent; cases for unknown alerts are stale. */
function coverageFindings(group: AppRules, cases: readonly AlertCase[]): Finding[] {
  const file = unitTestFile(group.app);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const alert of group.alerts) {
    if (seen.has(alert.name)) continue;
    seen.add(alert.name);
    const own = cases.filter((c) => c.alertname === alert.name);
    if (!own.some((c) => c.fires)) {
      findings.push({
        document: alert.document,
        summary: "alert has no firing test",
        path: alert.path,
        problem: `(${alert.name}) has no case in ${file} that makes it fire (an alert_rule_test for ${alert.name} with exp_alerts)`,
        fix: `add a test group to ${file} whose input_series cross ${alert.name}'s threshold for longer than its \`for\`, expecting the alert with its exact exp_labels and exp_annotations`,
      });
    }
    if (!own.some((c) => !c.fires)) {
      findings.push({
        document: alert.document,
        summary: "alert has no silent test",
        path: alert.path,
        problem: `(${alert.name}) has no case in ${file} that keeps it silent (an alert_rule_test for ${alert.name} with exp_alerts: [])`,
        fix: `add a test group to ${file} whose input_series stay just below ${alert.name}'s threshold, or cross it for less than its \`for\`, expecting exp_alerts: []`,
      });
    }
  }
  const first = group.documents[0] as RenderedDocument;
  for (const name of [...new Set(cases.map((c) => c.alertname))].filter((n) => !seen.has(n)).sort(byCodeUnit)) {
    findings.push({
      document: first,
      summary: "unit test for an alert the rule does not define",
      path: "spec.groups",
      problem: `defines no alert ${name}, but ${file} tests it (${cases.find((c) => c.alertname === name)?.group}); such a test passes without testing anything`,
      fix: `remove the test of ${name} from ${file}, or restore the alert in apps/${group.app}`,
      severity: "Warning",
    });
  }
  return findings;
}

/** The test file, ready for promtool, or the findings that stop it from being run. */
function loadTests(group: AppRules, cluster: ClusterTree, testsRoot: string): { text?: string; cases: AlertCase[]; findings: Finding[] } {
  const file = unitTestFile(group.app);
  const [first] = group.documents as [RenderedDocument];
  const at = (summary: string, problem: string, fix: string): { cases: AlertCase[]; findings: Finding[] } => ({ cases: [], findings: [{ document: first, summary, path: "spec.groups", problem, fix }] });
  const path = join(testsRoot, file);
  if (!existsSync(path)) {
    return at("app has no alert unit tests", `has ${group.alerts.length} alert(s) and ${file} does not exist`, `write ${file} in \`promtool test rules\` format, with a case that fires and one that stays silent for each alert`);
  }
  const { text, unknown } = substitute(readFileSync(path, "utf8"), { namespace: group.namespace, revision: clusterRevision(cluster) });
  if (unknown.length > 0) {
    return at("alert unit tests use an unknown placeholder", `is tested by ${file}, which writes ${unknown.map((u) => `\${${u}}`).join(", ")}`, `use only \${namespace} and \${revision} in ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    return at("alert unit tests are not valid YAML", `is tested by ${file}, which is not valid YAML: ${oneLine((error as Error).message)}`, `fix the YAML of ${file}`);
  }
  if (asRecord(parsed)?.["rule_files"] !== undefined) {
    return at("alert unit tests name their own rule files", `is tested by ${file}, which sets rule_files; the check points it at each cluster's rendered rule`, `remove rule_files from ${file}`);
  }
  return { text, cases: alertCases(parsed), findings: [] };
}

/** promtool's verdict on one app's tests against this cluster's rendered rule files (asked once per distinct input). */
function runOnce(binary: string, testText: string, rules: readonly PromtoolFile[]): Promise<PromtoolRun> {
  // Appended, so promtool's line numbers still match the test file.
  const tests = { name: UNIT_TEST_FILE, text: `${testText.replace(/\n*$/, "\n")}\nrule_files:\n${rules.map((r) => `  - ${JSON.stringify(r.name)}\n`).join("")}` };
  return promtoolOnFiles(binary, ["test", "rules", UNIT_TEST_FILE], [...rules, tests]);
}

/** Runs promtool on one app's tests and rendered rules; a failing test is a finding at the alert it tests. */
async function runTests(binary: string, cluster: ClusterTree, group: AppRules, text: string): Promise<Finding[]> {
  const file = unitTestFile(group.app);
  const [first] = group.documents as [RenderedDocument];
  const run = await runOnce(
    binary,
    text,
    group.documents.map((d) => ({ name: ruleFileName(cluster, d), text: ruleFileText(d) })),
  );
  if (run.code === 0) return [];
  if (run.code === null) return [{ ...promtoolBroken(run), document: first }];
  const failures = unitTestFailures(run.stderr);
  if (failures.length === 0) failures.push({ text: run.stderr || run.stdout || `exited with code ${run.code}` });
  return failures.map((failure): Finding => {
    const alert = group.alerts.find((a) => a.name === failure.alertname);
    const where = failure.group !== undefined ? `test "${failure.group}"${failure.time ? ` at ${failure.time}` : ""} of ${file}` : file;
    return {
      document: alert?.document ?? first,
      summary: "alert unit test fails",
      path: alert?.path ?? "spec.groups",
      problem: `fails ${where}: promtool: ${oneLine(failure.text)}`,
      fix: `if the rule is wrong, correct it in apps/${group.app} and run \`npm run generate\`; if the rule changed on purpose, update the expectations in ${file}`,
    };
  });
}

/** The check, reading the apps' test files under `testsRoot` (the repository; another directory in tests). */
export async function checkUnitTests(cluster: ClusterTree, testsRoot: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const groups = groupByApp(cluster, findings);
  const runnable: { group: AppRules; text: string }[] = [];
  for (const group of groups) {
    const tests = loadTests(group, cluster, testsRoot);
    if (tests.text === undefined) {
      findings.push(...tests.findings);
      continue;
    }
    findings.push(...coverageFindings(group, tests.cases));
    runnable.push({ group, text: tests.text });
  }
  if (runnable.length === 0) return findings;
  const binary = findPromtool();
  if (binary === undefined) return [...findings, promtoolMissing("the alert unit tests (alerts/rules-unit-tests)")];
  const results = await Promise.all(runnable.map(({ group, text }) => runTests(binary, cluster, group, text)));
  return [...findings, ...results.flat()];
}

/**
 * Every alert has `promtool test rules` unit tests that pass against the rule
 * rendered for this cluster: at least one case that makes it fire and one that
 * keeps it silent (an alert without both fails the suite).
 */
export const rulesUnitTests: Policy = {
  id: "rules-unit-tests",
  area: "alerts",
  severity: "Bug",
  description: "every alert has a passing `promtool test rules` case that fires it and one that keeps it silent, in apps/<app>/alerts.test.yaml, run against this cluster's rendered rule",
  check(cluster: ClusterTree): Promise<Finding[]> {
    return checkUnitTests(cluster, REPO_ROOT);
  },
};
