// Runs a command of this repository (a TypeScript entry point) as a real
// process, the way the tests that check exit codes and output need it: node
// with tsx's loader. Not through the `tsx` launcher, which starts a second
// node process per run and so doubles the start-up every such test pays.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** tsx's ESM loader, by absolute URL so a run works from any working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` with `args` in `cwd`; never throws on a non-zero exit (code -1 when the process could not start). */
export function runCommand(script: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", TSX_LOADER, script, ...args], { cwd: options.cwd, env: options.env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else resolve({ code: typeof error.code === "number" ? error.code : -1, stdout, stderr: stderr || error.message });
    });
  });
}
