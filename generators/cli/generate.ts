// `npm run generate [-- --cluster NAME ...] [--out DIR]`: renders the fleet into
// clusters/<cluster>/, all or nothing.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { APPS } from "../../apps/index.js";
import { CLUSTERS } from "../fleet/clusters.js";
import { writeTree } from "../output/write.js";
import { renderFleet } from "../render/fleet.js";
import { formatIssue, SpecError } from "../spec/validate.js";

const REPO_ROOT = resolve(import.meta.dirname, "../..");

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      cluster: { type: "string", multiple: true },
      out: { type: "string", default: resolve(REPO_ROOT, "clusters") },
    },
  });
  const names = values.cluster;
  const unknown = (names ?? []).filter((n) => !CLUSTERS.some((c) => c.name === n));
  if (unknown.length > 0) {
    console.error(`ERROR - unknown cluster ${unknown.join(", ")}; the fleet has: ${CLUSTERS.map((c) => c.name).join(", ")}`);
    return 2;
  }
  const clusters = names ? CLUSTERS.filter((c) => names.includes(c.name)) : CLUSTERS;
  let tree;
  try {
    tree = renderFleet(clusters, APPS);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    for (const issue of error.issues) console.error(`ERROR - ${formatIssue(issue)}`);
    console.error(`generation failed: ${error.issues.length} problem(s); ${values.out} left untouched`);
    return 1;
  }
  await writeTree(values.out as string, tree, names);
  for (const cluster of clusters) {
    const count = [...tree.keys()].filter((p) => p.startsWith(`${cluster.name}/`)).length;
    console.log(`INFO - ${cluster.name}: ${count} files (${cluster.apps.join(", ")})`);
  }
  console.log(`INFO - wrote ${tree.size} files to ${values.out}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
