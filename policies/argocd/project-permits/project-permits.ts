import { byCodeUnit } from "../../../generators/order.js";
import { resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import {
  type ApplicationView,
  type Destination,
  applicationsOf,
  effectiveNamespace,
  firstFew,
  globMatches,
  groupKind,
  groupOf,
  isNamespaced,
  normalizeRepo,
  permittedBy,
  projectsOf,
  syncedSources,
} from "../applications.js";

// Parsed YAML is untyped.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Restriction {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
}

/** Whether a whitelist or blacklist entry names the object: group and kind (globs), and the name when the entry gives one. */
function listed(list: readonly Restriction[], group: string, kind: string, name: string): boolean {
  return list.some((r) => globMatches(r.group ?? "", group) && globMatches(r.kind ?? "", kind) && (r.name === undefined || r.name === "" || globMatches(r.name, name)));
}

/** Why the project refuses an object's kind (the list at fault), or undefined when it permits it (Argo CD's `IsGroupKindNamePermitted`). */
function kindRefusal(spec: Json, group: string, kind: string, name: string, namespaced: boolean): { list: string; blacklisted: boolean } | undefined {
  const [white, black] = namespaced ? ["namespaceResourceWhitelist", "namespaceResourceBlacklist"] : ["clusterResourceWhitelist", "clusterResourceBlacklist"];
  const whitelist: Restriction[] | undefined = spec[white];
  const blacklist: Restriction[] = spec[black] ?? [];
  if (listed(blacklist, group, kind, name)) return { list: black, blacklisted: true };
  // A namespaced whitelist that is absent permits every kind; an empty one, none. A cluster whitelist must name the kind.
  if (namespaced && whitelist === undefined) return undefined;
  if (listed(whitelist ?? [], group, kind, name)) return undefined;
  return { list: white, blacklisted: false };
}

/** Argo CD's `IsDestinationPermitted`: some destination matches the server (or name) and the namespace, and none denies the namespace. */
function destinationPermitted(spec: Json, destination: Destination): boolean {
  const destinations: Json[] = spec.destinations ?? [];
  const namespace = destination.namespace ?? "";
  const targets = destinations.filter((d) => (d.server && globMatches(d.server, destination.server ?? "")) || (d.name && globMatches(d.name, destination.name ?? "")));
  return permittedBy(
    targets.map((d) => String(d.namespace ?? "")),
    namespace,
  );
}

function serverPermitted(spec: Json, destination: Destination): boolean {
  return (spec.destinations ?? []).some((d: Json) => (d.server && globMatches(d.server, destination.server ?? "")) || (d.name && globMatches(d.name, destination.name ?? "")));
}

/** The fix for a generated AppProject: regenerate, or extend the generator when the change is meant. */
function projectFix(project: RenderedDocument, change: string): string {
  return `AppProjects are rendered by generators/argocd/projects.ts from what each Application syncs: undo the hand edit of ${resourceName(project.object)} and run \`npm run generate\`; if the project is hand-written, ${change}`;
}

function where(app: ApplicationView): string {
  return `Application/${app.name}`;
}

/** One kind a project refuses, with every object of it that its Applications sync. */
interface RefusedKind {
  readonly project: RenderedDocument;
  readonly list: string;
  readonly blacklisted: boolean;
  readonly groupKind: string;
  readonly objects: Set<string>;
  readonly apps: Set<string>;
}

