/**
 * The environment every git process of this folder runs with: the caller's
 * environment minus anything that steers git (a `GIT_DIR` inherited from a
 * hook, a `GIT_INDEX_FILE`, proxies), no system or global configuration, and
 * the C locale so error text is stable. Same inputs, same behaviour, on any
 * machine and under any user's ~/.gitconfig.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Variables dropped from the inherited environment (besides every `GIT_*`). */
const STEERING = new Set(["http_proxy", "https_proxy", "all_proxy", "no_proxy", "curl_ca_bundle", "ssl_cert_file", "ssl_cert_dir"]);

export function isolatedGitEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith("GIT_") || STEERING.has(key.toLowerCase())) continue;
    env[key] = value;
  }
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", LANG: "C", ...extra };
}

export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface GitRun {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** @default 60_000 */
  readonly timeoutMs?: number;
}

/** Runs `git args...` isolated; resolves to trimmed stdout, rejects with the command, folder and git's own words. */
export async function git(args: readonly string[], opts: GitRun = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync("git", args, {
      cwd: opts.cwd,
      env: isolatedGitEnv(opts.env),
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string; code?: string | number };
    const why = e.code === "ENOENT" ? "git is not installed or not on PATH" : (e.stderr ?? "").trim() || e.message;
    throw new GitCommandError(`git ${args.join(" ")} failed${opts.cwd ? ` in ${opts.cwd}` : ""}: ${why}`, e.stderr ?? "");
  }
}
