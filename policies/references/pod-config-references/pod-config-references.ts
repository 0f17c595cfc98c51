import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { type ReferenceWording, unresolvedFinding, unresolvedReferences } from "../pod-references.js";
import { ROOT_CA_CONFIG_MAP } from "../resolve.js";

const WORDING: ReferenceWording = {
  noun: "ConfigMap",
  verb: "reads",
  objectFix: "name a ConfigMap the app renders, or mark the reference `optional: true` if the pod runs without it",
  keyFix: "read a key the ConfigMap holds, or add the key to its data",
  specField: (reference) => (reference.use === "envFrom" ? "envFromConfigMaps" : reference.use.startsWith("volume ") ? "volumes" : "env"),
  declaredIn: "`configMaps`",
};

/** A pod starts only when every ConfigMap (and key) it reads without `optional: true` exists in its namespace. */
export const podConfigReferences: Policy = {
  id: "pod-config-references",
  area: "references",
  severity: "Bug",
  description: `every ConfigMap a pod reads (env, envFrom, configMap and projected volumes) exists in its namespace (a ConfigMap of the tree, or ${ROOT_CA_CONFIG_MAP}) and holds the keys read, unless the reference is optional`,
  check(cluster: ClusterTree): Finding[] {
    return unresolvedReferences(cluster, "ConfigMap").map((u) => unresolvedFinding(cluster, u, WORDING));
  },
};
