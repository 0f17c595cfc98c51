import { APPS } from "../../apps/index.js";
import type { ClusterProfile } from "../../generators/fleet/types.js";
import type { AppSpec } from "../../generators/spec/types.js";
import { committedDocuments } from "../support/committed.js";
import type { Doc } from "./checks.js";

let cached: Promise<Doc[]> | undefined;

/** Every committed document under clusters/, parsed once per test file. */
export function committedTree(): Promise<Doc[]> {
  cached ??= committedDocuments().then((docs) => docs.map((d) => ({ path: d.path, object: d.object })));
  return cached;
}

/** The spec of an app as the cluster renders it. */
export function specFor(app: string, profile: ClusterProfile): AppSpec {
  const definition = APPS.find((a) => a.name === app);
  if (!definition) throw new Error(`no app ${app}`);
  return definition.spec({ tier: profile.tier, cluster: profile.name, domain: profile.domain });
}

/** The document at a path; fails with the paths present in its directory when it is missing. */
export function docAt(docs: readonly Doc[], path: string): Doc {
  const found = docs.find((d) => d.path === path);
  if (!found) {
    const dir = path.slice(0, path.lastIndexOf("/"));
    throw new Error(`no ${path}; ${dir}/ holds ${docs.filter((d) => d.path.startsWith(`${dir}/`)).map((d) => d.path).join(", ") || "nothing"}`);
  }
  return found;
}

/** The tree with one document replaced (by path). */
export function replaced(docs: readonly Doc[], path: string, object: unknown): Doc[] {
  return docs.map((d) => (d.path === path ? { path, object } : d));
}
