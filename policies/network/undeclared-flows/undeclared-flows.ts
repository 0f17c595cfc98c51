import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { AddressSet } from "../addresses.js";
import { type Analysis, analyse, labelsPath } from "../analysis.js";
import type { Endpoint } from "../endpoints.js";
import type { Intent } from "../intent.js";
import { PortSet } from "../ports.js";
import type { Direction, Grant } from "../reachability.js";

function addressLabel(set: AddressSet): string {
  const text = set.describe();
  return `${text.startsWith("every") ? text : `addresses ${text}`} (e.g. ${set.example()})`;
}

/**
 * Undeclared flows admitted by one rule to or from one pod (the policy's
 * subject) on the same ports, for the same reason: one finding listing every
 * peer on the other end.
 */
interface Group {
  readonly side: Direction;
  readonly grant: Grant;
  readonly summary: string;
  /** The pod the policy selects: the destination for ingress, the source for egress. */
  readonly subject: Endpoint;
  readonly ports: PortSet;
  readonly others: Endpoint[];
  addresses: AddressSet;
}

function summaryOf(a: Analysis, from: Endpoint, to: Endpoint): string {
  if (from.platform === "ingress-controller") return "ingress controller reaches an unexposed port";
  if (from.platform === "prometheus") return "prometheus reaches a non-metrics port";
  if (a.component(to)?.role === "datastore") return "datastore reachable from an undeclared client";
  if (from.origin === "external") return "pod reachable from undeclared addresses";
  if (to.origin === "external") return "pod reaches undeclared addresses";
  return "undeclared flow";
}

function fixOf(a: Analysis, g: Group): string {
  const policy = g.grant.policy;
  const rendered = policy.document ? sourceOf(policy.document) : "generators/";
  const narrow =
    `narrow \`${g.grant.path}\` of NetworkPolicy ${policy.namespace}/${policy.name} ` +
    `(rendered from ${rendered}: change the spec or generators/render and run \`npm run generate\`, never the YAML)`;
  const single = g.others.length === 1 ? g.others[0] : undefined;
  const from = g.side === "ingress" ? single : g.subject;
  const to = g.side === "ingress" ? g.subject : single;
  const fromSpec = from && a.component(from);
  const toSpec = to && a.component(to);
  if (from?.platform === "ingress-controller" && toSpec) return `if the port should be public, route it through \`ingresses\` in ${toSpec.source}; otherwise ${narrow}`;
  if (from?.platform === "prometheus" && toSpec) return `if the port serves metrics, set \`metrics: true\` on it in ${toSpec.source}; otherwise ${narrow}`;
  if (fromSpec && toSpec && fromSpec.source === toSpec.source) {
    const names = toSpec.ports.filter((p) => g.ports.has(p.protocol, p.port)).map((p) => `{ component: "${toSpec.name}", port: "${p.name}" }`);
    const declare = names.length > 0 ? names.join(", ") : `a port of ${toSpec.name}`;
    return `if ${fromSpec.name} needs it, declare ${declare} in \`connects\` of ${fromSpec.name} in ${fromSpec.source}; otherwise ${narrow}`;
  }
  if (from?.origin === "external" && toSpec) {
    return `if these addresses should reach ${toSpec.name}, give it a LoadBalancer Service in ${toSpec.source} and list them in the profile's loadBalancerSourceRanges (generators/fleet/clusters.ts); otherwise ${narrow}`;
  }
  if (to?.origin === "external" && fromSpec) {
    return `if ${fromSpec.name} needs it, name the network in the profile's externalNetworks (generators/fleet/clusters.ts) and declare \`{ external: "<network>", port: <port> }\` in \`connects\` of ${fromSpec.name} in ${fromSpec.source}; otherwise ${narrow}`;
  }
  return `no app spec declares ${g.others.length === 1 ? "this flow" : "these flows"}; ${narrow}`;
}

function problemOf(a: Analysis, g: Group): string {
  const others = [...g.others.filter((e) => e.origin !== "external").map((e) => e.label), ...(g.addresses.isEmpty() ? [] : [addressLabel(g.addresses)])];
  const list = others.length <= 1 ? (others[0] as string) : `${others.slice(0, -1).join(", ")} and ${others.at(-1)}`;
  const head = g.side === "ingress" ? `lets ${list} reach ${g.subject.label} on ${g.ports.describe()}` : `lets ${g.subject.label} reach ${list} on ${g.ports.describe()}`;
  const single = g.others.length === 1 ? g.others[0] : undefined;
  if (!single) return `${head}, but none of these flows is declared`;
  if (single.origin === "external") {
    return `${head}, but no network declared for flows ${g.side === "ingress" ? "into" : "from"} ${g.subject.short} holds those addresses on those ports`;
  }
  const [from, to] = g.side === "ingress" ? [single, g.subject] : [g.subject, single];
  const declared = a.declared(from, to);
  return declared.isEmpty()
    ? `${head}, but no flow from ${from.short} to ${to.short} is declared`
    : `${head}, but only ${declared.describe()} is declared from ${from.short} to ${to.short}`;
}

