/**
 * Drill 4, scale to the ceiling: every HPA's load raised (load.ts) until each
 * runs maxReplicas, while the harness does the cluster autoscaler's one job
 * (a node of a pool whose pods are Pending for lack of room, up to the
 * pool's maximum; its module is not served here). Passes when every HPA's
 * target runs maxReplicas ready pods, none is refused by a quota and none is
 * left Pending with every pool at its maximum: the fit the generator and the
 * capacity policy promise. The load stays on for the rollout drill, which
 * restores it.
 */
import { findBlockers } from "../harness/blockers.js";
import { addedLine, growPools, sampleUntil, since, waitHealthy, type DrillContext, type DrillResult } from "./drill.js";
import { listHpas, setLoad, type HpaView } from "./load.js";
import { observe, readyOf, type Snapshot } from "./observe.js";

/** HPAs step up by 100% or 4 pods a minute; 2 to 20 takes three steps. */
const CEILING_BOUND_MS = 480_000;

export interface Ceiling {
  readonly ok: boolean;
  readonly reason?: string;
  readonly added: readonly string[];
  readonly hpas: readonly HpaView[];
  readonly last: Snapshot;
}

const templateLabelsIn = (s: Snapshot) => (target: string) => s.workloads.find((w) => w.key === target)?.templateLabels;

/** HPAs whose target does not yet run maxReplicas ready pods. */
export function belowCeiling(s: Snapshot, hpas: readonly HpaView[]): string[] {
  return hpas.filter((h) => h.current < h.max || readyOf(s, h.target) < h.max).map((h) => `${h.key} ${readyOf(s, h.target)}/${h.max}`);
}

/** Raises the load and grows the pools until every HPA runs its maximum, or something stops it. */
export async function reachCeiling(ctx: DrillContext, boundMs = CEILING_BOUND_MS, extraDone: (s: Snapshot) => boolean = () => true): Promise<Ceiling> {
  const { kubectl } = ctx.env;
  const added: string[] = [];
  const started = Date.now();
  let hpas = await listHpas(kubectl);
  let full: { pools: string[] } | undefined;
  let refused: string | undefined;
  let polls = 0;
  let quotaPolls = 0;
  const result = await sampleUntil(
    ctx,
    boundMs,
    (s) => full !== undefined || refused !== undefined || (belowCeiling(s, hpas).length === 0 && !s.pods.some((p) => p.unschedulable) && extraDone(s)),
    async (s) => {
      hpas = await listHpas(kubectl);
      await setLoad(kubectl, hpas, templateLabelsIn(s), true);
      const grown = await growPools(ctx, s);
      for (const n of grown.added) ctx.log(`autoscaler stand-in: added node ${n} (pods Pending for lack of room)`);
      added.push(...grown.added);
      // A pool at its maximum with pods still Pending: give the scheduler a few polls, then it is final.
      if (grown.full.length > 0 && grown.added.length === 0) {
        polls++;
        if (polls >= 15) full = { pools: grown.full };
      } else polls = 0;
      if (++quotaPolls % 5 === 0) {
        refused = (await findBlockers(kubectl, started)).find((b) => /exceeded quota/.test(b));
      }
    },
  );
  const s = result.last;
  if (refused) return { ok: false, reason: refused, added, hpas, last: s };
  if (full) {
    const pending = s.pods.find((p) => p.unschedulable && /Insufficient|Too many pods/.test(p.unschedulable));
    return {
      ok: false,
      reason: `${pending?.owner ?? "a pod"}: pod ${pending?.name ?? "?"} stays Pending with pool(s) ${full.pools.join(", ")} at their autoscaler maximum: ${pending?.unschedulable ?? ""}`,
      added,
      hpas,
      last: s,
    };
  }
  if (!result.finished) return { ok: false, reason: `not at the ceiling within ${boundMs / 1000}s: ${belowCeiling(s, hpas).join(", ") || "pods still Pending"}`, added, hpas, last: s };
  return { ok: true, added, hpas, last: s };
}

export async function ceilingDrill(ctx: DrillContext): Promise<DrillResult> {
  const started = Date.now();
  const before = await observe(ctx.env.kubectl);
  const ceiling = await reachCeiling(ctx);
  const saw: string[] = [];
  const perPool = (s: Snapshot): string =>
    ctx.env.profile.nodePools.map((p) => `${p.name} ${s.nodes.filter((n) => n.pool === p.name).length}/${p.maxCount ?? p.count}`).join(", ");
  saw.push(`nodes per pool (now/maximum): ${perPool(before)} before, ${perPool(ceiling.last)} at the ceiling`);
  saw.push(...addedLine(ceiling.added));
  saw.push(`HPAs at maxReplicas: ${ceiling.hpas.length - belowCeiling(ceiling.last, ceiling.hpas).length}/${ceiling.hpas.length} (${ceiling.hpas.reduce((n, h) => n + h.max, 0)} pods)`);
  let reason = ceiling.reason;
  if (ceiling.ok) {
    const unhealthy = await waitHealthy(ctx);
    if (unhealthy) reason = unhealthy;
  }
  const lowest = ceiling.hpas
    .map((h) => ({ h, ready: readyOf(ceiling.last, h.target) }))
    .sort((a, b) => a.ready / a.h.max - b.ready / b.h.max || (a.h.key < b.h.key ? -1 : 1))[0];
  return {
    drill: "ceiling",
    ok: reason === undefined,
    notApplicable: ceiling.hpas.length === 0 ? "the cluster runs no HorizontalPodAutoscaler" : undefined,
    secondsToRecover: since(started),
    minimumReady: lowest ? `${lowest.h.target} ${lowest.ready}/${lowest.h.max} ready at maxReplicas` : undefined,
    saw,
    reason,
  };
}
