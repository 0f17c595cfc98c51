/**
 * A copy of a committed cluster directory with one change in it, as a
 * reviewer's pull request would make it: the catalogue's input.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { REPO_ROOT } from "../../schema/cache.js";

export type Editable = Record<string, any>;

/** Copies clusters/<cluster> to a temporary `<tmp>/<cluster>` (the name tells the harness the profile). */
export function copyCluster(cluster: string): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "e2e-case-"));
  const dir = join(root, cluster);
  cpSync(join(REPO_ROOT, "clusters", cluster), dir, { recursive: true });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Rewrites the one-document YAML file `file` (relative to the copy) with `edit`. */
export function editObject(dir: string, file: string, edit: (o: Editable) => void): void {
  const path = join(dir, file);
  const docs = parseAllDocuments(readFileSync(path, "utf8"));
  if (docs.length !== 1) throw new Error(`${path}: expected one document, found ${docs.length}`);
  const object = docs[0]?.toJS() as Editable;
  edit(object);
  writeFileSync(path, stringify(object));
}
