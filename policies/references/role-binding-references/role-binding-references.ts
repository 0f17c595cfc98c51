import { namespaceOf } from "../../availability/workloads.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type BindingShape, bindings, boundRole } from "../../rbac/scope.js";
import { fixAt, listOr } from "../fixes.js";
import { creatorsOf, installedOutsideTree, namesIn, objectsIn } from "../resolve.js";

/**
 * A RoleBinding grants a Role of its namespace to its subjects. The API server
 * accepts one whose Role or ServiceAccount does not exist, and it grants
 * nothing: the app's API calls are Forbidden. ClusterRoles are not judged:
 * Kubernetes and the platform charts install ones the tree does not hold.
 */
export const roleBindingReferences: Policy = {
  id: "role-binding-references",
  area: "references",
  severity: "Bug",
  description: "every RoleBinding's Role and every ServiceAccount a binding names exist (a Role of the binding's namespace; a ServiceAccount of the tree, or `default`)",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const document of bindings(cluster)) {
      const binding = document.object as unknown as BindingShape;
      const namespace = namespaceOf(document.object);
      const grantee = (binding.subjects ?? []).find((s) => s.kind === "ServiceAccount")?.name ?? document.object.metadata.name;
      const place = `\`apiAccess\` of the component that runs as ServiceAccount ${grantee}`;
      if (document.object.kind === "RoleBinding" && binding.roleRef?.kind === "Role" && installedOutsideTree(cluster, namespace).length === 0 && boundRole(cluster, document.object) === undefined) {
        const roles = objectsIn(cluster, "rbac.authorization.k8s.io/v1", "Role", namespace).map((d) => d.object.metadata.name);
        findings.push({
          document,
          summary: "RoleBinding grants a Role that does not exist",
          path: "roleRef.name",
          problem: `is ${JSON.stringify(binding.roleRef.name)}, but namespace ${namespace} has no such Role (it has ${listOr(roles, "none")}): the binding grants nothing, and the API calls it was meant to allow are Forbidden`,
          fix: fixAt(document, "name the Role rendered with it", place),
        });
      }
      (binding.subjects ?? []).forEach((subject, i) => {
        if (subject.kind !== "ServiceAccount" || subject.name === undefined) return;
        const where = subject.namespace ?? namespace;
        if (creatorsOf(cluster, "ServiceAccount", where, subject.name).length > 0) return;
        const field = subject.namespace !== undefined && subject.namespace !== namespace ? "namespace" : "name";
        findings.push({
          document,
          summary: "binding grants to a ServiceAccount that does not exist",
          path: `subjects[${i}].${field}`,
          problem: `is ${JSON.stringify(subject[field])}, but nothing creates ServiceAccount ${where}/${subject.name} (there: ${listOr(namesIn(cluster, "ServiceAccount", where), "none")}): no pod runs as it, so the grant reaches nobody`,
          fix: fixAt(document, "name the ServiceAccount the component's pods run as", place),
        });
      });
    }
    return findings;
  },
};
