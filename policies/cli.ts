// `npm run policy -- <dir>... [--format text|json|github|sarif]`: runs every policy on rendered
// YAML. Exit 0 when nothing of severity Bug or higher is found, 1 when
// something is, 2 when the input cannot be read.
import { parseArgs } from "node:util";
import { POLICIES } from "./index.js";
import { formatGithub, formatJson, formatSarif, formatText } from "./lib/format.js";
import { LoadError, loadClusters } from "./lib/load.js";
import { isFailing, runPolicies } from "./lib/run.js";

const FORMATS = ["text", "json", "github", "sarif"];
const USAGE = "usage: npm run policy -- <dir>... [--format text|json|github|sarif]  (a cluster directory such as clusters/prod, or a directory of clusters such as clusters)";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: "string", default: "text" } } });
  } catch (error) {
    console.error(`ERROR - ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals.length === 0 || !FORMATS.includes(values.format as string)) {
    console.error(`ERROR - ${positionals.length === 0 ? "no directory given" : `unknown --format ${values.format}`}\n${USAGE}`);
    return 2;
  }
  try {
    const clusters = loadClusters(positionals);
    const diagnostics = await runPolicies(POLICIES, clusters);
    const formatted = {
      text: () => formatText(diagnostics, clusters.length),
      json: () => formatJson(diagnostics, clusters.length),
      github: () => formatGithub(diagnostics, clusters.length),
      sarif: () => formatSarif(diagnostics),
    }[values.format as "text" | "json" | "github" | "sarif"]();
    process.stdout.write(formatted);
    return diagnostics.some((d) => isFailing(d.severity)) ? 1 : 0;
  } catch (error) {
    if (error instanceof LoadError) {
      console.error(`ERROR - ${error.message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
