// `npm run validate -- --format github|sarif` on real kubeconform output: a
// copy of the edge cluster with a wrong type and an unknown field, each
// reported on the line of the field.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS_DIR, REPO_ROOT } from "../support/committed.js";
import { runCli } from "./cli.js";
import { requireSetup } from "./validation.js";

let dir: string;
let deployment: string;
let service: string;
const cwd = process.cwd();

async function validate(format: string): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await runCli([relative(REPO_ROOT, dir), "--format", format], { out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out };
}

/** The 1-based line of the file that matches `pattern`. */
function lineOf(file: string, pattern: RegExp): number {
  const index = readFileSync(file, "utf8").split("\n").findIndex((l) => pattern.test(l));
  expect(index, `${pattern} in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

beforeAll(() => {
  requireSetup();
  dir = mkdtempSync(join(REPO_ROOT, ".cache", "schema-annotations-"));
  cpSync(join(CLUSTERS_DIR, "edge"), join(dir, "edge"), { recursive: true });
  deployment = join(dir, "edge/apps/iot-edge-anomaly/deployment-iot-edge-anomaly.yaml");
  service = join(dir, "edge/apps/iot-edge-anomaly/service-iot-edge-anomaly-service.yaml");
  const edit = (file: string, from: RegExp, to: string): void => {
    const text = readFileSync(file, "utf8");
    expect(text, `${from} in ${file}`).toMatch(from);
    writeFileSync(file, text.replace(from, to));
  };
  edit(deployment, /^  replicas: \d+$/m, '  replicas: "three"');
  edit(service, /^  type: (\w+)$/m, "  type: $1\n  typo: true");
  process.chdir(REPO_ROOT);
});

afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

describe("when validation problems are written as workflow commands", () => {
  it("should annotate each field's line and still print the counts", async () => {
    const { code, out } = await validate("github");
    expect(code).toBe(1);
    const lines = out.split("\n");
    expect(lines).toContain(
      `::error file=${relative(REPO_ROOT, deployment)},line=${lineOf(deployment, /^  replicas:/)},col=3,title=resource does not match its schema (schema/invalid)::apps/v1 Deployment/iot-edge-anomaly: spec.replicas: got string, want null or integer; correct the field; for clusters/ that means the generator or app spec that renders it, then \`npm run generate\`.`,
    );
    expect(lines.find((l) => l.includes("typo"))).toMatch(new RegExp(`^::error file=${relative(REPO_ROOT, service).replaceAll(".", "\\.")},line=${lineOf(service, /^  typo:/)},col=3,.*spec\\.typo: unknown field`));
    expect(out).toMatch(/\nvalidated \d+ resources in 1 cluster\(s\) \(kubeconform v[\d.]+, strict\): found 2 problem\(s\)\n$/);
  });
});

describe("when validation problems are written as SARIF", () => {
  it("should give one result per field problem with its rule and region", async () => {
    const { code, out } = await validate("sarif");
    expect(code).toBe(1);
    const log = JSON.parse(out);
    const run = log.runs[0];
    expect(log.version).toBe("2.1.0");
    expect(run.automationDetails.id).toBe("schema/");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["schema/invalid", "schema/missing", "schema/unreadable", "schema/unaccounted"]);
    const regions = run.results.map((r: any) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine]);
    expect(regions).toEqual([
      ["schema/invalid", relative(REPO_ROOT, deployment), lineOf(deployment, /^  replicas:/)],
      ["schema/invalid", relative(REPO_ROOT, service), lineOf(service, /^  typo:/)],
    ]);
  });
});
