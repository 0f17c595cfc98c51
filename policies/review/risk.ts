// What makes a change risky, each with a one-line why: data that can go,
// reachability that widens, permissions that grow, what Argo CD syncs and how,
// versions, and capacity bounds. Judged on the rendered objects, like the
// policies.
import { missingProtection } from "../argocd/data-safety/data-safety.js";
import { clusterOf } from "../lib/load.js";
import { containersOf, podTemplates } from "../lib/objects.js";
import type { KubeObject } from "../lib/types.js";
import type { ObjectChange } from "./changes.js";
import { describeFlow, type NewFlow } from "./flows.js";

/** Risk categories, most serious first: the order a reviewer reads them in. */
export const CATEGORIES = ["data", "reachability", "rbac", "delivery", "version", "bounds"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  data: "stored data",
  reachability: "reachability",
  rbac: "RBAC",
  delivery: "Argo CD",
  version: "version",
  bounds: "bounds",
};

export interface Risk {
  readonly category: Category;
  /** One line: why a reviewer should look. */
  readonly why: string;
  /** Lines under the why: the new flows, the rules added. */
  readonly details: readonly string[];
}

type Json = Record<string, unknown>;

function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function show(value: unknown): string {
  return value === undefined ? "unset" : typeof value === "string" ? value : JSON.stringify(value);
}

