import { resourceName } from "../../lib/objects.js";
import { renderedFrom } from "../../availability/workloads.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type BindingShape, appScope, appSources, appSubjects, bindings, isAppObject } from "../scope.js";

/**
 * Kubernetes' built-in user-facing ClusterRoles that no app needs, and what
 * each hands over. `view` is not here: it reads no Secrets and changes nothing.
 */
export const BROAD_CLUSTER_ROLES: Readonly<Record<string, string>> = {
  "cluster-admin": "every verb on every resource of the cluster (or of the namespace, through a RoleBinding)",
  admin: "full control of a namespace, including creating Roles and RoleBindings, so the holder can grant itself more",
  edit: "changing every workload of a namespace and reading its Secrets, so the holder can run any pod as any of its ServiceAccounts",
};

/** Apps get least-privilege Roles from their `apiAccess`, never the built-in admin roles. */
export const noClusterAdmin: Policy = {
  id: "no-cluster-admin",
  area: "rbac",
  severity: "Bug",
  description: `no RoleBinding or ClusterRoleBinding of an app, in an app namespace or granting to an app identity refers to ClusterRole ${Object.keys(BROAD_CLUSTER_ROLES).join(", ")}`,
  check(cluster: ClusterTree): Finding[] {
    const scope = appScope(cluster);
    const findings: Finding[] = [];
    for (const binding of bindings(cluster)) {
      const ref = (binding.object as unknown as BindingShape).roleRef;
      const grants = ref?.kind === "ClusterRole" && ref.name !== undefined ? BROAD_CLUSTER_ROLES[ref.name] : undefined;
      if (grants === undefined) continue;
      const subjects = appSubjects(scope, binding.object);
      if (subjects.length === 0 && !isAppObject(cluster, scope, binding)) continue;
      const named = ((binding.object as unknown as BindingShape).subjects ?? []).map((s, i) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name} (subjects[${i}])`);
      const namespace = binding.object.metadata.namespace;
      const app = namespace === undefined ? undefined : scope.namespaces.get(namespace);
      findings.push({
        document: binding,
        summary: `app is granted the ${ref?.name} ClusterRole`,
        path: "roleRef.name",
        problem:
          subjects.length > 0
            ? `is ${ref?.name}, which grants ${grants}, to ${subjects.map((s) => `${s.who} (subjects[${s.index}])`).join(", ")}`
            : `is ${ref?.name}, which grants ${grants}, in app namespace ${namespace} to ${named.join(", ") || "no subject yet"}`,
        fix:
          subjects.length > 0
            ? `delete ${resourceName(binding.object)} (where ${renderedFrom(binding)} renders it) and declare the exact access needed as \`apiAccess\` in ${appSources(subjects)}, which renders a least-privilege Role`
            : `delete ${resourceName(binding.object)} (where ${renderedFrom(binding)} renders it): an app namespace holds only the least-privilege Roles rendered from \`apiAccess\`${app === undefined ? "" : ` in apps/${app}`}`,
      });
    }
    return findings;
  },
};
