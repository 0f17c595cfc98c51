import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPromtool, promtoolBroken, runPromtool } from "./promtool.js";

const scratch = mkdtempSync(join(tmpdir(), "promtool-wrapper-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/bash\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("when running promtool", () => {
  const promtool = findPromtool();

  it.skipIf(promtool === undefined)("should return the real promtool's exit code and output", async () => {
    const ok = await runPromtool(promtool as string, ["--version"], scratch);
    expect([ok.code, ok.stdout + ok.stderr]).toEqual([0, expect.stringMatching(/^promtool, version 2\.\d+/)]);
    const bad = await runPromtool(promtool as string, ["check", "rules", "missing.yaml"], scratch);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("missing.yaml");
  });

  it("should stop one that hangs and say so", async () => {
    const run = await runPromtool(script("hangs", "exec sleep 30"), ["test", "rules"], scratch, 200);
    expect(run.code).toBeNull();
    expect(promtoolBroken(run)).toMatchObject({ severity: "Fatal", summary: "promtool did not finish", problem: "promtool test rules was stopped after 0.2s (SIGTERM)" });
  });

  it("should report one that cannot start", async () => {
    const run = await runPromtool(join(scratch, "nonexistent"), ["check", "rules"], scratch);
    expect(run.code).toBeNull();
    expect(run.error).toContain("could not be started");
  });
});
