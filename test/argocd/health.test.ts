// The Application health check runs in a real Lua interpreter: gopher-lua at
// the version Argo CD v3.6.1 builds with, set up the way Argo CD's controller
// sets it up (test/argocd/lua/main.go), built with the Go toolchain the schema
// setup already needs.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/committed.js";
import { type Doc, sourcesOf } from "./checks.js";
import { committedTree, docAt } from "./tree.js";

const run = promisify(execFile);

/** gopher-lua as required by github.com/argoproj/argo-cd/v3 v3.6.1's go.mod. */
const GOPHER_LUA = { module: "github.com/yuin/gopher-lua", version: "v1.1.2" } as const;

/** The check in Argo CD's documentation (operator-manual/health.md), which trusts the child's health alone. */
const DOCUMENTED_CHECK = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

let runner = "";
let docs: Doc[] = [];

const HEALTH_KEY = "resource.customizations.health.argoproj.io_Application";

/** The health check a cluster's root Application merges into argocd-cm, as committed. */
function shippedCheck(cluster: string, key = HEALTH_KEY): string | undefined {
  const root = docAt(docs, `${cluster}/bootstrap/application-root.yaml`).object;
  const patch = sourcesOf(root)
    .flatMap((s) => s.kustomize?.patches ?? [])
    .find((p: { target: { kind?: string; name?: string } }) => p.target.kind === "ConfigMap" && p.target.name === "argocd-cm");
  return patch ? (parse(patch.patch) as { data?: Record<string, string> }).data?.[key] : undefined;
}

async function buildRunner(): Promise<string> {
  const source = join(REPO_ROOT, "test/argocd/lua/main.go");
  const key = createHash("sha256").update(await readFile(source)).update(GOPHER_LUA.version).digest("hex").slice(0, 12);
  const dir = join(REPO_ROOT, ".cache/lua-health", key);
  const binary = join(dir, "luahealth");
  if (await access(binary).then(() => true, () => false)) return binary;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await copyFile(source, join(tmp, "main.go"));
  await writeFile(join(tmp, "go.mod"), `module luahealth\n\ngo 1.22\n\nrequire ${GOPHER_LUA.module} ${GOPHER_LUA.version}\n`);
  try {
    await run("go", ["build", "-mod=mod", "-o", "luahealth", "."], { cwd: tmp, env: { ...process.env, CGO_ENABLED: "0" } });
  } catch (error) {
    throw new Error(
      `cannot build the Lua runner with go (${(error as Error).message.split("\n")[0]}); install Go (npm run setup needs it too) and check that the Go module proxy is reachable`,
    );
  }
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return binary;
}

interface Verdict {
  readonly name: string;
  readonly status: string;
  readonly message: string;
  readonly error?: string;
}

async function assess(script: string, cases: Record<string, unknown>): Promise<Record<string, string>> {
  const input = JSON.stringify({ script, cases: Object.entries(cases).map(([name, obj]) => ({ name, obj })) });
  const child = execFile(runner, []);
  const output = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`luahealth exited ${code}`))));
  });
  child.stdin?.end(input);
  const verdicts = JSON.parse(await output) as Verdict[];
  return Object.fromEntries(verdicts.map((v) => [v.name, v.error ? `error: ${v.error}` : v.status]));
}

const app = (status: Record<string, unknown> | undefined): unknown => ({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "child" }, ...(status ? { status } : {}) });
const synced = { sync: { status: "Synced" } };

/** A child Application in every state the root can meet it in. */
const CASES = {
  "just created": app(undefined),
  "synced and healthy": app({ ...synced, health: { status: "Healthy" }, operationState: { phase: "Succeeded" } }),
  "healthy but out of sync": app({ sync: { status: "OutOfSync" }, health: { status: "Healthy" } }),
  "healthy, last sync failed": app({ ...synced, health: { status: "Healthy" }, operationState: { phase: "Failed", message: "one or more objects failed to apply" } }),
  "syncing": app({ ...synced, health: { status: "Healthy" }, operationState: { phase: "Running" } }),
  "synced, degraded": app({ ...synced, health: { status: "Degraded" } }),
  "synced, missing": app({ ...synced, health: { status: "Missing" } }),
  "synced, progressing": app({ ...synced, health: { status: "Progressing" } }),
};

beforeAll(async () => {
  runner = await buildRunner();
  docs = await committedTree();
}, 600_000);

describe("when Argo CD assesses a child Application with the health check the root ships", () => {
  it("should call it healthy only once it is synced, its last sync succeeded and its resources are healthy", async () => {
    expect(await assess(shippedCheck("prod") ?? "", CASES)).toEqual({
      "just created": "Progressing",
      "synced and healthy": "Healthy",
      "healthy but out of sync": "Progressing",
      "healthy, last sync failed": "Degraded",
      syncing: "Progressing",
      "synced, degraded": "Degraded",
      "synced, missing": "Missing",
      "synced, progressing": "Progressing",
    });
  });

  it("should differ from the documented check exactly where that one lets a wave pass too early", async () => {
    const documented = await assess(DOCUMENTED_CHECK, CASES);
    expect(documented["healthy but out of sync"]).toBe("Healthy");
    expect(documented["healthy, last sync failed"]).toBe("Healthy");
    expect(documented.syncing).toBe("Healthy");
  });

  it("should report a script that does not run", async () => {
    expect((await assess("return hs.status", { any: app(undefined) })).any).toMatch(/^error: /);
  });

  it("should be the same check in every cluster's root Application", () => {
    const checks = ["dev", "staging", "prod", "edge", "kind"].map((c) => shippedCheck(c));
    expect(checks[0]).toContain("return hs");
    expect(new Set(checks).size).toBe(1);
  });
});

const claim = (phase: string | undefined, annotations?: Record<string, string>): unknown => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "backup-pvc", ...(annotations ? { annotations } : {}) },
  ...(phase ? { status: { phase } } : {}),
});
const FIRST_USE = { "iot-fleet.io/first-consumer": "CronJob/db-backup" };

describe("when Argo CD assesses a PersistentVolumeClaim with the check the root ships", () => {
  it("should call a Pending claim Healthy only while it waits, as declared, for its first scheduled consumer", async () => {
    expect(
      await assess(shippedCheck("prod", "resource.customizations.health.PersistentVolumeClaim") ?? "", {
        bound: claim("Bound"),
        lost: claim("Lost"),
        "pending, nothing declared": claim("Pending"),
        "pending, first consumer declared": claim("Pending", FIRST_USE),
        "pending, declared, node chosen": claim("Pending", { ...FIRST_USE, "volume.kubernetes.io/selected-node": "standard-0" }),
        "no status yet": claim(undefined),
      }),
    ).toEqual({
      bound: "Healthy",
      lost: "Degraded",
      "pending, nothing declared": "Progressing",
      "pending, first consumer declared": "Healthy",
      "pending, declared, node chosen": "Progressing",
      "no status yet": "Unknown",
    });
  });
});
