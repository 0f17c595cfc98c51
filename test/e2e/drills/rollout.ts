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
import { surgePods, type RollingStrategy } from "./arithmetic.js";
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
    const restartAt = Date.now();
    for (const ns of namespaces) await kubectl.run(["rollout", "restart", "deployment,statefulset", "-n", ns, "-l", "app.kubernetes.io/managed-by=iot-fleet-generators"]);
    ctx.log(`rollout: restarted every Deployment and StatefulSet in ${namespaces.join(", ")}`);
    let refused: string | undefined;
    let polls = 0;
    let left: string[] = [];
    const done = await sampleUntil(
      ctx,
      ROLLOUT_BOUND_MS,
      async () => refused !== undefined || (left = unfinished(await workloads(ctx))).length === 0,
      async (s) => {
        const current = await listHpas(kubectl);
        await setLoad(kubectl, current, (t) => s.workloads.find((w) => w.key === t)?.templateLabels, true);
        for (const n of (await growPools(ctx, s)).added) ctx.log(`autoscaler stand-in: added node ${n}`);
        if (++polls % 5 === 0) refused = (await findBlockers(kubectl)).find((b) => /exceeded quota/.test(b));
      },
    );
    if (refused) reason = `the rollout at maxReplicas cannot finish: ${refused}`;
    else if (!done.finished) reason = `rollouts not finished within ${ROLLOUT_BOUND_MS / 1000}s: ${left.join(", ")}`;
    else saw.push(`every rollout finished ${since(restartAt)}s after the restart with ${hpas.length} HPAs at maxReplicas`);
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
