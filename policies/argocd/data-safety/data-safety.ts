import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { renderedFrom } from "../../availability/workloads.js";
import { resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";

export const SYNC_OPTIONS = "argocd.argoproj.io/sync-options";
/** Argo CD also keeps an object on Application deletion when Helm's keep policy is set (controller `shouldBeDeleted`). */
export const HELM_RESOURCE_POLICY = "helm.sh/resource-policy";

/**
 * The options of a comma-separated annotation as Argo CD reads them
 * (gitops-engine `GetAnnotationCSVs`): split on commas, trimmed, empty items
 * dropped; compared exactly, so `prune=false` is not `Prune=false`.
 */
export function annotationOptions(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** What is missing from an object's annotations for Argo CD never to prune or delete it; empty when nothing is. */
export function missingProtection(annotations: Readonly<Record<string, string>>): string[] {
  const options = annotationOptions(annotations[SYNC_OPTIONS]);
  const missing: string[] = [];
  if (!options.includes("Prune=false")) missing.push("Prune=false");
  const deletes = [...new Set(options.filter((o) => o.startsWith("Delete=")))];
  const kept = annotationOptions(annotations[HELM_RESOURCE_POLICY]).includes("keep");
  // Argo CD takes the first Delete= option of an unordered set: two different values make the outcome a coin toss.
  if (!kept && (deletes.length !== 1 || deletes[0] !== "Delete=false")) missing.push("Delete=false");
  return missing;
}

const CONSEQUENCES: Readonly<Record<string, string>> = {
  "Prune=false": "Argo CD prunes it when it leaves Git (a renamed app, a moved file)",
  "Delete=false": "deleting the Application deletes it",
};

/** The annotation's value as the problem states it, pointing out Delete options that disagree. */
function describeValue(value: string | undefined): string {
  if (value === undefined) return "is not set";
  const deletes = [...new Set(annotationOptions(value).filter((o) => o.startsWith("Delete=")))];
  const conflict = deletes.length > 1 ? ` (${deletes.join(" and ")} disagree, and Argo CD takes whichever it reads first)` : "";
  return `is ${JSON.stringify(value)}${conflict}`;
}

function fixFor(document: RenderedDocument): string {
  const source = renderedFrom(document);
  return source.startsWith("apps/")
    ? `the generators put \`${SYNC_OPTIONS}: Prune=false,Delete=false\` on every claim and StatefulSet of ${source} (DATA_SAFETY_ANNOTATIONS in generators/render/context.ts): run \`npm run generate\` rather than editing the file`
    : `add the annotation \`${SYNC_OPTIONS}: Prune=false,Delete=false\` where ${source} renders ${resourceName(document.object)}`;
}

/** Stored data must outlive a Git mistake: Argo CD never prunes or deletes a claim, nor a StatefulSet that owns claims. */
export const dataSafety: Policy = {
  id: "data-safety",
  area: "argocd",
  severity: "Bug",
  description: `every PersistentVolumeClaim and StatefulSet carries ${SYNC_OPTIONS} with Prune=false and Delete=false, and no StatefulSet deletes its claims when deleted or scaled down`,
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      const { object } = document;
      if (!PersistentVolumeClaim.is(object) && !StatefulSet.is(object)) continue;
      const annotations = object.metadata.annotations ?? {};
      const missing = missingProtection(annotations);
      if (missing.length > 0) {
        const value = annotations[SYNC_OPTIONS];
        findings.push({
          document,
          summary: "stored data is not protected from pruning and deletion",
          path: `metadata.annotations["${SYNC_OPTIONS}"]`,
          problem: `${describeValue(value)}, so it lacks ${missing.join(" and ")}: ${missing.map((m) => CONSEQUENCES[m]).join(", and ")}; the data goes with it`,
          fix: fixFor(document),
        });
      }
      if (!StatefulSet.is(object)) continue;
      const retention = (object.spec?.persistentVolumeClaimRetentionPolicy ?? {}) as Record<string, string | undefined>;
      for (const when of ["whenDeleted", "whenScaled"] as const) {
        if (retention[when] !== "Delete") continue;
        findings.push({
          document,
          summary: "StatefulSet deletes its volume claims",
          path: `spec.persistentVolumeClaimRetentionPolicy.${when}`,
          problem: `is "Delete", so the claims of ${when === "whenDeleted" ? "the StatefulSet are deleted with it" : "removed replicas are deleted on scale-down"}, and their data with them`,
          fix: `set it to "Retain" (the generators render Retain for both in generators/render/workload.ts: run \`npm run generate\` rather than editing the file)`,
        });
      }
    }
    return findings;
  },
};
