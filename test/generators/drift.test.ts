import { describe, expect, it } from "vitest";
import { APPS } from "../../apps/index.js";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import { diffTrees, readTree } from "../../generators/output/write.js";
import { renderFleet } from "../../generators/render/fleet.js";
import { renderRunbooks } from "../../generators/render/runbooks.js";
import { CLUSTERS_DIR, RUNBOOKS_DIR } from "../support/committed.js";

/** The staleness gate's message: what differs and the one command that fixes it. */
export function driftReport(diff: ReturnType<typeof diffTrees>): string {
  const lines = [
    ...diff.changed.map((p) => `  changed: clusters/${p}`),
    ...diff.missing.map((p) => `  missing: clusters/${p}`),
    ...diff.extra.map((p) => `  extra:   clusters/${p}`),
  ];
  return `clusters/ is stale (${lines.length} files): run \`npm run generate\` and commit\n${lines.join("\n")}`;
}

describe("when comparing committed clusters/ with a fresh render", () => {
  it("should find no changed, missing or extra file", async () => {
    const expected = renderFleet(CLUSTERS, APPS);
    const actual = await readTree(CLUSTERS_DIR);
    const diff = diffTrees(expected, actual);
    const stale = diff.changed.length + diff.missing.length + diff.extra.length;
    expect(stale, driftReport(diff)).toBe(0);
  });
});

describe("when comparing committed docs/runbooks/ with a fresh render", () => {
  it("should find no changed, missing or extra runbook", async () => {
    const diff = diffTrees(renderRunbooks(CLUSTERS, APPS), await readTree(RUNBOOKS_DIR));
    const stale = diff.changed.length + diff.missing.length + diff.extra.length;
    expect(stale, driftReport(diff).replaceAll("clusters/", "docs/runbooks/")).toBe(0);
  });
});

describe("when a tree has drifted", () => {
  const expected = new Map([
    ["prod/apps/a/deployment-a.yaml", "replicas: 3\n"],
    ["prod/apps/a/service-a.yaml", "port: 80\n"],
  ]);
  const actual = new Map([
    ["prod/apps/a/deployment-a.yaml", "replicas: 5\n"],
    ["prod/apps/a/hand-made.yaml", "kind: Secret\n"],
  ]);

  it("should list changed, missing and extra files", () => {
    expect(diffTrees(expected, actual)).toEqual({
      changed: ["prod/apps/a/deployment-a.yaml"],
      missing: ["prod/apps/a/service-a.yaml"],
      extra: ["prod/apps/a/hand-made.yaml"],
    });
  });

  it("should tell the engineer what to run", () => {
    const report = driftReport(diffTrees(expected, actual));
    expect(report).toContain("run `npm run generate` and commit");
    expect(report).toContain("changed: clusters/prod/apps/a/deployment-a.yaml");
    expect(report).toContain("missing: clusters/prod/apps/a/service-a.yaml");
    expect(report).toContain("extra:   clusters/prod/apps/a/hand-made.yaml");
  });
});
