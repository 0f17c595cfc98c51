/**
 * The offline schema cache: `.cache/schemas/<key>/`, built from the pinned Go
 * modules and keyed by a hash of the pins, the module paths read and the
 * converter's own source, so a version bump or a converter change builds a
 * fresh cache and an unchanged tree reuses the old one.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { GO_TOOLCHAIN, KUBERNETES_VERSION } from "../../generators/fleet/versions.js";
import { byCodeUnit } from "../../generators/order.js";
import {
  ConversionError,
  convertCrd,
  convertSwagger,
  isCrd,
  objectMetaSchema,
  schemaFileName,
  schemaVersionDir,
  stripHelmTemplateLines,
  type GeneratedSchema,
  type Json,
  type JsonObject,
} from "./schemas.js";
import { schemaSources, type GoModule } from "./sources.js";

const run = promisify(execFile);

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const SCHEMA_CACHE_ROOT = join(REPO_ROOT, ".cache", "schemas");
const MANIFEST = "manifest.json";

/** The files whose content decides what the cache holds. */
const CONVERTER_SOURCES = ["schemas.ts", "sources.ts", "cache.ts"];

/** One kind in the cache. */
export interface CachedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Relative to the cache directory. */
  readonly file: string;
  readonly source: string;
}

/** What a built cache directory holds; written last, so its presence means the cache is complete. */
export interface SchemaManifest {
  readonly key: string;
  readonly kubernetesVersion: string;
  readonly modules: readonly { readonly module: string; readonly version: string; readonly paths: readonly string[] }[];
  readonly kinds: readonly CachedKind[];
}

/** A schema build that failed: the module, file or kind, and why. */
export class SchemaBuildError extends Error {}

/** Hash of everything the schemas are built from. */
export function schemaCacheKey(inputs: { readonly kubernetesVersion: string; readonly sources: unknown; readonly converter: readonly string[] }): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ kubernetesVersion: inputs.kubernetesVersion, sources: inputs.sources }));
  for (const text of inputs.converter) hash.update("\0").update(text);
  return hash.digest("hex").slice(0, 16);
}

/** The key of the schemas the current tree wants. */
export function currentSchemaKey(): string {
  return schemaCacheKey({
    kubernetesVersion: KUBERNETES_VERSION,
    sources: schemaSources(),
    converter: CONVERTER_SOURCES.map((f) => readFileSync(join(import.meta.dirname, f), "utf8")),
  });
}

/** Where the current schemas live (whether or not they have been built). */
export function currentSchemaDir(): string {
  return join(SCHEMA_CACHE_ROOT, currentSchemaKey());
}

/** The manifest of a complete cache directory, or undefined when it is missing or incomplete. */
export function readManifest(dir: string): SchemaManifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as SchemaManifest;
}

