/**
 * A thin wrapper around the real actionlint: where `npm run setup` builds it
 * and how it is run over the workflow files, its findings parsed.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

// The one place actionlint is pinned; scripts/install-actionlint.sh reads these three lines.
export const ACTIONLINT_MODULE = "github.com/rhysd/actionlint";
// renovate: datasource=go depName=github.com/rhysd/actionlint
export const ACTIONLINT_VERSION = "v1.7.12";
/** The `go` line of actionlint's go.mod at that version: the oldest Go toolchain that builds it. */
export const ACTIONLINT_MIN_GO = "1.25.0";

/** The tools cache outside the clone, as scripts/lib.sh's `tools_cache` computes it. */
export function toolsCache(): string {
  return process.env["FLEET_TOOLS"] || join(process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "iot-fleet-gitops", "tools");
}

export function actionlintBinary(version: string = ACTIONLINT_VERSION): string {
  return join(toolsCache(), "actionlint", version, "actionlint");
}

/** One problem actionlint found. */
export interface ActionlintError {
  readonly message: string;
  readonly filepath: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

/**
 * Runs actionlint on the given workflow files. shellcheck and pyflakes are
 * switched off, so the result is the same on a machine with them and one
 * without (GitHub's runners have shellcheck).
 */
export function runActionlint(files: readonly string[], cwd: string): Promise<ActionlintError[]> {
  const binary = actionlintBinary();
  if (!existsSync(binary)) return Promise.reject(new Error(`actionlint ${ACTIONLINT_VERSION} is not installed (no ${binary}); run \`npm run setup\``));
  return new Promise((resolve, reject) => {
    execFile(binary, ["-format", "{{json .}}", "-shellcheck=", "-pyflakes=", "-no-color", ...files], { cwd }, (error, stdout, stderr) => {
      // Exit 1: problems were found and printed; anything else is a failure to run.
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (code !== 0 && code !== 1) {
        reject(new Error(`${binary} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout || "[]") as ActionlintError[]);
      } catch {
        reject(new Error(`actionlint's output is not JSON: ${stdout.slice(0, 500)}`));
      }
    });
  });
}
