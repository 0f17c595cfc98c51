// Schema validation of the committed tree and of broken copies of a cluster,
// with the real kubeconform and the built schema cache (`npm run setup`).
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument, Parser } from "yaml";
import { byCodeUnit } from "../../generators/order.js";
import { runCommand, type CommandRun } from "../support/cli.js";
import { CLUSTERS_DIR, REPO_ROOT } from "../support/committed.js";
import { runCli, USAGE } from "./cli.js";
import { tempDir } from "./testing.js";
import type { KubeconformResult } from "./kubeconform.js";
import { countResources, fieldPath, fieldProblems, findClusters, formatText, requireSetup, SetupError, validateClusters, type ValidationReport } from "./validation.js";

const CLI = join(REPO_ROOT, "test", "schema", "validate.ts");

/** Runs `npm run validate`'s command for real; never throws on a non-zero exit. */
function cli(args: readonly string[], cwd = REPO_ROOT): Promise<CommandRun> {
  return runCommand(CLI, args, { cwd });
}

/** Documents in the committed tree, counted by the YAML library's parser (not the validator's own counter). */
function committedDocumentCount(dir: string): number {
  let count = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const token of new Parser().parse(readFileSync(path, "utf8"))) if (token.type === "document" && token.value !== undefined) count++;
      }
    }
  };
  walk(dir);
  return count;
}

beforeAll(() => {
  // Fails (does not skip) when `npm run setup` has not run: the message says so.
  requireSetup();
});

