import { POLICIES } from "../index.js";
import { type Annotation, type Level, repositoryPage, sarifLog, workflowCommands } from "./github.js";
import { Locator } from "./locate.js";
import { isFailing } from "./run.js";
import type { Diagnostic, Severity } from "./types.js";

/** pint's shape: summary line, location, then the field, what is wrong and the fix. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.resource ? `${d.file} -> ${d.resource}` : `${d.file} (cluster ${d.cluster})`;
  const what = d.path ? `${d.path} ${d.problem};` : `${d.problem};`;
  return [`${d.severity}: ${d.summary} (${d.rule})`, `  ---> ${where}`, `       ${what}`, `       ${d.fix}.`].join("\n");
}

/** The closing count line. */
export function summaryLine(diagnostics: readonly Diagnostic[], clusters: number): string {
  const failing = diagnostics.filter((d) => isFailing(d.severity)).length;
  const others = diagnostics.length - failing;
  const tail = others > 0 ? ` (and ${others} below Bug)` : "";
  return failing === 0
    ? `checked ${clusters} cluster(s): no problems with severity Bug or higher${tail}`
    : `checked ${clusters} cluster(s): found ${failing} problem(s) with severity Bug or higher${tail}`;
}

export function formatText(diagnostics: readonly Diagnostic[], clusters: number): string {
  return [...diagnostics.map(formatDiagnostic), summaryLine(diagnostics, clusters)].join("\n\n") + "\n";
}

export function formatJson(diagnostics: readonly Diagnostic[], clusters: number): string {
  const failing = diagnostics.filter((d) => isFailing(d.severity)).length;
  return JSON.stringify({ clusters, problems: failing, diagnostics }, null, 2) + "\n";
}

const LEVELS: Readonly<Record<Severity, Level>> = { Fatal: "error", Bug: "error", Warning: "warning", Information: "notice" };

/** Each diagnostic at the line of its field, in the file it names. */
export function annotationsOf(diagnostics: readonly Diagnostic[], locator = new Locator()): Annotation[] {
  return diagnostics.map((d) => {
    const slash = d.resource.indexOf("/");
    const [kind, name] = slash < 0 ? [undefined, undefined] : [d.resource.slice(0, slash), d.resource.slice(slash + 1)];
    return {
      level: LEVELS[d.severity],
      rule: d.rule,
      title: d.summary,
      message: `${d.resource ? `${d.resource}: ` : ""}${d.path ? `${d.path} ${d.problem}` : d.problem}; ${d.fix}.`,
      file: d.file,
      position: d.resource ? locator.locate(d.file, d.path, kind, name) : { line: 1, column: 1 },
      subject: `${d.cluster}/${d.resource || "(cluster)"}/${d.path}`,
    };
  });
}

/** Workflow commands for GitHub Actions, then the closing count as a plain line. */
export function formatGithub(diagnostics: readonly Diagnostic[], clusters: number): string {
  const commands = workflowCommands(annotationsOf(diagnostics));
  return `${commands ? `${commands}\n` : ""}${summaryLine(diagnostics, clusters)}\n`;
}

/** SARIF for code scanning: every policy is a rule, documented in its area's README. */
export function formatSarif(diagnostics: readonly Diagnostic[]): string {
  const rules = POLICIES.map((p) => ({
    id: `${p.area}/${p.id}`,
    description: p.description,
    help: repositoryPage(`policies/${p.area}/README.md`),
    level: LEVELS[p.severity],
  }));
  return sarifLog({ name: "iot-fleet-policies", version: "1.0.0", category: "policy", rules }, annotationsOf(diagnostics));
}
