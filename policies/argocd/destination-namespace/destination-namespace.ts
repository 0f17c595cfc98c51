import { resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { type ApplicationView, applicationsOf, firstFew, isNamespaced, syncedSources } from "../applications.js";

/** A namespaced object of an Application that names a namespace other than the Application's destination. */
interface Stray {
  readonly document: RenderedDocument;
  readonly namespace: string;
}

function shown(documents: readonly RenderedDocument[]): string {
  return firstFew(documents.map((d) => resourceName(d.object)));
}

function judge(cluster: ClusterTree, app: ApplicationView): Finding[] {
  const destination = app.destination.namespace ?? "";
  const namespaced = syncedSources(cluster, app)
    .flatMap((s) => s.documents)
    .filter((d) => isNamespaced(d.object) && d.object.metadata.namespace !== undefined);
  const strays: Stray[] = namespaced.filter((d) => d.object.metadata.namespace !== destination).map((document) => ({ document, namespace: document.object.metadata.namespace as string }));
  if (strays.length === 0) return [];
  const others = [...new Set(strays.map((s) => s.namespace))];
  // Every object agrees on one other namespace: the destination is what moved.
  if (strays.length === namespaced.length && others.length === 1) {
    const namespace = others[0] as string;
    return [
      {
        document: app.document,
        summary: "application's destination is not the namespace of its objects",
        path: "spec.destination.namespace",
        problem: `is ${destination === "" ? "not set" : JSON.stringify(destination)}, but all ${strays.length} namespaced objects under its path are in namespace ${namespace} (${shown(strays.map((s) => s.document))}): Argo CD puts them there regardless, so the destination says one place and the app runs in another (and a project that admits only the destination refuses them)`,
        fix: `set it to ${namespace}: the generators set an app's destination to its namespace (generators/argocd/applications.ts), so undo the hand edit and run \`npm run generate\``,
      },
    ];
  }
  return strays.map(
    ({ document, namespace }): Finding => ({
      document,
      summary: "object is outside its application's destination namespace",
      path: "metadata.namespace",
      problem: `is ${JSON.stringify(namespace)}, but Application/${app.name} syncs it with destination namespace ${destination === "" ? "(none)" : JSON.stringify(destination)}: one app's objects spread over namespaces its project, quota and network policies were not made for`,
      fix: `put it in ${destination === "" ? "the Application's namespace" : destination}: the generators put every object of an app in the app's namespace, so undo the hand edit and run \`npm run generate\``,
    }),
  );
}

/** An Application's objects live where its destination says. */
export const destinationNamespace: Policy = {
  id: "destination-namespace",
  area: "argocd",
  severity: "Bug",
  description: "every namespaced object an Application syncs from this repository that names a namespace names the Application's destination namespace",
  check(cluster: ClusterTree): Finding[] {
    return applicationsOf(cluster).flatMap((app) => judge(cluster, app));
  },
};
