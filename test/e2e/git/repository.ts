/**
 * The commit under test: a fresh bare repository holding one commit on the
 * branch the Applications follow, whose tree places each source folder (a
 * rendered cluster directory) at its path in the repository. Built with git
 * plumbing straight from the source folders (nothing copied), with a fixed
 * author, committer, date and message, so the same files give the same
 * commit hash on every run and every machine.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { byCodeUnit } from "../../../generators/order.js";
import { git } from "./git-env.js";

export interface RepositorySource {
  /** Where the folder's files go in the repository, e.g. `clusters/prod` (relative, `/`-separated). */
  readonly repoPath: string;
  /** The folder whose files (recursively) are committed at `repoPath`. */
  readonly sourceDir: string;
}

export interface BuildRepositoryOptions {
  /** Folder the bare repository is created in (as `repository.git`); created when missing. */
  readonly workDir: string;
  readonly files: readonly RepositorySource[];
  /** Branch the commit is on, and HEAD points to (`main` for the committed Applications). */
  readonly branch: string;
}

export interface BuiltRepository {
  /** The bare repository (what `git http-backend` serves). */
  readonly gitDir: string;
  /** Full hash of the one commit on the branch. */
  readonly commit: string;
}

export class RepositoryError extends Error {}

/** Fixed identity and date: part of the hash, so they never come from the machine or the clock. */
export const COMMIT_IDENTITY = {
  name: "iot-fleet e2e",
  email: "e2e@iot-fleet.invalid",
  // 2024-01-01T00:00:00Z in git's raw format, which no locale or timezone reinterprets.
  date: "1704067200 +0000",
} as const;

export const REPOSITORY_DIR_NAME = "repository.git";

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** A repository path in canonical form, or the reason it is not one. */
function canonicalRepoPath(repoPath: string): string | { problem: string } {
  const trimmed = repoPath.replace(/\/+$/, "");
  if (trimmed === "") return { problem: "is empty (the repository root is not supported; name a folder such as clusters/prod)" };
  if (trimmed.startsWith("/") || isAbsolute(trimmed)) return { problem: "is absolute; give it relative to the repository root, e.g. clusters/prod" };
  if (trimmed.includes("\\")) return { problem: "contains a backslash; separate folders with /" };
  const segments = trimmed.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return { problem: "has an empty, . or .. segment; write it as plain folder names such as clusters/prod" };
  if (segments.some((s) => s.toLowerCase() === ".git")) return { problem: "contains a .git segment, which git refuses to commit" };
  return trimmed;
}

function checkedSources(files: readonly RepositorySource[]): { repoPath: string; sourceDir: string }[] {
  if (files.length === 0) throw new RepositoryError("buildRepository: no files given; pass at least one { repoPath, sourceDir } (e.g. the rendered cluster folder at clusters/<name>)");
  const sources = files.map((f) => {
    const repoPath = canonicalRepoPath(f.repoPath);
    if (typeof repoPath !== "string") throw new RepositoryError(`buildRepository: repoPath ${JSON.stringify(f.repoPath)} (for ${f.sourceDir}) ${repoPath.problem}`);
    const sourceDir = resolve(f.sourceDir);
    let isDir: boolean;
    try {
      isDir = statSync(sourceDir).isDirectory();
    } catch {
      throw new RepositoryError(`buildRepository: source folder ${sourceDir} (for ${repoPath}) does not exist; pass an existing folder, e.g. a rendered cluster directory`);
    }
    if (!isDir) throw new RepositoryError(`buildRepository: source ${sourceDir} (for ${repoPath}) is not a folder; pass the folder that holds the files`);
    return { repoPath, sourceDir };
  });
  sources.sort((a, b) => byCodeUnit(a.repoPath, b.repoPath));
  // Sorted, a path that contains another comes right after it; read-tree would refuse the overlap less clearly.
  for (let i = 1; i < sources.length; i++) {
    const [prev, cur] = [sources[i - 1], sources[i]];
    if (prev && cur && (cur.repoPath === prev.repoPath || cur.repoPath.startsWith(`${prev.repoPath}/`))) {
      throw new RepositoryError(
        `buildRepository: repoPath ${cur.repoPath} (from ${cur.sourceDir}) overlaps ${prev.repoPath} (from ${prev.sourceDir}); give each source its own folder`,
      );
    }
  }
  return sources;
}

