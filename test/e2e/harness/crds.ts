/**
 * The CustomResourceDefinitions every cluster serves before Argo CD syncs:
 * the same upstream CRD YAML, from the same pinned Go modules, that the
 * offline schemas are built from (test/schema/sources.ts). In a real cluster
 * the add-ons' charts install them; here no chart repository is reachable.
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