describe("when validating the committed clusters", () => {
  let report: ValidationReport;
  beforeAll(async () => {
    report = await validateClusters(findClusters([CLUSTERS_DIR]));
  });

  it("should validate every cluster directory under clusters/", () => {
    const dirs = readdirSync(CLUSTERS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(report.clusters.map((c) => c.cluster).sort(byCodeUnit)).toEqual(dirs.sort(byCodeUnit));
  });

  it("should find every resource valid, with no invalid resources and no errors", () => {
    const problems = report.clusters.flatMap((c) => c.problems);
    expect(problems.length === 0 ? "" : formatText(report)).toBe("");
    for (const c of report.clusters) expect([c.cluster, c.invalid, c.errors]).toEqual([c.cluster, 0, 0]);
  });

  it("should validate as many resources as the tree holds documents: nothing skipped", () => {
    for (const c of report.clusters) {
      const documents = committedDocumentCount(join(CLUSTERS_DIR, c.cluster));
      expect([c.cluster, c.resources, c.valid]).toEqual([c.cluster, documents, documents]);
    }
    expect(report.clusters.reduce((n, c) => n + c.resources, 0)).toBeGreaterThan(0);
  });
});

/** One change to one resource in a copy of the edge cluster, and what the validator must say about it. */
interface BrokenCase {
  readonly name: string;
  /** The kind of the resource to break: the first file holding one is edited. */
  readonly target: string;
  /** Changes the parsed document, or (for what a parser cannot produce) the text. */
  readonly edit: ((doc: ReturnType<typeof parseDocument>) => void) | { readonly text: (text: string) => string };
  readonly rule: string;
  readonly kind: string;
  readonly field: string;
  readonly message: RegExp;
  /** The name kubeconform reports, when the change is to the name itself. */
  readonly reportedName?: string;
}

const CASES: readonly BrokenCase[] = [
  {
    name: 'a wrong type (replicas: "three")',
    target: "Deployment",
    edit: (d) => d.setIn(["spec", "replicas"], "three"),
    rule: "schema/invalid",
    kind: "Deployment",
    field: "spec.replicas",
    message: /^got string, want null or integer$/,
  },
  {
    name: "an unknown field in a pod template's container",
    target: "Deployment",
    edit: (d) => d.setIn(["spec", "template", "spec", "containers", 0, "imagePullPolcy"], "IfNotPresent"),
    rule: "schema/invalid",
    kind: "Deployment",
    field: "spec.template.spec.containers[0].imagePullPolcy",
    message: /^unknown field, not in the apps\/v1 Deployment schema$/,
  },
  {
    name: "a misspelled kind",
    target: "Deployment",
    edit: (d) => d.set("kind", "Deploymnt"),
    rule: "schema/missing",
    kind: "Deploymnt",
    field: "",
    message: /^no schema for apps\/v1 Deploymnt: \S+\/v1\.35\.4-standalone-strict\/apps\/deploymnt_v1\.json does not exist$/,
  },
  {
    name: "a kind at an API version the pinned Kubernetes does not serve",
    target: "HorizontalPodAutoscaler",
    edit: (d) => d.set("apiVersion", "autoscaling/v2beta2"),
    rule: "schema/missing",
    kind: "HorizontalPodAutoscaler",
    field: "",
    message: /^no schema for autoscaling\/v2beta2 HorizontalPodAutoscaler: /,
  },
  {
    name: "a ServiceMonitor field of the wrong type",
    target: "ServiceMonitor",
    edit: (d) => d.setIn(["spec", "endpoints", 0, "interval"], 30),
    rule: "schema/invalid",
    kind: "ServiceMonitor",
    field: "spec.endpoints[0].interval",
    message: /^got number, want string$/,
  },
  {
    name: "an unknown field in a ServiceMonitor endpoint",
    target: "ServiceMonitor",
    edit: (d) => d.setIn(["spec", "endpoints", 0, "scrapeEvery"], "30s"),
    rule: "schema/invalid",
    kind: "ServiceMonitor",
    field: "spec.endpoints[0].scrapeEvery",
    message: /^unknown field, not in the monitoring\.coreos\.com\/v1 ServiceMonitor schema$/,
  },
  {
    name: "a PrometheusRule field of the wrong type",
    target: "PrometheusRule",
    edit: (d) => d.setIn(["spec", "groups", 0, "rules", 0, "for"], 5),
    rule: "schema/invalid",
    kind: "PrometheusRule",
    field: "spec.groups[0].rules[0].for",
    message: /^got number, want string$/,
  },
  {
    name: "an unknown top-level field in a PrometheusRule",
    target: "PrometheusRule",
    edit: (d) => d.set("specs", {}),
    rule: "schema/invalid",
    kind: "PrometheusRule",
    field: "specs",
    message: /^unknown field, not in the monitoring\.coreos\.com\/v1 PrometheusRule schema$/,
  },
  {
    name: "an ExternalSecret field of the wrong type",
    target: "ExternalSecret",
    edit: (d) => d.setIn(["spec", "secretStoreRef", "name"], 5),
    rule: "schema/invalid",
    kind: "ExternalSecret",
    field: "spec.secretStoreRef.name",
    message: /^got number, want string$/,
  },
  {
    name: "an unknown field in a custom resource's metadata",
    target: "ExternalSecret",
    edit: (d) => d.setIn(["metadata", "lables"], { a: "b" }),
    rule: "schema/invalid",
    kind: "ExternalSecret",
    field: "metadata.lables",
    message: /^unknown field, not in the external-secrets\.io\/v1 ExternalSecret schema$/,
  },
  {
    name: "an ExternalSecret at its unserved v1beta1",
    target: "ExternalSecret",
    edit: (d) => d.set("apiVersion", "external-secrets.io/v1beta1"),
    rule: "schema/missing",
    kind: "ExternalSecret",
    field: "",
    message: /^no schema for external-secrets\.io\/v1beta1 ExternalSecret: /,
  },
  {
    name: "a duplicated key",
    target: "ConfigMap",
    edit: { text: (t) => t.replace(/^( {2}name: .*)$/m, "$1\n  name: again") },
    rule: "schema/unreadable",
    kind: "ConfigMap",
    field: "",
    message: /key "name" already set in map/,
    reportedName: "again",
  },
  {
    name: "a CRD enum violated (VPA updateMode)",
    target: "VerticalPodAutoscaler",
    edit: (d) => d.setIn(["spec", "updatePolicy", "updateMode"], "Sometimes"),
    rule: "schema/invalid",
    kind: "VerticalPodAutoscaler",
    field: "spec.updatePolicy.updateMode",
    message: /^value must be one of /,
  },
];

/** The first file (in code-unit order) below `dir` whose document is of `kind`. */
function fileOfKind(dir: string, kind: string): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.push(path);
    }
  };
  walk(dir);
  const file = files.find((f) => parseDocument(readFileSync(f, "utf8")).get("kind") === kind);
  if (!file) throw new Error(`no ${kind} in ${dir}: pick another kind for this case`);
  return file;
}