/** Pods of the intent's namespaces that no policy isolates in a direction: open to everything. */
function unrestricted(a: Analysis): Finding[] {
  const findings: Finding[] = [];
  for (const pod of a.model.pods) {
    if (pod.origin !== "rendered" || !a.inScope(pod) || !pod.template) continue;
    for (const direction of ["ingress", "egress"] as const) {
      if (a.model.network.selecting(pod.peer, direction).length > 0) continue;
      const hostNetwork = pod.peer.kind === "pod" && pod.peer.hostNetwork;
      findings.push({
        document: pod.template.document,
        summary: `pod ${direction} is not restricted`,
        path: hostNetwork ? `${pod.template.path}.hostNetwork` : labelsPath(pod),
        problem: hostNetwork
          ? `is true: the pods run on the node's network, where no NetworkPolicy applies, so their ${direction} is open on every port`
          : `(${pod.label.slice("pod ".length)}) match no NetworkPolicy with policyType ${direction === "ingress" ? "Ingress" : "Egress"}, so ${direction === "ingress" ? "every pod and address can reach these pods" : "these pods can reach every pod and address"} on every port`,
        fix: hostNetwork
          ? `remove \`hostNetwork\` from the pod template in ${sourceOf(pod.template.document)}`
          : `give namespace ${pod.namespace} its default deny (\`podSelector: {}\`, policyTypes Ingress and Egress, no rules) and declare the flows these pods need in ${sourceOf(pod.template.document)}; run \`npm run generate\``,
      });
    }
  }
  return findings;
}

/** Compares actual reachability with the declared flows; exported for tests that give the intent directly. */
export function undeclaredFlowFindings(cluster: ClusterTree, intent?: Intent | null): Finding[] {
  const a = analyse(cluster, intent);
  if (!a.intent) return [];
  const everyone = [...a.model.pods, a.model.unknownPod, ...a.addresses];
  const scope = a.model.pods.filter((e) => a.inScope(e));
  const groups = new Map<string, Group>();
  const consider = (from: Endpoint, to: Endpoint): void => {
    const flow = a.flow(from, to);
    if (flow.ports.isEmpty()) return;
    const undeclared = flow.ports.minus(a.declared(from, to));
    if (undeclared.isEmpty()) return;
    // Both sides open: reported once per pod as unrestricted.
    if (!flow.ingress.isolated && !flow.egress.isolated) return;
    // The destination's own guard first, when it is a pod the intent covers.
    const side: Direction = flow.ingress.isolated && (a.inScope(to) || !flow.egress.isolated) ? "ingress" : "egress";
    const [subject, other] = side === "ingress" ? [to, from] : [from, to];
    const summary = summaryOf(a, from, to);
    for (const grant of flow[side].grants) {
      const ports = grant.ports.intersect(undeclared);
      if (ports.isEmpty()) continue;
      const doc = grant.policy.document;
      const key = [side, doc ? `${doc.file}#${doc.index}` : `${grant.policy.namespace}/${grant.policy.name}`, grant.path, summary, subject.key, ports.describe()].join("\n");
      let group = groups.get(key);
      if (!group) {
        group = { side, grant, summary, subject, ports, others: [], addresses: AddressSet.EMPTY };
        groups.set(key, group);
      }
      if (other.peer.kind === "addresses") {
        if (group.addresses.isEmpty()) group.others.push(other);
        group.addresses = group.addresses.union(AddressSet.of([other.peer.range]));
      } else {
        group.others.push(other);
      }
    }
  };
  for (const x of scope) {
    for (const y of everyone) {
      consider(x, y);
      if (!a.inScope(y)) consider(y, x);
    }
  }
  const flows = [...groups.values()].map(
    (g): Finding => ({
      ...(g.grant.policy.document ? { document: g.grant.policy.document } : {}),
      summary: g.summary,
      path: g.grant.path,
      problem: problemOf(a, g),
      fix: fixOf(a, g),
    }),
  );
  return [...unrestricted(a), ...flows];
}

/** No pod, platform pod or address reaches another on a port unless an app spec declares that flow. */
export const undeclaredFlows: Policy = {
  id: "undeclared-flows",
  area: "network",
  severity: "Bug",
  description:
    "no flow beyond the declared ones: data stores only from their declared clients, the ingress controller only to exposed ports, Prometheus only to metrics ports",
  check(cluster: ClusterTree): Finding[] {
    return undeclaredFlowFindings(cluster);
  },
};
