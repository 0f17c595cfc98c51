/**
 * Drill 1, drain: one node of each pool cordoned and drained through the
 * eviction API by the project's kubectl (`kubectl drain`, which retries an
 * eviction a PodDisruptionBudget refuses), while the drill samples every
 * budget's ready pods. Passes when each drain finishes within its bound, no
 * budget dropped below what it keeps, the evicted pods run again on the rest
 * of the pool (or, for a pod bound to the drained node by a node-local volume
 * or a hard spread, once the node is back), and Argo CD is Healthy after the
 * node is uncordoned.
 */
import { KubectlError } from "../harness/kubectl.js";
import { chooseNode } from "./arithmetic.js";
import { addedLine, autoscale, minimum, sampleUntil, since, waitHealthy, type DrillContext, type DrillResult } from "./drill.js";
import { budgetMargins, MarginLog, matches, observe, shortOf, type Snapshot } from "./observe.js";

/**
 * How long one node's drain may take while it progresses: every eviction a
 * budget defers is retried every 5 s, and each waits for the replacement of
 * the last to be ready, which with three clusters on two cores took over a
 * minute for a node of eleven pods (1.5-9 s on a quiet machine).
 */
export const DRAIN_BOUND_S = 180;
/**
 * A budget that allows no disruption while every pod it expects is healthy
 * can never let the drain finish (no replacement is coming to make room):
 * once it has stood that way this long, the drain is stopped and failed.
 */
export const BLOCKED_FOR_MS = 20_000;
/** How long the evicted pods may take to run again elsewhere. */
const RESCHEDULE_BOUND_MS = 120_000;

/** Scheduler reasons that tie a pod to the node it came from, not to a lack of room. */
const TIED_TO_NODE = /volume node affinity conflict|didn't match PersistentVolume's node affinity|didn't match pod topology spread constraints/;

