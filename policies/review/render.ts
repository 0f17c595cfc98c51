// Renders the fleet from a checkout's own generators: the working tree, or a
// commit checked out into a temporary git worktree. Both run in this process,
// so the npm packages they share (kubernetes-models above all, most of the
// start-up time) are loaded once.
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** Rendered files keyed by their path below clusters/ (`prod/apps/kades/deployment-kades-api.yaml`). */
export type RenderedTree = ReadonlyMap<string, string>;

/** A base that cannot be rendered: a bad ref, a checkout without the generators, a spec that fails. Exit 2. */
export class RenderError extends Error {}

/** A command's body, with a RenderError reported as `ERROR - ...` and exit 2; anything else is a bug and propagates. */
export async function exitOnRenderError(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    console.error(`ERROR - ${error.message}`);
    return 2;
  }
}

interface Generators {
  renderFleet(clusters: readonly unknown[], apps: readonly unknown[]): RenderedTree;
}

async function load<T>(root: string, file: string, name: string, ref: string): Promise<T> {
  const path = join(root, file);
  if (!existsSync(path)) throw new RenderError(`${ref} has no ${file}; --base must be a commit of this repository that renders the fleet with generators/render/fleet.ts`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new RenderError(`cannot load ${file} at ${ref}: ${(error as Error).message}`);
  }
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

function gitAsync(args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile("git", ["-C", REPO_ROOT, ...args], { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new RenderError(`git ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolvePromise(stdout.trim());
    });
  });
}

/** The commit a ref names, or a RenderError saying why it names none. */
export function resolveCommit(ref: string): string {
  try {
    return git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  } catch {
    throw new RenderError(`--base ${ref}: no such commit in ${REPO_ROOT}; give a branch, tag or commit (fetch it first in a shallow clone: git fetch origin main)`);
  }
}

/** What the generators read (package.json makes their modules ESM): the rest of the commit is not checked out. */
const RENDER_INPUTS = ["apps", "generators", "package.json", "package-lock.json", "tsconfig.json"];

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Where the base is checked out: one fixed folder per clone, so the
 * TypeScript compiled there last time is reused (tsx caches by path and
 * content); a fresh folder when another run holds it.
 */
function worktreeDir(): { dir: string; release: () => void } {
  const home = join(tmpdir(), `fleet-diff-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}`);
  mkdirSync(home, { recursive: true });
  const lock = join(home, "lock");
  // git names a worktree's admin folder after its base name: the fallback below gets a name of its own,
  // so two runs never race for the same one.
  const dir = join(home, "diff-base");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      // Whoever holds the lock owns the folder: what a dead run left there goes first.
      if (existsSync(dir)) removeWorktree(dir);
      return { dir, release: () => rmSync(lock, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: string;
    try {
      holder = readFileSync(lock, "utf8");
    } catch {
      continue;
    }
    // An empty lock is being written by a live run.
    if (holder === "" || alive(Number(holder))) break;
    // Left by a run that died: taken away by one rename, so two runs never both take it over.
    try {
      const stale = `${lock}.${process.pid}`;
      renameSync(lock, stale);
      rmSync(stale, { force: true });
    } catch {
      // Another run took it over first.
    }
  }
  const own = mkdtempSync(join(tmpdir(), "fleet-diff-"));
  return { dir: join(own, `diff-base-${process.pid}`), release: () => rmSync(own, { recursive: true, force: true }) };
}

function removeWorktree(dir: string): void {
  // Unlinked first, so that removing the worktree can never reach into the shared packages.
  rmSync(join(dir, "node_modules"), { force: true });
  try {
    git(["worktree", "remove", "--force", dir]);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    git(["worktree", "prune"]);
  }
}

export interface BaseCheckout {
  readonly ref: string;
  readonly commit: string;
  readonly dir: string;
  /** Renders the checkout and removes it, whatever happens. */
  render(): Promise<BaseRender>;
}

export interface BaseRender {
  readonly commit: string;
  readonly tree: RenderedTree;
  /** Set when the base pins other npm packages than the working tree, which it is rendered with. */
  readonly notice?: string;
}

/**
 * Checks the generators and apps of `ref` out into a temporary worktree (git
 * runs while the caller goes on, e.g. rendering the working tree). The
 * worktree gets the working tree's node_modules: the base renders with the
 * packages installed here.
 */
export async function checkoutRef(ref: string): Promise<BaseCheckout> {
  const commit = resolveCommit(ref);
  const { dir, release } = worktreeDir();
  const done = (): void => {
    removeWorktree(dir);
    release();
  };
  try {
    await gitAsync(["worktree", "add", "--detach", "--no-checkout", "--quiet", dir, commit]);
    const present = RENDER_INPUTS.filter((p) => git(["ls-tree", "--name-only", commit, "--", p]) !== "");
    await gitAsync(["-C", dir, "checkout", "--quiet", commit, "--", ...present]);
    symlinkSync(realpathSync(join(REPO_ROOT, "node_modules")), join(dir, "node_modules"), "dir");
  } catch (error) {
    done();
    throw error instanceof RenderError ? new RenderError(`cannot check ${ref} out into a worktree: ${error.message}`) : error;
  }
  return {
    ref,
    commit,
    dir,
    async render(): Promise<BaseRender> {
      try {
        const lock = (root: string): string => (existsSync(join(root, "package-lock.json")) ? readFileSync(join(root, "package-lock.json"), "utf8") : "");
        const notice = lock(dir) === lock(REPO_ROOT) ? undefined : `package-lock.json differs at ${ref}: the base was rendered with the working tree's node_modules`;
        const tree = await renderCheckout(dir, `${ref} (${commit.slice(0, 12)})`);
        return { commit, tree, ...(notice ? { notice } : {}) };
      } finally {
        done();
      }
    },
  };
}

/** The base and the working tree, rendered: git checks the base out while the working tree renders. */
export async function renderBoth(ref: string): Promise<{ base: BaseRender; head: RenderedTree }> {
  // A ref that names nothing is reported before anything renders.
  resolveCommit(ref);
  const checkout = checkoutRef(ref);
  // Settled either way before the working tree renders, so a failed checkout is not left unhandled.
  checkout.catch(() => undefined);
  const head = await renderCheckout(REPO_ROOT, "the working tree");
  const base = await (await checkout).render();
  return { base, head };
}
