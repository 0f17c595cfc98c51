import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { findPromtool, oneLine, promtoolBroken, promtoolMissing, promtoolOnFiles, type PromtoolFile, type PromtoolRun } from "../promtool.js";
import { prometheusRules, ruleFileName, ruleFileText, rulesOf } from "../rules.js";

const CHECK = ["check", "rules", "--lint=duplicate-rules", "--lint-fatal"] as const;

interface RuleFile extends PromtoolFile {
  readonly document: RenderedDocument;
}

/** The field a promtool message is about, below the rule's own path. */
function fieldOf(message: string): string {
  const quoted = /^(label|annotation) "([^"]+)":/.exec(message);
  if (quoted) return `.${quoted[1]}s.${quoted[2]}`;
  if (/expression|'expr'/.test(message)) return ".expr";
  if (/^invalid (label|annotation) /.exec(message)) return `.${/^invalid (label|annotation)/.exec(message)?.[1]}s`;
  return "";
}

/** Splits promtool's stderr for one file into its error messages. */
function messagesOf(file: RuleFile, stderr: string): string[] {
  const prefix = `${file.name}: `;
  const messages: string[] = [];
  for (const line of stderr.split("\n")) {
    if (line.trim() === "" || line.trim() === "FAILED:") continue;
    const starts = line.startsWith(prefix) || line.startsWith("lint error");
    if (starts || messages.length === 0) messages.push(line.startsWith(prefix) ? line.slice(prefix.length) : line);
    else messages[messages.length - 1] += `\n${line}`;
  }
  return messages;
}

/** One finding per promtool message, placed on the rule it names when it names one. */
function findingsOf(file: RuleFile, run: PromtoolRun): Finding[] {
  const { document } = file;
  const rules = rulesOf(document);
  const fix = `correct the rule in ${sourceOf(document)} (its \`alerts\`) and run \`npm run generate\``;
  const messages = messagesOf(file, run.stderr);
  if (messages.length === 0) messages.push(run.stdout.trim() || `exited with code ${run.code ?? "?"}`);
  return messages.map((message): Finding => {
    // "5:15: group "kades", rule 2, "KadesHighErrorRate": could not parse expression: ..."
    const located = /^(?:\d+:\d+: )*group "(.*?)", rule (\d+), "(.*?)": ([\s\S]*)$/.exec(message);
    if (located) {
      const [, group, ruleNumber, , what = ""] = located;
      const ruleIndex = Number(ruleNumber) - 1;
      const rule = rules.find((r) => r.groupName === group && r.ruleIndex === ruleIndex);
      if (rule) {
        return { document, summary: "rule fails promtool check rules", path: `${rule.path}${fieldOf(what)}`, problem: `is rejected by promtool: ${oneLine(what)}`, fix };
      }
    }
    const duplicate = /duplicate rule\(s\) found[\s\S]*?Metric: (\S+)/.exec(message);
    if (duplicate) {
      const same = rules.filter((r) => r.rule["alert"] === duplicate[1] || r.rule["record"] === duplicate[1]);
      const last = same[same.length - 1];
      return {
        document,
        summary: "rule is a duplicate",
        path: last ? last.path : "spec.groups",
        problem: `repeats ${duplicate[1]} with the same labels (${same.map((r) => r.path).join(", ")}): promtool: ${oneLine(message)}`,
        fix: `remove the duplicate or give the rules different labels in ${sourceOf(document)}, then run \`npm run generate\``,
      };
    }
    // "not a valid duration string: "15 minutes"" names no rule; find the rule with that value.
    const duration = /not a valid duration string: "(.*)"/.exec(message)?.[1];
    const timed = rules.find((r) => duration !== undefined && (r.rule["for"] === duration || r.rule["keep_firing_for"] === duration));
    if (timed) {
      const field = timed.rule["for"] === duration ? "for" : "keep_firing_for";
      return { document, summary: "rule fails promtool check rules", path: `${timed.path}.${field}`, problem: `is rejected by promtool: ${oneLine(message)}`, fix };
    }
    return { document, summary: "rule file fails promtool check rules", path: "spec.groups", problem: `is rejected by promtool: ${oneLine(message.replace(/^(?:\d+:\d+: )+/, ""))}`, fix };
  });
}

/**
 * Every rule group passes the real `promtool check rules` (expression syntax,
 * `for` durations, label and annotation templates, duplicate rules). One call
 * checks every PrometheusRule of the cluster; only when it fails is each file
 * checked alone, to place the errors.
 */
export const rulesCheck: Policy = {
  id: "rules-check",
  area: "alerts",
  severity: "Bug",
  description: "every PrometheusRule's groups pass `promtool check rules` (expressions, durations, templates, no duplicate rules)",
  async check(cluster: ClusterTree): Promise<Finding[]> {
    const documents = prometheusRules(cluster);
    if (documents.length === 0) return [];
    const binary = findPromtool();
    if (binary === undefined) return [promtoolMissing("the rule checks (alerts/rules-check)")];
    const files: RuleFile[] = documents.map((document) => ({ document, name: ruleFileName(cluster, document), text: ruleFileText(document) }));
    const all = await promtoolOnFiles(binary, [...CHECK, ...files.map((f) => f.name)], files);
    if (all.code === 0) return [];
    if (all.code === null) return [promtoolBroken(all)];
    const single = await Promise.all(files.map(async (file) => ({ file, run: await promtoolOnFiles(binary, [...CHECK, file.name], [file]) })));
    const findings = single.flatMap(({ file, run }): Finding[] => {
      if (run.code === 0) return [];
      if (run.code === null) return [{ ...promtoolBroken(run), document: file.document }];
      return findingsOf(file, run);
    });
    if (findings.length > 0) return findings;
    return [{ summary: "rule files fail promtool check rules", path: "", problem: `promtool rejects the rule files together but none alone: ${oneLine(all.stderr || all.stdout)}`, fix: "run `promtool check rules` on the cluster's PrometheusRule specs to see why" }];
  },
};
