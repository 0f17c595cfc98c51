// Renders the fleet from a checkout's own generators: the working tree, or a
// commit checked out into a temporary git worktree. Both run in this process,
// so the npm packages they share (kubernetes-models above all, most of the
// start-up time) are loaded once.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** Rendered files keyed by their path below clusters/ (`prod/apps/kades/deployment-kades-api.yaml`). */
export type RenderedTree = ReadonlyMap<string, string>;

/** A base that cannot be rendered: a bad ref, a checkout without the generators, a spec that fails. Exit 2. */
export class RenderError extends Error {}

interface Generators {
  renderFleet(clusters: readonly unknown[], apps: readonly unknown[]): RenderedTree;
}

async function load<T>(root: string, file: string, name: string, ref: string): Promise<T> {
  const path = join(root, file);
  if (!existsSync(path)) throw new RenderError(`${ref} has no ${file}; --base must be a commit of this repository that renders the fleet with generators/render/fleet.ts`);
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  if (module[name] === undefined) throw new RenderError(`${file} at ${ref} does not export ${name}`);
  return module[name] as T;
}

/** Renders every cluster of the checkout at `root` with that checkout's apps, profiles and generators. */
export async function renderCheckout(root: string, label: string): Promise<RenderedTree> {
  const renderFleet = await load<Generators["renderFleet"]>(root, "generators/render/fleet.ts", "renderFleet", label);
  const clusters = await load<readonly unknown[]>(root, "generators/fleet/clusters.ts", "CLUSTERS", label);
  const apps = await load<readonly unknown[]>(root, "apps/index.ts", "APPS", label);
  try {
    return renderFleet(clusters, apps);
  } catch (error) {
    const issues = (error as { issues?: { app: string; cluster: string; field: string; problem: string }[] }).issues;
    const detail = issues ? issues.map((i) => `apps/${i.app} (cluster ${i.cluster}): ${i.field}: ${i.problem}`).join("; ") : (error as Error).message;
    throw new RenderError(`the fleet does not render at ${label}: ${detail}`);
  }
}

function git(args: readonly string[]): string {
  return execFileSync("git", ["-C", REPO_ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The commit a ref names, or a RenderError saying why it names none. */
export function resolveCommit(ref: string): string {
  try {
    return git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  } catch {
    throw new RenderError(`--base ${ref}: no such commit in ${REPO_ROOT}; give a branch, tag or commit (fetch it first in a shallow clone: git fetch origin main)`);
  }
}

export interface BaseRender {
  readonly commit: string;
  readonly tree: RenderedTree;
  /** Set when the base pins other npm packages than the working tree, which it is rendered with. */
  readonly notice?: string;
}

/**
 * Checks `ref` out into a temporary worktree, renders it there and removes the
 * worktree again. The worktree gets the working tree's node_modules: the base
 * renders with the packages installed here.
 */
export async function renderAtRef(ref: string): Promise<BaseRender> {
  const commit = resolveCommit(ref);
  const dir = join(mkdtempSync(join(tmpdir(), "fleet-diff-")), "base");
  try {
    git(["worktree", "add", "--detach", "--quiet", dir, commit]);
  } catch (error) {
    rmSync(resolve(dir, ".."), { recursive: true, force: true });
    throw new RenderError(`cannot check ${ref} out into a worktree: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
  }
  try {
    symlinkSync(realpathSync(join(REPO_ROOT, "node_modules")), join(dir, "node_modules"), "dir");
    const lock = (root: string): string => (existsSync(join(root, "package-lock.json")) ? readFileSync(join(root, "package-lock.json"), "utf8") : "");
    const notice = lock(dir) === lock(REPO_ROOT) ? undefined : `package-lock.json differs at ${ref}: the base was rendered with the working tree's node_modules`;
    const tree = await renderCheckout(dir, `${ref} (${commit.slice(0, 12)})`);
    return { commit, tree, ...(notice ? { notice } : {}) };
  } finally {
    // Unlinked first, so that removing the worktree can never reach into the shared packages.
    rmSync(join(dir, "node_modules"), { force: true });
    try {
      git(["worktree", "remove", "--force", dir]);
    } catch {
      git(["worktree", "prune"]);
    }
    rmSync(resolve(dir, ".."), { recursive: true, force: true });
  }
}
