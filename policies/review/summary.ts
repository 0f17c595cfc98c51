// The pull-request review as the job summary and the pull-request comment:
// per cluster the verdicts of the gate's steps, the risky changes, the
// rendered diff (collapsed, risky first) and a graph of the allowed flows of
// every namespace the change touches, new flows marked.
import { byCodeUnit } from "../../generators/order.js";
import { clusterTitle, escapeHtml, escapeMarkdown, markdownChange, markdownRisks, type ReviewHeader } from "./format.js";
import { namespaceGraph } from "./mermaid.js";
import { type Block, pack } from "./pack.js";
import type { ClusterReview } from "./review.js";

/** GitHub keeps at most 1 MiB of summary per step. */
export const SUMMARY_LIMIT = 1024 * 1024;
/** GitHub refuses a comment body over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;
/** Marks the comments this review owns, so a new run edits them in place. */
export const COMMENT_MARKER = "<!-- fleet-review part";

/** What one gate step says about one cluster; undefined when the step produced nothing to read. */
export interface StepVerdict {
  readonly errors: number;
  readonly warnings: number;
}

export interface ClusterVerdicts {
  readonly cluster: string;
  /** Files of clusters/<cluster> that differ from a fresh render. */
  readonly stale: number;
  readonly policies?: StepVerdict;
  readonly promtool?: StepVerdict;
  readonly schemas?: StepVerdict;
}

/** The rules that run promtool: their findings get their own column. */
const PROMTOOL_RULES = new Set(["alerts/rules-check", "alerts/rules-unit-tests"]);

