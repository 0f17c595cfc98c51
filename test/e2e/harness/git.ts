/**
 * The commit under test, as Argo CD sees it: a repository built from a
 * rendered cluster directory, served at the repository URL the committed
 * Applications name by the git proxy (test/e2e/git), which runs as a process
 * row like every other component.
 */
import { readFileSync } from "node:fs";
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

/** What the repo-server needs to fetch through the proxy (written by the proxy once it listens). */
export function gitClientEnv(server: GitServer): Record<string, string> {
  return JSON.parse(readFileSync(join(server.workDir, "proxy", "client-env.json"), "utf8")) as Record<string, string>;
}
