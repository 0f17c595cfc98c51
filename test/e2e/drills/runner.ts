/**
 * Runs the drills in order on a cluster that is Synced and Healthy, one row
 * each. The order is chosen so each starts from what the last left: the
 * ceiling leaves the HPAs at their maximum for the rollout, which takes the
 * load away again. A drill that throws is a failed row, and the rest still run.
 */
import type { Environment } from "../harness/run.js";
import type { Target } from "../harness/target.js";
import { ceilingDrill } from "./ceiling.js";
import { since, type DrillContext, type DrillResult } from "./drill.js";
import { drainDrill } from "./drain.js";
import { gitTruthDrill } from "./git-truth.js";
import { nodeLossDrill } from "./node-loss.js";
import { rolloutDrill } from "./rollout.js";

export const DRILLS = {
  drain: drainDrill,
  "node-loss": nodeLossDrill,
  ceiling: ceilingDrill,
  rollout: rolloutDrill,
  "git-truth": gitTruthDrill,
} as const satisfies Record<string, (ctx: DrillContext) => Promise<DrillResult>>;

export type DrillName = keyof typeof DRILLS;
export const DRILL_NAMES = Object.keys(DRILLS) as DrillName[];

export async function runDrills(env: Environment, target: Target, log: (line: string) => void, only: readonly DrillName[] = DRILL_NAMES): Promise<DrillResult[]> {
  const ctx: DrillContext = { env, target, log: (l) => log(`${env.profile.name}: ${l}`) };
  const rows: DrillResult[] = [];
  for (const name of DRILL_NAMES.filter((n) => only.includes(n))) {
    const started = Date.now();
    ctx.log(`drill ${name}: starting`);
    let row: DrillResult;
    try {
      row = await DRILLS[name](ctx);
    } catch (error) {
      row = { drill: name, ok: false, secondsToRecover: since(started), saw: [], reason: `the drill stopped: ${(error as Error).message.split("\n")[0]}` };
    }
    ctx.log(`drill ${name}: ${row.ok ? "PASS" : "FAIL"} in ${row.secondsToRecover}s`);
    rows.push(row);
  }
  return rows;
}

/** One line per drill, then what it saw, indented as the cluster report is. */
export function formatDrills(cluster: string, rows: readonly DrillResult[]): string {
  const out: string[] = [`  drills:`];
  for (const r of rows) {
    const head = r.notApplicable ? "N/A " : r.ok ? "PASS" : "FAIL";
    out.push(
      `  ${head} ${cluster}/${r.drill}: recovered in ${r.secondsToRecover}s` +
        `${r.minimumReady ? `; minimum ready ${r.minimumReady}` : ""}${r.notApplicable ? `; not applicable: ${r.notApplicable}` : ""}${r.reason ? `: ${r.reason}` : ""}`,
    );
    for (const s of r.saw) out.push(`      ${s}`);
  }
  return `${out.join("\n")}\n`;
}
