/**
 * Builds the e2e tools of `catalog.ts` from the Go module proxy into the
 * tools cache (`<cache>/<name>/<version>/`), each from a small build module
 * written here. A tool whose folder holds a build of the same recipe (its
 * `recipe` hash) and passes its version check is left alone; a failed build
 * leaves nothing behind. The Go build cache is shared, so a rebuild after a
 * recipe change mostly links.
 *
 *   npm run e2e:tools [-- NAME ...]
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TOOLS, toolsCacheDir, type GoTool } from "./catalog.js";

export class ToolBuildError extends Error {}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function goEnv(tool: GoTool): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CGO_ENABLED: "0",
    GOWORK: "off",
    GOFLAGS: "-mod=mod",
    ...(tool.toolchain ? { GOTOOLCHAIN: tool.toolchain } : {}),
  };
}

/** Hash of everything that decides a tool's bytes: a change rebuilds it. */
export function recipeHash(tool: GoTool, goMod: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ goMod, sources: tool.sources ?? {}, binaries: tool.binaries, ldflags: tool.ldflags, copies: tool.copies ?? [], toolchain: tool.toolchain ?? "" }));
  return h.digest("hex").slice(0, 16);
}

async function moduleDir(module: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await run("go", ["mod", "download", "-json", module], { env: { ...env, GOFLAGS: "" } });
  let parsed: { Dir?: string; Error?: string } = {};
  try {
    parsed = JSON.parse(r.stdout) as typeof parsed;
  } catch {
    /* reported below */
  }
  if (r.code !== 0 || !parsed.Dir) {
    throw new ToolBuildError(`go mod download ${module} failed: ${(parsed.Error ?? r.stderr).trim()}; check the version exists on the Go module proxy (GOPROXY)`);
  }
  return parsed.Dir;
}

async function checkBuilt(tool: GoTool, dir: string): Promise<string | undefined> {
  const r = await run(join(dir, "bin", tool.check.binary), tool.check.args).catch((e: Error) => ({ code: 1, stdout: "", stderr: e.message }));
  const out = `${r.stdout}${r.stderr}`;
  return out.includes(tool.check.expect) ? undefined : `\`${tool.check.binary} ${tool.check.args.join(" ")}\` printed ${JSON.stringify(out.trim().slice(0, 200))}, expected it to contain ${JSON.stringify(tool.check.expect)}`;
}

/** Builds one tool unless its cached build matches; returns what it did. */
export async function buildTool(tool: GoTool, log: (line: string) => void = console.log): Promise<"cached" | "built"> {
  const env = goEnv(tool);
  const modules = new Map<string, string>();
  const upstream = async (module: string): Promise<string> => {
    if (!modules.has(module)) modules.set(module, await moduleDir(module, env));
    return modules.get(module) as string;
  };
  const upstreamGoMod = tool.upstreamGoMod ? readFileSync(join(await upstream(tool.upstreamGoMod), "go.mod"), "utf8") : "";
  const goMod = tool.goMod(upstreamGoMod);
  const recipe = recipeHash(tool, goMod);
  const root = join(toolsCacheDir(), tool.name);
  const final = join(root, tool.version);
  const stampFile = join(final, "recipe");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === recipe && (await checkBuilt(tool, final)) === undefined) {
    log(`INFO - ${tool.name} ${tool.version}: cached in ${final}`);
    return "cached";
  }

  const work = join(root, `.work-${tool.version}`);
  const staged = join(root, `.staged-${tool.version}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(join(staged, "bin"), { recursive: true });
  const started = Date.now();
  try {
    writeFileSync(join(work, "go.mod"), goMod);
    for (const [file, text] of Object.entries(tool.sources ?? {})) writeFileSync(join(work, file), text);
    log(`INFO - ${tool.name} ${tool.version}: resolving modules (go mod tidy${tool.toolchain ? `, ${tool.toolchain}` : ""})`);
    const tidy = await run("go", ["mod", "tidy"], { cwd: work, env });
    if (tidy.code !== 0) throw new ToolBuildError(`${tool.name}: go mod tidy failed:\n${tidy.stderr.trim()}`);
    for (const [pkg, binary] of Object.entries(tool.binaries)) {
      log(`INFO - ${tool.name} ${tool.version}: building ${binary}`);
      const args = ["build", "-trimpath", "-ldflags", ["-s", "-w", ...tool.ldflags].join(" "), "-o", join(staged, "bin", binary), pkg];
      const b = await run("go", args, { cwd: work, env });
      if (b.code !== 0) throw new ToolBuildError(`${tool.name}: go ${args.join(" ")} failed:\n${b.stderr.trim()}`);
    }
    for (const copy of tool.copies ?? []) {
      const target = join(staged, copy.to);
      cpSync(join(await upstream(copy.module), copy.from), target, { recursive: true, dereference: true });
      makeWritable(target);
      // Scripts placed beside the binaries are run by name (the module cache keeps them read-only, without x).
      if (copy.to.startsWith("bin/")) chmodSync(target, 0o755);
    }
    const problem = await checkBuilt(tool, staged);
    if (problem) throw new ToolBuildError(`${tool.name}: the fresh build fails its check: ${problem}`);
    writeFileSync(join(staged, "recipe"), `${recipe}\n`);
    rmSync(final, { recursive: true, force: true });
    renameSync(staged, final);
    log(`INFO - ${tool.name} ${tool.version}: built into ${final} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
    return "built";
  } finally {
    rmSync(staged, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/** Files copied out of the read-only module cache must stay writable, or the next rebuild cannot remove them. */
function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

export async function buildTools(names: readonly string[] = [], log: (line: string) => void = console.log): Promise<void> {
  const unknown = names.filter((n) => !TOOLS.some((t) => t.name === n));
  if (unknown.length > 0) throw new ToolBuildError(`unknown tool(s) ${unknown.join(", ")}; known: ${TOOLS.map((t) => t.name).join(", ")}`);
  for (const tool of TOOLS) {
    if (names.length > 0 && !names.includes(tool.name)) continue;
    await buildTool(tool, log);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildTools(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ToolBuildError)) throw error;
    console.error(`ERROR - e2e tools: ${error.message}`);
    process.exitCode = 1;
  }
}