/** Parses `go mod download -json`'s output: one JSON object per module, back to back. */
export function parseJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** Downloads the modules through the Go module proxy (or finds them in the module cache) and returns their directories. */
export async function downloadModules(modules: readonly GoModule[]): Promise<Map<string, string>> {
  const args = ["mod", "download", "-json", ...modules.map((m) => `${m.module}@${m.version}`)];
  const env = { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOWORK: "off", GOFLAGS: `${process.env["GOFLAGS"] ?? ""} -mod=mod`.trim() };
  let stdout: string;
  try {
    ({ stdout } = await run("go", args, { cwd: tmpdir(), env, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === "ENOENT") {
      throw new SchemaBuildError("go not found on PATH: the schemas are read from Go modules; install Go (see scripts/install-kubeconform.sh) and run `npm run setup`");
    }
    stdout = e.stdout ?? "";
    if (stdout === "") throw new SchemaBuildError(`go ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
  }
  const dirs = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of parseJsonStream(stdout) as { Path?: string; Version?: string; Dir?: string; Error?: string }[]) {
    const id = `${entry.Path}@${entry.Version}`;
    if (entry.Error) problems.push(`${id}: ${entry.Error.replace(`${id}: `, "").trim().replaceAll("\n", "\n    ")}`);
    else if (entry.Dir) dirs.set(id, entry.Dir);
  }
  for (const m of modules) {
    const id = `${m.module}@${m.version}`;
    if (!dirs.has(id) && !problems.some((p) => p.startsWith(`${id}:`))) problems.push(`${id}: not in go mod download's output`);
  }
  if (problems.length > 0) {
    throw new SchemaBuildError(
      `could not download ${problems.length} Go module(s):\n  ${problems.join("\n  ")}\n` +
        "check the version in generators/fleet/versions.ts exists on the Go module proxy (GOPROXY) and that it is reachable",
    );
  }
  return dirs;
}

export function yamlFilesAt(moduleDir: string, path: string, id: string): string[] {
  const full = join(moduleDir, path);
  if (!existsSync(full)) throw new SchemaBuildError(`${id} has no ${path}; fix the path in test/schema/sources.ts for this version`);
  if (!statSync(full).isDirectory()) return [full];
  const files = readdirSync(full)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort(byCodeUnit)
    .map((f) => join(full, f));
  if (files.length === 0) throw new SchemaBuildError(`${id} has no YAML files in ${path}; fix the path in test/schema/sources.ts`);
  return files;
}

/** Every CRD document in a module file, parsed as the API server's YAML decoder reads it (YAML 1.1). */
export function crdDocuments(text: string, source: string): JsonObject[] {
  return parseAllDocuments(stripHelmTemplateLines(text), { version: "1.1" })
    .map((doc, index) => {
      if (doc.errors.length > 0) throw new SchemaBuildError(`${source}: document ${index} is not valid YAML: ${doc.errors[0]?.message}`);
      return doc.toJS({ maxAliasCount: -1 }) as Json;
    })
    .filter(isCrd);
}

function log(message: string): void {
  console.log(`INFO - ${message}`);
}

/** Converts every source into schemas (no writing). */
export async function convertSources(): Promise<{ schemas: GeneratedSchema[]; modules: SchemaManifest["modules"] }> {
  const sources = schemaSources();
  log(`schemas: fetching ${sources.length} Go modules: ${sources.map((s) => `${s.module.module}@${s.module.version}`).join(", ")}`);
  const dirs = await downloadModules(sources.map((s) => s.module));
  const schemas: GeneratedSchema[] = [];
  let objectMeta: ReturnType<typeof objectMetaSchema> | undefined;
  for (const source of sources) {
    const id = `${source.module.module}@${source.module.version}`;
    const moduleDir = dirs.get(id) ?? "";
    const before = schemas.length;
    for (const path of source.paths) {
      for (const file of yamlFilesAt(moduleDir, path, id)) {
        const name = `${id}/${relative(moduleDir, file)}`;
        const text = readFileSync(file, "utf8");
        if (!source.crds) {
          const swagger = JSON.parse(text) as Json;
          schemas.push(...convertSwagger(swagger, name));
          objectMeta = objectMetaSchema(swagger, name);
          continue;
        }
        if (objectMeta === undefined) throw new SchemaBuildError("the Kubernetes spec must be converted before any CRD (its ObjectMeta validates custom resources' metadata)");
        const crds = crdDocuments(text, name);
        for (const crd of crds) schemas.push(...convertCrd(crd, name, objectMeta));
      }
    }
    if (schemas.length === before) throw new SchemaBuildError(`${id}: no kinds found in ${source.paths.join(", ")}; fix test/schema/sources.ts`);
    log(`schemas: ${schemas.length - before} kinds from ${id} (${source.paths.join(", ")})`);
  }
  return { schemas, modules: sources.map((s) => ({ ...s.module, paths: s.paths })) };
}

/** Refuses two schemas for one kind (kubeconform looks kinds up case-insensitively). */
export function checkUnique(schemas: readonly GeneratedSchema[]): void {
  const seen = new Map<string, GeneratedSchema>();
  for (const s of schemas) {
    const file = schemaFileName(s.apiVersion, s.kind);
    const other = seen.get(file);
    if (other) {
      throw new SchemaBuildError(`${s.apiVersion} ${s.kind} is defined twice: by ${other.source} (${other.apiVersion} ${other.kind}) and by ${s.source}; remove one of the sources from test/schema/sources.ts`);
    }
    seen.set(file, s);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes caches of other keys and half-built directories of builds that are no longer running. */
function removeStale(key: string): void {
  for (const entry of readdirSync(SCHEMA_CACHE_ROOT)) {
    const tmp = /^\.[0-9a-f]+\.tmp-(\d+)$/.exec(entry);
    const stale = tmp ? !isRunning(Number(tmp[1])) : entry !== key;
    if (!stale) continue;
    rmSync(join(SCHEMA_CACHE_ROOT, entry), { recursive: true, force: true });
    log(`schemas: removed stale ${relative(REPO_ROOT, join(SCHEMA_CACHE_ROOT, entry))}`);
  }
}

/**
 * Makes sure the current schemas are in the cache: does nothing when they are,
 * builds them (into a temporary directory, renamed into place when complete)
 * when they are not, and removes caches for other keys. Returns the directory.
 */
export async function ensureSchemas(): Promise<string> {
  const key = currentSchemaKey();
  const dir = join(SCHEMA_CACHE_ROOT, key);
  const cached = readManifest(dir);
  if (cached) {
    log(`schemas: cached in ${relative(REPO_ROOT, dir)} (${cached.kinds.length} kinds, Kubernetes ${cached.kubernetesVersion}); nothing to do`);
    return dir;
  }
  const started = Date.now();
  let converted;
  try {
    converted = await convertSources();
  } catch (error) {
    if (error instanceof ConversionError) throw new SchemaBuildError(error.message);
    throw error;
  }
  const { schemas, modules } = converted;
  checkUnique(schemas);
  mkdirSync(SCHEMA_CACHE_ROOT, { recursive: true });
  const tmp = join(SCHEMA_CACHE_ROOT, `.${key}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const versionDir = schemaVersionDir(KUBERNETES_VERSION);
  const kinds: CachedKind[] = [];
  for (const s of [...schemas].sort((a, b) => byCodeUnit(schemaFileName(a.apiVersion, a.kind), schemaFileName(b.apiVersion, b.kind)))) {
    const file = `${versionDir}/${schemaFileName(s.apiVersion, s.kind)}`;
    mkdirSync(dirname(join(tmp, file)), { recursive: true });
    writeFileSync(join(tmp, file), JSON.stringify(s.schema));
    kinds.push({ apiVersion: s.apiVersion, kind: s.kind, file, source: s.source });
  }
  const manifest: SchemaManifest = { key, kubernetesVersion: KUBERNETES_VERSION, modules, kinds };
  writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  try {
    renameSync(tmp, dir);
  } catch (error) {
    // Another build of the same key finished first: its result is identical.
    rmSync(tmp, { recursive: true, force: true });
    if (!readManifest(dir)) throw error;
  }
  removeStale(key);
  log(`schemas: wrote ${kinds.length} schemas to ${relative(REPO_ROOT, dir)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return dir;
}
