import type { ClusterProfile } from "../../../generators/fleet/types.js";
import { byCodeUnit } from "../../../generators/order.js";
import { renderedFrom } from "../../availability/workloads.js";
import { type ApplicationView, applicationsOf, valuesNodes } from "../../argocd/applications.js";
import { podTemplates, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";

type ClassKind = "StorageClass" | "IngressClass" | "PriorityClass";

/** PriorityClasses every cluster has without anyone creating them. */
export const BUILT_IN_PRIORITY_CLASSES: readonly string[] = ["system-cluster-critical", "system-node-critical"];

/** Where a class is named: the document, the field, the name, and whose fix it is. */
interface Use {
  readonly kind: ClassKind;
  readonly document: RenderedDocument;
  readonly path: string;
  readonly name: string;
  /** Set when the name comes from an Application's Helm values. */
  readonly app?: ApplicationView;
}

// Parsed YAML is untyped.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Helm values keys that name a class, by kind. */
const VALUES_KEYS: Readonly<Record<string, ClassKind>> = {
  storageClassName: "StorageClass",
  ingressClassName: "IngressClass",
  priorityClassName: "PriorityClass",
};

function uses(cluster: ClusterTree): Use[] {
  const out: Use[] = [];
  const add = (kind: ClassKind, document: RenderedDocument, path: string, name: unknown, app?: ApplicationView): void => {
    // Unset or "" means the cluster default (or, for a claim, no class at all): nothing to resolve.
    if (typeof name === "string" && name !== "") out.push({ kind, document, path, name, ...(app ? { app } : {}) });
  };
  for (const document of cluster.documents) {
    const o = document.object as Json;
    if (o.kind === "PersistentVolumeClaim") add("StorageClass", document, "spec.storageClassName", o.spec?.storageClassName);
    if (o.kind === "StatefulSet") {
      (o.spec?.volumeClaimTemplates ?? []).forEach((t: Json, i: number) =>
        add("StorageClass", document, `spec.volumeClaimTemplates[${i}].spec.storageClassName`, t?.spec?.storageClassName),
      );
    }
    if (o.kind === "Ingress") {
      add("IngressClass", document, "spec.ingressClassName", o.spec?.ingressClassName);
      add("IngressClass", document, 'metadata.annotations["kubernetes.io/ingress.class"]', o.metadata.annotations?.["kubernetes.io/ingress.class"]);
    }
    if ((o.kind === "ClusterIssuer" || o.kind === "Issuer") && o.apiVersion.startsWith("cert-manager.io/")) {
      (o.spec?.acme?.solvers ?? []).forEach((s: Json, i: number) => {
        add("IngressClass", document, `spec.acme.solvers[${i}].http01.ingress.ingressClassName`, s?.http01?.ingress?.ingressClassName);
        add("IngressClass", document, `spec.acme.solvers[${i}].http01.ingress.class`, s?.http01?.ingress?.class);
      });
    }
  }
  for (const template of podTemplates(cluster)) add("PriorityClass", template.document, `${template.path}.priorityClassName`, template.spec.priorityClassName);
  for (const app of applicationsOf(cluster)) {
    for (const source of app.sources) {
      for (const { path, node } of valuesNodes(source)) {
        for (const [key, kind] of Object.entries(VALUES_KEYS)) add(kind, app.document, `${path}.${key}`, node[key], app);
      }
    }
  }
  return out;
}

/** The IngressClasses the tree's ingress-nginx Applications install (`controller.ingressClassResource`). */
function chartIngressClasses(cluster: ClusterTree): string[] {
  return applicationsOf(cluster).flatMap((app) =>
    app.sources.flatMap((s) => {
      const resource = (s.values as Json)?.controller?.ingressClassResource;
      return s.chart === "ingress-nginx" && resource?.enabled !== false && typeof resource?.name === "string" ? [resource.name as string] : [];
    }),
  );
}

/** The classes of each kind the cluster has: named by its profile, rendered in the tree, or built in. Undefined when nothing can tell. */
function known(cluster: ClusterTree): Record<ClassKind, ReadonlySet<string> | undefined> {
  const rendered = (kind: string): string[] => cluster.documents.filter((d) => d.object.kind === kind).map((d) => d.object.metadata.name);
  const profile = cluster.profile;
  return {
    StorageClass: profile ? new Set([...Object.values(profile.storageClasses), ...Object.keys(profile.storageClassBinding), ...rendered("StorageClass")]) : undefined,
    IngressClass: profile ? new Set([profile.ingressClass, ...rendered("IngressClass"), ...chartIngressClasses(cluster)]) : undefined,
    PriorityClass: new Set([...BUILT_IN_PRIORITY_CLASSES, ...rendered("PriorityClass")]),
  };
}

const CONSEQUENCE: Readonly<Record<ClassKind, string>> = {
  StorageClass: "the claim stays Pending and every pod that mounts it with it",
  IngressClass: "no controller serves the Ingress (and cert-manager's HTTP-01 solver is never reached), so its host answers nothing",
  PriorityClass: 'the API server refuses its pods: "no PriorityClass with name ... was found"',
};

/** How the cluster would get a class it lacks. */
function provide(profile: ClusterProfile | undefined, use: Use): string {
  if (use.kind === "StorageClass") return `add StorageClass ${use.name} to profile ${profile?.name}'s \`storageClasses\` and \`storageClassBinding\` in generators/fleet/clusters.ts`;
  if (use.kind === "IngressClass") return `make ${use.name} profile ${profile?.name}'s \`ingressClass\` in generators/fleet/clusters.ts (the ingress-nginx Application installs that class)`;
  return `render a PriorityClass named ${use.name} into the tree (the fleet defines none of its own)`;
}

function fixFor(cluster: ClusterTree, use: Use, names: readonly string[]): string {
  const choose = `use ${names.length === 1 ? names[0] : `one of ${names.join(", ")}`}, or ${provide(cluster.profile, use)}`;
  if (use.app) return `${choose}; the generators write Application/${use.app.name}'s values from the profile (generators/platform/), so undo the hand edit and run \`npm run generate\``;
  const source = renderedFrom(use.document);
  if (source.startsWith("apps/")) {
    const role = use.kind === "StorageClass" ? " (claims name a storage class role, `standard` or `fast`, which the profile maps to a class)" : "";
    return `${choose}; the generators render it from ${source} and the profile${role}, so run \`npm run generate\` rather than editing the file`;
  }
  return `${choose} where ${source} renders ${resourceName(use.document.object)}, then run \`npm run generate\``;
}

/** A class nobody created is a claim, Ingress or pod that never works. */
export const knownClasses: Policy = {
  id: "known-classes",
  area: "placement",
  severity: "Bug",
  description:
    "every StorageClass, IngressClass and PriorityClass a claim, StatefulSet, Ingress, issuer, pod or Application's Helm values names exists: in the cluster profile, in the rendered tree, or built in",
  check(cluster: ClusterTree): Finding[] {
    const classes = known(cluster);
    return uses(cluster).flatMap((use): Finding[] => {
      const names = classes[use.kind];
      if (names === undefined || names.has(use.name)) return [];
      const list = [...names].sort(byCodeUnit);
      return [
        {
          document: use.document,
          summary: `${use.kind.replace(/Class$/, "").toLowerCase()} class does not exist in the cluster`,
          path: use.path,
          problem: `is ${JSON.stringify(use.name)}, but cluster ${cluster.name} has no ${use.kind} of that name (it has ${list.join(", ")}): ${CONSEQUENCE[use.kind]}`,
          fix: fixFor(cluster, use, list),
        },
      ];
    });
  },
};
