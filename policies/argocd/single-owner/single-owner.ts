import { resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { type ApplicationView, type SyncedSource, applicationsOf, effectiveNamespace, groupKind, syncedSources } from "../applications.js";

/** One claim on an object: an Application syncs this document through this source. */
interface Claim {
  readonly app: ApplicationView;
  readonly synced: SyncedSource;
  readonly document: RenderedDocument;
}

const SHARED = "Argo CD tracks each object by one Application: with FailOnSharedResource=true the second sync fails, without it the two overwrite and prune each other's object";

/** The live object a document becomes: group, kind, namespace (the Application's destination when it names none) and name. */
function identity(claim: Claim): string {
  const { object } = claim.document;
  return `${groupKind(object)}/${effectiveNamespace(object, claim.app) ?? ""}/${object.metadata.name}`;
}

function where(claim: Claim): string {
  return `Application/${claim.app.name} (${claim.synced.source.directory})`;
}

/** Two Applications syncing one directory: one finding on the later source, not one per object in it. */
function sharedDirectory(first: Claim, later: Claim, count: number): Finding {
  return {
    document: later.app.document,
    summary: "application syncs a directory another application owns",
    path: `${later.synced.source.path}.path`,
    problem: `is ${JSON.stringify(later.synced.source.directory)}, which ${where(first)} also syncs: its ${count} objects would be owned by two Applications; ${SHARED}`,
    fix: "give each directory exactly one Application: the generators render one Application per app and add-on directory (generators/argocd/applications.ts), so remove the extra Application or undo the hand edit and run `npm run generate`",
  };
}

/** One copy of an object that other Applications also sync from other files. */
function sharedObject(claim: Claim, others: readonly Claim[]): Finding {
  const elsewhere = others.map((o) => `${where(o)} from ${o.document.file}`).join(", ");
  return {
    document: claim.document,
    summary: "object is owned by two applications",
    path: "metadata.name",
    problem: `is ${JSON.stringify(claim.document.object.metadata.name)}, so ${where(claim)} syncs the same ${resourceName(claim.document.object)} as ${elsewhere}; ${SHARED}`,
    fix: "render the object in one directory only: the generators put each object in the directory of the app or add-on it belongs to, so remove the copy (or undo the hand edit) and run `npm run generate`",
  };
}

/** An object synced by two Applications is fought over or refused. */
export const singleOwner: Policy = {
  id: "single-owner",
  area: "argocd",
  severity: "Bug",
  description: "no object of the tree (by group, kind, namespace and name) is synced by two Applications",
  check(cluster: ClusterTree): Finding[] {
    const claims = new Map<string, Claim[]>();
    for (const app of applicationsOf(cluster)) {
      for (const synced of syncedSources(cluster, app)) {
        for (const document of synced.documents) {
          const claim = { app, synced, document };
          claims.set(identity(claim), [...(claims.get(identity(claim)) ?? []), claim]);
        }
      }
    }
    const findings: Finding[] = [];
    const directories = new Map<string, { first: Claim; later: Claim; count: number }>();
    for (const list of claims.values()) {
      const first = list[0] as Claim;
      // The same file through two sources: a shared directory, reported once per pair of sources.
      for (const later of list.slice(1).filter((c) => c.document === first.document && c.synced !== first.synced)) {
        const key = `${first.app.name}\u0000${first.synced.source.path}\u0000${later.app.name}\u0000${later.synced.source.path}`;
        directories.set(key, { first, later, count: (directories.get(key)?.count ?? 0) + 1 });
      }
      // The same object from different files of different Applications: each copy is reported, naming the others.
      const copies = list.filter((c, i) => list.findIndex((o) => o.document === c.document) === i);
      for (const copy of copies) {
        const others = copies.filter((o) => o !== copy && o.app !== copy.app);
        if (others.length > 0) findings.push(sharedObject(copy, others));
      }
    }
    return [...findings, ...[...directories.values()].map((d) => sharedDirectory(d.first, d.later, d.count))];
  },
};
