import { podTemplates, resourceName, sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { byCodeUnit } from "../../../generators/order.js";
import { containerDefaults, COMPUTE, limitRangesIn } from "../pod-resources.js";
import { isQuantity, QUANTITY_FORMS } from "../quantity.js";
import { claims, isUnscoped, MEASURES, quotas, workloads, type Measure } from "../worst-case.js";

/** Measures every app namespace's unscoped quotas must bound; storage ones only where the namespace claims storage. */
const COMPUTE_MEASURES: readonly Measure[] = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"];
const STORAGE_MEASURES: readonly Measure[] = ["requests.storage", "persistentvolumeclaims"];

/** A Namespace an app renders: under `apps/<app>/`, or labelled part of an app the cluster runs. */
function isAppNamespace(cluster: ClusterTree, document: RenderedDocument): boolean {
  if (document.object.kind !== "Namespace") return false;
  if (/(?:^|\/)apps\/[^/]+\//.test(document.file)) return true;
  const app = document.object.metadata.labels?.["app.kubernetes.io/part-of"];
  return app !== undefined && (cluster.profile?.apps.includes(app) ?? false);
}

/**
 * Every app namespace, and every namespace the rendered tree runs pods in, has
 * a ResourceQuota bounding cpu and memory requests and limits and pods (and
 * storage and claims where it claims storage), and a LimitRange giving
 * containers default cpu and memory requests and limits.
 */
export const namespaceQuota: Policy = {
  id: "namespace-quota",
  area: "quotas",
  severity: "Bug",
  description: "every app namespace and every namespace that runs pods has a ResourceQuota (cpu, memory, pods, storage) and a LimitRange with container defaults",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    const anchors = new Map<string, RenderedDocument>();
    const running = new Map<string, number>();
    for (const document of cluster.documents) {
      const ns = document.object.kind === "Namespace" ? document.object.metadata.name : undefined;
      if (ns !== undefined && isAppNamespace(cluster, document)) anchors.set(ns, document);
    }
    for (const { document } of podTemplates(cluster)) {
      const ns = document.object.metadata.namespace;
      if (ns === undefined || ns === "") {
        findings.push({
          document,
          summary: "workload has no namespace",
          path: "metadata.namespace",
          problem: "is not set: its pods land in whatever namespace the sync targets, where no quota of this tree can be shown to cover them",
          fix: `set \`metadata.namespace\` (render it from ${sourceOf(document)})`,
        });
        continue;
      }
      running.set(ns, (running.get(ns) ?? 0) + 1);
      if (!anchors.has(ns)) anchors.set(ns, document);
    }
    const allQuotas = quotas(cluster);
    const all = workloads(cluster);
    for (const ns of [...anchors.keys()].sort(byCodeUnit)) {
      const anchor = anchors.get(ns) as RenderedDocument;
      const what = running.has(ns) ? `runs ${running.get(ns)} workload(s)` : "is an app namespace";
      const inNamespace = allQuotas.filter((q) => q.namespace === ns);
      if (inNamespace.length === 0) {
        findings.push({
          document: anchor,
          summary: "namespace has no ResourceQuota",
          path: "",
          problem: `namespace \`${ns}\` ${what} but has no ResourceQuota: nothing bounds the cpu, memory, pods and storage it may take from the cluster`,
          fix: `add a ResourceQuota to namespace \`${ns}\` (rendered for every app by generators/render/quotas.ts from ${sourceOf(anchor)})`,
        });
      } else {
        const unscoped = inNamespace.filter(isUnscoped);
        const first = inNamespace[0] as (typeof inNamespace)[number];
        if (unscoped.length === 0) {
          findings.push({
            document: first.document,
            summary: "namespace has only scoped quotas",
            path: first.document.object.spec && "scopeSelector" in (first.document.object.spec as object) ? "spec.scopeSelector" : "spec.scopes",
            problem: `limits the quota to some pods only, and namespace \`${ns}\` has no unscoped ResourceQuota: the pods outside the scope are bounded by nothing`,
            fix: `add an unscoped ResourceQuota to namespace \`${ns}\`, or drop the scope from ${resourceName(first.document.object)} (rendered from ${sourceOf(first.document)})`,
          });
        } else {
          const needed = [...COMPUTE_MEASURES, ...(claims(cluster, ns, all).length > 0 ? STORAGE_MEASURES : [])];
          const target = unscoped[0] as (typeof unscoped)[number];
          for (const measure of needed) {
            if (unscoped.some((q) => q.bounds.has(measure))) continue;
            const others = MEASURES[measure].slice(1);
            findings.push({
              document: target.document,
              summary: `quota does not bound ${measure}`,
              path: `spec.hard[${MEASURES[measure][0]}]`,
              problem: `is not set${others.length > 0 ? ` (nor ${others.map((k) => `\`${k}\``).join(", ")})` : ""} on any unscoped ResourceQuota, so namespace \`${ns}\`'s ${measure} is unbounded`,
              fix: `set \`spec.hard[${MEASURES[measure][0]}]\` on ${resourceName(target.document.object)} (rendered from ${sourceOf(target.document)})`,
            });
          }
        }
      }
      const ranges = limitRangesIn(cluster, ns);
      if (ranges.length === 0) {
        findings.push({
          document: anchor,
          summary: "namespace has no LimitRange",
          path: "",
          problem: `namespace \`${ns}\` ${what} but has no LimitRange: a container that omits its requests or limits gets none, and the quota then rejects its pods`,
          fix: `add a LimitRange with a \`type: Container\` item giving \`default\` and \`defaultRequest\` cpu and memory to namespace \`${ns}\` (rendered by generators/render/quotas.ts from ${sourceOf(anchor)})`,
        });
        continue;
      }
      for (const range of ranges) findings.push(...invalidValues(range));
      const defaults = containerDefaults(cluster, ns);
      const first = ranges[0] as RenderedDocument;
      for (const side of ["limits", "requests"] as const) {
        for (const r of COMPUTE) {
          if (defaults[side][r]) continue;
          const field = side === "limits" ? "default" : "defaultRequest";
          findings.push({
            document: first,
            summary: `limit range gives no default ${r} ${side === "limits" ? "limit" : "request"}`,
            path: "spec.limits",
            problem: `has no \`type: Container\` item with \`${field}.${r}\`${side === "limits" ? ` (or \`max.${r}\`)` : ` (or \`default.${r}\`, \`max.${r}\`, \`min.${r}\`)`}, so a container that omits it in namespace \`${ns}\` gets none`,
            fix: `add \`${field}.${r}\` to the \`type: Container\` item of ${resourceName(first.object)} (rendered from ${sourceOf(first)})`,
          });
        }
      }
    }
    return findings;
  },
};

/** Values of a LimitRange that are not quantities: the API server rejects the object. */
function invalidValues(document: RenderedDocument): Finding[] {
  const findings: Finding[] = [];
  const items = (document.object as unknown as { spec?: { limits?: Record<string, unknown>[] } }).spec?.limits ?? [];
  items.forEach((item, i) => {
    for (const field of ["default", "defaultRequest", "max", "min", "maxLimitRequestRatio"]) {
      const values = item[field];
      if (typeof values !== "object" || values === null) continue;
      for (const [resource, raw] of Object.entries(values as Record<string, unknown>)) {
        if (isQuantity(raw)) continue;
        findings.push({
          document,
          summary: "limit range value is not a quantity",
          path: `spec.limits[${i}].${field}.${resource}`,
          problem: `is ${JSON.stringify(raw)}, not a Kubernetes quantity (${QUANTITY_FORMS})`,
          fix: `write a quantity there (rendered from ${sourceOf(document)})`,
        });
      }
    }
  });
  return findings;
}
