import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { alertsOf, prometheusRules, REPO_ROOT, runbookBase, type AlertAt } from "../rules.js";

/** The severities Alertmanager routes on: critical pages, warning opens a ticket, info is for dashboards. */
export const SEVERITIES = ["critical", "warning", "info"] as const;

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds of a Prometheus duration (`1h30m`), or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = text === "" ? null : DURATION.exec(text);
  if (!match) return undefined;
  const units = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
  return units.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * unit, 0);
}

/** GitHub's anchors for a Markdown file's headings (lowercase, punctuation dropped, spaces to hyphens, repeats numbered). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** What is wrong with a runbook_url, or undefined when it lands on a section of a committed runbook. */
export function runbookProblem(url: string, base: string, runbooksDir = join(REPO_ROOT, "docs", "runbooks")): string | undefined {
  if (!url.startsWith(base)) return `is \`${url}\`, which is not a runbook of this repository at the cluster's revision (${base}<app>.md#<alert>)`;
  const match = /^([A-Za-z0-9._-]+\.md)#(.+)$/.exec(url.slice(base.length));
  if (!match) return `is \`${url}\`, which names no runbook section (<app>.md#<alert>)`;
  const [, file = "", anchor = ""] = match;
  const path = join(runbooksDir, file);
  if (!existsSync(path)) return `is \`${url}\`, but docs/runbooks/${file} does not exist`;
  if (!headingAnchors(readFileSync(path, "utf8")).has(anchor)) return `is \`${url}\`, but docs/runbooks/${file} has no heading with the anchor #${anchor}`;
  return undefined;
}

function fieldFindings(alert: AlertAt, base: string): Finding[] {
  const { document, path, name, rule } = alert;
  const source = sourceOf(document);
  const at = (field: string, summary: string, problem: string, fix: string): Finding => ({ document, summary, path: `${path}.${field}`, problem, fix: `${fix} for alert ${name} in ${source} (its \`alerts\`), then run \`npm run generate\`` });
  const findings: Finding[] = [];

  const wait = rule["for"];
  const ms = typeof wait === "string" ? durationMs(wait) : undefined;
  if (wait === undefined || wait === null || wait === "") {
    findings.push(at("for", "alert has no for duration", "is not set: the alert fires on the first evaluation that matches, so one bad scrape pages someone", "set `for` (e.g. 5m)"));
  } else if (ms === undefined) {
    findings.push(at("for", "alert has an invalid for duration", `is ${JSON.stringify(wait)}, which is not a Prometheus duration (like 30s, 5m, 1h)`, "set `for` to a duration such as 5m"));
  } else if (ms === 0) {
    findings.push(at("for", "alert has no for duration", `is \`${String(wait)}\`: the alert fires on the first evaluation that matches, so one bad scrape pages someone`, "set `for` above zero (e.g. 5m)"));
  }

  const labels = record(rule["labels"]);
  const severity = labels["severity"];
  if (severity === undefined || severity === "") {
    findings.push(at("labels.severity", "alert has no severity", "is not set, so Alertmanager cannot route the alert", `set \`severity\` to one of ${SEVERITIES.join(", ")}`));
  } else if (!(SEVERITIES as readonly unknown[]).includes(severity)) {
    findings.push(at("labels.severity", "alert severity is not one of the fixed set", `is ${JSON.stringify(severity)}; Alertmanager routes only ${SEVERITIES.join(", ")}`, `set \`severity\` to one of ${SEVERITIES.join(", ")}`));
  }

  const annotations = record(rule["annotations"]);
  for (const [field, why] of [
    ["summary", "the one line a notification shows"],
    ["description", "what is wrong and where, for the person paged"],
  ] as const) {
    if (!text(annotations[field])?.trim()) {
      findings.push(at(`annotations.${field}`, `alert has no ${field}`, `is ${annotations[field] === undefined ? "not set" : "empty"}; it is ${why}`, `set \`${field}\``));
    }
  }
  const runbook = annotations["runbook_url"];
  if (!text(runbook)?.trim()) {
    findings.push(at("annotations.runbook_url", "alert has no runbook_url", `is ${runbook === undefined ? "not set" : "empty"}; the person paged needs the runbook`, "keep the generated `runbook_url` (docs/runbooks/<app>.md#<alert>)"));
  } else {
    const problem = runbookProblem(String(runbook), base);
    if (problem) findings.push(at("annotations.runbook_url", "alert runbook_url is broken", problem, "point `runbook_url` at the alert's section of its runbook (docs/runbooks/<app>.md#<alert>, rendered by `npm run generate`)"));
  }
  return findings;
}

/** Every alert can be routed and acted on: `for`, a known severity, a summary, a description and a runbook that exists. */
export const alertFields: Policy = {
  id: "alert-fields",
  area: "alerts",
  severity: "Bug",
  description: "every alert has a non-zero `for`, `labels.severity` in critical/warning/info, `summary` and `description` annotations and a `runbook_url` landing on a committed runbook section",
  check(cluster: ClusterTree): Finding[] {
    const base = runbookBase(cluster);
    return prometheusRules(cluster).flatMap((document) => alertsOf(document).flatMap((alert) => fieldFindings(alert, base)));
  },
};
