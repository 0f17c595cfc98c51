// The review as text (a terminal), Markdown (a pull request) and JSON (tools).
import { CATEGORY_LABELS, type Risk } from "./risk.js";
import type { ClusterReview, ReviewedChange } from "./review.js";

export interface ReviewHeader {
  /** The ref as given (`main`, `HEAD~1`). */
  readonly ref: string;
  readonly commit: string;
  /** Things the reader should know about the comparison itself. */
  readonly notices: readonly string[];
}

function counts(c: ClusterReview): string {
  return `${c.added} added, ${c.changed} changed, ${c.removed} removed; ${c.risky} risky`;
}

function riskLine(r: Risk): string {
  return `${CATEGORY_LABELS[r.category]}: ${r.why}`;
}

function fileOf(c: ReviewedChange): string {
  return (c.after ?? c.before)?.file ?? "";
}

function headline(review: ClusterReview[], header: ReviewHeader): string {
  const changed = review.length;
  return `base ${header.ref} (${header.commit.slice(0, 12)}) -> working tree: ${changed === 0 ? "no cluster changes" : `${changed} cluster(s) change`}`;
}

export function formatText(review: ClusterReview[], header: ReviewHeader): string {
  const out: string[] = [...header.notices.map((n) => `INFO - ${n}`), headline(review, header)];
  for (const c of review) {
    out.push("", `cluster ${c.cluster}: ${counts(c)}`);
    for (const change of c.changes) {
      out.push(`  ${change.risks.length > 0 ? "RISK " : "     "}${change.action.padEnd(7)} ${change.title}`);
      for (const r of change.risks) {
        out.push(`         ${riskLine(r)}`);
        for (const d of r.details) out.push(`           ${d}`);
      }
    }
    for (const change of c.changes) {
      out.push("", `--- ${change.action} ${change.title} (${fileOf(change)})`, change.hunks.trimEnd());
    }
  }
  return out.join("\n") + "\n";
}

/** Escapes text for a Markdown table cell or inline text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, (ch) => `\\${ch}`);
}

/** A fence longer than any backtick run inside, so YAML can never close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

/** One object's hunks as a collapsed diff block. */
export function markdownChange(change: ReviewedChange): string {
  const f = fence(change.hunks);
  return [
    `<details><summary>${change.action} <code>${escapeHtml(change.title)}</code> (<code>${escapeHtml(fileOf(change))}</code>)</summary>`,
    "",
    `${f}diff`,
    change.hunks.trimEnd(),
    f,
    "</details>",
  ].join("\n");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch] as string);
}

/** The table of risky changes of one cluster; "" when none is risky. */
export function markdownRisks(c: ClusterReview): string {
  const rows = c.changes.flatMap((change) =>
    change.risks.map((r) => {
      const details = r.details.length > 0 ? `<br>${r.details.map((d) => escapeMarkdown(d)).join("<br>")}` : "";
      return `| ${CATEGORY_LABELS[r.category]} | ${change.action} | \`${change.title}\` | ${escapeMarkdown(r.why)}${details} |`;
    }),
  );
  return rows.length === 0 ? "" : ["| risk | change | object | why |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** A cluster's summary line, for the collapsed section's title. */
export function clusterTitle(c: ClusterReview): string {
  return `<b>${escapeHtml(c.cluster)}</b>: ${counts(c)}${c.risky > 0 ? " ⚠️" : ""}`;
}

export function formatMarkdown(review: ClusterReview[], header: ReviewHeader): string {
  const out: string[] = [...header.notices.map((n) => `> ${escapeMarkdown(n)}`), `**${escapeMarkdown(headline(review, header))}**`];
  for (const c of review) {
    out.push("", `### ${escapeMarkdown(c.cluster)}: ${counts(c)}`, "");
    const risks = markdownRisks(c);
    if (risks) out.push(risks, "");
    out.push(...c.changes.map(markdownChange));
  }
  return out.join("\n") + "\n";
}

export function formatJson(review: ClusterReview[], header: ReviewHeader): string {
  const clusters = review.map((c) => ({
    cluster: c.cluster,
    added: c.added,
    changed: c.changed,
    removed: c.removed,
    risky: c.risky,
    namespaces: c.namespaces,
    changes: c.changes.map((change) => ({
      action: change.action,
      kind: change.kind,
      namespace: change.namespace ?? null,
      name: change.name,
      file: fileOf(change),
      risks: change.risks,
      hunks: change.hunks,
    })),
  }));
  return JSON.stringify({ base: { ref: header.ref, commit: header.commit }, notices: header.notices, clusters }, null, 2) + "\n";
}
