// `npm run diff -- [--base REF] [--format text|markdown|json]`: renders the
// fleet at REF (default main) in a temporary worktree and at the working tree,
// and prints the object-level changes per cluster, risky changes first.
// Exit 0 with the review printed, 2 on bad arguments or a base that does not render.
import { parseArgs } from "node:util";
import { formatJson, formatMarkdown, formatText } from "./format.js";
import { exitOnRenderError, renderBoth } from "./render.js";
import { review } from "./review.js";

const USAGE = "usage: npm run diff -- [--base REF] [--format text|markdown|json]  (REF: a branch, tag or commit; default main)";
const FORMATS = { text: formatText, markdown: formatMarkdown, json: formatJson } as const;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { base: { type: "string", default: "main" }, format: { type: "string", default: "text" } } }));
  } catch (error) {
    console.error(`ERROR - ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const format = FORMATS[values.format as keyof typeof FORMATS];
  if (!Object.hasOwn(FORMATS, values.format as string) || format === undefined) {
    console.error(`ERROR - unknown --format ${values.format}\n${USAGE}`);
    return 2;
  }
  const ref = values.base as string;
  return exitOnRenderError(async () => {
    const { base, head } = await renderBoth(ref);
    process.stdout.write(format(review(base.tree, head), { ref, commit: base.commit, notices: base.notice ? [base.notice] : [] }));
    return 0;
  });
}

process.exitCode = await main(process.argv.slice(2));
