import type { ClusterProfile } from "../fleet/types.js";
import { renderArgoCd } from "../argocd/render.js";
import type { AppObjects } from "../platform/index.js";
import { fileName, toYaml, toYamlFrom } from "../output/yaml.js";
import { SpecError, type SpecIssue } from "../spec/validate.js";
import type { AppDefinition } from "../spec/types.js";
import { capacityIssues } from "../fleet/capacity.js";
import { type KubeObject, renderApp } from "./app.js";
import { byKey } from "../order.js";

/**
 * Rendered files keyed by their path relative to clusters/: the apps
 * (`prod/apps/kades/deployment-kades-api.yaml`), the Argo CD wiring
 * (`prod/bootstrap/`, `prod/argocd/`) and the platform manifests (`prod/platform/`).
 */
export type RenderedTree = ReadonlyMap<string, string>;

/**
 * Renders the given clusters completely in memory. Every problem in every app
 * is collected first, so one run reports them all; nothing is returned unless
 * all of it rendered.
 */
export function renderFleet(clusters: readonly ClusterProfile[], apps: readonly AppDefinition[]): RenderedTree {
  const files = new Map<string, string>();
  const issues: SpecIssue[] = [];
  for (const cluster of clusters) {
    const rendered: KubeObject[] = [];
    const appObjects: AppObjects[] = [];
    const before = issues.length;
    for (const appName of cluster.apps) {
      const app = apps.find((a) => a.name === appName);
      if (!app) {
        issues.push({
          app: appName,
          cluster: cluster.name,
          field: "clusters.apps",
          value: appName,
          problem: `cluster ${cluster.name} runs an app that does not exist`,
          fix: `use one of: ${apps.map((a) => a.name).join(", ")}`,
        });
        continue;
      }
      try {
        const objects = renderApp(app, cluster);
        const namespace = objects.find((o) => o.kind === "Namespace")?.metadata.name;
        if (namespace) appObjects.push({ name: app.name, namespace, objects });
        for (const object of objects) {
          rendered.push(object);
          const path = `${cluster.name}/apps/${app.name}/${fileName(object)}`;
          if (files.has(path)) {
            issues.push({
              app: app.name,
              cluster: cluster.name,
              field: `${object.kind}/${object.metadata.name}`,
              value: path,
              problem: "two objects render to the same file",
              fix: "give the objects distinct names",
            });
          }
          files.set(path, toYaml(object, app.name, cluster.name));
        }
      } catch (error) {
        if (error instanceof SpecError) issues.push(...error.issues);
        else throw new Error(`apps/${app.name} (cluster ${cluster.name}): ${(error as Error).message}`, { cause: error });
      }
    }
    issues.push(...capacityIssues(cluster, rendered));
    // The Argo CD wiring is derived from the apps, so only a cluster whose apps all rendered gets it.
    if (issues.length > before) continue;
    try {
      for (const file of renderArgoCd(cluster, appObjects)) {
        files.set(`${cluster.name}/${file.path}`, toYamlFrom(file.object, file.source, cluster.name));
      }
    } catch (error) {
      if (error instanceof SpecError) issues.push(...error.issues);
      else throw new Error(`cluster ${cluster.name}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (issues.length > 0) throw new SpecError(issues);
  return new Map([...files].sort(byKey));
}
