import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { buildModel } from "../endpoints.js";

/** A NetworkPolicy the API server rejects never applies: the flows it was meant to allow or deny are not what the YAML says. */
export const wellFormed: Policy = {
  id: "well-formed",
  area: "network",
  severity: "Bug",
  description: "every NetworkPolicy is one the API server accepts: valid CIDRs, selectors, protocols, ports and policyTypes",
  check(cluster: ClusterTree): Finding[] {
    return buildModel(cluster).policies.flatMap((policy) =>
      policy.problems.map((p) => ({
        ...(policy.document ? { document: policy.document } : {}),
        summary: "networkpolicy is invalid",
        path: p.path,
        problem: p.problem,
        fix: `the API server rejects the whole NetworkPolicy, so none of it applies; correct the field in ${policy.document ? sourceOf(policy.document) : "generators/"} (or generators/render) and run \`npm run generate\``,
      })),
    );
  },
};