function checkApplication(cluster: ClusterTree, app: ApplicationView, projects: Map<string, RenderedDocument>, refused: Map<string, RefusedKind>): Finding[] {
  const { document } = app;
  const project = projects.get(app.project);
  if (!project) {
    return [
      {
        document,
        summary: "application belongs to a project that does not exist",
        path: "spec.project",
        problem: `is ${JSON.stringify(app.project)}, but no AppProject of that name is in the tree, so Argo CD refuses to sync ${where(app)}: "application references project ${app.project} which does not exist"`,
        fix: `name an AppProject of clusters/${cluster.name}/argocd/ (the generators give each app its own, generators/argocd/projects.ts): run \`npm run generate\` rather than editing the file`,
      },
    ];
  }
  const spec = (project.object as Json).spec ?? {};
  const findings: Finding[] = [];
  const repos: string[] = (spec.sourceRepos ?? []).map((r: string) => (r.startsWith("!") ? `!${normalizeRepo(r.slice(1))}` : normalizeRepo(r)));
  for (const source of app.sources) {
    if (permittedBy(repos, normalizeRepo(source.repoURL))) continue;
    findings.push({
      document,
      summary: "application source is not permitted by its project",
      path: `${source.path}.repoURL`,
      problem: `is ${JSON.stringify(source.repoURL)}, which spec.sourceRepos of ${resourceName(project.object)} (${project.file}) does not admit, so Argo CD refuses to sync ${where(app)}: "application repo ${source.repoURL} is not permitted in project '${app.project}'"`,
      fix: projectFix(project, `add the repository to its spec.sourceRepos`),
    });
  }
  const destinationOk = destinationPermitted(spec, app.destination);
  if (!destinationOk) {
    const serverOk = serverPermitted(spec, app.destination);
    const field = serverOk ? "namespace" : app.destination.server !== undefined ? "server" : "name";
    const value = app.destination[field] ?? "";
    const admitted = (spec.destinations ?? []).map((d: Json) => `${d.server ?? d.name}/${d.namespace}`).join(", ") || "nothing";
    findings.push({
      document,
      summary: "application syncs into a destination its project forbids",
      path: `spec.destination.${field}`,
      problem: `is ${JSON.stringify(value)}, but spec.destinations of ${resourceName(project.object)} (${project.file}) admit only ${admitted}, so Argo CD refuses to sync ${where(app)}: "application destination ${app.destination.server ?? app.destination.name} and namespace ${app.destination.namespace ?? ""} do not match any of the allowed destinations in project '${app.project}'"`,
      fix: `put ${where(app)} back to a destination its project admits: the generators set an app's destination to its namespace (generators/argocd/applications.ts), so undo the hand edit and run \`npm run generate\`; to move the app, change its namespace in its spec under apps/ and regenerate`,
    });
  }
  for (const synced of syncedSources(cluster, app)) {
    for (const object of synced.documents) {
      const o = object.object;
      const namespaced = isNamespaced(o);
      const refusal = kindRefusal(spec, groupOf(o.apiVersion), o.kind, o.metadata.name, namespaced);
      if (refusal) {
        const key = `${project.object.metadata.name}\u0000${refusal.list}\u0000${groupKind(o)}`;
        const entry = refused.get(key) ?? { project, ...refusal, groupKind: groupKind(o), objects: new Set<string>(), apps: new Set<string>() };
        entry.objects.add(resourceName(o));
        entry.apps.add(`${where(app)} (${synced.source.directory})`);
        refused.set(key, entry);
      }
      const namespace = effectiveNamespace(o, app);
      // The destination's own namespace is judged once, on the Application, above.
      if (namespace === undefined || namespace === (app.destination.namespace ?? "") || destinationPermitted(spec, { ...app.destination, namespace })) continue;
      findings.push({
        document: object,
        summary: "object lands in a namespace its application's project forbids",
        path: "metadata.namespace",
        problem: `is ${JSON.stringify(namespace)}, which spec.destinations of ${resourceName(project.object)} (${project.file}) do not admit, so Argo CD refuses to sync ${where(app)}: "namespace ${namespace} is not permitted in project '${app.project}'"`,
        fix: `keep the object in its Application's namespace ${app.destination.namespace ?? "(none)"}: the generators put every object of an app in the app's namespace, so undo the hand edit and run \`npm run generate\``,
      });
    }
  }
  return findings;
}

function refusedFinding(entry: RefusedKind): Finding {
  const slash = entry.groupKind.indexOf("/");
  const [group, kind] = [entry.groupKind.slice(0, slash), entry.groupKind.slice(slash + 1)];
  const objects = [...entry.objects].sort(byCodeUnit);
  const apps = [...entry.apps].sort(byCodeUnit);
  const shown = firstFew(objects);
  const name = entry.project.object.metadata.name;
  // Cluster-wide entries may name the objects they admit; the generators name each one.
  const named = entry.list === "clusterResourceWhitelist";
  const entries = named
    ? objects.map((o) => `{group: "${group}", kind: ${kind}, name: ${o.slice(o.indexOf("/") + 1)}}`).join(" and ")
    : `{group: "${group}", kind: ${kind}}`;
  const what = entry.blacklisted ? `lists ${entry.groupKind}` : named ? `has no entry for ${entry.groupKind} that admits ${shown}` : `has no entry for ${entry.groupKind}`;
  return {
    document: entry.project,
    summary: "project does not permit a kind its applications sync",
    path: `spec.${entry.list}`,
    problem: `${what}, but ${apps.join(", ")} ${apps.length === 1 ? "syncs" : "sync"} ${shown}; Argo CD refuses the sync: "resource ${group}:${kind} is not permitted in project ${name}"`,
    fix: projectFix(entry.project, entry.blacklisted ? `remove the entry for ${entry.groupKind} from spec.${entry.list}` : `add ${entries} to spec.${entry.list}`),
  };
}

/** Argo CD syncs nothing its AppProject does not permit: source repositories, destinations, and every kind and namespace under the Application's path. */
export const projectPermits: Policy = {
  id: "project-permits",
  area: "argocd",
  severity: "Bug",
  description:
    "every Application's project exists and admits its source repositories and destination, and every object under its path is of a kind the project's resource whitelists admit, in a namespace its destinations admit",
  check(cluster: ClusterTree): Finding[] {
    const projects = projectsOf(cluster);
    const refused = new Map<string, RefusedKind>();
    const findings = applicationsOf(cluster).flatMap((app) => checkApplication(cluster, app, projects, refused));
    return [...findings, ...[...refused.values()].map(refusedFinding)];
  },
};
