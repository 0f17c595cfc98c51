/**
 * What every drill shares: its result row, the context it runs in, sampling
 * the cluster while something happens, waiting for Argo CD to call the
 * cluster Healthy again, and the cluster autoscaler's one move the harness
 * makes for it (a node of the pool a pod is Pending for, up to the pool's
 * maximum).
 */
import type { Environment } from "../harness/run.js";
import type { KubeObject } from "../harness/kubectl.js";
import { nodeName, poolNode } from "../harness/nodes.js";
import { publishAddresses } from "../harness/published-addresses.js";
import type { Target } from "../harness/target.js";
import { waitForApplications } from "../harness/wait.js";
import { poolForPod } from "./arithmetic.js";
import { formatMargin, observe, type MarginLog, type Snapshot } from "./observe.js";

export interface DrillResult {
  readonly drill: string;
  readonly ok: boolean;
  /** Set when the drill could not apply to this cluster, with why. */
  readonly notApplicable?: string;
  /** From the fault to the cluster Healthy again (Argo CD and every workload at its count). */
  readonly secondsToRecover: number;
  /** The tightest budget or quorum seen during the drill. */
  readonly minimumReady?: string;
  readonly saw: readonly string[];
  /** One line naming the object and the reason, when the drill failed. */
  readonly reason?: string;
}

export interface DrillContext {
  readonly env: Environment;
  readonly target: Target;
  readonly log: (line: string) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const since = (t: number): number => Math.round((Date.now() - t) / 100) / 10;

/** Samples the cluster about once a second until `done` says so or `boundMs` passes; returns the last snapshot and whether it finished. */
export async function sampleUntil(
  ctx: DrillContext,
  boundMs: number,
  done: (s: Snapshot) => boolean | Promise<boolean>,
  each: (s: Snapshot) => void | Promise<void> = () => {},
): Promise<{ last: Snapshot; finished: boolean }> {
  const started = Date.now();
  for (;;) {
    const s = await observe(ctx.env.kubectl);
    await each(s);
    if (await done(s)) return { last: s, finished: true };
    if (Date.now() - started > boundMs) return { last: s, finished: false };
    await sleep(1000);
  }
}

/** Waits until Argo CD calls every Application of the target Synced and Healthy; the reason when it does not. */
export async function waitHealthy(ctx: DrillContext, boundMs = 300_000): Promise<string | undefined> {
  const names = ctx.target.applications.map((a) => a.metadata?.name ?? "");
  const result = await waitForApplications(
    ctx.env.kubectl,
    names,
    boundMs,
    () => {},
    async () => {
      await publishAddresses(ctx.env.kubectl, ctx.env.profile.ingressClass);
    },
    Date.now(),
  );
  if (result.ok) return undefined;
  if (result.blockers.length > 0) return result.blockers[0];
  const bad = result.states.filter((s) => s.sync !== "Synced" || s.health !== "Healthy");
  return `Argo CD did not return to Synced and Healthy within ${boundMs / 1000}s: ${bad.map((s) => `${s.name} ${s.sync}/${s.health}${s.healthMessage ? ` (${s.healthMessage})` : ""}`).join(", ")}`;
}

export const minimum = (log: MarginLog): string | undefined => {
  const m = log.tightest();
  return m ? formatMargin(m) : undefined;
};

/** A node of `pool` shaped like the profile's (a kwok node kept Ready by kwok), created with its status as the harness creates every node. */
export async function createNode(ctx: DrillContext, pool: string, index: number): Promise<string> {
  const spec = ctx.env.profile.nodePools.find((p) => p.name === pool);
  if (!spec) throw new Error(`no pool ${pool} in profile ${ctx.env.profile.name}`);
  const node: KubeObject = poolNode(spec, index);
  await ctx.env.kubectl.run(["create", "-f", "-"], JSON.stringify(node));
  return nodeName(spec, index);
}

/** The index in a harness node's name (`<pool>-<index>`). */
export const nodeIndex = (name: string): number => Number(/-(\d+)$/.exec(name)?.[1] ?? Number.NaN);

/**
 * The cluster autoscaler's scale-up, which cannot run here: for each pool a
 * pod is Pending for lack of room, one more node while the pool is below its
 * maximum. Returns the nodes added; `full` lists pools at their maximum that
 * still have such pods.
 */
export async function growPools(ctx: DrillContext, s: Snapshot): Promise<{ added: string[]; full: string[] }> {
  const pools = ctx.env.profile.nodePools;
  const wanting = new Set<string>();
  for (const p of s.pods) {
    if (!p.unschedulable || p.terminating || !/Insufficient (cpu|memory|pods)|Too many pods/.test(p.unschedulable)) continue;
    const pool = poolForPod(p.placement, pools);
    if (pool) wanting.add(pool.name);
  }
  const added: string[] = [];
  const full: string[] = [];
  for (const name of [...wanting].sort()) {
    const pool = pools.find((p) => p.name === name);
    if (!pool) continue;
    const nodes = s.nodes.filter((n) => n.pool === name);
    if (nodes.length >= (pool.maxCount ?? pool.count)) {
      full.push(name);
      continue;
    }
    const used = new Set(nodes.map((n) => nodeIndex(n.name)));
    let index = 0;
    while (used.has(index)) index++;
    added.push(await createNode(ctx, name, index));
  }
  return { added, full };
}

/** growPools at one sample, logging and collecting what it added. */
export async function autoscale(ctx: DrillContext, s: Snapshot, added: string[]): Promise<void> {
  for (const n of (await growPools(ctx, s)).added) {
    ctx.log(`autoscaler stand-in: added node ${n} (pods Pending for lack of room)`);
    added.push(n);
  }
}

export const addedLine = (added: readonly string[]): string[] =>
  added.length > 0 ? [`the harness added ${added.length} node(s) for the cluster autoscaler (not served here), as pods were Pending for lack of room: ${added.join(", ")}`] : [];
