// Object-level changes between two rendered fleets: objects are matched by
// what they are (API group, kind, namespace, name), not by file, and compared
// in canonical form, so the generated header, key order and file moves never
// show as changes.
import { canonicalYaml } from "../../generators/output/yaml.js";
import { byCodeUnit } from "../../generators/order.js";
import { parseDocuments } from "../lib/load.js";
import type { KubeObject } from "../lib/types.js";
import { unifiedHunks } from "./hunks.js";
import type { RenderedTree } from "./render.js";

export type Action = "added" | "removed" | "changed";

/** One side of a change: where the object is rendered and what it is. */
export interface ObjectVersion {
  /** `clusters/prod/apps/kades/deployment-kades-api.yaml` */
  readonly file: string;
  readonly object: KubeObject;
  /** Canonical YAML without the header. */
  readonly yaml: string;
}

export interface ObjectChange {
  readonly cluster: string;
  readonly action: Action;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  /** `Deployment kades/kades-api`, `Namespace kades` */
  readonly title: string;
  readonly before?: ObjectVersion;
  readonly after?: ObjectVersion;
  /** Unified hunks of the canonical YAML, base to working tree. */
  readonly hunks: string;
}

export interface ClusterChanges {
  readonly cluster: string;
  readonly changes: readonly ObjectChange[];
}

/** The identity Kubernetes gives an object: its API group (not version), kind, namespace and name. */
export function identity(object: KubeObject): string {
  const group = object.apiVersion.includes("/") ? object.apiVersion.slice(0, object.apiVersion.lastIndexOf("/")) : "";
  return [group, object.kind, object.metadata.namespace ?? "", object.metadata.name].join("\u0000");
}

export function titleOf(object: KubeObject): string {
  const ns = object.metadata.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ""}${object.metadata.name}`;
}

function versions(tree: RenderedTree, paths: readonly string[]): Map<string, ObjectVersion> {
  const out = new Map<string, ObjectVersion>();
  for (const path of paths) {
    const file = `clusters/${path}`;
    for (const { object } of parseDocuments(file, tree.get(path) as string)) out.set(identity(object), { file, object, yaml: canonicalYaml(object) });
  }
  return out;
}

function clusterOfPath(path: string): string {
  return path.slice(0, path.indexOf("/"));
}

/**
 * Every added, removed and changed object per cluster, clusters and objects
 * in a stable order. Files whose bytes are equal are not parsed: they hold the
 * same objects.
 */
export function diffRenders(base: RenderedTree, head: RenderedTree): ClusterChanges[] {
  const clusters = [...new Set([...base.keys(), ...head.keys()].map(clusterOfPath))].sort(byCodeUnit);
  const out: ClusterChanges[] = [];
  for (const cluster of clusters) {
    const differs = (tree: RenderedTree, other: RenderedTree): string[] =>
      [...tree.keys()].filter((p) => clusterOfPath(p) === cluster && tree.get(p) !== other.get(p));
    const before = versions(base, differs(base, head));
    const after = versions(head, differs(head, base));
    const changes: ObjectChange[] = [];
    for (const id of [...new Set([...before.keys(), ...after.keys()])].sort(byCodeUnit)) {
      const b = before.get(id);
      const a = after.get(id);
      if (b && a && b.yaml === a.yaml) continue;
      const object = (a ?? b) as ObjectVersion;
      changes.push({
        cluster,
        action: b && a ? "changed" : a ? "added" : "removed",
        kind: object.object.kind,
        namespace: object.object.metadata.namespace,
        name: object.object.metadata.name,
        title: titleOf(object.object),
        ...(b ? { before: b } : {}),
        ...(a ? { after: a } : {}),
        hunks: unifiedHunks(b?.yaml ?? "", a?.yaml ?? ""),
      });
    }
    out.push({ cluster, changes });
  }
  return out;
}
