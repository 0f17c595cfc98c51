import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand, type CommandRun } from "../support/cli.js";
import { REPO_ROOT } from "../support/committed.js";

function generateCli(...args: string[]): Promise<CommandRun> {
  return runCommand("generators/cli/generate.ts", args, { cwd: REPO_ROOT });
}

describe("when the generate CLI renders one cluster into a directory", () => {
  it("should write only that cluster and report its files", async () => {
    const root = await mkdtemp(join(tmpdir(), "cli-"));
    const out = join(root, "clusters");
    const runbooks = join(root, "runbooks");
    const result = await generateCli("--cluster", "edge", "--out", out, "--runbooks", runbooks);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/INFO - edge: \d+ files \(iot-edge-anomaly\)/);
    expect(await readdir(out)).toEqual(["edge"]);
    // Runbooks cover the whole fleet even when one cluster is rendered.
    expect((await readdir(runbooks)).sort()).toEqual([
      "iot-anomaly-detection.md",
      "iot-edge-anomaly.md",
      "iot-telemetry.md",
      "kades.md",
      "pynomaly.md",
    ]);
  });
});

describe("when the generate CLI is given an unknown cluster", () => {
  it("should exit 2 and list the clusters of the fleet", async () => {
    const result = await generateCli("--cluster", "moon");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ERROR - unknown cluster moon; the fleet has: dev, staging, prod, edge, kind");
  });
});

describe("when the generate CLI is given an unknown flag", () => {
  it("should exit 2 with the usage", async () => {
    const result = await generateCli("--clusters", "dev");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: npm run generate");
  });
});
