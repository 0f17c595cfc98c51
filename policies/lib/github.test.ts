// GitHub annotations and SARIF on real policy output: a copy of clusters/prod
// with a committed Secret and a container without a memory limit, judged by
// every policy, each finding placed on the line of its field.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../index.js";
import { annotationsOf, formatGithub, formatSarif } from "./format.js";
import { workflowCommands } from "./github.js";
import { loadClusters } from "./load.js";
import { Locator, pathSegments } from "./locate.js";
import { runPolicies } from "./run.js";
import { REPO_ROOT } from "./testing.js";
import type { Diagnostic } from "./types.js";

let dir: string;
let diagnostics: Diagnostic[];
let secretFile: string;
let deploymentFile: string;
const cwd = process.cwd();

beforeAll(async () => {
  dir = mkdtempSync(join(REPO_ROOT, ".cache", "annotations-"));
  cpSync(join(REPO_ROOT, "clusters/prod"), join(dir, "prod"), { recursive: true });
  secretFile = join(dir, "prod/apps/kades/secret-kades-secrets.yaml");
  writeFileSync(secretFile, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: kades-secrets\n  namespace: kades\ndata:\n  jwt-secret: c2VjcmV0\n");
  deploymentFile = join(dir, "prod/apps/kades/deployment-kades-api.yaml");
  const text = readFileSync(deploymentFile, "utf8");
  // The memory limit of kades-api's container, and only that line.
  const edited = text.replace(/^( +limits:\n +cpu: "?2"?\n) +memory: 4Gi\n/m, "$1");
  expect(edited).not.toBe(text);
  writeFileSync(deploymentFile, edited);
  // Paths in diagnostics are relative to the working directory, as in CI at the repository root.
  process.chdir(REPO_ROOT);
  diagnostics = await runPolicies(POLICIES, loadClusters([relative(REPO_ROOT, dir)]));
}, 120_000);

afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

/** The 1-based line of the file that matches `pattern`. */
function lineOf(file: string, pattern: RegExp): number {
  const index = readFileSync(file, "utf8").split("\n").findIndex((l) => pattern.test(l));
  expect(index, `${pattern} in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

describe("when the findings are written as workflow commands", () => {
  it("should annotate the Secret's data line as an error, with the rule in the title", () => {
    const file = relative(REPO_ROOT, secretFile);
    const out = formatGithub(diagnostics, 1);
    expect(out).toContain(`::error file=${file},line=${lineOf(secretFile, /^data:/)},col=1,title=secret data is committed to Git (secrets/no-secret-data)::Secret/kades-secrets: data holds`);
    expect(out).toMatch(/\nchecked 1 cluster\(s\): found \d+ problem\(s\) with severity Bug or higher( \(and \d+ below Bug\))?\n$/);
  });

  it("should point a missing field at its nearest parent that exists", () => {
    const missing = annotationsOf(diagnostics).find((a) => a.rule === "quotas/container-resources" && a.title === "container has no memory limit");
    expect(missing?.file).toBe(relative(REPO_ROOT, deploymentFile));
    expect(missing?.position.line).toBe(lineOf(deploymentFile, /^ +limits:$/));
  });

  it("should escape what would end a property or the message", () => {
    const line = workflowCommands([
      { level: "warning", rule: "a/b", title: "x, y: z", message: "50% done\nnext line", file: "dir/a,b.yaml", position: { line: 3, column: 2 }, subject: "s" },
    ]);
    expect(line).toBe("::warning file=dir/a%2Cb.yaml,line=3,col=2,title=x%2C y%3A z (a/b)::50%25 done%0Anext line");
  });
});

describe("when the findings are written as SARIF", () => {
  let log: any;
  beforeAll(() => {
    log = JSON.parse(formatSarif(diagnostics));
  });

  it("should be one SARIF 2.1.0 run with every policy as a rule", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const rules = log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(rules).toEqual(expect.arrayContaining(POLICIES.map((p) => `${p.area}/${p.id}`)));
    expect(log.runs[0].automationDetails.id).toBe("policy/");
  });

  it("should hold every finding, at its rule's index, on the line of its field", () => {
    const { results, tool } = log.runs[0];
    expect(results).toHaveLength(diagnostics.length);
    for (const r of results) expect(tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    const secret = results.find((r: { ruleId: string }) => r.ruleId === "secrets/no-secret-data");
    expect(secret.level).toBe("error");
    expect(secret.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: relative(REPO_ROOT, secretFile), uriBaseId: "%SRCROOT%" },
      region: { startLine: lineOf(secretFile, /^data:/), startColumn: 1 },
    });
  });

  it("should fingerprint a finding by what it is about, not by its line", () => {
    const fingerprints = log.runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints["fleetFinding/v1"]);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });
});

describe("when locating a field path", () => {
  it("should read dotted names, indexes and quoted keys", () => {
    expect(pathSegments('spec.template.spec.containers[0].env[2].name')).toEqual(["spec", "template", "spec", "containers", 0, "env", 2, "name"]);
    expect(pathSegments('metadata.annotations["argocd.argoproj.io/sync-options"]')).toEqual(["metadata", "annotations", "argocd.argoproj.io/sync-options"]);
    expect(pathSegments("spec..x")).toBeUndefined();
  });

  it("should find the document of the named object in a file of several", () => {
    const text = "kind: A\nmetadata:\n  name: one\nspec:\n  x: 1\n---\nkind: A\nmetadata:\n  name: two\nspec:\n  x: 2\n";
    const locator = new Locator(() => text);
    expect(locator.locate("f.yaml", "spec.x", "A", "two")).toEqual({ line: 11, column: 3 });
    expect(locator.locate("f.yaml", "spec.y", "A", "two")).toEqual({ line: 10, column: 1 });
    expect(locator.locate("f.yaml", "spec.x", "A", "three")).toEqual({ line: 1, column: 1 });
  });
});
