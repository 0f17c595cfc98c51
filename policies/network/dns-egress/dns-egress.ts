import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { DNS_PORTS, labelsPath } from "../analysis.js";
import { buildModel, KUBE_DNS, type Endpoint } from "../endpoints.js";
import { describeLabels } from "../selectors.js";

function names(policies: readonly { namespace: string; name: string }[]): string {
  const list = policies.map((p) => `${p.namespace}/${p.name}`);
  return list.length === 1 ? `NetworkPolicy ${list[0]}` : `NetworkPolicies ${list.join(", ")}`;
}

/** Every pod resolves names through kube-dns; a default deny without a DNS rule breaks every Service lookup. */
export const dnsEgress: Policy = {
  id: "dns-egress",
  area: "network",
  severity: "Bug",
  description: "every pod can reach kube-dns (kube-system, k8s-app=kube-dns) on UDP 53 and TCP 53",
  check(cluster: ClusterTree): Finding[] {
    const model = buildModel(cluster);
    const dns = model.pods.find((e) => e.platform === "dns") as Endpoint;
    const findings: Finding[] = [];
    for (const pod of model.pods) {
      if (pod.origin !== "rendered" || !pod.template) continue;
      const flow = model.network.flow(pod.peer, dns.peer);
      const missing = DNS_PORTS.minus(flow.ports);
      if (missing.isEmpty()) continue;
      const blockedByEgress = !DNS_PORTS.minus(flow.egress.ports).isEmpty();
      const reason = blockedByEgress
        ? `${names(flow.egress.policies)} ${flow.egress.policies.length === 1 ? "isolates" : "isolate"} their egress and no egress rule admits it`
        : `${names(flow.ingress.policies)} in ${KUBE_DNS.namespace} ${flow.ingress.policies.length === 1 ? "isolates" : "isolate"} kube-dns's ingress and admits no such query`;
      const dnsPeer = `namespaceSelector kubernetes.io/metadata.name=${KUBE_DNS.namespace} with podSelector ${describeLabels(KUBE_DNS.labels)}`;
      findings.push({
        document: pod.template.document,
        summary: "pod cannot reach cluster dns",
        path: labelsPath(pod),
        problem: `mark ${pod.label.slice("pod ".length)} pods, which cannot reach kube-dns in ${KUBE_DNS.namespace} on ${missing.describe()}: ${reason}`,
        fix: blockedByEgress
          ? `allow egress from every pod of namespace ${pod.namespace} to ${dnsPeer} on UDP 53 and TCP 53: the \`allow-dns\` NetworkPolicy each app namespace gets from \`npm run generate\` (${sourceOf(pod.template.document)}); regenerate rather than editing the YAML`
          : `admit DNS queries from namespace ${pod.namespace} in the NetworkPolicies of ${KUBE_DNS.namespace}, or remove them`,
      });
    }
    return findings;
  },
};
