/**
 * The commit under test, as Argo CD sees it: a repository built from a
 * rendered cluster directory, served at the repository URL the committed
 * Applications name by the git proxy (test/e2e/git), which runs as a process
 * row like every other component.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildRepository } from "../git/repository.js";
import type { ProcessSpec } from "./process.js";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

export interface GitServer {
  readonly workDir: string;
  readonly gitDir: string;
  readonly row: ProcessSpec;
}

/** Builds the commit (replacing the previous one on the branch) and returns its hash. */
export async function publishCommit(workDir: string, repoPath: string, sourceDir: string, branch: string): Promise<string> {
  const built = await buildRepository({ workDir, files: [{ repoPath, sourceDir }], branch });
  return built.commit;
}

/** `tunnels`: `host:port` → backend port on 127.0.0.1, for stand-ins reached by name (Vault, ACME). */
export function gitServerRow(workDir: string, repoURL: string, port: number, tunnels: Readonly<Record<string, number>> = {}): GitServer {
  const gitDir = join(workDir, "repository.git");
  const tunnelFlags = Object.entries(tunnels).flatMap(([host, backend]) => ["--tunnel", `${host}=${backend}`]);
  return {
    workDir,
    gitDir,
    row: {
      name: "git-proxy",
      command: process.execPath,
      args: [join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"), join(REPO_ROOT, "test/e2e/git/serve.ts"), "--work-dir", join(workDir, "proxy"), "--repo-url", repoURL, "--git-dir", gitDir, "--port", String(port), ...tunnelFlags],
      ready: { kind: "tcp", port },
    },
  };
}

/**
 * What the repo-server needs to fetch through the proxy. The proxy writes it
 * (last, after the tunnels' certificates, by rename) just after it starts to
 * listen, so a busy machine can see the port before the file: wait for it.
 */
export async function gitClientEnv(server: GitServer, boundMs = 30_000): Promise<Record<string, string>> {
  const file = join(server.workDir, "proxy", "client-env.json");
  const started = Date.now();
  while (!existsSync(file)) {
    if (Date.now() - started > boundMs) throw new Error(`the git proxy listens but did not write ${file} within ${boundMs / 1000}s; see its log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
}
