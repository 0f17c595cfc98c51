// Every workflow under .github/workflows passes the real actionlint, pins
// each action by commit SHA with the version beside it, and grants no
// permission at the top.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/committed.js";
import { actionlintBinary, runActionlint } from "./actionlint.js";

const WORKFLOWS = join(REPO_ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe("when actionlint checks the workflows", () => {
  it("should find workflow files", () => {
    expect(files).toContain("ci.yml");
  });

  it("should report no problem in any of them", async () => {
    const errors = await runActionlint(
      files.map((f) => join(".github", "workflows", f)),
      REPO_ROOT,
    );
    expect(errors.map((e) => `${e.filepath}:${e.line}:${e.column}: ${e.message} [${e.kind}]`)).toEqual([]);
  });
});

describe("when actionlint checks a broken workflow", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "actionlint-"));
    mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
    writeFileSync(
      join(dir, ".github", "workflows", "broken.yml"),
      ["on: push", "jobs:", "  test:", "    runs-on: ubuntu-24.04", "    steps:", "      - run: echo ${{ github.evnt.name }}", ""].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should report the misspelt context property on its line", async () => {
    const errors = await runActionlint([join(".github", "workflows", "broken.yml")], dir);
    expect(errors).toContainEqual(expect.objectContaining({ line: 6, kind: "expression", message: expect.stringContaining('"evnt"') }));
  });
});

describe.each(files)("when reading .github/workflows/%s", (file) => {
  const text = readFileSync(join(WORKFLOWS, file), "utf8");
  const uses = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ ref: m[1] as string, rest: (m[2] ?? "").trim() }));

  it("should grant no permission at the top, only per job", () => {
    expect((parse(text) as { permissions?: unknown }).permissions).toEqual({});
  });

  it("should pin every action by a full commit SHA with its version in a comment", () => {
    const unpinned = uses.filter((u) => !u.ref.startsWith("./") && !(/@[0-9a-f]{40}$/.test(u.ref) && /^# v\d+(\.\d+){0,2}$/.test(u.rest)));
    expect(unpinned.map((u) => `${u.ref} ${u.rest}`)).toEqual([]);
  });
});

describe("when actionlint is not built", () => {
  it("should say where it is expected and to run npm run setup", async () => {
    const saved = process.env["FLEET_TOOLS"];
    process.env["FLEET_TOOLS"] = join(tmpdir(), "no-such-tools-cache");
    try {
      await expect(runActionlint(["ci.yml"], WORKFLOWS)).rejects.toThrow(`(no ${actionlintBinary()}); run \`npm run setup\``);
    } finally {
      if (saved === undefined) delete process.env["FLEET_TOOLS"];
      else process.env["FLEET_TOOLS"] = saved;
    }
  });
});
