/**
 * Schema validation of rendered clusters: finds the cluster directories,
 * runs kubeconform once over all their files, maps every result back to its
 * cluster, file and Kind/name, and checks that every document was validated.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { parseAllDocuments } from "yaml";
import { KUBERNETES_VERSION } from "../../generators/fleet/versions.js";
import { byCodeUnit } from "../../generators/order.js";
import { type Annotation, repositoryPage, sarifLog, workflowCommands } from "../../policies/lib/github.js";
import { Locator } from "../../policies/lib/locate.js";
import { currentSchemaDir, readManifest } from "./cache.js";
import { kubeconformBinary, KUBECONFORM_VERSION, runKubeconform, type KubeconformResult } from "./kubeconform.js";
import { schemaFileName, schemaVersionDir } from "./schemas.js";

/** A directory is one cluster when it holds one of these; otherwise each subdirectory is a cluster. */
export const CLUSTER_MARKERS = ["apps", "bootstrap", "platform", "argocd"] as const;

/** Bad arguments: a missing directory, nothing to validate. Exit 2. */
export class UsageError extends Error {}

/** kubeconform or the schemas are not there. Exit 2, with the command that fixes it. */
export class SetupError extends Error {}

export interface ClusterFiles {
  readonly name: string;
  /** As given / displayed, relative to the working directory when below it. */
  readonly dir: string;
  /** Absolute paths, sorted. */
  readonly files: readonly string[];
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return (rel === "" || rel.startsWith("..") ? path : rel).split(sep).join("/");
}

/** What Argo CD's directory source reads as manifests, and kubeconform validates: YAML and JSON. */
function isManifest(name: string): boolean {
  return /\.(ya?ml|json)$/i.test(name);
}

function manifestsBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...manifestsBelow(path));
    else if (isManifest(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Resolves each argument to clusters: a cluster directory itself, or a
 * directory whose subdirectories are clusters. Every `*.yaml`, `*.yml` and
 * `*.json` below a cluster is validated. Manifests lying directly in a
 * directory of clusters are validated too, as a group named after that
 * directory: nothing under an argument is left out.
 */
export function findClusters(args: readonly string[]): ClusterFiles[] {
  const clusters: ClusterFiles[] = [];
  const seen = new Set<string>();
  const add = (name: string, dir: string, files: string[]): void => {
    const key = `${dir}\0${files.join("\0")}`;
    if (seen.has(key)) return;
    seen.add(key);
    clusters.push({ name, dir: displayPath(dir), files });
  };
  for (const arg of args) {
    const dir = resolve(arg);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`${arg}: no such directory; give a cluster directory (clusters/prod) or a directory of clusters (clusters)`);
    }
    if (CLUSTER_MARKERS.some((m) => existsSync(join(dir, m)))) {
      add(basename(dir), dir, manifestsBelow(dir));
      continue;
    }
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name));
    const loose = entries.filter((e) => !e.isDirectory() && isManifest(e.name)).map((e) => join(dir, e.name));
    if (loose.length > 0) add(basename(dir), dir, loose);
    for (const e of entries.filter((e) => e.isDirectory())) add(e.name, join(dir, e.name), manifestsBelow(join(dir, e.name)));
  }
  if (clusters.every((c) => c.files.length === 0)) {
    throw new UsageError(`no YAML or JSON files under ${args.join(", ")}; give a cluster directory (clusters/prod) or a directory of clusters (clusters)`);
  }
  return clusters;
}

/**
 * How many resources kubeconform should report for a file: one per YAML
 * document with content (a document starts at a `---` line; comments and
 * blank lines are not content), or one per item of a `kind: List`, which
 * kubeconform splits. Counted from the `---` lines rather than by parsing
 * every file (which takes longer than kubeconform's whole run); only a List
 * is parsed.
 */
