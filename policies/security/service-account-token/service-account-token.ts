import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { resourceName, sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { podsOf, quote, shown, specFix, type Control } from "../lib/pod-security.js";

const CONTROL: Control = {
  level: "house",
  name: "Service-account token",
  rule: "No service-account token unless asked: a pod gets its ServiceAccount's token only when RBAC grants that ServiceAccount a role.",
};

interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

interface Binding {
  readonly document: RenderedDocument;
  /** The RoleBinding's namespace; undefined for a ClusterRoleBinding. */
  readonly namespace: string | undefined;
  readonly roleRef: { readonly kind?: string; readonly name?: string };
  readonly subjects: readonly Subject[];
}

/** Why a binding does or does not give its subjects a role. */
interface Grant {
  readonly binding: Binding;
  /** Undefined when the binding grants a role; otherwise what is missing. */
  readonly missing?: string;
}

/** The RBAC objects of a cluster, indexed to answer "does RBAC grant this ServiceAccount a role?". */
class RbacIndex {
  private readonly roles = new Map<string, number>();
  private readonly clusterRoles = new Map<string, number>();
  private readonly bindings: Binding[] = [];

  constructor(cluster: ClusterTree) {
    for (const document of cluster.documents) {
      const object = document.object as Record<string, any>;
      const rules = Array.isArray(object.rules) ? object.rules.length : 0;
      if (Role.is(object)) this.roles.set(`${object.metadata?.namespace}/${object.metadata?.name}`, rules);
      else if (ClusterRole.is(object)) this.clusterRoles.set(String(object.metadata?.name), object.aggregationRule ? Math.max(rules, 1) : rules);
      else if (RoleBinding.is(object) || ClusterRoleBinding.is(object)) {
        this.bindings.push({
          document,
          namespace: RoleBinding.is(object) ? object.metadata?.namespace : undefined,
          roleRef: object.roleRef ?? {},
          subjects: Array.isArray(object.subjects) ? object.subjects : [],
        });
      }
    }
  }

  private judge(binding: Binding): Grant {
    const { kind, name } = binding.roleRef;
    if (kind === "Role") {
      const rules = this.roles.get(`${binding.namespace}/${name}`);
      if (rules === undefined) return { binding, missing: `binds it to Role/${name}, which is not in the tree` };
      return rules > 0 ? { binding } : { binding, missing: `binds it to Role/${name}, which has no rules` };
    }
    // A ClusterRole not in the tree is one the cluster provides (view, edit, ...).
    const rules = this.clusterRoles.get(String(name));
    return rules === 0 ? { binding, missing: `binds it to ClusterRole/${name}, which has no rules` } : { binding };
  }

  /** Every binding naming the ServiceAccount as a subject, judged. */
  grantsFor(namespace: string, name: string): Grant[] {
    return this.bindings
      .filter((b) => b.subjects.some((s) => s.kind === "ServiceAccount" && s.name === name && (s.namespace ?? b.namespace) === namespace))
      .map((b) => this.judge(b));
  }

  /** Whether some binding grants the ServiceAccount a role; otherwise why not, for the diagnostic. */
  explain(namespace: string, name: string): { readonly granted: boolean; readonly why: string } {
    const grants = this.grantsFor(namespace, name);
    if (grants.some((g) => g.missing === undefined)) return { granted: true, why: "" };
    const reasons = grants.map((g) => `${resourceName(g.binding.document.object)} ${g.missing}`);
    return { granted: false, why: reasons.length > 0 ? reasons.join("; ") : "no RoleBinding or ClusterRoleBinding in the tree names it" };
  }
}

/**
 * A pod whose spec and ServiceAccount let its token be mounted
 * (automountServiceAccountToken not false on the pod, or unset there and not
 * false on the ServiceAccount) needs RBAC to grant that ServiceAccount a role.
 * A ServiceAccount that lets pods mount its token without any role is reported
 * as a Warning: the next pod to use it would get a token it has no use for.
 */
export const serviceAccountToken: Policy = {
  id: "service-account-token",
  area: "security",
  severity: "Bug",
  description: "a pod mounts a service-account token only when a RoleBinding or ClusterRoleBinding grants its ServiceAccount a role",
  check(cluster: ClusterTree): Finding[] {
    const rbac = new RbacIndex(cluster);
    const accounts = cluster.documents
      .filter((document) => ServiceAccount.is(document.object))
      .map((document) => ({
        document,
        namespace: document.object.metadata.namespace ?? "default",
        name: document.object.metadata.name,
        automount: (document.object as { automountServiceAccountToken?: unknown }).automountServiceAccountToken,
      }));
    const findings: Finding[] = [];
    for (const pod of podsOf(cluster)) {
      const namespace = pod.document.object.metadata.namespace ?? "default";
      const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? "default";
      const account = accounts.find((a) => a.namespace === namespace && a.name === name);
      const podValue = pod.spec.automountServiceAccountToken;
      if ((podValue ?? account?.automount ?? true) === false) continue;
      const { granted, why } = rbac.explain(namespace, name);
      if (granted) continue;
      const mounted =
        podValue !== undefined
          ? `is ${shown(podValue)}`
          : account
            ? `is not set, and ${resourceName(account.document.object)} does not set automountServiceAccountToken: false either`
            : `is not set, and ServiceAccount "${name}" is not in the tree, so Kubernetes mounts its token`;
      findings.push({
        document: pod.document,
        summary: "pod mounts a service-account token it has no role for",
        path: `${pod.path}.automountServiceAccountToken`,
        problem: `${mounted}, but RBAC grants ServiceAccount ${namespace}/${name} no role (${why}) (${quote(CONTROL)})`,
        fix: specFix(
          pod,
          "keep the token unmounted (`automountServiceAccountToken: false`, the default), or, if the component calls the Kubernetes API, declare the rules it needs under `apiAccess`, which renders its Role and RoleBinding",
        ),
      });
    }
    for (const { document, namespace, name, automount } of accounts) {
      if (automount === false) continue;
      const { granted, why } = rbac.explain(namespace, name);
      if (granted) continue;
      const source = sourceOf(document);
      findings.push({
        document,
        severity: "Warning",
        summary: "service account lets pods mount a token it has no role for",
        path: "automountServiceAccountToken",
        problem: `${automount === undefined ? "is not set" : `is ${shown(automount)}`}, so every pod using it gets a token unless the pod opts out, but RBAC grants it no role (${why}) (${quote(CONTROL)})`,
        fix:
          source === "generators/"
            ? `set \`automountServiceAccountToken: false\` where generators/ renders ${resourceName(document.object)}, then run \`npm run generate\``
            : `set \`automountServiceAccountToken: false\`: the generator renders every ServiceAccount of ${source} that way, so undo the hand edit and run \`npm run generate\``,
      });
    }
    return findings;
  },
};
