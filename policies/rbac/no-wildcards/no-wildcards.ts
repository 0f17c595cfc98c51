import type { IPolicyRule } from "kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule";
import { resourceName } from "../../lib/objects.js";
import { renderedFrom } from "../../availability/workloads.js";
import type { ClusterTree, Finding, KubeObject, Policy, RenderedDocument } from "../../lib/types.js";
import { appScope, appSources, appSubjects, bindings, boundRole, isAppObject } from "../scope.js";

type RuleField = "apiGroups" | "resources" | "verbs" | "resourceNames" | "nonResourceURLs";

/** For each rule field: what a wildcard entry grants, or undefined when the entry is not one. */
const WILDCARDS: Readonly<Record<RuleField, (entry: string) => string | undefined>> = {
  apiGroups: (e) => (e === "*" ? "every API group, including those that CRDs add later" : undefined),
  resources: (e) => (e === "*" ? "every resource of those groups, secrets included" : e.startsWith("*/") ? `the ${e.slice(2)} subresource of every resource` : undefined),
  verbs: (e) => (e === "*" ? "every verb, including delete, escalate, bind and impersonate" : undefined),
  // resourceNames has no patterns: "*" matches only an object of that literal name, so the rule is either dead or meant as a wildcard.
  resourceNames: (e) => (e.includes("*") ? `no object: resourceNames are exact names, "${e}" is not a pattern, so this was meant as a wildcard` : undefined),
  nonResourceURLs: (e) => (e.endsWith("*") ? `every URL path${e === "*" ? "" : ` under ${e.slice(0, -1)}`}` : undefined),
};

export interface Wildcard {
  readonly path: string;
  readonly entry: string;
  readonly grants: string;
}

/** Every wildcard entry in the rules of a Role or ClusterRole. */
export function wildcardsOf(role: KubeObject): Wildcard[] {
  const rules = ((role as unknown as { rules?: IPolicyRule[] }).rules ?? []) as unknown as Record<RuleField, string[] | undefined>[];
  return rules.flatMap((rule, i) =>
    (Object.keys(WILDCARDS) as RuleField[]).flatMap((field) =>
      (rule[field] ?? []).flatMap((entry, j): Wildcard[] => {
        const grants = WILDCARDS[field](entry);
        return grants === undefined ? [] : [{ path: `rules[${i}].${field}[${j}]`, entry, grants }];
      }),
    ),
  );
}

function roles(cluster: ClusterTree): RenderedDocument[] {
  return cluster.documents.filter((d) => (d.object.kind === "Role" || d.object.kind === "ClusterRole") && d.object.apiVersion.startsWith("rbac.authorization.k8s.io/"));
}

function roleFix(document: RenderedDocument, field: string): string {
  const source = renderedFrom(document);
  if (document.object.kind === "Role" && source.startsWith("apps/")) {
    return `list the exact ${field} needed in the \`apiAccess\` rules of the components running as ServiceAccount ${document.object.metadata.name} in ${source} (narrow objects with \`resourceNames\`)`;
  }
  return `replace the wildcard with the exact ${field} needed where ${source} renders ${resourceName(document.object)}; apps declare API access as \`apiAccess\`, which renders a namespaced Role`;
}

/** A wildcard grants what exists today and everything added later: app RBAC lists what it needs. */
export const noWildcards: Policy = {
  id: "no-wildcards",
  area: "rbac",
  severity: "Bug",
  description: 'no Role or ClusterRole of an app has "*" in apiGroups, resources, verbs, resourceNames or nonResourceURLs, and no app identity is bound to one that does',
  check(cluster: ClusterTree): Finding[] {
    const scope = appScope(cluster);
    const findings: Finding[] = [];
    for (const document of roles(cluster)) {
      if (!isAppObject(cluster, scope, document)) continue;
      for (const wildcard of wildcardsOf(document.object)) {
        const field = wildcard.path.replace(/^rules\[\d+\]\.(\w+)\[\d+\]$/, "$1");
        findings.push({
          document,
          summary: "RBAC rule uses a wildcard",
          path: wildcard.path,
          problem: `is "${wildcard.entry}", which grants ${wildcard.grants}`,
          fix: roleFix(document, field),
        });
      }
    }
    // A platform role with wildcards is the platform's business until it is granted to an app.
    for (const binding of bindings(cluster)) {
      const role = boundRole(cluster, binding.object);
      if (role === undefined || isAppObject(cluster, scope, role)) continue;
      const wildcards = wildcardsOf(role.object);
      const subjects = appSubjects(scope, binding.object);
      if (wildcards.length === 0 || subjects.length === 0) continue;
      findings.push({
        document: binding,
        summary: "app identity is bound to a role with wildcards",
        path: "roleRef.name",
        problem: `is ${resourceName(role.object)}, whose rules hold wildcards (${wildcards.map((w) => `${w.path} "${w.entry}"`).join(", ")}), and the binding grants them to ${subjects.map((s) => `${s.who} (subjects[${s.index}])`).join(", ")}`,
        fix: `remove ${subjects.length === 1 ? "that subject" : "those subjects"} from the binding where ${renderedFrom(binding)} renders it, and declare what the app needs as \`apiAccess\` in ${appSources(subjects)}, which renders a least-privilege Role`,
      });
    }
    return findings;
  },
};
