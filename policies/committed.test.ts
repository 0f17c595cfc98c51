// `npm test` runs the whole suite on every committed cluster: the tree that
// ships must be clean. The one thing allowed below Bug is a Warning that a
// profile still holds a placeholder address someone has to fill in.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "./index.js";
import { formatText } from "./lib/format.js";
import { runPolicies } from "./lib/run.js";
import { REPO_ROOT, committedCluster } from "./lib/testing.js";

const clusters = readdirSync(join(REPO_ROOT, "clusters")).sort();

/** Warnings the committed tree carries on purpose: prod's load balancers admit a documentation range until the real one is known. */
const EXPECTED_WARNINGS: Readonly<Record<string, readonly string[]>> = {
  prod: [
    "network/placeholder-addresses NetworkPolicy/allow-kades-api",
    "network/placeholder-addresses Service/kades-api",
    "network/placeholder-addresses NetworkPolicy/allow-pynomaly-detection",
    "network/placeholder-addresses Service/pynomaly-detection",
  ],
};

describe("when the policies judge the committed clusters", () => {
  it("should find every fleet cluster", () => {
    expect(clusters).toEqual(expect.arrayContaining(["dev", "edge", "kind", "prod", "staging"]));
  });

  it.each(clusters)("should find nothing but the expected warnings in clusters/%s", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.length).toBeGreaterThan(0);
    const diagnostics = await runPolicies(POLICIES, [cluster]);
    const unexpected = diagnostics.filter((d) => d.severity !== "Warning" || d.rule !== "network/placeholder-addresses");
    expect(formatText(unexpected, 1)).toBe(formatText([], 1));
    expect(diagnostics.filter((d) => d.severity === "Warning").map((d) => `${d.rule} ${d.resource}`)).toEqual(EXPECTED_WARNINGS[name] ?? []);
  });
});
