// `npm run review -- --base REF [--policy-sarif FILE] [--schema-sarif FILE] [--comment-dir DIR]`:
// the pull-request review as Markdown for the job summary (stdout), and, with
// --comment-dir, as comment parts (part-1.md, ...) for the pull request.
// Exit 0 with the review written, 2 on bad arguments or a base that does not render.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { diffTrees, readTree } from "../../generators/output/write.js";
import { exitOnRenderError, REPO_ROOT, renderBoth } from "./render.js";
import { review } from "./review.js";
import { commentParts, jobSummary, summaryBlocks, verdicts } from "./summary.js";

const USAGE = "usage: npm run review -- --base REF [--policy-sarif FILE] [--schema-sarif FILE] [--comment-dir DIR]";

function readIfThere(file: string | undefined): string | undefined {
  return file !== undefined && existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        "policy-sarif": { type: "string" },
        "schema-sarif": { type: "string" },
        "comment-dir": { type: "string" },
      },
    }));
  } catch (error) {
    console.error(`ERROR - ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.base === undefined) {
    console.error(`ERROR - --base is required\n${USAGE}`);
    return 2;
  }
  const ref = values.base;
  return exitOnRenderError(async () => {
    const { base, head } = await renderBoth(ref);
    const reviews = review(base.tree, head, { graph: true });
    const drift = diffTrees(head, await readTree(join(REPO_ROOT, "clusters")));
    const stale = new Map<string, number>();
    for (const path of [...drift.changed, ...drift.missing, ...drift.extra]) {
      const cluster = path.slice(0, path.indexOf("/"));
      stale.set(cluster, (stale.get(cluster) ?? 0) + 1);
    }
    const clusters = [...new Set([...head.keys()].map((p) => p.slice(0, p.indexOf("/"))))];
    const policySarif = readIfThere(values["policy-sarif"]);
    const schemaSarif = readIfThere(values["schema-sarif"]);
    const rows = verdicts({ clusters, stale, ...(policySarif !== undefined ? { policySarif } : {}), ...(schemaSarif !== undefined ? { schemaSarif } : {}) });
    const header = { ref, commit: base.commit, notices: base.notice ? [base.notice] : [] };
    const blocks = summaryBlocks(reviews, rows, header);
    process.stdout.write(jobSummary(blocks, header));
    const dir = values["comment-dir"];
    if (dir !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      commentParts(blocks).forEach((part, i) => writeFileSync(join(dir, `part-${i + 1}.md`), part));
    }
    return 0;
  });
}

process.exitCode = await main(process.argv.slice(2));
