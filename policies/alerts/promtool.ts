// A thin wrapper around the real promtool (from the Debian/Ubuntu `prometheus`
// package, unpacked by scripts/install-promtool.sh): where it is, how it is
// called, and a scratch directory the rule files are written to.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Finding } from "../lib/types.js";
import { REPO_ROOT } from "./rules.js";

/** Longest a single promtool call may take before it is reported as hung. */
export const PROMTOOL_TIMEOUT_MS = 60_000;

/** `PROMTOOL` when set, else the link `npm run setup` makes: `.tools/bin/promtool`. */
export function promtoolPath(): string {
  return process.env["PROMTOOL"] || join(REPO_ROOT, ".tools", "bin", "promtool");
}

/** The promtool to run, or undefined when there is none that can be executed. */
export function findPromtool(): string | undefined {
  const path = promtoolPath();
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** The finding every promtool policy reports when it cannot run promtool at all. */
export function promtoolMissing(what: string): Finding {
  return {
    summary: "promtool is not installed",
    path: "",
    problem: `${what} need promtool, which is not at ${promtoolPath()} (or PROMTOOL does not name an executable)`,
    fix: "run `npm run setup` (scripts/install-promtool.sh unpacks promtool from the Debian/Ubuntu `prometheus` package into .tools/), or set PROMTOOL=/path/to/promtool",
    severity: "Fatal",
  };
}

export interface PromtoolRun {
  /** Exit code; null when promtool was killed (timeout) or could not start. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when promtool did not finish or could not be started. */
  readonly error?: string;
}

/** Runs `promtool <args>` in `cwd` (so its messages name files relative to it). */
export function runPromtool(binary: string, args: readonly string[], cwd: string, timeoutMs = PROMTOOL_TIMEOUT_MS): Promise<PromtoolRun> {
  return new Promise((resolve) => {
    execFile(binary, [...args], { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string | null };
      if (typeof e.code === "number") {
        resolve({ code: e.code, stdout, stderr });
        return;
      }
      const why = e.killed || e.signal ? `was stopped after ${timeoutMs / 1000}s (${e.signal ?? "timeout"})` : `could not be started: ${e.message}`;
      resolve({ code: null, stdout, stderr, error: `promtool ${args[0] ?? ""} ${args[1] ?? ""} ${why}` });
    });
  });
}

/** The finding for a promtool call that did not finish. */
export function promtoolBroken(run: PromtoolRun): Finding {
  return {
    summary: "promtool did not finish",
    path: "",
    problem: `${run.error ?? "failed"}${run.stderr.trim() ? `: ${oneLine(run.stderr)}` : ""}`,
    fix: "check that promtool runs (`.tools/bin/promtool --version`); reinstall it with `rm -rf .tools/promtool .tools/bin/promtool && npm run setup`",
    severity: "Fatal",
  };
}

/** A scratch directory for rule and test files, removed afterwards. */
export async function inScratchDir<T>(work: (dir: string, write: (relative: string, text: string) => void) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "iot-fleet-promtool-"));
  const write = (relative: string, text: string): void => {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  try {
    return await work(dir, write);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A file promtool reads: its name in the scratch directory, and its text. */
export interface PromtoolFile {
  readonly name: string;
  readonly text: string;
}

/**
 * promtool's answer for one command on a set of files. The same binary,
 * arguments and files give the same answer, and most clusters render
 * identical rules, so a run over the fleet (or the test suite's many runs
 * over prod) asks promtool once per distinct input. A call that did not
 * finish is not kept, so the next asks again.
 */
const answers = new Map<string, Promise<PromtoolRun>>();

/** Runs `promtool <args>` in a scratch directory holding `files`, or returns the answer it gave for the same input. */
export function promtoolOnFiles(binary: string, args: readonly string[], files: readonly PromtoolFile[]): Promise<PromtoolRun> {
  const key = createHash("sha256").update(JSON.stringify([binary, args, files.map((f) => [f.name, f.text])])).digest("hex");
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = inScratchDir(async (dir, write) => {
      for (const file of files) write(file.name, file.text);
      return runPromtool(binary, args, dir);
    });
    answers.set(key, answer);
    void answer.then((run) => {
      if (run.code === null) answers.delete(key);
    });
  }
  return answer;
}

/** promtool's multi-line output as one line, for a diagnostic. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
