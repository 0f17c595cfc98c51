import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type ReferenceWording, unresolvedFinding, unresolvedReferences } from "../pod-references.js";

const WORDING: ReferenceWording = {
  noun: "PersistentVolumeClaim",
  verb: "mounts",
  objectFix: "name a claim the app renders (a StatefulSet mounts its `volumeClaimTemplates` by name from `volumeMounts`, not through a pod volume)",
  specField: () => "volumes",
  declaredIn: "`claims`",
};

/** The scheduler places a pod only once every claim its volumes name exists. */
export const podClaimReferences: Policy = {
  id: "pod-claim-references",
  area: "references",
  severity: "Bug",
  description: "every persistentVolumeClaim volume of a pod names a claim of its namespace: a PersistentVolumeClaim of the tree, or one a StatefulSet's volumeClaimTemplates create",
  check(cluster: ClusterTree): Finding[] {
    return unresolvedReferences(cluster, "PersistentVolumeClaim").map((u) => unresolvedFinding(cluster, u, WORDING));
  },
};
