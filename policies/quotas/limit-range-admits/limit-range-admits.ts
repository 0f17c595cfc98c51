import { componentOf, resourceName, sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { COMPUTE, limitRangesIn, type Compute, type EffectiveValue, type Side } from "../pod-resources.js";
import { formatBytes, formatCpu, parseQuantity } from "../quantity.js";
import { claims, workloads } from "../worst-case.js";

type Bounds = Partial<Record<"min" | "max" | "maxLimitRequestRatio", Record<string, unknown>>>;

interface Item extends Bounds {
  type?: string;
}

const FORMAT: Readonly<Record<string, (n: bigint) => string>> = { cpu: formatCpu, memory: formatBytes, storage: formatBytes };
const NANO = 1_000_000_000n;

function parsed(value: unknown): bigint | undefined {
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

function ratioText(limit: bigint, request: bigint): string {
  const milli = (limit * 1000n) / request;
  return `${milli / 1000n}.${String(milli % 1000n).padStart(3, "0")}`.replace(/\.?0+$/, "");
}

/** One LimitRange item's bound on one resource, as the admission plugin checks it. */
interface Rule {
  readonly range: RenderedDocument;
  readonly index: number;
  readonly bound: "min" | "max" | "maxLimitRequestRatio";
  readonly resource: string;
  readonly nanos: bigint;
}

function rulesOf(range: RenderedDocument, type: string, resources: readonly string[]): Rule[] {
  const items = ((range.object as unknown as { spec?: { limits?: Item[] } }).spec?.limits ?? []) as Item[];
  return items.flatMap((item, index) =>
    item.type !== type
      ? []
      : (["min", "max", "maxLimitRequestRatio"] as const).flatMap((bound) =>
          Object.entries(item[bound] ?? {})
            .filter(([resource]) => resources.includes(resource))
            .flatMap(([resource, raw]) => {
              const nanos = parsed(raw);
              return nanos === undefined ? [] : [{ range, index, bound, resource, nanos }];
            }),
        ),
  );
}

function rulePath(rule: Rule): string {
  return `spec.limits[${rule.index}].${rule.bound}.${rule.resource}`;
}

/** What the admission plugin refuses for one request/limit pair under one rule, or undefined. */
function violation(rule: Rule, request: EffectiveValue | undefined, limit: EffectiveValue | undefined): { side: Side; problem: string } | undefined {
  const format = FORMAT[rule.resource] ?? formatBytes;
  const named = `${resourceName(rule.range.object)} \`${rulePath(rule)}\``;
  const present = (v: EffectiveValue | undefined): v is EffectiveValue => v !== undefined && v.origin !== "missing" && v.origin !== "invalid";
  const shown = (v: EffectiveValue): string => `${format(v.nanos)}${v.origin === "default" ? " (a LimitRange default)" : v.origin === "limit" ? " (taken from the limit)" : ""}`;
  if (rule.bound === "min") {
    if (!present(request)) return { side: "requests", problem: `is not set, and ${named} requires a request of at least ${format(rule.nanos)}` };
    if (request.nanos < rule.nanos) return { side: "requests", problem: `is ${shown(request)}, below the minimum ${format(rule.nanos)} of ${named}` };
    if (present(limit) && limit.nanos < rule.nanos) return { side: "limits", problem: `is ${shown(limit)}, below the minimum ${format(rule.nanos)} of ${named}` };
    return undefined;
  }
  if (rule.bound === "max") {
    if (!present(limit)) return { side: "limits", problem: `is not set, and ${named} requires a limit of at most ${format(rule.nanos)}` };
    if (limit.nanos > rule.nanos) return { side: "limits", problem: `is ${shown(limit)}, above the maximum ${format(rule.nanos)} of ${named}` };
    if (present(request) && request.nanos > rule.nanos) return { side: "requests", problem: `is ${shown(request)}, above the maximum ${format(rule.nanos)} of ${named}` };
    return undefined;
  }
  const ratio = formatCpu(rule.nanos);
  if (!present(request) || request.nanos === 0n) return { side: "requests", problem: `is not set or zero, and ${named} bounds limit/request at ${ratio}` };
  if (!present(limit) || limit.nanos === 0n) return { side: "limits", problem: `is not set or zero, and ${named} bounds limit/request at ${ratio}` };
  if (limit.nanos * NANO > rule.nanos * request.nanos) {
    return { side: "limits", problem: `is ${shown(limit)}, ${ratioText(limit.nanos, request.nanos)} times the request ${shown(request)}, above the ratio ${ratio} of ${named}` };
  }
  return undefined;
}

/**
 * Every container, pod and claim the tree renders passes the LimitRanges of
 * its namespace (min, max and maxLimitRequestRatio of `Container`, `Pod` and
 * `PersistentVolumeClaim` items, after the LimitRange defaults): otherwise the
 * API server refuses the pod or claim when it is created, long after the sync
 * reported success.
 */
export const limitRangeAdmits: Policy = {
  id: "limit-range-admits",
  area: "quotas",
  severity: "Bug",
  description: "every container, pod and claim passes the min, max and limit/request ratio of its namespace's LimitRanges",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    const all = workloads(cluster);
    for (const w of all) {
      if (w.namespace === undefined) continue;
      const ranges = limitRangesIn(cluster, w.namespace);
      const refused = `so the API server refuses every pod of ${w.name}`;
      for (const rule of ranges.flatMap((r) => rulesOf(r, "Container", COMPUTE))) {
        const r = rule.resource as Compute;
        for (const c of w.pod.containers) {
          const v = violation(rule, c.effective.requests[r], c.effective.limits[r]);
          if (!v) continue;
          findings.push({
            document: w.document,
            summary: `container outside its limit range (${rule.bound} ${r})`,
            path: `${c.path}.resources.${v.side}.${r}`,
            problem: `${v.problem}, ${refused}`,
            fix: `set \`resources.${v.side}.${r}\` of container \`${c.container.name}\` within the range in ${sourceOf(w.document)} (component ${componentOf(w.document.object)}), or change \`${rulePath(rule)}\` of ${resourceName(rule.range.object)}`,
          });
        }
      }
      for (const rule of ranges.flatMap((r) => rulesOf(r, "Pod", COMPUTE))) {
        const r = rule.resource as Compute;
        const value = (side: Side): EffectiveValue => ({ nanos: w.pod[side][r], origin: w.pod.containers.some((c) => c.effective[side][r].origin === "missing") ? "missing" : "explicit" });
        const v = violation(rule, value("requests"), value("limits"));
        if (!v) continue;
        findings.push({
          document: w.document,
          summary: `pod outside its limit range (${rule.bound} ${r})`,
          path: w.template.path,
          problem: `has pod ${v.side} ${r} that ${v.problem.replace(/^is /, "are ")}, ${refused}`,
          fix: `resize the containers of component ${componentOf(w.document.object)} in ${sourceOf(w.document)}, or change \`${rulePath(rule)}\` of ${resourceName(rule.range.object)}`,
        });
      }
    }
    const namespaces = [...new Set(all.map((w) => w.namespace).concat(cluster.documents.filter((d) => d.object.kind === "PersistentVolumeClaim").map((d) => d.object.metadata.namespace)))];
    for (const ns of namespaces) {
      if (ns === undefined) continue;
      const rules = limitRangesIn(cluster, ns).flatMap((r) => rulesOf(r, "PersistentVolumeClaim", ["storage"]));
      if (rules.length === 0) continue;
      for (const claim of claims(cluster, ns, all)) {
        for (const rule of rules) {
          if (rule.bound === "maxLimitRequestRatio") continue;
          const request: EffectiveValue | undefined = claim.size === undefined ? undefined : { nanos: claim.size, origin: "explicit" };
          // Claims carry no limit the plugin reads: max applies to the request.
          const v = violation(rule, request, rule.bound === "max" ? request : undefined);
          if (!v) continue;
          findings.push({
            document: claim.document,
            summary: `claim outside its limit range (${rule.bound} storage)`,
            path: claim.path,
            problem: `${v.problem.replace("requires a limit", "requires a request")}, so the API server refuses ${claim.name}`,
            fix: `size the claim within the range in ${sourceOf(claim.document)}, or change \`${rulePath(rule)}\` of ${resourceName(rule.range.object)}`,
          });
        }
      }
    }
    return findings;
  },
};