async function checkBranch(branch: string): Promise<void> {
  try {
    await git(["check-ref-format", `refs/heads/${branch}`]);
  } catch {
    throw new RepositoryError(`buildRepository: ${JSON.stringify(branch)} is not a valid branch name; use the Applications' targetRevision, e.g. main`);
  }
}

/**
 * Creates `<workDir>/repository.git` afresh (an existing one is replaced)
 * with one commit on `branch` holding every source folder at its repoPath,
 * and HEAD pointing to that branch.
 */
export async function buildRepository(opts: BuildRepositoryOptions): Promise<BuiltRepository> {
  const sources = checkedSources(opts.files);
  await checkBranch(opts.branch);
  const workDir = resolve(opts.workDir);
  const gitDir = join(workDir, REPOSITORY_DIR_NAME);
  const indexDir = join(workDir, ".index");
  rmSync(gitDir, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
  mkdirSync(indexDir, { recursive: true });
  try {
    await git(["init", "--quiet", "--bare", `--initial-branch=${opts.branch}`, gitDir]);
    const withIndex = (name: string): Record<string, string> => ({ GIT_DIR: gitDir, GIT_INDEX_FILE: join(indexDir, name) });

    // Each folder is staged in an index of its own (it is that index's work tree), written as a tree...
    const subtrees: { repoPath: string; tree: string }[] = [];
    for (const [i, source] of sources.entries()) {
      const env = withIndex(`source-${i}`);
      // --force: the folder's .gitignore files would otherwise drop rendered files from the commit silently.
      await git(["--work-tree", source.sourceDir, "add", "--all", "--force", "--", "."], { cwd: source.sourceDir, env });
      const tree = await git(["write-tree"], { env });
      if (tree === EMPTY_TREE) {
        throw new RepositoryError(`buildRepository: source folder ${source.sourceDir} (for ${source.repoPath}) holds no files; git keeps no empty folders, so the Application path would not exist`);
      }
      subtrees.push({ repoPath: source.repoPath, tree });
    }
    // ...then every tree is read in under its prefix, which gives the root tree.
    const rootEnv = withIndex("root");
    // read-tree wants a work tree in a bare repository even though, without -u, it never touches one.
    const noWorkTree = join(indexDir, "empty");
    mkdirSync(noWorkTree);
    for (const s of subtrees) await git(["--work-tree", noWorkTree, "read-tree", `--prefix=${s.repoPath}/`, s.tree], { env: rootEnv });
    const rootTree = await git(["write-tree"], { env: rootEnv });

    const identity = {
      GIT_DIR: gitDir,
      GIT_AUTHOR_NAME: COMMIT_IDENTITY.name,
      GIT_AUTHOR_EMAIL: COMMIT_IDENTITY.email,
      GIT_AUTHOR_DATE: COMMIT_IDENTITY.date,
      GIT_COMMITTER_NAME: COMMIT_IDENTITY.name,
      GIT_COMMITTER_EMAIL: COMMIT_IDENTITY.email,
      GIT_COMMITTER_DATE: COMMIT_IDENTITY.date,
    };
    // The message names repository paths only: where the files came from on this machine must not change the hash.
    const message = `e2e: commit under test\n\n${sources.map((s) => `- ${s.repoPath}`).join("\n")}\n`;
    const commit = await git(["commit-tree", rootTree, "-m", message], { env: identity });
    await git(["update-ref", `refs/heads/${opts.branch}`, commit], { env: { GIT_DIR: gitDir } });
    await git(["symbolic-ref", "HEAD", `refs/heads/${opts.branch}`], { env: { GIT_DIR: gitDir } });
    return { gitDir, commit };
  } catch (error) {
    // No half-built repository for the proxy to serve.
    rmSync(gitDir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(indexDir, { recursive: true, force: true });
  }
}
