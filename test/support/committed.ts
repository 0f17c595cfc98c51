import { resolve } from "node:path";
import { parse } from "yaml";
import { readTree } from "../../generators/output/write.js";
import type { KubeObject } from "../../generators/render/app.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const CLUSTERS_DIR = resolve(REPO_ROOT, "clusters");
export const RUNBOOKS_DIR = resolve(REPO_ROOT, "docs/runbooks");

export interface CommittedDocument {
  readonly path: string;
  readonly object: KubeObject;
}

/** Every committed manifest under clusters/, parsed. */
export async function committedDocuments(): Promise<CommittedDocument[]> {
  const tree = await readTree(CLUSTERS_DIR);
  return [...tree].map(([path, content]) => ({ path, object: parse(content) as KubeObject }));
}
