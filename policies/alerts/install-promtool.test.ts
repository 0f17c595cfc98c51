// scripts/install-promtool.sh, run from a copy of the repository layout with
// a PATH that holds only what each case needs: the paths that must not
// download anything (already installed, apt missing, no package) are checked
// here; the download itself runs in every `npm test` through `npm run setup`.
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPromtool } from "./promtool.js";
import { REPO_ROOT } from "./rules.js";

const scratch = mkdtempSync(join(tmpdir(), "install-promtool-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const BASH = "/bin/bash";
let counter = 0;

/** A fresh repository-like directory with the script, and a bin directory of the given commands. */
function sandbox(commands: Readonly<Record<string, string>>): { root: string; path: string } {
  const root = join(scratch, `case-${counter++}`);
  mkdirSync(join(root, "scripts"), { recursive: true });
  for (const script of ["install-promtool.sh", "lib.sh"]) copyFileSync(join(REPO_ROOT, "scripts", script), join(root, "scripts", script));
  const bin = join(root, "fake-bin");
  mkdirSync(bin);
  for (const [name, target] of Object.entries(commands)) {
    if (target.startsWith("/")) symlinkSync(target, join(bin, name));
    else {
      writeFileSync(join(bin, name), `#!${BASH}\n${target}\n`);
      chmodSync(join(bin, name), 0o755);
    }
  }
  return { root, path: bin };
}

function run(root: string, path: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BASH, [join(root, "scripts", "install-promtool.sh")], { env: { PATH: path, HOME: root } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The basic tools the script uses before it reaches apt. */
const BASICS = { dirname: "/usr/bin/dirname", id: "/usr/bin/id", head: "/usr/bin/head", awk: "/usr/bin/awk", readlink: "/usr/bin/readlink" };

describe("when promtool is already installed", () => {
  const promtool = findPromtool();

  it.skipIf(promtool === undefined)("should say so and not call apt", async () => {
    const { root, path } = sandbox(BASICS);
    mkdirSync(join(root, ".tools", "bin"), { recursive: true });
    symlinkSync(promtool as string, join(root, ".tools", "bin", "promtool"));
    const result = await run(root, path);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^INFO - promtool already installed: \.tools\/bin\/promtool \(.*\), promtool, version 2\.\d+/);
  });
});

describe("when apt is not available", () => {
  it("should stop with an ERROR line saying how to provide promtool", async () => {
    const { root, path } = sandbox(BASICS);
    const result = await run(root, path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ERROR - apt-cache not found: promtool is installed from the Debian/Ubuntu 'prometheus' package");
    expect(result.stderr).toContain("PROMTOOL=/path/to/promtool");
  });
});

describe("when apt knows no prometheus package, even after an update", () => {
  it("should update the lists once and stop with an ERROR line", async () => {
    const { root, path } = sandbox({
      ...BASICS,
      "apt-cache": 'printf "prometheus:\\n  Installed: (none)\\n  Candidate: (none)\\n"',
      "apt-get": `echo "apt-get $*" >> ${join(scratch, "apt-get.log")}`,
      "dpkg-deb": "exit 1",
      tar: "exit 1",
      sudo: '"$@"',
    });
    const result = await run(root, path);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("INFO - apt knows no 'prometheus' candidate: running");
    expect(result.stderr).toContain("ERROR - no 'prometheus' package in the apt sources (on Ubuntu it is in 'universe'");
    expect(readFileSync(join(scratch, "apt-get.log"), "utf8")).toBe("apt-get update -qq\n");
  });
});

describe("when apt offers a promtool older than the tests need", () => {
  it("should refuse it", async () => {
    const { root, path } = sandbox({
      ...BASICS,
      sort: "/usr/bin/sort",
      printf: "/usr/bin/printf",
      "apt-cache": 'printf "prometheus:\\n  Installed: (none)\\n  Candidate: 2.31.2+ds1-1ubuntu1\\n"',
      "apt-get": "exit 1",
      "dpkg-deb": "exit 1",
      tar: "exit 1",
    });
    const result = await run(root, path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ERROR - apt offers prometheus 2.31.2+ds1-1ubuntu1, older than 2.42");
  });
});
