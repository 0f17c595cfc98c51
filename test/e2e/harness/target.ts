/**
 * What one e2e run deploys: a rendered cluster directory (the committed
 * `clusters/<name>/` or a copy anywhere with a change in it), the profile it
 * was rendered for, and its Argo CD objects split into those the harness
 * applies unchanged and those it cannot sync here, each with the reason.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { CLUSTERS } from "../../../generators/fleet/clusters.js";
import type { ClusterProfile } from "../../../generators/fleet/types.js";
import { byCodeUnit } from "../../../generators/order.js";
import type { KubeObject } from "./kubectl.js";

export class TargetError extends Error {}

interface AppSource {
  readonly repoURL?: string;
  readonly path?: string;
  readonly chart?: string;
  readonly targetRevision?: string;
}

export interface SkippedApplication {
  readonly name: string;
  readonly reason: string;
}

export interface Target {
  readonly profile: ClusterProfile;
  /** Absolute path of the rendered cluster directory. */
  readonly dir: string;
  /** Where the directory sits in the repository Argo CD fetches (`clusters/<name>`). */
  readonly repoPath: string;
  readonly projects: readonly KubeObject[];
  readonly applications: readonly KubeObject[];
  readonly skipped: readonly SkippedApplication[];
  /** The repository's own argocd-cm customizations (the root Application's patch). */
  readonly argocdCm: Readonly<Record<string, string>>;
}

/** Every object of a rendered cluster directory, recursively. */
export function readTree(dir: string): KubeObject[] {
  return [dir, ...subdirs(dir)].flatMap(readDir);
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .sort(byCodeUnit)
    .flatMap((d) => [d, ...subdirs(d)]);
}

function readDir(dir: string): KubeObject[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort(byCodeUnit)
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d, i) => {
        if (d.errors.length > 0) throw new TargetError(`${join(dir, f)}: document ${i} is not valid YAML: ${d.errors[0]?.message}`);
        return d.toJS() as KubeObject;
      }),
    )
    .filter((o) => o !== null);
}

export function sourcesOf(app: KubeObject): AppSource[] {
  const spec = (app["spec"] ?? {}) as { source?: AppSource; sources?: AppSource[] };
  return spec.sources ?? (spec.source ? [spec.source] : []);
}

/** The cluster a directory was rendered for: its name, or the path its Applications sync. */
function clusterNameOf(dir: string, applications: readonly KubeObject[]): string {
  const name = basename(dir);
  if (CLUSTERS.some((c) => c.name === name)) return name;
  for (const app of applications) {
    for (const s of sourcesOf(app)) {
      const m = /^clusters\/([^/]+)\//.exec(s.path ?? "");
      if (m?.[1]) return m[1];
    }
  }
  throw new TargetError(`${dir}: cannot tell which cluster it was rendered for (its name is not a profile and no Application syncs clusters/<name>/); name the directory after the cluster`);
}

/** The customizations the root Application patches into argocd-cm, read from bootstrap/application-root.yaml. */
function argocdCmPatch(dir: string): Record<string, string> {
  const [root] = readDir(join(dir, "bootstrap"));
  if (!root) return {};
  for (const s of sourcesOf(root) as (AppSource & { kustomize?: { patches?: { patch?: string }[] } })[]) {
    for (const p of s.kustomize?.patches ?? []) {
      const docs = parseAllDocuments(p.patch ?? "").map((d) => d.toJS() as KubeObject);
      for (const d of docs) if (d?.kind === "ConfigMap" && d.metadata?.name === "argocd-cm") return (d["data"] ?? {}) as Record<string, string>;
    }
  }
  return {};
}

export function loadTarget(dirArg: string): Target {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TargetError(`${dirArg}: no such directory; give a rendered cluster directory such as clusters/prod`);
  const argo = readDir(join(dir, "argocd"));
  if (argo.length === 0) throw new TargetError(`${dirArg}: has no argocd/ folder of AppProjects and Applications; give a rendered cluster directory such as clusters/prod`);
  const applications = argo.filter((o) => o.kind === "Application");
  const name = clusterNameOf(dir, applications);
  const profile = CLUSTERS.find((c) => c.name === name) as ClusterProfile;
  const repo = profile.repository.url;
  const applied: KubeObject[] = [];
  const skipped: SkippedApplication[] = [];
  for (const app of applications) {
    const foreign = sourcesOf(app).filter((s) => s.repoURL !== repo);
    if (foreign.length === 0) applied.push(app);
    else {
      const what = foreign.map((s) => (s.chart ? `Helm chart ${s.chart} ${s.targetRevision} from ${s.repoURL}` : `${s.repoURL}`)).join(", ");
      skipped.push({ name: app.metadata?.name ?? "?", reason: `${what} cannot be fetched here (no chart repository or outside Git is reachable)` });
    }
  }
  return {
    profile,
    dir,
    repoPath: `clusters/${name}`,
    projects: argo.filter((o) => o.kind === "AppProject"),
    applications: applied,
    skipped,
    argocdCm: argocdCmPatch(dir),
  };
}