interface SarifLog {
  runs?: { results?: { ruleId?: string; level?: string; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[] }[];
}

/** Findings of a SARIF log per cluster (taken from the `clusters/<name>` in each result's path). */
export function sarifVerdicts(text: string, pick: (ruleId: string) => boolean = () => true): Map<string, StepVerdict> {
  const log = JSON.parse(text) as SarifLog;
  const out = new Map<string, StepVerdict>();
  for (const result of log.runs?.flatMap((r) => r.results ?? []) ?? []) {
    if (!pick(result.ruleId ?? "")) continue;
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "";
    const cluster = /(?:^|\/)clusters\/([^/]+)/.exec(uri)?.[1] ?? "(outside clusters/)";
    const known = out.get(cluster) ?? { errors: 0, warnings: 0 };
    out.set(cluster, result.level === "error" ? { ...known, errors: known.errors + 1 } : { ...known, warnings: known.warnings + 1 });
  }
  return out;
}

export interface VerdictInputs {
  readonly clusters: readonly string[];
  /** Stale files per cluster (missing ones count as none). */
  readonly stale: ReadonlyMap<string, number>;
  /** SARIF of `npm run policy`, when the step wrote it. */
  readonly policySarif?: string;
  /** SARIF of `npm run validate`, when the step wrote it. */
  readonly schemaSarif?: string;
}

export function verdicts(inputs: VerdictInputs): ClusterVerdicts[] {
  const none: StepVerdict = { errors: 0, warnings: 0 };
  const policies = inputs.policySarif === undefined ? undefined : sarifVerdicts(inputs.policySarif, (id) => !PROMTOOL_RULES.has(id));
  const promtool = inputs.policySarif === undefined ? undefined : sarifVerdicts(inputs.policySarif, (id) => PROMTOOL_RULES.has(id));
  const schemas = inputs.schemaSarif === undefined ? undefined : sarifVerdicts(inputs.schemaSarif);
  const names = [...new Set([...inputs.clusters, ...(policies?.keys() ?? []), ...(schemas?.keys() ?? [])])].sort(byCodeUnit);
  return names.map((cluster) => ({
    cluster,
    stale: inputs.stale.get(cluster) ?? 0,
    ...(policies ? { policies: policies.get(cluster) ?? none } : {}),
    ...(promtool ? { promtool: promtool.get(cluster) ?? none } : {}),
    ...(schemas ? { schemas: schemas.get(cluster) ?? none } : {}),
  }));
}

function cell(verdict: StepVerdict | undefined): string {
  if (!verdict) return "➖ not run";
  if (verdict.errors > 0) return `❌ ${verdict.errors} error(s)${verdict.warnings > 0 ? `, ${verdict.warnings} warning(s)` : ""}`;
  return verdict.warnings > 0 ? `⚠️ ${verdict.warnings} warning(s)` : "✅ pass";
}

function verdictTable(rows: readonly ClusterVerdicts[], reviews: readonly ClusterReview[]): string {
  const lines = ["| cluster | drift | policies | alert rules (promtool) | schemas | changes | risky |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const v of rows) {
    const r = reviews.find((x) => x.cluster === v.cluster);
    const changes = r ? `${r.added} added, ${r.changed} changed, ${r.removed} removed` : "none";
    lines.push(
      `| ${escapeMarkdown(v.cluster)} | ${v.stale === 0 ? "✅ up to date" : `❌ ${v.stale} stale file(s)`} | ${cell(v.policies)} | ${cell(v.promtool)} | ${cell(v.schemas)} | ${changes} | ${r && r.risky > 0 ? `⚠️ ${r.risky}` : "0"} |`,
    );
  }
  return lines.join("\n");
}

/** The summary as blocks: the header and verdicts, then per cluster its risks, its collapsed diff and its flow graphs. */
export function summaryBlocks(reviews: readonly ClusterReview[], rows: readonly ClusterVerdicts[], header: ReviewHeader): Block[] {
  const blocks: Block[] = [
    {
      text: [
        `## Fleet review against ${escapeMarkdown(header.ref)} (\`${header.commit.slice(0, 12)}\`)`,
        "",
        ...header.notices.map((n) => `> ${escapeMarkdown(n)}\n`),
        verdictTable(rows, reviews),
        reviews.length === 0 ? "\nNo rendered object changes in any cluster." : "",
      ].join("\n"),
    },
  ];
  for (const r of reviews) {
    const risks = markdownRisks(r);
    blocks.push({ text: `### ${escapeMarkdown(r.cluster)}\n\n${risks || "No risky change."}\n` });
    const diff = `diff of ${clusterTitle(r)}`;
    for (const change of r.changes) blocks.push({ text: markdownChange(change), group: diff });
    for (const namespace of r.namespaces) {
      const graph = namespaceGraph(namespace, r.graph ?? []);
      if (graph.edges === 0) continue;
      const title = `allowed flows of namespace <code>${escapeHtml(namespace)}</code> in ${escapeHtml(r.cluster)}: ${graph.edges} flow(s)${graph.added > 0 ? `, <b>${graph.added} new</b> (thick red)` : ", none new"}`;
      const omitted = graph.omitted > 0 ? `\n\n${graph.omitted} more flow(s) left out of the graph; \`npm run diff\` lists every new one.` : "";
      blocks.push({ text: `<details><summary>${title}</summary>\n\n\`\`\`mermaid\n${graph.mermaid}\n\`\`\`${omitted}\n</details>\n` });
    }
  }
  return blocks;
}

const bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/** The job summary: one page below GitHub's 1 MiB, cut with a notice when the review is larger. */
export function jobSummary(blocks: readonly Block[], header: ReviewHeader, limit = SUMMARY_LIMIT): string {
  return pack(blocks, {
    limit,
    size: bytes,
    cut: true,
    cutNotice: (omitted) => `> [!WARNING]\n> The review is cut here: ${omitted} more section(s) would exceed the job summary's 1 MiB limit. Run \`npm run diff -- --base ${header.commit.slice(0, 12)}\` for all of it.`,
  })[0] as string;
}

/** The same review as pull-request comments, each below GitHub's 65,536 characters, marked for in-place updates. */
export function commentParts(blocks: readonly Block[], limit = COMMENT_LIMIT): string[] {
  const marker = (i: number, n: number): string => `${COMMENT_MARKER} ${i} -->\n${n > 1 ? `_Part ${i} of ${n}._\n\n` : ""}`;
  // Room for the marker and the part line; n < 1000 parts.
  const room = limit - marker(999, 999).length;
  const pages = pack(blocks, { limit: room, size: (t) => t.length, cut: false, cutNotice: () => "" });
  return pages.map((page, i) => `${marker(i + 1, pages.length)}${page}`);
}
