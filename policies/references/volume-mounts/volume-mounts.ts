import { containersOf, podTemplates } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { componentField, fixAt, listOr } from "../fixes.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * A container mounts volumes by name: a volume of its pod or, in a
 * StatefulSet, one of its volumeClaimTemplates. The API server refuses a
 * workload whose mount names neither, so the sync fails.
 */
export const volumeMounts: Policy = {
  id: "volume-mounts",
  area: "references",
  severity: "Bug",
  description: "every volumeMount and volumeDevice of a container names a volume of its pod or, in a StatefulSet, one of its volumeClaimTemplates",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const template of podTemplates(cluster)) {
      const { document } = template;
      const claimTemplates = document.object.kind === "StatefulSet" ? (((document.object as Json).spec?.volumeClaimTemplates ?? []) as { metadata?: { name?: string } }[]) : [];
      const volumes = (template.spec.volumes ?? []).map((v) => v.name);
      const claims = claimTemplates.flatMap((t) => (t.metadata?.name ? [t.metadata.name] : []));
      const known = new Set([...volumes, ...claims]);
      for (const { container, path, init } of containersOf(template)) {
        const mounts = [
          ...(container.volumeMounts ?? []).map((m, i) => ({ name: m.name, at: `${path}.volumeMounts[${i}].name` })),
          ...(container.volumeDevices ?? []).map((d, i) => ({ name: d.name, at: `${path}.volumeDevices[${i}].name` })),
        ];
        for (const mount of mounts) {
          if (known.has(mount.name)) continue;
          findings.push({
            document,
            summary: "container mounts a volume its pod does not have",
            path: mount.at,
            problem:
              `is ${JSON.stringify(mount.name)}, but the pod's volumes are ${listOr(volumes, "none")}` +
              `${document.object.kind === "StatefulSet" ? ` and its volumeClaimTemplates ${listOr(claims, "none")}` : ""}: the API server refuses the workload, so the sync fails`,
            fix: fixAt(document, "mount a volume the pod declares, or declare the volume", `${componentField(document, "mounts", { name: container.name, init })} and its \`volumes\``),
          });
        }
      }
    }
    return findings;
  },
};