describe("when validating broken copies of a cluster", () => {
  let temp: ReturnType<typeof tempDir>;
  afterAll(() => temp?.remove());

  /** One copy of the edge cluster per case, each with its one change; validated in one kubeconform run. */
  const broken = new Map<BrokenCase, { dir: string; path: string; name: unknown }>();
  let report: ValidationReport;
  beforeAll(async () => {
    temp = tempDir("schema-broken");
    for (const [i, c] of CASES.entries()) {
      const dir = join(temp.dir, `case-${i}`, "edge");
      cpSync(join(CLUSTERS_DIR, "edge"), dir, { recursive: true });
      const path = fileOfKind(dir, c.target);
      const text = readFileSync(path, "utf8");
      const doc = parseDocument(text);
      const name = doc.getIn(["metadata", "name"]);
      if (typeof c.edit === "function") c.edit(doc);
      writeFileSync(path, typeof c.edit === "function" ? doc.toString() : c.edit.text(text));
      broken.set(c, { dir, path, name });
    }
    report = await validateClusters(findClusters([...broken.values()].map((b) => b.dir)));
  });

  const clusterOf = (c: BrokenCase): ValidationReport["clusters"][number] | undefined => {
    const dir = broken.get(c)?.dir;
    return report.clusters.find((r) => r.dir === dir);
  };

  describe.each(CASES)("when it has $name", (c) => {
    it("should report exactly that problem, naming the file, the resource and the field", () => {
      const { path, name } = broken.get(c) ?? {};
      // The copy is outside the working directory, so files are reported by absolute path.
      expect(clusterOf(c)?.problems.map((p) => ({ file: p.file, rule: p.rule, kind: p.kind, name: p.name, fields: p.fields.map((f) => f.field) }))).toEqual([
        { file: path, rule: c.rule, kind: c.kind, name: c.reportedName ?? name, fields: [c.field] },
      ]);
      expect(clusterOf(c)?.problems[0]?.fields[0]?.message).toMatch(c.message);
    });

    it("should still count every other resource valid", () => {
      const cluster = clusterOf(c);
      expect(cluster && [cluster.resources, cluster.valid, cluster.invalid + cluster.errors]).toEqual([cluster?.documents, (cluster?.documents ?? 0) - 1, 1]);
    });
  });
});

describe("when running npm run validate", () => {
  let temp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    temp = tempDir("schema-cli");
  });
  afterAll(() => temp?.remove());

  it("should exit 0 on a valid cluster and print its counts", async () => {
    const { code, stdout } = await cli(["clusters/edge"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^INFO - cluster edge \(clusters\/edge\): (\d+) resources in \1 files: \1 valid, 0 invalid, 0 error\(s\)$/m);
    expect(stdout).toMatch(/: all valid\n$/);
  });

  it("should exit 1 and name the file, resource and field of each problem", async () => {
    const dir = join(temp.dir, "edge");
    cpSync(join(CLUSTERS_DIR, "edge"), dir, { recursive: true });
    const path = fileOfKind(dir, "Deployment");
    const doc = parseDocument(readFileSync(path, "utf8"));
    doc.setIn(["spec", "replicas"], "three");
    writeFileSync(path, doc.toString());
    const { code, stdout } = await cli([dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      [
        "Bug: resource does not match its schema (schema/invalid)",
        `  ---> ${path} -> Deployment/${String(doc.getIn(["metadata", "name"]))}`,
        "       spec.replicas: got string, want null or integer",
      ].join("\n"),
    );
    expect(stdout).toMatch(/found 1 problem\(s\)\n$/);
  });

  it("should exit 2 on bad arguments, with the usage", async () => {
    const { code, stderr } = await cli(["clusters/nowhere"]);
    expect(code).toBe(2);
    expect(stderr).toBe(`ERROR - clusters/nowhere: no such directory; give a cluster directory (clusters/prod) or a directory of clusters (clusters)\n${USAGE}\n`);
  });
});

