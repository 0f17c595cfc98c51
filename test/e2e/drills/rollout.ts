/**
 * Drill 3, a rollout at the edge of the quota: with every HPA at its maximum
 * (ceiling.ts), every Deployment and StatefulSet restarted through a pod
 * template annotation (`kubectl rollout restart`, which Argo CD leaves alone:
 * the field is not in Git). Passes when every rollout completes, which needs
 * the quota to admit each Deployment's surge on top of its maximum, and the
 * quota then refuses the pod past its limit: probe pods copied from the
 * namespace's smallest Deployment are created until the API server says
 * "exceeded quota". The drill ends by taking the load away; the HPAs scale
 * down on their own stabilisation window.
 */
import { cpuMillis } from "../../../generators/quantity.js";
import { findBlockers } from "../harness/blockers.js";
import { KubectlError, type KubeObject } from "../harness/kubectl.js";
import { readTree } from "../harness/target.js";
import { quotaAmount, quotaShortfall, surgePods, type RollingStrategy } from "./arithmetic.js";
import { reachCeiling } from "./ceiling.js";
import { growPools, sampleUntil, since, waitHealthy, type DrillContext, type DrillResult } from "./drill.js";
import { listHpas, setLoad } from "./load.js";
import { observe } from "./observe.js";

const ROLLOUT_BOUND_MS = 420_000;
const PROBE_LABEL = "e2e.iot-fleet.io/quota-probe";
/** A guide's quota can leave more room than the worst case; probing stops here and says so. */
const MAX_PROBES = 40;

interface WorkloadStatus {
  kind: string;
  metadata: { name: string; namespace: string; generation?: number; labels?: Record<string, string> };
  spec: { replicas?: number; strategy?: RollingStrategy; template: { spec: Record<string, any> } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

const managed = (w: WorkloadStatus): boolean => w.metadata.labels?.["app.kubernetes.io/managed-by"] === "iot-fleet-generators";

/** Rollouts not finished, as `kubectl rollout status` judges them. */
export function unfinished(workloads: readonly WorkloadStatus[]): string[] {
  return workloads
    .filter((w) => {
      const st = w.status ?? {};
      const want = w.spec.replicas ?? 1;
      if ((st.observedGeneration ?? 0) < (w.metadata.generation ?? 0)) return true;
      if (w.kind === "StatefulSet") return st.updateRevision !== st.currentRevision || (st.readyReplicas ?? 0) < want || (st.updatedReplicas ?? 0) < want;
      return (st.updatedReplicas ?? 0) < want || (st.replicas ?? 0) > want || (st.availableReplicas ?? 0) < want;
    })
    .map((w) => `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`);
}

async function workloads(ctx: DrillContext): Promise<WorkloadStatus[]> {
  const list = await ctx.env.kubectl.getJson<{ items: WorkloadStatus[] }>(["deployments.apps,statefulsets.apps", "--all-namespaces"]);
  return list.items.filter(managed);
}

const cpuOf = (spec: Record<string, any>): number =>
  ((spec["containers"] ?? []) as { resources?: { requests?: { cpu?: string } } }[]).reduce((n, c) => n + cpuMillis(c.resources?.requests?.cpu ?? "0"), 0);

type Quota = { metadata: { name: string; namespace: string }; status?: { hard?: Record<string, string>; used?: Record<string, string> } };

/** What one pod of a template asks of a quota, per quota resource. */
function podAmounts(spec: Record<string, any>): Record<string, number> {
  const out: Record<string, number> = { pods: 1 };
  for (const c of (spec["containers"] ?? []) as { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[]) {
    for (const kind of ["requests", "limits"] as const) {
      for (const [r, v] of Object.entries(c.resources?.[kind] ?? {})) out[`${kind}.${r}`] = (out[`${kind}.${r}`] ?? 0) + quotaAmount(r, v);
    }
  }
  return out;
}

/**
 * Whether each namespace's quota, as the real quota controller counts it at
 * the ceiling, has room for every Deployment's surge at once (what a
 * restart of all of them asks for); one line per quota that has not.
 */
async function surgeShortfalls(ctx: DrillContext, all: readonly WorkloadStatus[]): Promise<string[]> {
  const out: string[] = [];
  for (const quota of await ctx.env.kubectl.list<Quota>("resourcequotas")) {
    const deployments = all.filter((w) => w.kind === "Deployment" && w.metadata.namespace === quota.metadata.namespace);
    const needed: Record<string, number> = {};
    for (const d of deployments) {
      const surge = surgePods(d.spec.strategy, d.spec.replicas ?? 1);
      for (const [r, n] of Object.entries(podAmounts(d.spec.template.spec))) needed[r] = (needed[r] ?? 0) + surge * n;
    }
    const short = quotaShortfall(quota.status?.hard ?? {}, quota.status?.used ?? {}, needed);
    if (short.length > 0) {
      out.push(
        `ResourceQuota/${quota.metadata.namespace}/${quota.metadata.name} cannot admit the rollout's surge at maxReplicas ` +
          `(${deployments.map((d) => `${d.metadata.name} +${surgePods(d.spec.strategy, d.spec.replicas ?? 1)}`).join(", ")}): ${short.join("; ")}`,
      );
    }
  }
  return out;
}

/** Creates probe pods until the quota refuses one; what it saw, or why it failed. */
async function probeQuota(ctx: DrillContext, namespace: string, deployments: readonly WorkloadStatus[]): Promise<{ line: string; failure?: string }> {
  const { kubectl } = ctx.env;
  const quota = (await kubectl.list<{ metadata: { name: string }; status?: { hard?: Record<string, string>; used?: Record<string, string> } }>("resourcequotas", namespace))[0];
  if (!quota) return { line: `${namespace}: no ResourceQuota` };
  const room = Number(quota.status?.hard?.["pods"] ?? "0") - Number(quota.status?.used?.["pods"] ?? "0");
  const surge = deployments.reduce((n, d) => n + surgePods(d.spec.strategy, d.spec.replicas ?? 1), 0);
  const template = [...deployments]
    .filter((d) => !((d.spec.template.spec["volumes"] ?? []) as { persistentVolumeClaim?: unknown }[]).some((v) => v.persistentVolumeClaim))
    .sort((a, b) => cpuOf(a.spec.template.spec) - cpuOf(b.spec.template.spec) || (a.metadata.name < b.metadata.name ? -1 : 1))[0];
  if (!template) return { line: `${namespace}: room for ${room} pods at the ceiling (surge ${surge}); no Deployment without a claim to copy a probe from` };
  if (room + 1 > MAX_PROBES) return { line: `${namespace}: room for ${room} more pods at the ceiling, beyond the worst case's surge of ${surge} (the guide's quota); not probed past ${MAX_PROBES}` };
  const probe = (i: number): KubeObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `quota-probe-${i}`, namespace, labels: { [PROBE_LABEL]: "true" } },
    spec: { ...template.spec.template.spec, nodeName: undefined },
  });
  let created = 0;
  let refusal: string | undefined;
  try {
    for (let i = 0; i <= room; i++) {
      try {
        await kubectl.run(["create", "-f", "-"], JSON.stringify(probe(i)));
        created++;
      } catch (error) {
        const stderr = error instanceof KubectlError ? error.stderr : String(error);
        refusal = /exceeded quota/.test(stderr) ? stderr.trim().replace(/^.*is forbidden: /, "") : undefined;
        if (!refusal) return { line: `${namespace}: probe refused for another reason`, failure: `Pod/${namespace}/quota-probe-${i}: ${stderr.trim()}` };
        break;
      }
    }
  } finally {
    await kubectl.run(["delete", "pods", "-n", namespace, "-l", `${PROBE_LABEL}=true`, "--grace-period=0", "--force", "--wait=false"]).catch(() => "");
  }
  if (!refusal) return { line: `${namespace}: ${created} probes admitted`, failure: `ResourceQuota/${namespace}/${quota.metadata.name}: admitted ${created} pods past the ${room} its status said were left` };
  return { line: `${namespace}: quota ${quota.metadata.name} admitted the surge of ${surge}, had room for ${created} probe(s) at the ceiling, refused the next: ${refusal.split("\n")[0]}` };
}

