import { resourceName, sourceOf, componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import type { Compute, Side } from "../pod-resources.js";
import { formatBytes, formatCount, formatCpu, QUANTITY_FORMS, units } from "../quantity.js";
import {
  claims,
  isUnscoped,
  MEASURE_NAMES,
  quotas,
  selectsPods,
  unitOf,
  unknownScopes,
  workloads,
  type Measure,
  type Quota,
  type Workload,
} from "../worst-case.js";

const FORMAT = { cpu: formatCpu, bytes: formatBytes, count: formatCount } as const;

function format(measure: Measure, nanos: bigint): string {
  return FORMAT[unitOf(measure)](nanos);
}

/** The pod-resource side and resource of a compute measure. */
function computeOf(measure: Measure): { side: Side; r: Compute } | undefined {
  const match = /^(requests|limits)\.(cpu|memory)$/.exec(measure);
  return match ? { side: match[1] as Side, r: match[2] as Compute } : undefined;
}

interface Part {
  readonly text: string;
  readonly nanos: bigint;
}

/** What the worst case of a measure is made of, largest first. */
function demand(measure: Measure, quota: Quota, pods: readonly Workload[], cluster: ClusterTree, all: readonly Workload[]): Part[] {
  const compute = computeOf(measure);
  const parts: Part[] = [];
  if (compute || measure === "pods") {
    for (const w of pods) {
      if (w.pods === undefined || w.pods === 0) continue;
      const each = compute ? w.pod[compute.side][compute.r] : units(1);
      if (each === 0n) continue;
      const nanos = each * BigInt(w.pods);
      parts.push({ nanos, text: compute ? `${w.name} ${w.pods} × ${format(measure, each)} via ${w.why}` : `${w.name} ${w.pods} via ${w.why}` });
    }
  } else if (isUnscoped(quota) && quota.namespace !== undefined) {
    for (const c of claims(cluster, quota.namespace, all)) {
      if (c.count === undefined || c.count === 0) continue;
      const each = measure === "requests.storage" ? (c.size ?? 0n) : units(1);
      if (each === 0n) continue;
      const nanos = each * BigInt(c.count);
      parts.push({ nanos, text: c.count === 1 ? `${c.name} ${format(measure, each)}` : `${c.name} ${c.count} × ${format(measure, each)} (${c.why})` });
    }
  }
  return parts.map((p, i) => ({ p, i })).sort((a, b) => (a.p.nanos === b.p.nanos ? a.i - b.i : a.p.nanos > b.p.nanos ? -1 : 1)).map((x) => x.p);
}

const LOWER: Readonly<Record<"cpu" | "bytes" | "count", string>> = {
  cpu: "replicas, HPA maxReplicas, Job parallelism or per-container",
  bytes: "replicas, HPA maxReplicas, Job parallelism or per-container",
  count: "replicas, HPA maxReplicas or Job parallelism",
};

function lowerHint(measure: Measure): string {
  if (measure === "requests.storage") return "claim sizes or StatefulSet replicas";
  if (measure === "persistentvolumeclaims") return "claims or StatefulSet replicas";
  const compute = computeOf(measure);
  return compute ? `${LOWER[unitOf(measure)]} ${compute.side === "requests" ? "requests" : "limits"}.${compute.r}` : LOWER.count;
}

/**
 * Per namespace, the worst case (every HPA at its maximum mid-rollout, every
 * Job and CronJob running) fits each ResourceQuota for cpu and memory requests
 * and limits, pods, storage and claims; pods the quota would refuse outright
 * (a tracked resource with no value and no LimitRange default) and workloads
 * with no bound are reported too.
 */
export const quotaFitsWorstCase: Policy = {
  id: "quota-fits-worst-case",
  area: "quotas",
  severity: "Bug",
  description: "each namespace's worst case (HPA maxima plus rollout surge, Jobs and CronJobs, claims) fits its ResourceQuota",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    const all = workloads(cluster);
    const reportedUnbounded = new Set<Workload>();
    const reportedMissing = new Set<string>();
    for (const quota of quotas(cluster)) {
      const { document } = quota;
      const source = sourceOf(document);
      const unknown = unknownScopes(quota);
      if (unknown.length > 0) {
        findings.push({
          document,
          summary: "quota scope not modelled",
          path: "spec",
          problem: `uses scope(s) ${unknown.map((s) => `\`${s}\``).join(", ")}, which this check cannot match to pods, so the quota was not compared with the worst case`,
          fix: "use the scopes Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass or CrossNamespacePodAffinity, or an unscoped quota",
          severity: "Warning",
        });
        continue;
      }
      for (const measure of MEASURE_NAMES) {
        const bound = quota.bounds.get(measure);
        if (bound && bound.nanos === undefined) {
          findings.push({
            document,
            summary: "quota value is not a quantity",
            path: `spec.hard[${bound.key}]`,
            problem: `is ${JSON.stringify(bound.raw)}, not a Kubernetes quantity (${QUANTITY_FORMS})`,
            fix: `write a quantity there (rendered from ${source})`,
          });
        }
      }
      const selected = all.filter((w) => w.namespace === quota.namespace && selectsPods(quota, w));
      const tracksPods = MEASURE_NAMES.some((m) => quota.bounds.has(m) && (m === "pods" || computeOf(m)));
      for (const w of selected) {
        if (!w.unbounded || !tracksPods || reportedUnbounded.has(w)) continue;
        reportedUnbounded.add(w);
        findings.push({
          document: w.document,
          summary: "workload has no worst case",
          path: w.unbounded.path,
          problem: `${w.unbounded.problem} (${resourceName(document.object)} bounds namespace \`${quota.namespace}\`)`,
          fix: w.unbounded.fix,
        });
      }
      for (const measure of MEASURE_NAMES) {
        const compute = computeOf(measure);
        const bound = quota.bounds.get(measure);
        if (!compute || !bound) continue;
        for (const w of selected) {
          for (const c of w.pod.containers) {
            const value = c.effective[compute.side][compute.r];
            const key = `${w.document.file}#${w.document.index}:${c.path}.${compute.side}.${compute.r}`;
            if (value.origin !== "missing" || reportedMissing.has(key)) continue;
            reportedMissing.add(key);
            findings.push({
              document: w.document,
              summary: `quota rejects pods without a ${compute.r} ${compute.side === "requests" ? "request" : "limit"}`,
              path: `${c.path}.resources.${compute.side}.${compute.r}`,
              problem: `is not set and no LimitRange in namespace \`${quota.namespace}\` gives a default, so ${resourceName(document.object)} (which bounds \`${bound.key}\`) refuses every pod of ${w.name}`,
              fix: `set \`resources.${compute.side}.${compute.r}\` on container \`${c.container.name}\` in ${sourceOf(w.document)} (component ${componentOf(w.document.object)}), or give namespace \`${quota.namespace}\` a LimitRange default`,
            });
          }
        }
      }
      for (const measure of MEASURE_NAMES) {
        const bound = quota.bounds.get(measure);
        if (!bound || bound.nanos === undefined) continue;
        const parts = demand(measure, quota, selected, cluster, all);
        const total = parts.reduce((n, p) => n + p.nanos, 0n);
        if (total <= bound.nanos) continue;
        const skipped = selected.filter((w) => w.pods === undefined).map((w) => w.name);
        findings.push({
          document,
          summary: `quota is below the worst case for ${measure}`,
          path: `spec.hard[${bound.key}]`,
          problem:
            `is ${format(measure, bound.nanos)}, but the worst case needs ${measure} ${format(measure, total)} (${parts.map((p) => p.text).join("; ")})` +
            (skipped.length > 0 ? `, not counting ${skipped.join(", ")}, which have no bound` : ""),
          fix:
            source === "generators/"
              ? `raise \`spec.hard[${bound.key}]\` to at least ${format(measure, total)}, or lower ${lowerHint(measure)}`
              : `raise \`spec.hard[${bound.key}]\` to at least ${format(measure, total)} (the \`quota\` of ${source}, or, where the app sets none, the generator's worst case), or lower ${lowerHint(measure)} in ${source}`,
        });
      }
    }
    return findings;
  },
};
