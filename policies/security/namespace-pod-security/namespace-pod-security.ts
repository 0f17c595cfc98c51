import { Namespace } from "kubernetes-models/v1/Namespace";
import { APPS } from "../../../apps/index.js";
import { byCodeUnit } from "../../../generators/order.js";
import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { atLeast, clusterMinor, MODELLED_MINOR, podsOf, quote, type Control, type KubernetesMinor } from "../lib/pod-security.js";

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

const CONTROL: Control = {
  level: "house",
  name: "Pod Security admission",
  rule: "Every namespace that holds pods, and every app namespace, enforces Pod Security \"restricted\" at the cluster's Kubernetes version or later.",
};

/** An app's Namespace: rendered under apps/<app>/, or labelled part of an app of the registry. */
function isAppNamespace(document: RenderedDocument): boolean {
  if (/(?:^|\/)apps\/[^/]+\//.test(document.file)) return true;
  const partOf = document.object.metadata.labels?.["app.kubernetes.io/part-of"];
  return APPS.some((app) => app.name === partOf);
}

/** What is wrong with an enforce-version label value, or undefined when it is `latest` or `v1.N` with N at least the cluster's minor. */
export function enforceVersionProblem(value: string, cluster: KubernetesMinor): string | undefined {
  if (value === "latest") return undefined;
  const match = /^v1\.(0|[1-9][0-9]*)$/.exec(value);
  if (!match) return `is ${JSON.stringify(value)}, which PodSecurity admission rejects (it must be "latest" or "v1.<minor>")`;
  if (cluster.major === 1 && Number(match[1]) >= cluster.minor) return undefined;
  return `is ${JSON.stringify(value)}, older than the cluster's Kubernetes v${cluster.major}.${cluster.minor}, so checks added since are not enforced`;
}

function namespaceFix(document: RenderedDocument, change: string): string {
  const source = sourceOf(document);
  return source === "generators/"
    ? `${change} where generators/ renders Namespace/${document.object.metadata.name}, then run \`npm run generate\``
    : `${change}: generators/render/namespace.ts renders every app Namespace of ${source} that way, so undo the hand edit (or the generator change) and run \`npm run generate\``;
}

function judgeLabels(document: RenderedDocument, version: KubernetesMinor): Finding[] {
  const labels = document.object.metadata.labels ?? {};
  const findings: Finding[] = [];
  const enforce = labels[ENFORCE_LABEL];
  if (enforce !== "restricted") {
    findings.push({
      document,
      summary: "namespace does not enforce pod security restricted",
      path: `metadata.labels["${ENFORCE_LABEL}"]`,
      problem: `${enforce === undefined ? "is not set, so the cluster default applies" : `is ${JSON.stringify(enforce)}`}; it must be "restricted" (${quote(CONTROL)})`,
      fix: namespaceFix(document, `set the label \`${ENFORCE_LABEL}: restricted\``),
    });
  }
  const enforceVersion = labels[ENFORCE_VERSION_LABEL];
  const versionProblem = enforceVersion === undefined ? undefined : enforceVersionProblem(enforceVersion, version);
  if (versionProblem !== undefined) {
    findings.push({
      document,
      summary: "namespace enforces an outdated pod security version",
      path: `metadata.labels["${ENFORCE_VERSION_LABEL}"]`,
      problem: `${versionProblem} (${quote(CONTROL)})`,
      fix: namespaceFix(document, `set the label \`${ENFORCE_VERSION_LABEL}: v${version.major}.${version.minor}\` (or \`latest\`, or remove it)`),
    });
  }
  return findings;
}

/**
 * Pods are only as safe as the admission that judges them: every namespace
 * holding a pod of the tree, and every app Namespace, carries
 * `pod-security.kubernetes.io/enforce: restricted`, and an `enforce-version`
 * (when set) that is `latest` or not older than the cluster's minor.
 */
export const namespacePodSecurity: Policy = {
  id: "namespace-pod-security",
  area: "security",
  severity: "Bug",
  description: "every namespace holding pods and every app Namespace is labelled pod-security.kubernetes.io/enforce: restricted at the cluster's version or later",
  check(cluster: ClusterTree): Finding[] {
    const version = clusterMinor(cluster);
    const findings: Finding[] = [];
    if (cluster.profile && atLeast(version, MODELLED_MINOR + 1)) {
      findings.push({
        severity: "Warning",
        summary: "pod security policies are older than the cluster",
        path: "",
        problem: `cluster ${cluster.name} runs Kubernetes v${version.major}.${version.minor}, but policies/security implements the Pod Security checks up to v1.${MODELLED_MINOR}`,
        fix: "compare k8s.io/pod-security-admission policy/check_*.go of the new version with policies/security and update the checks and MODELLED_MINOR in policies/security/lib/pod-security.ts",
      });
    }
    const namespaces = new Map(cluster.documents.filter((d) => Namespace.is(d.object)).map((d) => [d.object.metadata.name, d]));
    const firstPod = new Map<string, RenderedDocument>();
    for (const pod of podsOf(cluster)) {
      const namespace = pod.document.object.metadata.namespace;
      if (namespace === undefined) {
        findings.push({
          document: pod.document,
          summary: "workload has no namespace",
          path: "metadata.namespace",
          problem: `is not set, so its pods land in whatever namespace it is applied to, whose Pod Security level nothing here checks (${quote(CONTROL)})`,
          fix: `set \`metadata.namespace\`: ${sourceOf(pod.document) === "generators/" ? "generators/" : "the generator"} always does, so undo the hand edit and run \`npm run generate\``,
        });
      } else if (!firstPod.has(namespace)) {
        firstPod.set(namespace, pod.document);
      }
    }
    for (const [namespace, document] of [...firstPod].sort(([a], [b]) => byCodeUnit(a, b))) {
      if (namespaces.has(namespace)) continue;
      findings.push({
        document,
        summary: "pods run in a namespace the tree does not define",
        path: "metadata.namespace",
        problem: `is ${JSON.stringify(namespace)}, but no Namespace "${namespace}" is in the tree, so nothing here makes it enforce Pod Security "restricted" (${quote(CONTROL)})`,
        fix: `render Namespace "${namespace}" with \`${ENFORCE_LABEL}: restricted\` next to the workload (every app gets one from generators/render/namespace.ts), or move the workload to its app's namespace, then run \`npm run generate\``,
      });
    }
    for (const [name, document] of namespaces) {
      if (firstPod.has(name) || isAppNamespace(document)) findings.push(...judgeLabels(document, version));
    }
    return findings;
  },
};
