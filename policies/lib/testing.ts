// Shared vitest helpers for policy tests: every policy runs its good fixtures
// (no findings) and its bad fixtures (findings, snapshotted) the same way.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../index.js";
import { formatText } from "./format.js";
import { clusterOf, loadCluster, parseDocuments } from "./load.js";
import { runPolicies, runPolicy } from "./run.js";
import type { ClusterTree, Diagnostic, KubeObject, Policy } from "./types.js";
import { byCodeUnit } from "../../generators/order.js";

export const REPO_ROOT = join(import.meta.dirname, "../..");

function display(path: string): string {
  return relative(REPO_ROOT, path).split(sep).join("/");
}

/** `# file: apps/kades/deployment-kades-api.yaml` before a fixture document: where it sits in the cluster tree. */
const FILE_COMMENT = /^#\s*file:\s*(\S+)\s*$/m;

/**
 * Where each document of a fixture says it sits in a cluster directory, by
 * position: policies that follow an Application to the directory it syncs
 * need documents in directories, and a fixture is one file.
 */
function declaredFiles(text: string): Map<number, string> {
  const out = new Map<number, string>();
  let previousEnd = 0;
  parseAllDocuments(text, { version: "1.1" }).forEach((doc, index) => {
    const start = doc.contents?.range[0] ?? doc.range[0];
    const file = FILE_COMMENT.exec(text.slice(previousEnd, start))?.[1];
    if (file !== undefined) out.set(index, file);
    previousEnd = doc.range[2];
  });
  return out;
}

/**
 * A fixture file as a cluster (default `prod`, so the profile is the
 * production one) whose directory is the fixture itself. A document preceded
 * by `# file: <path>` is placed at `<fixture>/<path>`, as if the fixture were
 * a cluster directory holding that file.
 */
export function loadFixture(path: string, cluster = "prod"): ClusterTree {
  const root = display(path);
  const text = readFileSync(path, "utf8");
  const files = declaredFiles(text);
  const documents = parseDocuments(root, text).map((d) => {
    const file = files.get(d.index);
    return file === undefined ? d : { ...d, file: `${root}/${file}` };
  });
  return clusterOf(cluster, documents, root);
}

/** The fixture files of a policy folder, split into good and bad. */
export function fixtureFiles(policyDir: string): { good: string[]; bad: string[] } {
  const files = readdirSync(join(policyDir, "fixtures")).sort(byCodeUnit);
  return {
    good: files.filter((f) => f.startsWith("good-")).map((f) => join(policyDir, "fixtures", f)),
    bad: files.filter((f) => f.startsWith("bad-")).map((f) => join(policyDir, "fixtures", f)),
  };
}

/** Runs one policy on one fixture file. */
export async function checkFixture(policy: Policy, path: string, cluster = "prod"): Promise<Diagnostic[]> {
  return runPolicy(policy, loadFixture(path, cluster));
}

/**
 * The standard cases of a policy's test: every good fixture is accepted, every
 * bad fixture is rejected by this policy alone, with reviewed (snapshotted)
 * diagnostics. `cluster` names the profile the fixtures are judged against.
 */
export function describeFixtures(policy: Policy, policyDir: string, cluster = "prod"): void {
  const { good, bad } = fixtureFiles(policyDir);
  const rule = `${policy.area}/${policy.id}`;
  describe(`when given the good fixtures of ${rule}`, () => {
    it("should have at least one", () => expect(good.length).toBeGreaterThan(0));
    it.each(good.map((f) => [display(f)]))("should accept %s", async (file) => {
      const diagnostics = await checkFixture(policy, join(REPO_ROOT, file), cluster);
      expect(formatText(diagnostics, 1)).toBe(formatText([], 1));
    });
  });
  describe(`when given the bad fixtures of ${rule}`, () => {
    it("should have at least one", () => expect(bad.length).toBeGreaterThan(0));
    it.each(bad.map((f) => [display(f)]))("should reject %s", async (file) => {
      const diagnostics = await checkFixture(policy, join(REPO_ROOT, file), cluster);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics.every((d) => d.rule === rule)).toBe(true);
      expect(formatText(diagnostics, 1)).toMatchSnapshot();
    });
  });
}

/** Every YAML file under `dir` with its size and modification time: changes when any file is added, removed or rewritten. */
function treeStamp(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const { size, mtimeMs } = statSync(path);
      return `${path}\0${size}\0${mtimeMs}`;
    })
    .sort(byCodeUnit)
    .join("\n");
}

/** Frozen all the way down, so a test or policy that edits a shared tree in place fails at once instead of leaking into the next test. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Parsed committed clusters, shared by every test file a worker runs (the
 * suite runs unisolated): parsing clusters/prod costs about a second, and
 * dozens of tests start from it. Keyed by the directory's file stamps, so a
 * regenerated tree is parsed again.
 */
const committed = new Map<string, { stamp: string; tree: ClusterTree }>();

/** The committed tree of one cluster (clusters/<name>), parsed once while its files are unchanged; frozen, since tests share it. */
export function committedCluster(name: string): ClusterTree {
  const dir = join(REPO_ROOT, "clusters", name);
  const stamp = treeStamp(dir);
  const cached = committed.get(dir);
  if (cached?.stamp === stamp) return cached.tree;
  const loaded = loadCluster(dir);
  const tree: ClusterTree = { ...loaded, documents: deepFreeze(loaded.documents) };
  committed.set(dir, { stamp, tree });
  return tree;
}

/**
 * A committed cluster with one violation injected: `edit` receives a deep copy
 * of the first document whose file ends with `fileSuffix` and returns the
 * object(s) to put in its place (return `[]` to delete it). Throws if no file
 * matches, so a renamed file cannot make a test pass vacuously.
 */
export function injected(cluster: string, fileSuffix: string, edit: (object: Record<string, any>) => KubeObject | KubeObject[]): ClusterTree {
  const tree = committedCluster(cluster);
  const i = tree.documents.findIndex((d) => d.file.endsWith(fileSuffix));
  const target = tree.documents[i];
  if (!target) throw new Error(`no committed file in clusters/${cluster} ends with ${fileSuffix}`);
  const replaced = [edit(structuredClone(target.object) as Record<string, any>)].flat().map((object) => ({ ...target, object }));
  return { ...tree, documents: [...tree.documents.slice(0, i), ...replaced, ...tree.documents.slice(i + 1)] };
}

/** A committed cluster with extra documents added (as if a file had been added by hand). */
export function withAdded(cluster: string, file: string, objects: readonly KubeObject[]): ClusterTree {
  const tree = committedCluster(cluster);
  const added = objects.map((object, index) => ({ file: `${tree.root}/${file}`, index, object }));
  return { ...tree, documents: [...tree.documents, ...added] };
}

/** Every policy on a cluster: the diagnostics the CLI would print. */
export async function runAll(cluster: ClusterTree): Promise<Diagnostic[]> {
  return runPolicies(POLICIES, [cluster]);
}
