import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPS } from "../../apps/index.js";
import { CLUSTERS, edge, prod } from "../../generators/fleet/clusters.js";
import { REPO_ROOT } from "../support/committed.js";

describe("when listing the apps", () => {
  it("should register every folder under apps/ once, under its folder name", async () => {
    const folders = (await readdir(join(REPO_ROOT, "apps"), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(APPS.map((a) => a.name).sort()).toEqual(folders);
  });

  it("should give every app a test of its guide's figures", async () => {
    for (const app of APPS) {
      expect(await readdir(join(REPO_ROOT, "apps", app.name)), app.name).toContain(`${app.name}.test.ts`);
    }
  });

  it("should run every app somewhere and every cluster only known apps", () => {
    const known = new Set(APPS.map((a) => a.name));
    for (const cluster of CLUSTERS) for (const app of cluster.apps) expect(known.has(app), `${cluster.name}: ${app}`).toBe(true);
    for (const app of APPS) expect(CLUSTERS.some((c) => c.apps.includes(app.name)), app.name).toBe(true);
  });
});

describe("when reading the cluster profiles", () => {
  it("should have the fleet of the design: dev, staging, prod, edge and kind", () => {
    expect(CLUSTERS.map((c) => [c.name, c.tier])).toEqual([
      ["dev", "development"],
      ["staging", "staging"],
      ["prod", "production"],
      ["edge", "edge"],
      ["kind", "development"],
    ]);
  });

  it("should give prod 3 standard nodes of 8 CPU / 32 GiB and 2 analytics nodes of 16 CPU / 64 GiB", () => {
    expect(prod.nodePools.map((p) => [p.name, p.count, p.cpu, p.memory])).toEqual([
      ["standard", 3, "8", "32Gi"],
      ["analytics", 2, "16", "64Gi"],
    ]);
  });

  it("should run edge on tainted Raspberry Pi arm64 nodes, as the edge guide selects them", () => {
    const [pool] = edge.nodePools;
    expect(pool?.arch).toBe("arm64");
    expect(pool?.selector).toEqual({ "edge.terragon.io/device-type": "raspberry-pi" });
    expect(pool?.taints).toEqual([{ key: "edge-node", value: "true", effect: "NoSchedule" }]);
    expect(edge.apps).toEqual(["iot-edge-anomaly"]);
  });

  it("should name every pool it places pods on and never shrink a pool below its normal size", () => {
    for (const cluster of CLUSTERS) {
      expect(cluster.nodePools.map((p) => p.name), cluster.name).toContain(cluster.defaultPool);
      for (const pool of cluster.nodePools) expect(pool.maxCount ?? pool.count).toBeGreaterThanOrEqual(pool.count);
    }
  });
});
