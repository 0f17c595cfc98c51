import { Secret } from "kubernetes-models/v1/Secret";
import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";

/** Anything committed is readable by everyone with the repository: credentials come through ExternalSecrets. */
export const noSecretData: Policy = {
  id: "no-secret-data",
  area: "secrets",
  severity: "Bug",
  description: "no Secret with data or stringData is committed; credentials come from an ExternalSecret",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      if (!Secret.is(document.object)) continue;
      const secret = document.object as unknown as { data?: Record<string, string>; stringData?: Record<string, string> };
      for (const field of ["data", "stringData"] as const) {
        const keys = Object.keys(secret[field] ?? {});
        if (keys.length === 0) continue;
        findings.push({
          document,
          summary: "secret data is committed to Git",
          path: field,
          problem: `holds ${keys.map((k) => `\`${k}\``).join(", ")} in plain text (base64 is an encoding, not encryption)`,
          fix: `remove the Secret and declare its keys under \`secrets\` in ${sourceOf(document)}, which renders an ExternalSecret read from the cluster's ClusterSecretStore; rotate the exposed values`,
        });
      }
    }
    return findings;
  },
};
