import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type ReferenceWording, unresolvedFinding, unresolvedReferences } from "../pod-references.js";
import { DEFAULT_SERVICE_ACCOUNT } from "../resolve.js";

const WORDING: ReferenceWording = {
  noun: "ServiceAccount",
  verb: "runs as",
  objectFix: `name a ServiceAccount the app renders (the generators render one per component, named by its \`serviceAccountName\`, by default the component's name), or \`${DEFAULT_SERVICE_ACCOUNT}\``,
  specField: () => "serviceAccountName",
};

/** The ServiceAccount admission plugin refuses a pod whose ServiceAccount does not exist. */
export const serviceAccountReferences: Policy = {
  id: "service-account-references",
  area: "references",
  severity: "Bug",
  description: `every pod's serviceAccountName names a ServiceAccount of its namespace (one of the tree, or \`${DEFAULT_SERVICE_ACCOUNT}\`, which every namespace has)`,
  check(cluster: ClusterTree): Finding[] {
    return unresolvedReferences(cluster, "ServiceAccount").map((u) => unresolvedFinding(cluster, u, WORDING));
  },
};
