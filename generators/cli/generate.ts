// `npm run generate [-- --cluster NAME ...] [--out DIR] [--runbooks DIR]`: renders
// the fleet into clusters/<cluster>/ and the alert runbooks into docs/runbooks/,
// all or nothing.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { APPS } from "../../apps/index.js";
import { CLUSTERS } from "../fleet/clusters.js";
import { generate } from "../generate.js";
import { formatIssue, SpecError } from "../spec/validate.js";

const REPO_ROOT = resolve(import.meta.dirname, "../..");

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cluster: { type: "string", multiple: true },
        out: { type: "string", default: resolve(REPO_ROOT, "clusters") },
        runbooks: { type: "string", default: resolve(REPO_ROOT, "docs/runbooks") },
      },
    }));
  } catch (error) {
    console.error(`ERROR - ${(error as Error).message}; usage: npm run generate [-- --cluster NAME ...] [--out DIR] [--runbooks DIR]`);
    return 2;
  }
  const names = values.cluster;
  const unknown = (names ?? []).filter((n) => !CLUSTERS.some((c) => c.name === n));
  if (unknown.length > 0) {
    console.error(`ERROR - unknown cluster ${unknown.join(", ")}; the fleet has: ${CLUSTERS.map((c) => c.name).join(", ")}`);
    return 2;
  }
  const clusters = names ? CLUSTERS.filter((c) => names.includes(c.name)) : CLUSTERS;
  const out = values.out as string;
  let files: readonly string[];
  try {
    files = await generate({
      clusters,
      fleet: CLUSTERS,
      apps: APPS,
      out,
      runbooksOut: values.runbooks as string,
      ...(names ? { only: names } : {}),
    });
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    for (const issue of error.issues) console.error(`ERROR - ${formatIssue(issue)}`);
    console.error(`generation failed: ${error.issues.length} problem(s); ${out} left untouched`);
    return 1;
  }
  for (const cluster of clusters) {
    const count = files.filter((p) => p.startsWith(`${cluster.name}/`)).length;
    console.log(`INFO - ${cluster.name}: ${count} files (${cluster.apps.join(", ")})`);
  }
  console.log(`INFO - wrote ${files.length} files to ${out} and the runbooks to ${values.runbooks}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