export async function rolloutDrill(ctx: DrillContext): Promise<DrillResult> {
  const { kubectl } = ctx.env;
  const started = Date.now();
  const saw: string[] = [];
  let reason: string | undefined;
  const ceiling = await reachCeiling(ctx);
  const hpas = ceiling.hpas;
  try {
    if (!ceiling.ok) return { drill: "rollout", ok: false, secondsToRecover: since(started), saw, reason: `HPAs not at their maximum before the rollout: ${ceiling.reason}` };
    const namespaces = [...new Set(readTree(ctx.target.dir).filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet").map((o) => o.metadata?.namespace ?? ""))].sort();
    // The quota's room at the ceiling, as the real quota controller counts it, against every surge at once.
    const short = await surgeShortfalls(ctx, await workloads(ctx));
    if (short.length > 0) reason = short[0];
    const restartAt = Date.now();
    for (const ns of namespaces) await kubectl.run(["rollout", "restart", "deployment,statefulset", "-n", ns, "-l", "app.kubernetes.io/managed-by=iot-fleet-generators"]);
    ctx.log(`rollout: restarted every Deployment and StatefulSet in ${namespaces.join(", ")}`);
    let left: string[] = [];
    const done = await sampleUntil(
      ctx,
      ROLLOUT_BOUND_MS,
      async () => (left = unfinished(await workloads(ctx))).length === 0,
      async (s) => {
        const current = await listHpas(kubectl);
        await setLoad(kubectl, current, (t) => s.workloads.find((w) => w.key === t)?.templateLabels, true);
        for (const n of (await growPools(ctx, s)).added) ctx.log(`autoscaler stand-in: added node ${n}`);
      },
    );
    if (!done.finished) reason ??= `rollouts not finished within ${ROLLOUT_BOUND_MS / 1000}s: ${left.join(", ")}`;
    else saw.push(`every rollout finished ${since(restartAt)}s after the restart with ${hpas.length} HPAs at maxReplicas`);
    // A terminating pod still counts against its quota and the Deployment controller does not wait for it, so a
    // pod may be refused for a moment and retried; the room check above is what the quota owes. Seen, not failed.
    const transient = (await findBlockers(kubectl, restartAt)).filter((b) => /exceeded quota/.test(b));
    if (transient.length > 0) saw.push(`refused for a moment and retried (terminating pods still count against a quota) (${transient.length}): ${transient.map((t) => t.split(":")[0]).join(", ")}`);
    if (!reason) {
      const all = await workloads(ctx);
      for (const ns of namespaces) {
        const probe = await probeQuota(ctx, ns, all.filter((w) => w.kind === "Deployment" && w.metadata.namespace === ns));
        saw.push(probe.line);
        reason ??= probe.failure;
      }
    }
  } finally {
    const s = await observe(kubectl);
    await setLoad(kubectl, await listHpas(kubectl), (t) => s.workloads.find((w) => w.key === t)?.templateLabels, false);
    saw.push("load restored to the defaults; the HPAs scale down after their stabilisation window");
  }
  const unhealthy = await waitHealthy(ctx);
  if (unhealthy) reason ??= unhealthy;
  return {
    drill: "rollout",
    ok: reason === undefined,
    secondsToRecover: since(started),
    saw,
    reason,
  };
}
