import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { RenderedTree } from "../render/fleet.js";
import { byKey } from "../order.js";

/**
 * Replaces `clusters` (whole) or just the named cluster directories with the
 * rendered tree, all or nothing: every file is first written to a staging
 * directory beside the target, and only then swapped in by renames.
 */
export async function writeTree(root: string, tree: RenderedTree, only?: readonly string[]): Promise<void> {
  const parent = dirname(root);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, ".clusters-staging-"));
  try {
    for (const [path, content] of tree) {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const trash = `${staging}-old`;
    if (!only) {
      await rename(root, trash).catch(ignoreMissing);
      await rename(staging, root);
      await rm(trash, { recursive: true, force: true });
      return;
    }
    await mkdir(root, { recursive: true });
    await mkdir(trash, { recursive: true });
    for (const cluster of only) {
      await rename(join(root, cluster), join(trash, cluster)).catch(ignoreMissing);
      await rename(join(staging, cluster), join(root, cluster)).catch(ignoreMissing);
    }
    await rm(trash, { recursive: true, force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}

/** Every file under `root` (relative paths, sorted) with its content. */
export async function readTree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return [];
      throw e;
    });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.set(relative(root, path), await readFile(path, "utf8"));
    }
  };
  await walk(root);
  return new Map([...files].sort(byKey));
}

/** Paths that differ between two trees: changed, missing from `actual`, or extra in it. */
export function diffTrees(
  expected: ReadonlyMap<string, string>,
  actual: ReadonlyMap<string, string>,
): { changed: string[]; missing: string[]; extra: string[] } {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of expected) {
    const have = actual.get(path);
    if (have === undefined) missing.push(path);
    else if (have !== content) changed.push(path);
  }
  const extra = [...actual.keys()].filter((p) => !expected.has(p));
  return { changed, missing, extra };
}
