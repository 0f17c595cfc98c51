// The commit under test, checked with the real git CLI: its tree, its branch
// and HEAD, its hash staying put for the same files, and errors for bad input.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "./git-env.js";
import { buildRepository, COMMIT_IDENTITY, RepositoryError, type RepositorySource } from "./repository.js";

const temps: string[] = [];
function temp(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `e2e-git-${name}-`));
  temps.push(dir);
  return dir;
}

/** A small rendered-cluster-like folder: nested files, an executable, a symlink, a .gitignore that must not drop anything. */
function writeCluster(dir: string, marker = "v1"): void {
  mkdirSync(join(dir, "apps", "kades"), { recursive: true });
  mkdirSync(join(dir, "bootstrap"), { recursive: true });
  writeFileSync(join(dir, "apps", "kades", "deployment-kades-api.yaml"), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kades-api # ${marker}\n`);
  writeFileSync(join(dir, "apps", "kades", "service-kades-api.yaml"), "apiVersion: v1\nkind: Service\n");
  writeFileSync(join(dir, "bootstrap", "application-root.yaml"), "apiVersion: argoproj.io/v1alpha1\nkind: Application\n");
  writeFileSync(join(dir, "bootstrap", "hook.sh"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(dir, "bootstrap", "hook.sh"), 0o755);
  symlinkSync("deployment-kades-api.yaml", join(dir, "apps", "kades", "current.yaml"));
  writeFileSync(join(dir, ".gitignore"), "*.yaml\n");
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("when building a repository from folders", () => {
  let prod: string;
  let argocd: string;
  let files: RepositorySource[];
  let built: { gitDir: string; commit: string };

  beforeAll(async () => {
    prod = temp("prod");
    argocd = temp("argocd");
    writeCluster(prod);
    writeFileSync(join(argocd, "appproject-fleet.yaml"), "kind: AppProject\n");
    files = [
      { repoPath: "clusters/prod", sourceDir: prod },
      { repoPath: "clusters/prod-argocd/", sourceDir: argocd },
    ];
    built = await buildRepository({ workDir: temp("work"), files, branch: "main" });
  });

  it("should place each folder's files at its repoPath, .gitignore'd files included", async () => {
    const tree = (await git(["--git-dir", built.gitDir, "ls-tree", "-r", "--name-only", built.commit])).split("\n");
    expect(tree).toEqual([
      "clusters/prod-argocd/appproject-fleet.yaml",
      "clusters/prod/.gitignore",
      "clusters/prod/apps/kades/current.yaml",
      "clusters/prod/apps/kades/deployment-kades-api.yaml",
      "clusters/prod/apps/kades/service-kades-api.yaml",
      "clusters/prod/bootstrap/application-root.yaml",
      "clusters/prod/bootstrap/hook.sh",
    ]);
  });

  it("should keep contents, the executable bit and symlinks as they are on disk", async () => {
    const show = (path: string): Promise<string> => git(["--git-dir", built.gitDir, "show", `${built.commit}:${path}`]);
    expect(`${await show("clusters/prod/apps/kades/deployment-kades-api.yaml")}\n`).toBe(readFileSync(join(prod, "apps", "kades", "deployment-kades-api.yaml"), "utf8"));
    const modes = await git(["--git-dir", built.gitDir, "ls-tree", "-r", built.commit, "clusters/prod/bootstrap/hook.sh", "clusters/prod/apps/kades/current.yaml"]);
    expect(modes).toMatch(/^120000 blob \S+\tclusters\/prod\/apps\/kades\/current\.yaml$/m);
    expect(modes).toMatch(/^100755 blob \S+\tclusters\/prod\/bootstrap\/hook\.sh$/m);
  });

  it("should hold one commit on the branch, with HEAD pointing to the branch, in a bare repository", async () => {
    const gitDir = ["--git-dir", built.gitDir];
    expect(await git([...gitDir, "rev-parse", "refs/heads/main"])).toBe(built.commit);
    expect(await git([...gitDir, "symbolic-ref", "HEAD"])).toBe("refs/heads/main");
    expect(await git([...gitDir, "rev-list", "--all", "--count"])).toBe("1");
    expect(await git([...gitDir, "rev-parse", "--is-bare-repository"])).toBe("true");
    expect(await git([...gitDir, "for-each-ref", "--format=%(refname)"])).toBe("refs/heads/main");
  });

  it("should commit with the fixed identity and date, not the machine's", async () => {
    const meta = await git(["--git-dir", built.gitDir, "show", "-s", "--format=%an <%ae> %at|%cn <%ce> %ct", built.commit]);
    const expected = `${COMMIT_IDENTITY.name} <${COMMIT_IDENTITY.email}> 1704067200`;
    expect(meta).toBe(`${expected}|${expected}`);
  });

  it("should give the same commit for the same files, wherever they and the work dir are", async () => {
    const elsewhere = temp("prod-copy");
    cpSync(prod, elsewhere, { recursive: true, verbatimSymlinks: true });
    const again = await buildRepository({
      workDir: temp("work-again"),
      // Given in the other order: the order of `files` is not part of the commit.
      files: [
        { repoPath: "clusters/prod-argocd", sourceDir: argocd },
        { repoPath: "clusters/prod", sourceDir: elsewhere },
      ],
      branch: "main",
    });
    expect(again.commit).toBe(built.commit);
  });

  it("should give a different commit when one file differs", async () => {
    const changed = temp("prod-changed");
    writeCluster(changed, "v2");
    const other = await buildRepository({ workDir: temp("work-changed"), files: [{ repoPath: "clusters/prod", sourceDir: changed }, files[1] as RepositorySource], branch: "main" });
    expect(other.commit).not.toBe(built.commit);
  });

  it("should replace the repository of an earlier build in the same work dir", async () => {
    const workDir = temp("work-twice");
    const first = await buildRepository({ workDir, files, branch: "main" });
    const changed = temp("prod-next");
    writeCluster(changed, "next");
    const second = await buildRepository({ workDir, files: [{ repoPath: "clusters/prod", sourceDir: changed }], branch: "main" });
    expect(second.gitDir).toBe(first.gitDir);
    expect(await git(["--git-dir", second.gitDir, "rev-list", "--all"])).toBe(second.commit);
    await expect(git(["--git-dir", second.gitDir, "cat-file", "-e", first.commit])).rejects.toThrow();
  });
});

describe("when the input is bad", () => {
  let good: string;
  let empty: string;
  let aFile: string;
  const missing = join(tmpdir(), "e2e-git-does-not-exist-7f3a", "clusters-prod");

  beforeAll(() => {
    good = temp("good");
    writeFileSync(join(good, "a.yaml"), "a: 1\n");
    empty = temp("empty");
    aFile = join(temp("file"), "plain.yaml");
    writeFileSync(aFile, "x: 1\n");
  });

  const cases: [string, () => { files: RepositorySource[]; branch?: string }, RegExp][] = [
    ["a source folder that does not exist", () => ({ files: [{ repoPath: "clusters/prod", sourceDir: missing }] }), /source folder .*e2e-git-does-not-exist-7f3a\/clusters-prod \(for clusters\/prod\) does not exist/],
    ["a source that is a file", () => ({ files: [{ repoPath: "clusters/prod", sourceDir: aFile }] }), /plain\.yaml \(for clusters\/prod\) is not a folder/],
    ["an empty source folder", () => ({ files: [{ repoPath: "clusters/prod", sourceDir: empty }] }), /holds no files; git keeps no empty folders/],
    ["a repoPath that climbs out", () => ({ files: [{ repoPath: "clusters/../../etc", sourceDir: good }] }), /repoPath "clusters\/\.\.\/\.\.\/etc" .* has an empty, \. or \.\. segment/],
    ["an absolute repoPath", () => ({ files: [{ repoPath: "/clusters/prod", sourceDir: good }] }), /repoPath "\/clusters\/prod" .* is absolute/],
    ["an empty repoPath", () => ({ files: [{ repoPath: "", sourceDir: good }] }), /repoPath "" .* is empty/],
    ["overlapping repoPaths", () => ({ files: [{ repoPath: "clusters/prod/apps", sourceDir: good }, { repoPath: "clusters/prod", sourceDir: good }] }), /repoPath clusters\/prod\/apps .* overlaps clusters\/prod/],
    ["no files at all", () => ({ files: [] }), /no files given/],
    ["an invalid branch name", () => ({ files: [{ repoPath: "clusters/prod", sourceDir: good }], branch: "main..x" }), /"main\.\.x" is not a valid branch name/],
  ];

  describe.each(cases)("given %s", (_name, input, message) => {
    it("should fail naming what is wrong, and leave no repository behind", async () => {
      const workDir = temp("bad");
      const { files, branch } = input();
      const attempt = buildRepository({ workDir, files, branch: branch ?? "main" });
      await expect(attempt).rejects.toThrow(RepositoryError);
      await expect(attempt).rejects.toThrow(message);
      expect(existsSync(join(workDir, "repository.git"))).toBe(false);
    });
  });

  it("should accept the same input once it is fixed (the error cases are not failing for another reason)", async () => {
    const built = await buildRepository({ workDir: temp("fixed"), files: [{ repoPath: "clusters/prod", sourceDir: good }], branch: "main" });
    expect(built.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});