export function nodeLoads(s: Snapshot): { node: string; pool: string; pods: number; members: number }[] {
  const quorums = new Set(s.workloads.filter((w) => w.kind === "StatefulSet" && w.replicas >= 2).map((w) => w.key));
  return s.nodes.map((n) => {
    const pods = s.pods.filter((p) => p.node === n.name && !p.terminating && /^(Deployment|StatefulSet)\//.test(p.owner));
    return { node: n.name, pool: n.pool, pods: pods.length, members: pods.filter((p) => quorums.has(p.owner)).length };
  });
}

/** The refusals kubectl drain printed, one per pod, without the retry noise. */
function evictionErrors(stderr: string): string[] {
  const lines = stderr.split("\n").filter((l) => /error when evicting/.test(l));
  return [...new Set(lines.map((l) => l.replace(/ \(will retry after \d+s\)/, "").replace(/^.*error when evicting /, "").trim()))];
}

export async function drainDrill(ctx: DrillContext): Promise<DrillResult> {
  const { kubectl, profile } = ctx.env;
  const started = Date.now();
  const saw: string[] = [];
  const margins = new MarginLog();
  const notApplicable: string[] = [];
  let reason: string | undefined;
  const before = await observe(kubectl);
  const nodes: string[] = [];
  const added: string[] = [];
  // What a real cluster does with pods a drain leaves Pending for lack of room: its autoscaler adds a node.
  const watch = async (s: Snapshot): Promise<void> => {
    margins.add(budgetMargins(s));
    await autoscale(ctx, s, added);
  };
  for (const pool of profile.nodePools) {
    const choice = chooseNode(pool.name, nodeLoads(before));
    if ("notApplicable" in choice) {
      notApplicable.push(choice.notApplicable);
      saw.push(`not drained: ${choice.notApplicable}`);
    } else nodes.push(choice.node);
  }
  // One node of each pool at once: the pools do not share pods (taints and selectors), and it halves the wait.
  const outcome = new Map<string, string>();
  const stops = new Map(nodes.map((n) => [n, new AbortController()]));
  const blocked = new BlockedBudgets();
  const drains = nodes.map((node) => {
    const evicted = before.pods.filter((p) => p.node === node && /^(Deployment|StatefulSet)\//.test(p.owner)).length;
    ctx.log(`drain: draining ${node} (${evicted} pods)`);
    const drainStart = Date.now();
    return kubectl.run(["drain", node, "--ignore-daemonsets", "--delete-emptydir-data", `--timeout=${DRAIN_BOUND_S}s`], undefined, (DRAIN_BOUND_S + 30) * 1000, stops.get(node)?.signal).then(
      () => outcome.set(node, `${node}: drained ${evicted} pods in ${since(drainStart)}s`),
      async (error: unknown) => {
        const stuck = blocked.verdict(node);
        if (stuck) {
          const line = `the drain of ${node} cannot finish: ${stuck}`;
          reason ??= line;
          outcome.set(node, line);
          return;
        }
        const stderr = error instanceof KubectlError ? error.stderr : String(error);
        const refused = evictionErrors(stderr);
        const line = `the drain of ${node} did not finish within ${DRAIN_BOUND_S}s: ${refused[0] ?? stderr.trim().split("\n").pop()}${await budgetsAllowingNone(ctx, refused)}`;
        reason ??= line;
        outcome.set(node, line);
      },
    );
  });
  await sampleUntil(
    ctx,
    (DRAIN_BOUND_S + 40) * 1000,
    () => outcome.size === nodes.length,
    async (s) => {
      await watch(s);
      blocked.add(s, await budgetStatuses(ctx), nodes.filter((n) => !outcome.has(n)));
      for (const n of nodes) if (!outcome.has(n) && blocked.verdict(n)) stops.get(n)?.abort();
    },
  );
  await Promise.all(drains);
  saw.push(...nodes.map((n) => outcome.get(n) ?? ""));
  if (reason === undefined && nodes.length > 0) {
    // The evicted pods run again on the rest of the cluster, or wait for their node when bound to it.
    const settled = await sampleUntil(
      ctx,
      RESCHEDULE_BOUND_MS,
      (s) => shortOf(s).length === 0 || (s.pods.every((p) => !p.unschedulable || TIED_TO_NODE.test(p.unschedulable)) && settledExceptTied(s)),
      watch,
    );
    const tied = settled.last.pods.filter((p) => p.unschedulable && TIED_TO_NODE.test(p.unschedulable));
    const stuck = settled.last.pods.filter((p) => p.unschedulable && !TIED_TO_NODE.test(p.unschedulable));
    if (tied.length > 0) saw.push(`${tied.length} pod(s) wait for their drained node (node-local volume or hard spread): ${tied.map((p) => p.owner).join(", ")}`);
    else saw.push(`every evicted pod ran again on the rest of the cluster ${since(started)}s after the drain began`);
    if (stuck.length > 0) reason ??= `${stuck[0]?.owner}: pod ${stuck[0]?.name} evicted from ${nodes.join(", ")} cannot be scheduled on the rest of the cluster: ${stuck[0]?.unschedulable}`;
    else if (!settled.finished) reason ??= `evicted pods did not run again within ${RESCHEDULE_BOUND_MS / 1000}s: ${shortOf(settled.last).join(", ")}`;
  }
  for (const node of nodes) await kubectl.run(["uncordon", node]);
  const back = await sampleUntil(ctx, RESCHEDULE_BOUND_MS, (s) => shortOf(s).length === 0, watch);
  if (!back.finished) reason ??= `after ${nodes.join(", ")} were uncordoned, still short: ${shortOf(back.last).join(", ")}`;
  saw.push(...addedLine(added));
  const unhealthy = await waitHealthy(ctx);
  if (unhealthy) reason ??= unhealthy;
  for (const b of margins.breaches()) reason ??= `${b.subject} fell to ${b.ready} ready of ${b.of}, below the ${b.needs} it keeps`;
  const minimumReady = minimum(margins);
  if (minimumReady) saw.push(`tightest budget: ${minimumReady}`);
  const all = notApplicable.length === profile.nodePools.length;
  return {
    drill: "drain",
    ok: reason === undefined,
    notApplicable: all ? notApplicable.join("; ") : undefined,
    secondsToRecover: since(started),
    minimumReady,
    saw,
    reason,
  };
}

export interface BudgetStatus {
  metadata: { name: string; namespace: string };
  spec: { selector?: { matchLabels?: Record<string, string> } };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number; disruptedPods?: Record<string, string> };
}

const budgetStatuses = (ctx: DrillContext): Promise<BudgetStatus[]> => ctx.env.kubectl.list<BudgetStatus>("poddisruptionbudgets.policy");

/** The budget's own status as the disruption controller wrote it. */
export const budgetLine = (b: BudgetStatus): string => {
  const st = b.status ?? {};
  return `PodDisruptionBudget/${b.metadata.namespace}/${b.metadata.name} allows ${st.disruptionsAllowed ?? 0} disruption(s) with ${st.currentHealthy ?? 0} of its ${st.expectedPods ?? 0} pods healthy (keeps ${st.desiredHealthy ?? 0})`;
};

/**
 * A budget that stops a drain for good, not for a moment: it allows no
 * disruption though every pod it expects is healthy and none is held as
 * disrupted, so no replacement becoming ready will ever make room.
 */
export function blocksForGood(b: BudgetStatus): boolean {
  const st = b.status ?? {};
  return (st.expectedPods ?? 0) > 0 && (st.disruptionsAllowed ?? 0) === 0 && (st.currentHealthy ?? 0) >= (st.expectedPods ?? 0) && Object.keys(st.disruptedPods ?? {}).length === 0;
}

/** Per drained node, the budgets that have blocked one of its pods for good, and since when. */
export class BlockedBudgets {
  private readonly blockedSince = new Map<string, { at: number; line: string }>();

  add(s: Snapshot, budgets: readonly BudgetStatus[], draining: readonly string[], now = Date.now()): void {
    const seen = new Set<string>();
    for (const node of draining) {
      for (const pod of s.pods.filter((p) => p.node === node && !p.terminating && /^(Deployment|StatefulSet)\//.test(p.owner))) {
        for (const b of budgets.filter((x) => x.metadata.namespace === pod.namespace && matches(x.spec.selector?.matchLabels ?? {}, pod.labels) && blocksForGood(x))) {
          const key = `${node} ${b.metadata.namespace}/${b.metadata.name}`;
          seen.add(key);
          if (!this.blockedSince.has(key)) this.blockedSince.set(key, { at: now, line: `${budgetLine(b)}: pod ${pod.name} cannot be evicted` });
        }
      }
    }
    for (const key of [...this.blockedSince.keys()]) if (!seen.has(key)) this.blockedSince.delete(key);
  }

  /** Why `node`'s drain cannot finish, once a budget has blocked it for BLOCKED_FOR_MS. */
  verdict(node: string, now = Date.now()): string | undefined {
    for (const [key, v] of this.blockedSince) if (key.startsWith(`${node} `) && now - v.at >= BLOCKED_FOR_MS) return `${v.line} (for ${Math.round((now - v.at) / 1000)}s)`;
    return undefined;
  }
}

/** When a drain ran out of time: the budgets of the refused pods' namespaces that allowed none, in their own words. */
async function budgetsAllowingNone(ctx: DrillContext, refused: readonly string[]): Promise<string> {
  const namespaces = new Set(refused.flatMap((r) => /-n "([^"]+)"/.exec(r)?.[1] ?? []));
  const budgets = (await budgetStatuses(ctx).catch(() => [])).filter((b) => namespaces.has(b.metadata.namespace) && (b.status?.disruptionsAllowed ?? 0) === 0);
  return budgets.length > 0 ? ` (${budgets.map(budgetLine).join("; ")})` : "";
}

/** Everything at its count except the pods that wait for the drained node. */
function settledExceptTied(s: Snapshot): boolean {
  const waiting = new Set(s.pods.filter((p) => p.unschedulable && TIED_TO_NODE.test(p.unschedulable)).map((p) => p.owner));
  return s.workloads.every((w) => waiting.has(w.key) || !shortOf(s).some((line) => line.startsWith(`${w.key} `)));
}
