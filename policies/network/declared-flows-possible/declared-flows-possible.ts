import { sourceOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { AddressSet } from "../addresses.js";
import { analyse, describeFlow, describePeer } from "../analysis.js";
import type { Endpoint } from "../endpoints.js";
import { type DeclaredFlow, findComponent, type Intent } from "../intent.js";
import { PortSet } from "../ports.js";
import type { Direction, ParsedPolicy } from "../reachability.js";

interface Blocked {
  readonly declaredIn: string[];
  readonly side: Direction;
  readonly policy: ParsedPolicy;
  readonly from: Endpoint;
  readonly to: Endpoint;
  ports: PortSet;
  addresses: AddressSet;
}

/** The policy to point at: the subject's own (specific selector, rules of that direction) before a namespace-wide deny. */
function blamed(policies: readonly ParsedPolicy[], side: Direction): ParsedPolicy {
  const specific = (p: ParsedPolicy): boolean => Object.keys(p.podSelector.matchLabels ?? {}).length > 0 || (p.podSelector.matchExpressions ?? []).length > 0;
  return (
    policies.find((p) => specific(p) && p[side].length > 0) ??
    policies.find(specific) ??
    policies.find((p) => p[side].length === 0) ??
    (policies[0] as ParsedPolicy)
  );
}

/** Every flow an app spec declares must be possible under the rendered policies, or the app breaks when it ships. */
export function declaredFlowFindings(cluster: ClusterTree, intent?: Intent | null): Finding[] {
  const a = analyse(cluster, intent);
  if (!a.intent) return [];
  const findings: Finding[] = [];
  const groups = new Map<string, Blocked>();
  const missing = new Map<string, DeclaredFlow[]>();
  for (const flow of a.intent.flows) {
    const froms = a.endpointsOf(flow.from);
    const tos = a.endpointsOf(flow.to);
    for (const [peer, found] of [[flow.from, froms], [flow.to, tos]] as const) {
      if (found.length === 0 && peer.kind === "component") {
        const key = `${describePeer(peer)}\n${findComponent(a.intent, peer.namespace, peer.component)?.source ?? "its app spec"}`;
        missing.set(key, [...(missing.get(key) ?? []), flow]);
      }
    }
    const need = PortSet.of(flow.protocol, flow.port);
    for (const from of froms) {
      for (const to of tos) {
        const result = a.flow(from, to);
        if (need.minus(result.ports).isEmpty()) continue;
        for (const side of ["egress", "ingress"] as const) {
          const verdict = result[side];
          if (need.minus(verdict.ports).isEmpty()) continue;
          const policy = blamed(verdict.policies, side);
          const doc = policy.document;
          // One finding per blocked pair of peers (a network counts as one peer), listing every declaration it breaks.
          const peerKey = (e: Endpoint, p: DeclaredFlow["from"]): string => (p.kind === "network" ? `network ${p.name}` : e.key);
          const key = [side, doc ? `${doc.file}#${doc.index}` : policy.name, peerKey(from, flow.from), peerKey(to, flow.to)].join("\n");
          const range = from.peer.kind === "addresses" ? from.peer.range : to.peer.kind === "addresses" ? to.peer.range : undefined;
          const group = groups.get(key);
          if (group) {
            group.ports = group.ports.union(need);
            if (range) group.addresses = group.addresses.union(AddressSet.of([range]));
            if (!group.declaredIn.includes(flow.declaredIn)) group.declaredIn.push(flow.declaredIn);
          } else {
            groups.set(key, { declaredIn: [flow.declaredIn], side, policy, from, to, ports: need, addresses: range ? AddressSet.of([range]) : AddressSet.EMPTY });
          }
        }
      }
    }
  }
  for (const [key, flows] of missing) {
    const [component, source] = key.split("\n") as [string, string];
    const first = flows[0] as DeclaredFlow;
    findings.push({
      summary: "declared flow has no pods",
      path: "",
      problem:
        `no pod of ${component} is rendered, so the ${flows.length === 1 ? "flow" : `${flows.length} flows`} declared for it cannot happen ` +
        `(${describeFlow(first)}, declared in ${first.declaredIn}${flows.length > 1 ? ", and more" : ""})`,
      fix: `render the component (run \`npm run generate\` and commit clusters/) or remove it and its flows from ${source}`,
    });
  }
  for (const g of groups.values()) {
    const name = (e: Endpoint): string => (e.origin === "external" ? `addresses ${g.addresses.describe()}` : e.label);
    const subject = g.side === "egress" ? g.from : g.to;
    const source = g.policy.document ? sourceOf(g.policy.document) : "generators/";
    findings.push({
      ...(g.policy.document ? { document: g.policy.document } : {}),
      summary: "declared flow is blocked",
      path: `spec.${g.side}`,
      problem:
        `admits no ${g.side} from ${name(g.from)} to ${name(g.to)} on ${g.ports.describe()}, and no other NetworkPolicy selecting ` +
        `${subject.origin === "rendered" ? `${subject.namespace}/${subject.component}` : subject.label} does, though ${g.declaredIn.join(" and ")} ${g.declaredIn.length === 1 ? "declares" : "declare"} it`,
      fix:
        `add an ${g.side} rule admitting it to a NetworkPolicy that selects those pods; this one is rendered from ${source}, ` +
        `so run \`npm run generate\` (and fix generators/render if the rule is still missing) rather than editing the YAML`,
    });
  }
  return findings;
}

export const declaredFlowsPossible: Policy = {
  id: "declared-flows-possible",
  area: "network",
  severity: "Bug",
  description: "every flow an app spec declares (connects, ingresses, metrics ports, LoadBalancer source ranges, API access) is allowed by the rendered NetworkPolicies",
  check(cluster: ClusterTree): Finding[] {
    return declaredFlowFindings(cluster);
  },
};
