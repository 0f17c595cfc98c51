// Findings where a reviewer reads them on GitHub: workflow commands that
// annotate the file and line of the offending field, and SARIF 2.1.0 for code
// scanning (which keeps every result; annotations are capped at 10 of a type
// per step and 50 per job). Shared by `npm run policy` and `npm run validate`.
import { createHash } from "node:crypto";
import { REPOSITORY } from "../../generators/fleet/platform.js";
import type { Position } from "./locate.js";

/** A page of this repository on GitHub at its synced revision: where rule documentation is linked. */
export function repositoryPage(path: string): string {
  const web = REPOSITORY.url.replace(/\.git$/, "");
  return path === "" ? web : `${web}/blob/${REPOSITORY.targetRevision}/${path}`;
}

export type Level = "error" | "warning" | "notice";

/** One finding at one place. */
export interface Annotation {
  readonly level: Level;
  /** `secrets/no-secret-data`, `schema/invalid` */
  readonly rule: string;
  /** The short summary: the annotation's title. */
  readonly title: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Relative to the repository root, `/`-separated. */
  readonly file: string;
  readonly position: Position;
  /** `prod/Secret/kades-secrets`: what the finding is about, independent of line numbers. */
  readonly subject: string;
}

export interface RuleDescription {
  readonly id: string;
  readonly description: string;
  /** Where the rule is documented, relative to the repository root. */
  readonly help: string;
  readonly level: Level;
}

/** Workflow-command escaping (the toolkit's `escapeData` and `escapeProperty`). */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** `::error file=...,line=...,col=...,title=...::message`, one line per annotation. */
export function workflowCommands(annotations: readonly Annotation[]): string {
  return annotations
    .map((a) => {
      const props = [`file=${escapeProperty(a.file)}`, `line=${a.position.line}`, `col=${a.position.column}`, `title=${escapeProperty(`${a.title} (${a.rule})`)}`];
      return `::${a.level} ${props.join(",")}::${escapeData(a.message)}`;
    })
    .join("\n");
}

const SARIF_LEVEL: Readonly<Record<Level, string>> = { error: "error", warning: "warning", notice: "note" };

export interface SarifTool {
  /** `iot-fleet-policies` */
  readonly name: string;
  readonly version: string;
  /** Code scanning's category: one per tool, so the uploads do not replace each other. */
  readonly category: string;
  readonly rules: readonly RuleDescription[];
}

/** A SARIF 2.1.0 log of one run, with stable fingerprints (rule and subject, not line) so alerts survive edits. */
export function sarifLog(tool: SarifTool, annotations: readonly Annotation[]): string {
  const ruleIds = [...new Set([...tool.rules.map((r) => r.id), ...annotations.map((a) => a.rule)])];
  const rules = ruleIds.map((id) => {
    const known = tool.rules.find((r) => r.id === id);
    return {
      id,
      name: id,
      shortDescription: { text: known?.description ?? id },
      ...(known ? { helpUri: known.help, help: { text: `${known.description} (see ${known.help})` } } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[known?.level ?? "error"] },
    };
  });
  const results = annotations.map((a) => ({
    ruleId: a.rule,
    ruleIndex: ruleIds.indexOf(a.rule),
    level: SARIF_LEVEL[a.level],
    message: { text: `${a.title}: ${a.message}` },
    locations: [
      {
        physicalLocation: {
          // Relative paths are the repository's; code scanning resolves %SRCROOT% to its root.
          artifactLocation: a.file.startsWith("/") ? { uri: `file://${a.file}` } : { uri: a.file, uriBaseId: "%SRCROOT%" },
          region: { startLine: a.position.line, startColumn: a.position.column },
        },
        logicalLocations: [{ fullyQualifiedName: a.subject, kind: "resource" }],
      },
    ],
    partialFingerprints: { "fleetFinding/v1": createHash("sha256").update(`${a.rule}\n${a.subject}\n${a.title}`).digest("hex") },
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, informationUri: repositoryPage(""), rules } },
        automationDetails: { id: `${tool.category}/` },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
