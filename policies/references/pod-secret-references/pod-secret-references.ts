import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type ReferenceWording, unresolvedFinding, unresolvedReferences } from "../pod-references.js";

const WORDING: ReferenceWording = {
  noun: "Secret",
  verb: "reads",
  objectFix: "name a Secret something creates (an ExternalSecret's target, a cert-manager certificate), or mark the reference `optional: true` if the pod runs without it",
  keyFix: "read a key the Secret holds, or add the key to what creates it (the ExternalSecret's `data`)",
  specField: (reference) => (reference.use.startsWith("volume ") ? "volumes" : "env"),
  declaredIn: "`secrets` (each renders an ExternalSecret that creates the Secret)",
};

/**
 * Nothing secret is in Git, so every Secret a pod reads is created in the
 * cluster by something the tree names: an ExternalSecret, cert-manager, or the
 * rare Secret object without data.
 */
export const podSecretReferences: Policy = {
  id: "pod-secret-references",
  area: "references",
  severity: "Bug",
  description:
    "every Secret a pod reads (env, envFrom, secret and projected volumes, imagePullSecrets) is created in its namespace (an ExternalSecret's target, a cert-manager certificate, a Secret of the tree) and holds the keys read, unless the reference is optional",
  check(cluster: ClusterTree): Finding[] {
    return unresolvedReferences(cluster, "Secret").map((u) => unresolvedFinding(cluster, u, WORDING));
  },
};