export function countResources(text: string): number {
  let count = 0;
  for (const chunk of text.split(/^---[ \t]*(?:#.*)?$/m)) {
    const hasContent = chunk.split("\n").some((line) => line.trim() !== "" && !/^\s*#/.test(line) && line.trim() !== "...");
    if (!hasContent) continue;
    if (/^kind:\s*["']?list["']?\s*$/im.test(chunk)) {
      const list = parseAllDocuments(chunk, { version: "1.1" })[0]?.toJS() as { items?: unknown } | null | undefined;
      if (Array.isArray(list?.items)) {
        count += list.items.length;
        continue;
      }
    }
    count++;
  }
  return count;
}

export type Rule = "schema/invalid" | "schema/missing" | "schema/unreadable" | "schema/unaccounted";

export interface FieldProblem {
  /** `spec.template.spec.containers[0].image`; empty for the whole object. */
  readonly field: string;
  readonly message: string;
}

/** One resource that failed, with where it is, what is wrong and what to do. */
export interface Problem {
  readonly cluster: string;
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** kubeconform's status: invalid (does not match its schema) or error (could not be validated). */
  readonly status: "invalid" | "error";
  readonly rule: Rule;
  readonly summary: string;
  readonly fields: readonly FieldProblem[];
  readonly fix: string;
}

export interface ClusterReport {
  readonly cluster: string;
  readonly dir: string;
  readonly files: number;
  /** Documents in the files (Lists counted by item): what must be validated. */
  readonly documents: number;
  /** Resources kubeconform reported (empty documents aside). */
  readonly resources: number;
  readonly valid: number;
  readonly invalid: number;
  readonly errors: number;
  readonly problems: readonly Problem[];
}

export interface ValidationReport {
  readonly kubeconform: string;
  readonly kubernetesVersion: string;
  readonly schemas: string;
  readonly clusters: readonly ClusterReport[];
}

/**
 * kubeconform's instance location (`/spec/template/spec/containers/0`, its
 * tokens joined by "/" without JSON Pointer escaping) and an optional child →
 * `spec.template.spec.containers[0]`. Keys that are not plain identifiers are
 * quoted in brackets.
 */
export function fieldPath(location: string, child?: string): string {
  const segments = location.split("/").slice(1);
  if (child !== undefined) segments.push(child);
  let out = "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** kubeconform's validation errors as field problems; an unknown field is named in the path itself. */
export function fieldProblems(result: KubeconformResult): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of result.validationErrors) {
    const unknown = /^additional propert(?:y|ies) (.+) not allowed$/.exec(e.msg);
    if (unknown?.[1]) {
      for (const m of unknown[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
        const name = (m[1] ?? "").replaceAll("\\'", "'");
        out.push({ field: fieldPath(e.path, name), message: `unknown field, not in the ${result.apiVersion} ${result.kind} schema` });
      }
      continue;
    }
    out.push({ field: fieldPath(e.path), message: e.msg });
  }
  out.sort((a, b) => byCodeUnit(a.field, b.field) || byCodeUnit(a.message, b.message));
  if (out.length === 0 && result.status === "invalid") out.push({ field: "", message: result.msg });
  return out;
}

function problemFor(cluster: string, file: string, r: KubeconformResult, schemaDir: string): Problem {
  // kubeconform's own summary message is left out: it lists causes in no fixed order; the fields carry them, sorted.
  const base = { cluster, file, apiVersion: r.apiVersion, kind: r.kind, name: r.name };
  if (r.status === "invalid") {
    return {
      ...base,
      status: "invalid",
      rule: "schema/invalid",
      summary: "resource does not match its schema",
      fields: fieldProblems(r),
      fix: "correct the field; for clusters/ that means the generator or app spec that renders it, then `npm run generate`",
    };
  }
  if (/^could not find schema for /.test(r.msg)) {
    const schema = join(schemaDir, schemaVersionDir(KUBERNETES_VERSION), schemaFileName(r.apiVersion, r.kind));
    const present = existsSync(schema);
    return {
      ...base,
      status: "error",
      rule: "schema/missing",
      summary: present ? "schema cannot be loaded" : "no schema for the resource's kind",
      fields: [
        {
          field: "",
          message: present
            ? `the schema for ${r.apiVersion} ${r.kind} (${displayPath(schema)}) exists but kubeconform cannot compile it`
            : `no schema for ${r.apiVersion} ${r.kind}: ${displayPath(schema)} does not exist`,
        },
      ],
      fix: present
        ? "rebuild the schema cache (`rm -rf .cache/schemas && npm run setup`); if it persists, the conversion in test/schema/schemas.ts is at fault"
        : "check the spelling of kind and apiVersion; a custom resource needs its CRD module pinned in generators/fleet/versions.ts and its CRD files listed in test/schema/sources.ts, then `npm run setup`",
    };
  }
  return {
    ...base,
    status: "error",
    rule: "schema/unreadable",
    summary: r.status === "skipped" ? "resource was skipped; nothing may be skipped" : "resource cannot be validated",
    fields: [{ field: "", message: r.msg || `kubeconform reported status ${r.status}` }],
    fix: "make the document a well-formed Kubernetes object (apiVersion, kind, metadata) in valid YAML without duplicate keys",
  };
}

/** Where kubeconform and the current schemas are; a SetupError naming what is missing when they are not built. */
export function requireSetup(paths: { readonly binary: string; readonly schemaDir: string } = { binary: kubeconformBinary(), schemaDir: currentSchemaDir() }): {
  schemaDir: string;
  binary: string;
} {
  const { binary, schemaDir } = paths;
  const missing: string[] = [];
  if (!existsSync(binary)) missing.push(`kubeconform ${KUBECONFORM_VERSION} (${displayPath(binary)})`);
  if (!readManifest(schemaDir)) missing.push(`the offline schemas for the current pins (${displayPath(schemaDir)})`);
  if (missing.length > 0) throw new SetupError(`${missing.join(" and ")} not built; run \`npm run setup\` (it needs Go; see the README's "Schema validation")`);
  return { schemaDir, binary };
}

/** Validates the clusters: one kubeconform run over all their files. */
export async function validateClusters(clusters: readonly ClusterFiles[]): Promise<ValidationReport> {
  const { schemaDir, binary } = requireSetup();
  const files = clusters.flatMap((c) => c.files);
  const run = await runKubeconform(files, { schemaDir, kubernetesVersion: KUBERNETES_VERSION, binary });
  const byFile = new Map<string, KubeconformResult[]>();
  for (const r of run.results) {
    const list = byFile.get(resolve(r.filename)) ?? [];
    list.push(r);
    byFile.set(resolve(r.filename), list);
  }
  const reports = clusters.map((cluster): ClusterReport => {
    const problems: Problem[] = [];
    let documents = 0;
    let resources = 0;
    let valid = 0;
    for (const path of cluster.files) {
      const file = displayPath(path);
      const expected = countResources(readFileSync(path, "utf8"));
      const results = (byFile.get(path) ?? []).filter((r) => r.status !== "empty");
      documents += expected;
      resources += results.length;
      const sorted = [...results].sort((a, b) => byCodeUnit(`${a.kind}/${a.name}`, `${b.kind}/${b.name}`));
      for (const r of sorted) {
        if (r.status === "valid") valid++;
        else problems.push(problemFor(cluster.name, file, r, schemaDir));
      }
      if (results.length !== expected) {
        problems.push({
          cluster: cluster.name,
          file,
          apiVersion: "",
          kind: "",
          name: "",
          status: "error",
          rule: "schema/unaccounted",
          summary: "not every document was validated",
          fields: [{ field: "", message: `the file has ${expected} document(s) but kubeconform reported ${results.length}` }],
          fix: "split the file into one plain Kubernetes object per document",
        });
      }
    }
    const invalid = problems.filter((p) => p.status === "invalid").length;
    return { cluster: cluster.name, dir: cluster.dir, files: cluster.files.length, documents, resources, valid, invalid, errors: problems.length - invalid, problems };
  });
  return { kubeconform: KUBECONFORM_VERSION, kubernetesVersion: KUBERNETES_VERSION, schemas: displayPath(schemaDir), clusters: reports };
}

export function isFailing(report: ValidationReport): boolean {
  return report.clusters.some((c) => c.problems.length > 0);
}

function problemText(p: Problem): string {
  const where = p.kind ? `${p.file} -> ${p.kind}/${p.name}` : p.file;
  return [
    `Bug: ${p.summary} (${p.rule})`,
    `  ---> ${where}`,
    ...p.fields.map((f) => `       ${f.field ? `${f.field}: ` : ""}${f.message.trim().replaceAll("\n", "\n         ")}`),
    `       ${p.fix}.`,
  ].join("\n");
}

/** Per cluster, resources valid / invalid / errors, then the closing line. */
function countLines(report: ValidationReport): string[] {
  const problems = report.clusters.reduce((n, c) => n + c.problems.length, 0);
  const perCluster = report.clusters.map(
    (c) => `INFO - cluster ${c.cluster} (${c.dir}): ${c.resources} resources in ${c.files} files: ${c.valid} valid, ${c.invalid} invalid, ${c.errors} error(s)`,
  );
  const total = report.clusters.reduce((n, c) => n + c.resources, 0);
  const closing =
    problems === 0
      ? `validated ${total} resources in ${report.clusters.length} cluster(s) against Kubernetes ${report.kubernetesVersion} and the pinned CRDs (kubeconform ${report.kubeconform}, strict): all valid`
      : `validated ${total} resources in ${report.clusters.length} cluster(s) (kubeconform ${report.kubeconform}, strict): found ${problems} problem(s)`;
  return [...perCluster, closing];
}

/** pint's shape, like the policy suite: each problem, a count per cluster, and a closing line. */
export function formatText(report: ValidationReport): string {
  const lines = report.clusters.flatMap((c) => c.problems).map(problemText);
  return [...(lines.length > 0 ? [lines.join("\n\n"), ""] : []), ...countLines(report)].join("\n") + "\n";
}

export function formatJson(report: ValidationReport): string {
  const sum = (k: "files" | "resources" | "valid" | "invalid" | "errors"): number => report.clusters.reduce((n, c) => n + c[k], 0);
  const summary = { clusters: report.clusters.length, files: sum("files"), resources: sum("resources"), valid: sum("valid"), invalid: sum("invalid"), errors: sum("errors") };
  return JSON.stringify({ ...report, summary }, null, 2) + "\n";
}


const RULES: readonly { id: Rule; description: string }[] = [
  { id: "schema/invalid", description: "every resource matches the schema of its kind (Kubernetes built-ins at the fleet's version, the pinned CRDs), strict: no unknown fields" },
  { id: "schema/missing", description: "every kind has a schema; none is skipped" },
  { id: "schema/unreadable", description: "every document is a well-formed Kubernetes object kubeconform can validate" },
  { id: "schema/unaccounted", description: "every document of every file is validated" },
];

/** One annotation per field problem, at the field's line. */
export function annotationsOf(report: ValidationReport, locator = new Locator()): Annotation[] {
  return report.clusters.flatMap((c) =>
    c.problems.flatMap((p) =>
      p.fields.map((f): Annotation => ({
        level: "error",
        rule: p.rule,
        title: p.summary,
        message: `${p.kind ? `${p.apiVersion} ${p.kind}/${p.name}: ` : ""}${f.field ? `${f.field}: ` : ""}${f.message.trim()}; ${p.fix}.`,
        file: p.file,
        position: p.kind ? locator.locate(p.file, f.field, p.kind, p.name) : { line: 1, column: 1 },
        subject: `${c.cluster}/${p.kind}/${p.name}/${f.field}`,
      })),
    ),
  );
}

/** Workflow commands for GitHub Actions, then the per-cluster counts and the closing line. */
export function formatGithub(report: ValidationReport): string {
  const commands = workflowCommands(annotationsOf(report));
  return [...(commands ? [commands] : []), ...countLines(report)].join("\n") + "\n";
}

/** SARIF for code scanning, the schema rules documented in the README's "Schema validation". */
export function formatSarif(report: ValidationReport): string {
  const rules = RULES.map((r) => ({ ...r, help: repositoryPage("README.md#schema-validation"), level: "error" as const }));
  return sarifLog({ name: "kubeconform", version: report.kubeconform, category: "schema", rules }, annotationsOf(report));
}
