import { Namespace } from "kubernetes-models/v1/Namespace";
import { PLATFORM_POD_SECURITY, POD_SECURITY_REASON, type PodSecurityLevel } from "../../../generators/platform/namespaces.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { clusterMinor } from "../lib/pod-security.js";
import { ENFORCE_LABEL, ENFORCE_VERSION_LABEL, enforceVersionProblem } from "../namespace-pod-security/namespace-pod-security.js";

/** Pod Security levels from the most permissive to the strictest. */
const LEVELS: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

const DECLARATIONS = "PLATFORM_POD_SECURITY in generators/platform/namespaces.ts";

/** A platform Namespace: rendered under platform/, labelled part of the platform, or one the declarations name. */
function isPlatformNamespace(document: RenderedDocument): boolean {
  const { metadata } = document.object;
  return /(?:^|\/)platform\//.test(document.file) || metadata.labels?.["app.kubernetes.io/part-of"] === "platform" || Object.hasOwn(PLATFORM_POD_SECURITY, metadata.name);
}

const REGENERATE = "the generators render every platform Namespace with its declared level (generators/platform/namespaces.ts), so undo the hand edit and run `npm run generate`";

function judge(document: RenderedDocument, cluster: ClusterTree): Finding[] {
  const { name, labels = {}, annotations = {} } = document.object.metadata;
  const declared = PLATFORM_POD_SECURITY[name];
  const enforce = labels[ENFORCE_LABEL];
  const labelPath = `metadata.labels["${ENFORCE_LABEL}"]`;
  if (!declared) {
    return [
      {
        document,
        summary: "platform namespace has no declared pod security level",
        path: labelPath,
        problem: `is ${enforce === undefined ? "not set" : JSON.stringify(enforce)}, and ${DECLARATIONS} declares no level for namespace ${name}, so nothing says what its add-on needs or stops the level from dropping`,
        fix: `declare namespace ${name} in ${DECLARATIONS} with the level its add-on's pods run under and the reason, then run \`npm run generate\``,
      },
    ];
  }
  const findings: Finding[] = [];
  if (enforce !== declared.level) {
    const rank = enforce === undefined ? -1 : LEVELS.indexOf(enforce as PodSecurityLevel);
    const consequence =
      rank < LEVELS.indexOf(declared.level)
        ? `so the API server admits pods into ${name} that the declared "${declared.level}" would refuse (${rank === -1 ? "unset or unknown falls back to the cluster default, usually privileged" : "a weaker level"})`
        : `so the API server refuses pods the add-on needs: ${declared.reason}`;
    findings.push({
      document,
      summary: rank < LEVELS.indexOf(declared.level) ? "platform namespace enforces a weaker pod security level than declared" : "platform namespace enforces a stricter pod security level than its add-on runs under",
      path: labelPath,
      problem: `is ${enforce === undefined ? "not set" : JSON.stringify(enforce)}, but ${DECLARATIONS} declares "${declared.level}" for ${name}, ${consequence}`,
      fix: `set it back to \`${declared.level}\`: ${REGENERATE}; to change the level, change the declaration and its reason there`,
    });
  }
  const version = labels[ENFORCE_VERSION_LABEL];
  const versionProblem = version === undefined ? undefined : enforceVersionProblem(version, clusterMinor(cluster));
  if (versionProblem !== undefined) {
    findings.push({
      document,
      summary: "platform namespace enforces an outdated pod security version",
      path: `metadata.labels["${ENFORCE_VERSION_LABEL}"]`,
      problem: versionProblem,
      fix: REGENERATE,
    });
  }
  if (declared.level !== "restricted" && !annotations[POD_SECURITY_REASON]?.trim()) {
    findings.push({
      document,
      summary: "platform namespace below restricted does not say why",
      path: `metadata.annotations["${POD_SECURITY_REASON}"]`,
      problem: `is not set, but ${name} enforces "${declared.level}", below restricted: a reviewer reading the cluster cannot see what the add-on needs that restricted forbids`,
      fix: `record the declared reason: ${REGENERATE}`,
    });
  }
  return findings;
}

/** Platform namespaces hold the Pod Security level declared for them in code, with its reason. */
export const platformPodSecurity: Policy = {
  id: "platform-pod-security",
  area: "security",
  severity: "Bug",
  description:
    "every platform Namespace (cert-manager, external-secrets, ingress-nginx, monitoring, ...) enforces exactly the Pod Security level declared for it in generators/platform/namespaces.ts, at the cluster's version, and one below restricted records its reason",
  check(cluster: ClusterTree): Finding[] {
    return cluster.documents.filter((d) => Namespace.is(d.object) && isPlatformNamespace(d)).flatMap((d) => judge(d, cluster));
  },
};
