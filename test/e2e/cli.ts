// `npm run e2e -- [--cluster NAME ...] [DIR ...] [--drills] [--keep] [--format json] [--timeout SECONDS] [--jobs N]`:
// runs each cluster (the committed clusters/<name>, or a rendered copy given
// as DIR) on a real control plane with a real Argo CD and waits until every
// Application is Synced and Healthy, N clusters at a time (2 by default: while
// one waits on its controllers, the cores serve another); with --drills, then
// runs the fault drills (test/e2e/drills/) on it. Exit 0 when all are healthy
// (and pass), 1 when not, 2 on bad arguments or input.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import { formatJson, formatText } from "./harness/report.js";
import { runPooled } from "./harness/pool.js";
import { runCluster, type ClusterReport } from "./harness/run.js";
import { loadTarget, TargetError, type Target } from "./harness/target.js";
import { REPO_ROOT } from "../schema/cache.js";

const USAGE = "usage: npm run e2e -- [--cluster NAME ...] [DIR ...] [--drills] [--keep] [--format text|json] [--timeout SECONDS] [--jobs N]";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cluster: { type: "string", multiple: true, default: [] },
        keep: { type: "boolean", default: false },
        drills: { type: "boolean", default: false },
        format: { type: "string", default: "text" },
        timeout: { type: "string", default: "300" },
        jobs: { type: "string", default: "2" },
      },
    });
  } catch (error) {
    console.error(`ERROR - ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const timeout = Number(values.timeout);
  const jobs = Number(values.jobs);
  const unknown = (values.cluster ?? []).filter((c) => !CLUSTERS.some((p) => p.name === c));
  if (values.format !== "text" && values.format !== "json") {
    console.error(`ERROR - unknown --format ${values.format}\n${USAGE}`);
    return 2;
  }
  if (!Number.isFinite(timeout) || timeout <= 0) {
    console.error(`ERROR - --timeout ${values.timeout} is not a positive number of seconds\n${USAGE}`);
    return 2;
  }
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`ERROR - --jobs ${values.jobs} is not a whole number of clusters to run at once (1 or more)\n${USAGE}`);
    return 2;
  }
  if (unknown.length > 0) {
    console.error(`ERROR - unknown cluster ${unknown.join(", ")}; known: ${CLUSTERS.map((c) => c.name).join(", ")}\n${USAGE}`);
    return 2;
  }
  const dirs = [...(values.cluster ?? []).map((c) => join(REPO_ROOT, "clusters", c)), ...positionals];
  if (dirs.length === 0) dirs.push(...CLUSTERS.map((c) => join(REPO_ROOT, "clusters", c.name)));
  let targets: Target[];
  try {
    targets = dirs.map(loadTarget);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    console.error(`ERROR - ${error.message}`);
    return 2;
  }
  const json = values.format === "json";
  const log = (line: string): void => {
    (json ? process.stderr : process.stdout).write(`INFO - ${line}\n`);
  };
  const reports: ClusterReport[] = await runPooled(targets, jobs, (t) => t.profile.name, (target) =>
    runCluster(target, { keep: values.keep, drills: values.drills, timeoutMs: timeout * 1000, log }),
  );
  process.stdout.write(json ? formatJson(reports) : formatText(reports));
  return reports.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
