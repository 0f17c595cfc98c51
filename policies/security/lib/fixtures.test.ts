// The fixtures of the security policies keep their promises: each bad fixture
// names the good fixture it changes and changes exactly one thing of it, and
// every good fixture of a pod control passes every pod control of the area
// (it is a restricted-compliant workload, not just compliant with one rule).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatText } from "../../lib/format.js";
import { runPolicies } from "../../lib/run.js";
import { fixtureFiles, loadFixture } from "../../lib/testing.js";
import { SECURITY_POLICIES } from "../index.js";

const AREA = join(import.meta.dirname, "..");
const CHANGES = /^# Changes (good-[a-z0-9-]+\.yaml): \S/;
/** Policies judging more than one pod: they need the Namespace and RBAC objects a single-workload fixture leaves out. */
const TREE_POLICIES = new Set(["namespace-pod-security", "platform-pod-security", "service-account-token"]);

/** Field paths where two parsed values differ; a key or item present on one side only is one difference. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
      i < a.length && i < b.length ? differences(a[i], b[i], `${path}[${i}]`) : [`${path}[${i}]`],
    ).flat();
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
    return keys.flatMap((k) => (k in left && k in right ? differences(left[k], right[k], `${path}.${k}`) : [`${path}.${k}`]));
  }
  return a === b ? [] : [path];
}

/** The documents of a fixture keyed by `Kind/name`, so removing or adding one is one difference. */
function documentsOf(path: string): Record<string, unknown> {
  return Object.fromEntries(loadFixture(path).documents.map((d) => [`${d.object.kind}/${d.object.metadata.name}`, d.object]));
}

/** The object a difference belongs to: replacing a volume's source changes two keys of one object, which is one change. */
function parentOf(path: string): string {
  return path.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
}

const folders = readdirSync(AREA, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== "lib")
  .map((e) => e.name)
  .sort();
const bad = folders.flatMap((id) => fixtureFiles(join(AREA, id)).bad.map((file) => [id, file] as const));
const good = folders.filter((id) => !TREE_POLICIES.has(id)).flatMap((id) => fixtureFiles(join(AREA, id)).good.map((file) => [id, file] as const));

describe("when comparing two parsed documents", () => {
  it("should find one difference for a changed value, an added key and a removed item", () => {
    expect(differences({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 2], d: true } })).toEqual([".a.b", ".a.d"]);
    expect(differences([1, 2], [1])).toEqual(["[1]"]);
  });

  it("should find none between equal documents", () => {
    expect(differences({ a: [{ b: "x" }] }, { a: [{ b: "x" }] })).toEqual([]);
  });
});

describe("when reading the bad fixtures of the security area", () => {
  it("should find some", () => expect(bad.length).toBeGreaterThan(40));

  it.each(bad.map(([id, file]) => [`${id}/fixtures/${file.split("/").pop()}`, id, file]))("should find %s change exactly one thing of its good fixture", (_, id, file) => {
    const header = readFileSync(file, "utf8").split("\n")[0] ?? "";
    const base = CHANGES.exec(header)?.[1];
    expect(base, `${file} starts with "# Changes good-<name>.yaml: <what>"`).toBeDefined();
    const changed = differences(documentsOf(join(AREA, id, "fixtures", base!)), documentsOf(file));
    expect(changed.length, `${file} differs from ${base}`).toBeGreaterThan(0);
    expect([...new Set(changed.map(parentOf))], `${file} changes one thing of ${base}`).toHaveLength(1);
  });
});

describe("when judging the good fixtures of the pod controls with every pod control", () => {
  const podControls = SECURITY_POLICIES.filter((p) => !TREE_POLICIES.has(p.id));

  it.each(good.map(([id, file]) => [`${id}/fixtures/${file.split("/").pop()}`, file]))("should accept %s", async (_, file) => {
    const diagnostics = await runPolicies(podControls, [loadFixture(file)]);
    expect(formatText(diagnostics, 1)).toBe(formatText([], 1));
  });
});
