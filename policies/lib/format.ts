import { isFailing } from "./run.js";
import type { Diagnostic } from "./types.js";

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