/** Leaves that differ between two values: `hard.limits.cpu: 8 -> 12`. */
export function leafChanges(before: unknown, after: unknown, path = ""): string[] {
  const isMap = (v: unknown): v is Json => v !== null && typeof v === "object";
  if (isMap(before) && isMap(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => leafChanges(before[k], after[k], Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path || "(whole)"}: ${show(before)} -> ${show(after)}`];
}

const GUARDED_KINDS = new Set(["PersistentVolumeClaim", "StatefulSet", "Namespace"]);

function dataRisks(c: ObjectChange): Risk[] {
  if (!GUARDED_KINDS.has(c.kind)) return [];
  const guarded = (o: KubeObject | undefined): boolean => o !== undefined && missingProtection(o.metadata.annotations ?? {}).length === 0;
  const before = c.before?.object;
  if (c.action === "removed") {
    const what: Record<string, string> = {
      PersistentVolumeClaim: "a claim holding stored data",
      StatefulSet: "a StatefulSet that owns claims",
      Namespace: "a namespace (deleting it deletes every claim in it)",
    };
    return [
      {
        category: "data",
        why: guarded(before)
          ? `removes ${what[c.kind]}: Argo CD keeps it (Prune=false) but no longer manages it; delete it by hand only once its data is safe`
          : `removes ${what[c.kind]} without a prune guard: Argo CD deletes it, and the data with it`,
        details: [],
      },
    ];
  }
  const missing = c.after ? missingProtection(c.after.object.metadata.annotations ?? {}) : [];
  if (c.action === "changed" && guarded(before) && missing.length > 0) {
    return [{ category: "data", why: `drops the prune guard (${missing.join(", ")} gone from argocd.argoproj.io/sync-options): Argo CD may now delete it and its data`, details: [] }];
  }
  return [];
}

/** Every (group, resource, name, verb) a Role or ClusterRole grants, as `verb resource[.group][/name]` grouped per resource. */
function grants(role: KubeObject | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const rules = (at(role, "rules") as Json[] | undefined) ?? [];
  for (const rule of rules) {
    const verbs = (rule["verbs"] as string[] | undefined) ?? [];
    const targets: string[] = [];
    for (const url of (rule["nonResourceURLs"] as string[] | undefined) ?? []) targets.push(url);
    for (const group of (rule["apiGroups"] as string[] | undefined) ?? [""]) {
      for (const resource of (rule["resources"] as string[] | undefined) ?? []) {
        const names = (rule["resourceNames"] as string[] | undefined) ?? [];
        const base = group ? `${resource}.${group}` : resource;
        for (const name of names.length > 0 ? names : [""]) targets.push(name ? `${base}/${name}` : base);
      }
    }
    for (const t of targets) {
      const set = out.get(t) ?? new Set<string>();
      verbs.forEach((v) => set.add(v));
      out.set(t, set);
    }
  }
  return out;
}

function subjects(binding: KubeObject | undefined): string[] {
  return ((at(binding, "subjects") as Json[] | undefined) ?? []).map((s) => `${String(s["kind"])} ${s["namespace"] ? `${String(s["namespace"])}/` : ""}${String(s["name"])}`);
}

function rbacRisks(c: ObjectChange): Risk[] {
  if (c.action === "removed") return [];
  const before = c.before?.object;
  const after = c.after?.object;
  if (c.kind === "Role" || c.kind === "ClusterRole") {
    const had = grants(before);
    const added: string[] = [];
    for (const [target, verbs] of [...grants(after)].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const fresh = [...verbs].filter((v) => !had.get(target)?.has(v) && !had.get(target)?.has("*")).sort();
      if (fresh.length > 0) added.push(`${fresh.join(", ")} on ${target}`);
    }
    if (added.length === 0) return [];
    return [{ category: "rbac", why: `adds RBAC rules: ${added.length <= 2 ? added.join("; ") : `${added.slice(0, 2).join("; ")} and ${added.length - 2} more`}`, details: added.length > 2 ? added : [] }];
  }
  if (c.kind === "RoleBinding" || c.kind === "ClusterRoleBinding") {
    const role = `${show(at(after, "roleRef", "kind"))} ${show(at(after, "roleRef", "name"))}`;
    const roleChanged = before !== undefined && JSON.stringify(at(before, "roleRef")) !== JSON.stringify(at(after, "roleRef"));
    const fresh = roleChanged || !before ? subjects(after) : subjects(after).filter((s) => !subjects(before).includes(s));
    if (fresh.length === 0) return [];
    return [{ category: "rbac", why: `${roleChanged ? `now binds ${role} (was ${show(at(before, "roleRef", "name"))})` : `binds ${role}`} to ${fresh.join(", ")}`, details: [] }];
  }
  return [];
}

function sourcesOf(app: KubeObject | undefined): Json[] {
  const spec = at(app, "spec") as Json | undefined;
  if (!spec) return [];
  return Array.isArray(spec["sources"]) ? (spec["sources"] as Json[]) : spec["source"] ? [spec["source"] as Json] : [];
}

function applicationRisks(c: ObjectChange): Risk[] {
  if (c.kind !== "Application" || c.action !== "changed") return [];
  const before = c.before?.object;
  const after = c.after?.object;
  const out: Risk[] = [];
  const delivery: string[] = [];
  if (at(before, "spec", "project") !== at(after, "spec", "project")) delivery.push(`project ${show(at(before, "spec", "project"))} -> ${show(at(after, "spec", "project"))}`);
  const [was, now] = [sourcesOf(before), sourcesOf(after)];
  for (let i = 0; i < Math.max(was.length, now.length); i++) {
    const b = was[i];
    const a = now[i];
    const name = `source ${String(a?.["chart"] ?? a?.["path"] ?? b?.["chart"] ?? b?.["path"] ?? i)}`;
    if (!a || !b) {
      delivery.push(`${name} ${a ? "added" : "removed"}`);
      continue;
    }
    for (const field of ["repoURL", "path", "chart"]) {
      if (a[field] !== b[field]) delivery.push(`${name} ${field} ${show(b[field])} -> ${show(a[field])}`);
    }
    if (a["targetRevision"] !== b["targetRevision"]) {
      out.push({ category: "version", why: `${a["chart"] ? `chart ${String(a["chart"])}` : `${name} (${String(a["repoURL"])})`} ${show(b["targetRevision"])} -> ${show(a["targetRevision"])}`, details: [] });
    }
  }
  const sync = leafChanges(at(before, "spec", "syncPolicy"), at(after, "spec", "syncPolicy"), "syncPolicy");
  delivery.push(...sync);
  if (delivery.length > 0) {
    out.unshift({ category: "delivery", why: `changes what or how Argo CD syncs: ${delivery.slice(0, 3).join("; ")}${delivery.length > 3 ? ` and ${delivery.length - 3} more` : ""}`, details: delivery.length > 3 ? delivery : [] });
  }
  return out;
}

/** Containers of a workload by name: image and resources. */
function containers(object: KubeObject | undefined, file: string): Map<string, { image: unknown; resources: unknown }> {
  const out = new Map<string, { image: unknown; resources: unknown }>();
  if (!object) return out;
  for (const template of podTemplates(clusterOf("review", [{ file, index: 0, object }]))) {
    for (const { container, path } of containersOf(template)) out.set(container.name ?? path, { image: container.image, resources: container.resources });
  }
  return out;
}

function workloadRisks(c: ObjectChange): Risk[] {
  if (c.action !== "changed" || !c.before || !c.after) return [];
  const before = containers(c.before.object, c.before.file);
  const after = containers(c.after.object, c.after.file);
  const out: Risk[] = [];
  const images: string[] = [];
  const resources: string[] = [];
  for (const [name, now] of after) {
    const was = before.get(name);
    if (!was) continue;
    if (was.image !== now.image) images.push(`${name}: ${show(was.image)} -> ${show(now.image)}`);
    resources.push(...leafChanges(was.resources, now.resources, `${name}.resources`));
  }
  if (images.length > 0) out.push({ category: "version", why: `changes the image of ${images.join("; ")}`, details: [] });
  const bounds = [...resources];
  for (const field of ["replicas", "minReplicas", "maxReplicas", "minAvailable", "maxUnavailable"]) {
    bounds.push(...leafChanges(at(c.before.object, "spec", field), at(c.after.object, "spec", field), `spec.${field}`));
  }
  if (c.kind === "ResourceQuota" || c.kind === "LimitRange") bounds.push(...leafChanges(at(c.before.object, "spec"), at(c.after.object, "spec"), "spec"));
  if (bounds.length > 0) {
    out.push({ category: "bounds", why: `changes ${c.kind === "ResourceQuota" ? "the quota" : c.kind === "LimitRange" ? "the limits" : "a bound"}: ${bounds.slice(0, 3).join("; ")}${bounds.length > 3 ? ` and ${bounds.length - 3} more` : ""}`, details: bounds.length > 3 ? bounds : [] });
  }
  return out;
}

function removedBoundRisks(c: ObjectChange): Risk[] {
  if (c.action !== "removed" || (c.kind !== "ResourceQuota" && c.kind !== "LimitRange")) return [];
  return [{ category: "bounds", why: `removes the namespace's ${c.kind === "ResourceQuota" ? "quota: nothing bounds what it may request" : "limits: containers get no defaults and no maximum"}`, details: [] }];
}

/** The risks of one change, without reachability (that needs the whole cluster: see `reachabilityRisk`). */
export function objectRisks(change: ObjectChange): Risk[] {
  return [dataRisks, rbacRisks, applicationRisks, workloadRisks, removedBoundRisks].flatMap((rule) => rule(change));
}

/** The risk of a change that opens flows, listing every new flow. */
export function reachabilityRisk(flows: readonly NewFlow[]): Risk {
  const lines = flows.map((f) => describeFlow(f, f.added));
  return {
    category: "reachability",
    why: `widens reachability: ${lines.length} new flow(s)${lines.length === 1 ? `, ${lines[0]}` : ""}`,
    details: lines.length === 1 ? [] : lines,
  };
}

/** The rank a change sorts by: its most serious risk, or after every risky change. */
export function rankOf(risks: readonly Risk[]): number {
  return Math.min(CATEGORIES.length, ...risks.map((r) => CATEGORIES.indexOf(r.category)));
}
