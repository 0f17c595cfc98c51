// `npm run diff` as a reviewer runs it: a real process in a real git
// repository (a copy of this one), against a base branch.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, type CommandRun } from "../../test/support/cli.js";
import { REPO_ROOT } from "./render.js";

/** Runs a command of the repository copy at `cwd`, as `npm run` there would. */
function tsx(cwd: string, script: string, ...args: string[]): Promise<CommandRun> {
  return runCommand(script, args, { cwd });
}

/** This checkout's files (tracked and untracked, not ignored) committed as `main` of a fresh repository. */
function copyRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-diff-cli-"));
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter((f) => f !== "" && f !== "node_modules");
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(dir, file));
  }
  symlinkSync(realpathSync(join(REPO_ROOT, "node_modules")), join(dir, "node_modules"), "dir");
  const git = (...args: string[]): string => execFileSync("git", ["-c", "user.name=Fleet Review", "-c", "user.email=review@example.com", ...args], { cwd: dir, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  writeFileSync(join(dir, ".git/info/exclude"), "node_modules\n");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  return dir;
}

interface Report {
  base: { ref: string; commit: string };
  clusters: { cluster: string; changes: { action: string; kind: string; namespace: string | null; name: string; file: string; risks: { category: string }[] }[] }[];
}

describe("when a branch changes one app's resources", () => {
  let repo: string;
  let report: Report;
  let regenerated: string[];
  beforeAll(async () => {
    repo = copyRepository();
    const spec = join(repo, "apps/kades/index.ts");
    const before = readFileSync(spec, "utf8");
    const after = before.replace('limits: { cpu: "2", memory: "4Gi" }', 'limits: { cpu: "2", memory: "3Gi" }');
    expect(after, "the kades-api limits in apps/kades/index.ts moved; update this test").not.toBe(before);
    writeFileSync(spec, after);
    const diff = await tsx(repo, "policies/review/diff-cli.ts", "--base", "main", "--format", "json");
    expect(diff.stderr).toBe("");
    expect(diff.code).toBe(0);
    report = JSON.parse(diff.stdout) as Report;
    // The independent account of what changed: regenerate and ask git which rendered files differ.
    const generate = await tsx(repo, "generators/cli/generate.ts");
    expect(generate.code, generate.stderr).toBe(0);
    regenerated = execFileSync("git", ["status", "--porcelain", "--", "clusters"], { cwd: repo, encoding: "utf8" })
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.slice(3))
      .sort();
  }, 300_000);
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("should show exactly the objects whose rendered files change, and nothing else", () => {
    const files = report.clusters.flatMap((c) => c.changes.map((change) => change.file)).sort();
    expect(regenerated.length).toBeGreaterThan(0);
    expect(files).toEqual(regenerated);
  });

  it("should find the change in the app's Deployment, as a changed bound", () => {
    const prod = report.clusters.find((c) => c.cluster === "prod");
    expect(prod?.changes).toContainEqual(
      expect.objectContaining({ action: "changed", kind: "Deployment", namespace: "kades", name: "kades-api", risks: [expect.objectContaining({ category: "bounds" })] }),
    );
    expect(report.clusters.flatMap((c) => c.changes).every((c) => c.namespace === "kades")).toBe(true);
    expect(report.base.ref).toBe("main");
  });

  it("should write the same review as the job summary and the comment parts", async () => {
    const comment = join(repo, ".review-comment");
    const result = await tsx(repo, "policies/review/review-cli.ts", "--base", "main", "--comment-dir", comment);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toMatch(/^## Fleet review against main \(`[0-9a-f]{12}`\)\n/);
    // Regenerated above, so nothing is stale; no SARIF given, so policies and schemas are not run here.
    expect(result.stdout).toMatch(/^\| prod \| ✅ up to date \| ➖ not run \| ➖ not run \| ➖ not run \| 0 added, \d+ changed, 0 removed \| ⚠️ \d+ \|$/m);
    expect(result.stdout).toContain("Deployment kades/kades-api</code>");
    const part = readFileSync(join(comment, "part-1.md"), "utf8");
    expect(part.startsWith("<!-- fleet-review part 1 -->\n## Fleet review against main")).toBe(true);
    expect(existsSync(join(comment, "part-2.md"))).toBe(false);
    rmSync(comment, { recursive: true });
  }, 120_000);

  it("should report no change against the working tree's own commit once it is committed", async () => {
    execFileSync("git", ["-c", "user.name=Fleet Review", "-c", "user.email=review@example.com", "commit", "-q", "-am", "kades-api: 3Gi"], { cwd: repo });
    const text = await tsx(repo, "policies/review/diff-cli.ts", "--base", "HEAD");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^base HEAD \([0-9a-f]{12}\) -> working tree: no cluster changes\n$/);
  }, 120_000);

  it("should leave no worktree behind, also when two runs share the clone or a run died holding it", async () => {
    const home = join(tmpdir(), `fleet-diff-${createHash("sha256").update(repo).digest("hex").slice(0, 12)}`);
    // A run that died: its lock names a process that is gone, its worktree is still there.
    mkdirSync(join(home, "diff-base"), { recursive: true });
    writeFileSync(join(home, "lock"), "2147483646");
    const [a, b] = await Promise.all([tsx(repo, "policies/review/diff-cli.ts", "--base", "HEAD~1"), tsx(repo, "policies/review/diff-cli.ts", "--base", "HEAD~1")]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, "", ""]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain("RISK changed Deployment kades/kades-api");
    const worktrees = execFileSync("git", ["worktree", "list", "--porcelain"], { cwd: repo, encoding: "utf8" }).match(/^worktree /gm);
    expect(worktrees).toHaveLength(1);
    expect(existsSync(join(home, "lock"))).toBe(false);
    expect(existsSync(join(home, "diff-base"))).toBe(false);
  }, 180_000);

  it("should exit 2 and say so for a base that does not exist", async () => {
    const result = await tsx(repo, "policies/review/diff-cli.ts", "--base", "no-such-branch");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--base no-such-branch: no such commit");
  }, 120_000);
});
