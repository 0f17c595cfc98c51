// The job summary and the pull-request comment, built from a real review of
// the committed fleet and from the real policy suite's SARIF.
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalYaml } from "../../generators/output/yaml.js";
import { readTree } from "../../generators/output/write.js";
import { CLUSTERS_DIR } from "../../test/support/committed.js";
import { POLICIES } from "../index.js";
import { formatSarif } from "../lib/format.js";
import { parseDocuments } from "../lib/load.js";
import { runPolicies } from "../lib/run.js";
import { committedCluster, injected } from "../lib/testing.js";
import { namespaceGraph } from "./mermaid.js";
import { review, type ClusterReview } from "./review.js";
import { COMMENT_MARKER, commentParts, jobSummary, sarifVerdicts, summaryBlocks, verdicts } from "./summary.js";
import type { Block } from "./pack.js";

const header = { ref: "main", commit: "0123456789abcdef0123456789abcdef01234567", notices: [] };

function balanced(text: string): void {
  expect(text.split("<details>").length, text.slice(-300)).toBe(text.split("</details>").length);
  expect((text.match(/^```/gm) ?? []).length % 2, text.slice(-300)).toBe(0);
}

let reviews: ClusterReview[];
let blocks: Block[];
beforeAll(async () => {
  const base = await readTree(CLUSTERS_DIR);
  const head = new Map(base);
  // A widened database policy in prod, and every kades Deployment of every cluster with another image.
  for (const [path, text] of base) {
    if (!/\/apps\/kades\/(deployment-.*|networkpolicy-allow-timescaledb)\.yaml$/.test(path)) continue;
    const object = structuredClone(parseDocuments(path, text)[0]?.object) as Record<string, any>;
    if (object["kind"] === "Deployment") object["spec"].template.spec.containers[0].image += "-next";
    else if (path.startsWith("prod/")) object["spec"].ingress[0].from.push({ namespaceSelector: {} });
    head.set(path, canonicalYaml(object));
  }
  reviews = review(base, head, { graph: true });
  const rows = verdicts({ clusters: ["dev", "edge", "kind", "prod", "staging"], stale: new Map([["dev", 2]]) });
  blocks = summaryBlocks(reviews, rows, header);
}, 120_000);

describe("when the policy suite's SARIF gives the verdicts", () => {
  it("should count each cluster's findings, the promtool rules in their own column", async () => {
    const broken = injected("prod", "apps/kades/deployment-kades-api.yaml", (o) => {
      delete o["spec"].template.spec.containers[0].resources.limits.memory;
      return o as never;
    });
    const sarif = formatSarif(await runPolicies(POLICIES, [broken, committedCluster("edge")]));
    const rows = verdicts({ clusters: ["edge", "prod"], stale: new Map(), policySarif: sarif });
    const prod = rows.find((r) => r.cluster === "prod");
    expect(prod?.policies?.errors).toBeGreaterThan(0);
    expect(prod?.promtool).toEqual({ errors: 0, warnings: 0 });
    expect(rows.find((r) => r.cluster === "edge")).toEqual({ cluster: "edge", stale: 0, policies: { errors: 0, warnings: 0 }, promtool: { errors: 0, warnings: 0 } });
    expect(sarifVerdicts(sarif).get("prod")?.errors).toBe(prod?.policies?.errors);
  }, 120_000);
});

describe("when the summary fits", () => {
  let summary: string;
  beforeAll(() => {
    summary = jobSummary(blocks, header);
  });

  it("should open with the verdicts of every cluster, drift included", () => {
    expect(summary).toMatch(/^## Fleet review against main \(`0123456789ab`\)\n/);
    expect(summary).toContain("| dev | ❌ 2 stale file(s) | ➖ not run | ➖ not run | ➖ not run | 0 added, 2 changed, 0 removed | ⚠️ 2 |");
    expect(summary).toContain("| edge | ✅ up to date |");
  });

  it("should put prod's widened policy first in its risks and its diff", () => {
    const prod = summary.slice(summary.indexOf("### prod"));
    expect(prod.indexOf("| reachability | changed | `NetworkPolicy kades/allow-timescaledb`")).toBeGreaterThan(0);
    expect(prod.indexOf("NetworkPolicy kades/allow-timescaledb</code>")).toBeLessThan(prod.indexOf("Deployment kades/kades-api</code>"));
    balanced(summary);
  });

  it("should draw the touched namespace's flows with the new ones marked", () => {
    expect(summary).toMatch(/allowed flows of namespace <code>kades<\/code> in prod: \d+ flow\(s\), <b>\d+ new<\/b>/);
    expect(summary).toMatch(/ ==>\|"new: TCP 5432"\| n\d+\n/);
    expect(summary).toContain("linkStyle 0 stroke:#d73a49,stroke-width:3px");
  });
});

describe("when the summary is too large", () => {
  it("should cut it below the limit with a notice, leaving every element closed", () => {
    const limit = 12_000;
    const summary = jobSummary(blocks, header, limit);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(limit);
    expect(summary).toMatch(/The review is cut here: \d+ more section\(s\) would exceed the job summary's 1 MiB limit\. Run `npm run diff -- --base 0123456789ab` for all of it\.\n$/);
    balanced(summary);
  });
});

describe("when the review is posted as comments", () => {
  it("should split it into marked parts below the limit that together hold every change", () => {
    const limit = 9_000;
    const parts = commentParts(blocks, limit);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(part.length).toBeLessThanOrEqual(limit);
      expect(part.startsWith(`${COMMENT_MARKER} ${i + 1} -->\n_Part ${i + 1} of ${parts.length}._\n`)).toBe(true);
      balanced(part);
    });
    const all = parts.join("");
    for (const change of reviews.flatMap((r) => r.changes)) expect(all).toContain(`<code>${change.title}</code> (<code>${(change.after ?? change.before)?.file}</code>)`);
  });

  it("should close a collapsed group at a part's end and open it again, continued, on the next", () => {
    const group: Block[] = Array.from({ length: 6 }, (_, i) => ({ text: `object ${i}\n${"y".repeat(900)}`, group: "diff of <b>prod</b>" }));
    const parts = commentParts([{ text: "## head" }, ...group, { text: "after" }], 2_500);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts[0]).toContain("<details><summary>diff of <b>prod</b></summary>\nobject 0");
    expect(parts[1]).toMatch(/^<!-- fleet-review part 2 -->\n_Part 2 of \d+\._\n\n<details><summary>diff of <b>prod<\/b> \(continued\)<\/summary>\nobject \d/);
    expect(parts.at(-1)).toMatch(/<\/details>\nafter\n$/);
    for (const part of parts) balanced(part);
    expect(parts.join("").match(/object \d/g)).toEqual(group.map((_, i) => `object ${i}`));
  });

  it("should keep a single part unnumbered", () => {
    const parts = commentParts(blocks);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.startsWith(`${COMMENT_MARKER} 1 -->\n## Fleet review`)).toBe(true);
  });

  it("should shorten a block that no part can hold, keeping its fence closed", () => {
    const huge: Block[] = [{ text: `\`\`\`diff\n${"+x\n".repeat(5000)}\`\`\`` }];
    const [part] = commentParts(huge, 2_000);
    expect(part?.length).toBeLessThanOrEqual(2_000);
    expect(part).toContain("(cut: this block alone exceeds the page limit)");
    balanced(part as string);
  });
});

describe("when drawing a namespace's flows", () => {
  it("should escape labels and leave out flows of other namespaces", () => {
    const flows = (reviews.find((r) => r.cluster === "prod")?.graph ?? []).filter((f) => f.from.namespace === "kades" || f.to.namespace === "kades");
    const graph = namespaceGraph("kades", flows);
    expect(graph.edges).toBe(flows.length);
    expect(namespaceGraph("no-such-namespace", flows).edges).toBe(0);
    expect(graph.mermaid).not.toMatch(/\["[^"\]]*"[^\]]*"\]/);
  });
});
