// The policy CLI as CI and engineers run it: a real process on real directories.
// Its exit 1 on broken copies (a Secret with data and the other breakages) is
// checked in breakages.test.ts, which judges every such copy in one run.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, type CommandRun } from "../test/support/cli.js";
import { REPO_ROOT } from "./lib/testing.js";

const CLI = join(REPO_ROOT, "policies/cli.ts");

function policy(...args: string[]): Promise<CommandRun> {
  return runCommand(CLI, args, { cwd: REPO_ROOT });
}

describe("when the CLI judges a copy of clusters/prod", () => {
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "policy-cli-"));
    cpSync(join(REPO_ROOT, "clusters/prod"), join(copy, "prod"), { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("should exit 0 on the copy as committed", async () => {
    const result = await policy(join(copy, "prod"));
    expect(result.stdout).toContain("no problems with severity Bug or higher");
    expect(result.code).toBe(0);
  });
});

describe("when the CLI is given bad arguments", () => {
  it("should exit 2 for a directory that does not exist", async () => {
    const result = await policy("no-such-dir");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no-such-dir: no such directory");
  });

  it("should exit 2 for an unknown format", async () => {
    const result = await policy("clusters", "--format", "xml");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown --format xml");
  });

  it("should exit 2 for unparsable YAML, naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-cli-"));
    try {
      mkdirSync(join(dir, "prod/apps/kades"), { recursive: true });
      writeFileSync(join(dir, "prod/apps/kades/broken.yaml"), "kind: [unclosed\n");
      const result = await policy(dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/prod\/apps\/kades\/broken\.yaml: document 0 is not valid YAML/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
