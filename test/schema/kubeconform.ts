/**
 * A thin wrapper around the real kubeconform binary: where it is, how it is
 * invoked (strict, offline schemas only, nothing skipped) and its JSON output,
 * parsed.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./cache.js";
import { SCHEMA_LOCATION_TEMPLATE } from "./schemas.js";

// The one place kubeconform is pinned; scripts/install-kubeconform.sh reads these two lines.
export const KUBECONFORM_MODULE = "github.com/yannh/kubeconform";
// renovate: datasource=go depName=github.com/yannh/kubeconform
export const KUBECONFORM_VERSION = "v0.8.0";
/** The `go` line of kubeconform's go.mod at that version: the oldest Go toolchain that builds it. */
export const KUBECONFORM_MIN_GO = "1.26";

/** `.tools/kubeconform/<version>/kubeconform`, built by `npm run setup`. */
export function kubeconformBinary(version: string = KUBECONFORM_VERSION): string {
  return join(REPO_ROOT, ".tools", "kubeconform", version, "kubeconform");
}

export type KubeconformStatus = "valid" | "invalid" | "error" | "skipped" | "empty";

/** One resource as kubeconform reports it. */
export interface KubeconformResult {
  readonly filename: string;
  readonly kind: string;
  readonly name: string;
  /** kubeconform's "version" is the resource's apiVersion. */
  readonly apiVersion: string;
  readonly status: KubeconformStatus;
  readonly msg: string;
  readonly validationErrors: readonly { readonly path: string; readonly msg: string }[];
}

export interface KubeconformRun {
  readonly results: readonly KubeconformResult[];
  readonly summary: { readonly valid: number; readonly invalid: number; readonly errors: number; readonly skipped: number };
}

/** kubeconform could not be run or said something this wrapper cannot read. */
export class KubeconformError extends Error {}

const STATUS: Record<string, KubeconformStatus> = {
  statusValid: "valid",
  statusInvalid: "invalid",
  statusError: "error",
  statusSkipped: "skipped",
  "": "empty",
};

interface RawOutput {
  resources?: { filename: string; kind: string; name: string; version: string; status: string; msg: string; validationErrors?: { path: string; msg: string }[] }[];
  summary?: KubeconformRun["summary"];
}

/** Reads kubeconform's `-output json -summary -verbose` document. */
export function parseKubeconformOutput(stdout: string): KubeconformRun {
  let raw: RawOutput;
  try {
    raw = JSON.parse(stdout) as RawOutput;
  } catch {
    throw new KubeconformError(`kubeconform's output is not JSON: ${stdout.slice(0, 500)}`);
  }
  if (!Array.isArray(raw.resources) || raw.summary === undefined) throw new KubeconformError(`kubeconform's output has no resources or summary: ${stdout.slice(0, 500)}`);
  const results = raw.resources.map((r): KubeconformResult => {
    const status = STATUS[r.status];
    if (status === undefined) throw new KubeconformError(`kubeconform reported an unknown status ${JSON.stringify(r.status)} for ${r.filename}`);
    return { filename: r.filename, kind: r.kind, name: r.name, apiVersion: r.version, status, msg: r.msg, validationErrors: r.validationErrors ?? [] };
  });
  return { results, summary: raw.summary };
}

export interface KubeconformOptions {
  /** The schema cache directory (`.cache/schemas/<key>`). */
  readonly schemaDir: string;
  /** x.y.z; selects `v<x.y.z>-standalone-strict/` in the cache. */
  readonly kubernetesVersion: string;
  readonly binary?: string;
}

/** The exact command line: strict, JSON, every resource reported, only the offline schemas, no kind skipped. */
export function kubeconformArgs(files: readonly string[], options: KubeconformOptions): string[] {
  return [
    "-strict",
    "-summary",
    "-verbose",
    "-output",
    "json",
    "-kubernetes-version",
    options.kubernetesVersion,
    "-schema-location",
    join(options.schemaDir, SCHEMA_LOCATION_TEMPLATE),
    "-n",
    String(Math.max(2, availableParallelism())),
    "--",
    ...files,
  ];
}

/** Files per invocation: far below the kernel's argument limit, and one invocation for any cluster we have. */
const FILES_PER_RUN = 2000;

function runOnce(binary: string, args: string[]): Promise<KubeconformRun> {
  return new Promise((resolvePromise, reject) => {
    execFile(binary, args, { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      // kubeconform exits 1 when a resource is invalid or errors; its report is still on stdout.
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (code !== 0 && code !== 1) {
        reject(new KubeconformError(`${binary} failed (exit ${error?.code ?? "?"}${error?.signal ? `, signal ${error.signal}` : ""}): ${(stderr || error?.message || "").trim()}`));
        return;
      }
      try {
        resolvePromise(parseKubeconformOutput(stdout));
      } catch (e) {
        reject(e instanceof KubeconformError && stderr.trim() !== "" ? new KubeconformError(`${e.message}\nstderr: ${stderr.trim()}`) : e);
      }
    });
  });
}

/** Validates the files with kubeconform (all of them in one invocation, up to FILES_PER_RUN). */
export async function runKubeconform(files: readonly string[], options: KubeconformOptions): Promise<KubeconformRun> {
  const binary = options.binary ?? kubeconformBinary();
  if (!existsSync(binary)) {
    throw new KubeconformError(`kubeconform ${KUBECONFORM_VERSION} is not installed (no ${binary}); run \`npm run setup\``);
  }
  const results: KubeconformResult[] = [];
  const summary = { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  for (let i = 0; i < files.length; i += FILES_PER_RUN) {
    const run = await runOnce(binary, kubeconformArgs(files.slice(i, i + FILES_PER_RUN), options));
    results.push(...run.results);
    summary.valid += run.summary.valid;
    summary.invalid += run.summary.invalid;
    summary.errors += run.summary.errors;
    summary.skipped += run.summary.skipped;
  }
  return { results, summary };
}