describe("when the command runs in-process", () => {
  async function inProcess(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }

  it("should give the same as data with --format json", async () => {
    const { code, out } = await inProcess(["clusters/edge", "--format", "json"]);
    const report = JSON.parse(out) as { summary: { clusters: number; resources: number; valid: number; invalid: number; errors: number }; clusters: { cluster: string; problems: unknown[] }[] };
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ clusters: 1, invalid: 0, errors: 0 });
    expect(report.summary.valid).toBe(report.summary.resources);
    expect(report.clusters.map((c) => [c.cluster, c.problems])).toEqual([["edge", []]]);
  });

  it.each([
    [[], /^ERROR - no directory given\n/],
    [["clusters/edge", "--format", "xml"], /^ERROR - unknown --format xml\n/],
    [["clusters/edge", "--colour"], /^ERROR - Unknown option '--colour'/],
    [["docs/runbooks"], /^ERROR - no YAML or JSON files under docs\/runbooks;/],
  ])("should exit 2 on bad arguments %j", async (args, message) => {
    const { code, err } = await inProcess(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toContain(USAGE);
  });
});

describe("when kubeconform or the schemas are not built", () => {
  it("should say what is missing and to run npm run setup", () => {
    const missing = { binary: join(REPO_ROOT, ".tools", "nowhere", "kubeconform"), schemaDir: join(REPO_ROOT, ".cache", "schemas", "nowhere") };
    expect(() => requireSetup(missing)).toThrow(SetupError);
    expect(() => requireSetup(missing)).toThrow(/^kubeconform v\d+\.\d+\.\d+ \(.*\.tools\/nowhere\/kubeconform\) and the offline schemas for the current pins \(.*nowhere\) not built; run `npm run setup`/);
  });
});

describe("when counting the resources of a file", () => {
  it.each([
    ["one object under a header comment", "# Generated\napiVersion: v1\nkind: ConfigMap\n", 1],
    ["documents split by ---, empty and comment-only ones aside", "---\na: 1\n---\n# only a comment\n---\n\n---\nb: 2\n--- # trailing comment\nc: 3\n", 3],
    ["a block scalar holding --- (indented, so not a separator)", "data:\n  x: |\n    ---\n    y\n", 1],
    ["a List, counted by item as kubeconform splits it", "apiVersion: v1\nkind: List\nitems:\n  - {kind: A}\n  - {kind: B}\n---\nkind: C\n", 3],
    ["a JSON object", '{"apiVersion": "v1", "kind": "ConfigMap"}', 1],
    ["nothing", "# just a comment\n", 0],
  ])("should count %s", (_name, text, count) => {
    expect(countResources(text)).toBe(count);
  });
});

describe("when naming the field of a kubeconform error", () => {
  it.each([
    ["/spec/template/spec/containers/0", undefined, "spec.template.spec.containers[0]"],
    ["/spec/endpoints/0", "scrapeEvery", "spec.endpoints[0].scrapeEvery"],
    ["/metadata/annotations/iot-fleet.io~x", undefined, 'metadata.annotations["iot-fleet.io~x"]'],
    ["", "specs", "specs"],
    ["", undefined, ""],
  ])("should turn %j and %j into %j", (location, child, field) => {
    expect(fieldPath(location, child)).toBe(field);
  });

  it("should name each unknown field of an additional-properties error", () => {
    const result: KubeconformResult = {
      filename: "f.yaml",
      kind: "Deployment",
      name: "d",
      apiVersion: "apps/v1",
      status: "invalid",
      msg: "problem validating schema",
      validationErrors: [
        { path: "/spec/template/spec/containers/0", msg: "additional properties 'imagePullPolcy', 'it\\'s' not allowed" },
        { path: "/spec/replicas", msg: "got string, want null or integer" },
      ],
    };
    expect(fieldProblems(result)).toEqual([
      { field: "spec.replicas", message: "got string, want null or integer" },
      { field: "spec.template.spec.containers[0].imagePullPolcy", message: "unknown field, not in the apps/v1 Deployment schema" },
      { field: 'spec.template.spec.containers[0]["it\'s"]', message: "unknown field, not in the apps/v1 Deployment schema" },
    ]);
  });
});
