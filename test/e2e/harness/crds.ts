/**
 * The CustomResourceDefinitions a cluster serves before Argo CD syncs: the
 * same upstream CRD YAML, from the same pinned Go modules, that the offline
 * schemas are built from (test/schema/sources.ts). In a real cluster the
 * add-ons' charts install them; here no chart repository is reachable.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { crdDocuments, downloadModules, yamlFilesAt } from "../../schema/cache.js";
import { schemaSources } from "../../schema/sources.js";
import type { KubeObject } from "./kubectl.js";

export async function fleetCrds(): Promise<KubeObject[]> {
  const sources = schemaSources().filter((s) => s.crds);
  const dirs = await downloadModules(sources.map((s) => s.module));
  const out: KubeObject[] = [];
  for (const source of sources) {
    const id = `${source.module.module}@${source.module.version}`;
    const dir = dirs.get(id) ?? "";
    for (const path of source.paths) {
      for (const file of yamlFilesAt(dir, path, id)) out.push(...(crdDocuments(readFileSync(file, "utf8"), `${id}/${relative(dir, file)}`) as KubeObject[]));
    }
  }
  return out;
}

/** API groups of the add-on controllers that run here: each watches the kinds of its groups, so all their CRDs are served. */
export const CONTROLLER_GROUPS: readonly string[] = ["external-secrets.io", "generators.external-secrets.io", "cert-manager.io", "acme.cert-manager.io"];

const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "");

/**
 * The CRDs a rendered tree needs: every CRD of a controller that runs here,
 * and the CRD of each kind the tree's objects use. The rest (Prometheus,
 * Alertmanager, ApplicationSet: 2.9 of the 4.3 MB) define kinds nothing here
 * creates, and each CRD costs the API server OpenAPI work at start.
 */
export function crdsFor(crds: readonly KubeObject[], objects: readonly KubeObject[]): KubeObject[] {
  const used = new Set(objects.map((o) => `${groupOf(o.apiVersion ?? "")}/${o.kind}`));
  return crds.filter((c) => {
    const spec = c["spec"] as { group: string; names: { kind: string } };
    return CONTROLLER_GROUPS.includes(spec.group) || used.has(`${spec.group}/${spec.names.kind}`);
  });
}
