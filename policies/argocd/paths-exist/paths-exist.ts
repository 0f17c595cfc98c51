import { byCodeUnit } from "../../../generators/order.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type ApplicationView, applicationsOf, clusterDirectory, directoryOf, documentsIn, isThisRepository, treeDirectory } from "../applications.js";

/** How to point an Application back at its directory. */
function regenerate(cluster: ClusterTree, app: ApplicationView): string {
  return `point Application/${app.name} at the directory of ${clusterDirectory(cluster)}/ that holds its manifests: the generators point every Application at the directory they render for it (generators/argocd/applications.ts), so undo the hand edit and run \`npm run generate\``;
}

/** The directories of the tree directly below `parent` ("" for the cluster directory), as paths in the repository. */
function siblings(cluster: ClusterTree, parent: string): string[] {
  const below = new Set<string>();
  for (const document of cluster.documents) {
    const dir = directoryOf(cluster, document);
    if (dir === undefined || dir === parent) continue;
    const rest = parent === "" ? dir : dir.startsWith(`${parent}/`) ? dir.slice(parent.length + 1) : undefined;
    if (rest !== undefined) below.add(rest.split("/")[0] as string);
  }
  return [...below].sort(byCodeUnit);
}

function judge(cluster: ClusterTree, app: ApplicationView): Finding[] {
  const own = clusterDirectory(cluster);
  return app.sources.flatMap((source): Finding[] => {
    if (!isThisRepository(cluster, source) || source.directory === undefined) return [];
    const path = `${source.path}.path`;
    const directory = treeDirectory(cluster, source);
    if (directory === undefined) {
      return [
        {
          document: app.document,
          summary: "application syncs a directory outside its cluster",
          path,
          problem: `is ${JSON.stringify(source.directory)}, outside ${own}/: Argo CD in cluster ${cluster.name} would sync objects rendered for another place, and nothing here can tell whether that directory exists`,
          fix: regenerate(cluster, app),
        },
      ];
    }
    if (documentsIn(cluster, directory, source.recurse).length > 0) return [];
    const parent = directory.includes("/") ? directory.slice(0, directory.lastIndexOf("/")) : "";
    const there = siblings(cluster, parent);
    const holds = there.length > 0 ? `${parent === "" ? own : `${own}/${parent}`}/ holds ${there.join(", ")}` : `nothing of ${own}/ is near it`;
    return [
      {
        document: app.document,
        summary: "application syncs a directory that does not exist",
        path,
        problem: `is ${JSON.stringify(source.directory)}, which holds no manifest in the repository (${holds}), so Argo CD fails to render Application/${app.name}: "app path does not exist" (ComparisonError), and nothing of it syncs`,
        fix: regenerate(cluster, app),
      },
    ];
  });
}

/** An Application whose directory is missing syncs nothing and reports a ComparisonError; one outside its cluster syncs another cluster's objects. */
export const pathsExist: Policy = {
  id: "paths-exist",
  area: "argocd",
  severity: "Bug",
  description: "every path an Application syncs from this repository is a directory of its own cluster (clusters/<name>/...) that holds manifests",
  check(cluster: ClusterTree): Finding[] {
    return applicationsOf(cluster).flatMap((app) => judge(cluster, app));
  },
};
