import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { WorkloadSpec } from "../spec/types.js";
import { type AppContext, meta } from "./context.js";
import { byKey } from "../order.js";

export function serviceAccountName(workload: WorkloadSpec): string {
  return workload.serviceAccountName ?? workload.name;
}

/**
 * One ServiceAccount per identity, never auto-mounting its token; a Role and
 * RoleBinding only for identities that declare Kubernetes API access.
 */
export function rbacObjects(ctx: AppContext): (ServiceAccount | Role | RoleBinding)[] {
  const byAccount = new Map<string, WorkloadSpec[]>();
  for (const w of ctx.app.components) {
    const name = serviceAccountName(w);
    byAccount.set(name, [...(byAccount.get(name) ?? []), w]);
  }
  const objects: (ServiceAccount | Role | RoleBinding)[] = [];
  for (const [name, workloads] of [...byAccount].sort(byKey)) {
    const first = workloads[0] as WorkloadSpec;
    objects.push(
      new ServiceAccount({ metadata: meta(ctx, name, workloads.length === 1 ? first : undefined), automountServiceAccountToken: false }),
    );
    const rules = workloads.flatMap((w) => w.apiAccess ?? []);
    if (rules.length === 0) continue;
    objects.push(
      new Role({
        metadata: meta(ctx, name),
        rules: rules.map((r) => ({
          apiGroups: [...r.apiGroups],
          resources: [...r.resources],
          verbs: [...r.verbs],
          ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
        })),
      }),
      new RoleBinding({
        metadata: meta(ctx, name),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
        subjects: [{ kind: "ServiceAccount", name, namespace: ctx.app.namespace }],
      }),
    );
  }
  return objects;
}
