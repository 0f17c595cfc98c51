// Everything Argo CD in one cluster needs, next to the apps' own directories:
//   bootstrap/application-root.yaml   the root Application (applied by hand)
//   argocd/                           AppProjects and Applications (synced by the root)
//   platform/<directory>/             plain platform manifests (each synced by one Application)
import type { ClusterProfile } from "../fleet/types.js";
import { fileName } from "../output/yaml.js";
import type { KubeObject } from "../render/app.js";
import { platformAddons, type AppObjects } from "../platform/index.js";
import { SpecError, type SpecIssue } from "../spec/validate.js";
import { addonApplication, appApplication } from "./applications.js";
import { rootApplication } from "./bootstrap.js";
import { PLATFORM_PROJECT, ROOT_APPLICATION, ROOT_PROJECT } from "./names.js";
import { appProject, platformProject, rootProject } from "./projects.js";
import { addonWaves, appsWave } from "./waves.js";

/** A file of the cluster's directory: path relative to `clusters/<cluster>/`, the object, and what generated it. */
export interface GeneratedFile {
  readonly path: string;
  readonly object: KubeObject;
  readonly source: "generators/argocd" | "generators/platform";
}

const RESERVED = [ROOT_APPLICATION, ROOT_PROJECT, PLATFORM_PROJECT];

/** Renders the Argo CD wiring and platform add-ons of one cluster from its apps' rendered objects. */
export function renderArgoCd(cluster: ClusterProfile, apps: readonly AppObjects[]): GeneratedFile[] {
  const addons = platformAddons(cluster, apps);
  const taken = [...RESERVED, ...addons.map((a) => a.id)];
  const clashes: SpecIssue[] = apps
    .filter((a) => taken.includes(a.name))
    .map((a) => ({
      app: a.name,
      cluster: cluster.name,
      field: "name",
      value: a.name,
      problem: "an Argo CD Application or AppProject of the platform already has this name",
      fix: `rename the app; these names are taken: ${taken.join(", ")}`,
    }));
  if (clashes.length > 0) throw new SpecError(clashes);

  const waves = addonWaves(addons);
  const appWave = appsWave(waves);
  const argocd = (object: KubeObject): GeneratedFile => ({ path: `argocd/${fileName(object)}`, object, source: "generators/argocd" });
  return [
    { path: `bootstrap/${fileName(rootApplication(cluster))}`, object: rootApplication(cluster), source: "generators/argocd" },
    argocd(rootProject(cluster)),
    ...(addons.length > 0 ? [argocd(platformProject(cluster, addons))] : []),
    ...addons.map((a) => argocd(addonApplication(cluster, a, waves.get(a.id) as number))),
    ...apps.flatMap((a) => [argocd(appProject(cluster, a)), argocd(appApplication(cluster, a, appWave))]),
    ...addons.flatMap(({ source }) =>
      source.kind === "directory"
        ? source.objects.map((object) => ({ path: `platform/${source.directory}/${fileName(object)}`, object, source: "generators/platform" as const }))
        : [],
    ),
  ];
}
