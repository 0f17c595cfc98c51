// `npm test` runs the whole suite on every committed cluster: the tree that
// ships must be clean.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "./index.js";
import { formatText } from "./lib/format.js";
import { runPolicies } from "./lib/run.js";
import { REPO_ROOT, committedCluster } from "./lib/testing.js";

const clusters = readdirSync(join(REPO_ROOT, "clusters")).sort();

describe("when the policies judge the committed clusters", () => {
  it("should find every fleet cluster", () => {
    expect(clusters).toEqual(expect.arrayContaining(["dev", "edge", "kind", "prod", "staging"]));
  });

  it.each(clusters)("should find nothing in clusters/%s", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.length).toBeGreaterThan(0);
    const diagnostics = await runPolicies(POLICIES, [cluster]);
    expect(formatText(diagnostics, 1)).toBe(formatText([], 1));
  });
});
