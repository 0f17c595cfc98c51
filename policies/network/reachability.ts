// A NetworkPolicy evaluator with the Kubernetes semantics
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
//
// - A policy selects the pods of its own namespace that match `podSelector`
//   (the empty selector selects them all). A pod selected by no policy of a
//   direction is not isolated in that direction: everything is allowed.
// - `policyTypes` defaults to Ingress, plus Egress when the policy has egress
//   rules (the API server's defaulting, `len(spec.egress) != 0`).
// - Rules are ORed and policies add up; a missing or empty `from`/`to` admits
//   every peer, a missing or empty `ports` every port.
// - Peers: `podSelector` alone means pods of the policy's namespace;
//   `namespaceSelector` alone, every pod of the matching namespaces; both, the
//   matching pods of the matching namespaces; `ipBlock`, addresses in `cidr`
//   outside every `except` (ipBlocks are taken to match addresses outside the
//   cluster only: pod addresses are not modelled).
// - Ports: protocol defaults to TCP; `port` is a number (up to `endPort`) or a
//   name resolved against the destination pod's container ports of that
//   protocol; no `port` means every port of the protocol.
// - A flow is allowed iff the source's egress allows it and the
//   destination's ingress allows it.
// - Namespaces match on their labels, including the automatic
//   `kubernetes.io/metadata.name`. Pods on the host network are not subject
//   to NetworkPolicy and are not matched by pod selectors.

import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { RenderedDocument } from "../lib/types.js";
import { type AddressRange, AddressSet, parseCidr } from "./addresses.js";
import { PortSet, PROTOCOLS, type Protocol } from "./ports.js";
import { type LabelSelector, type Labels, matches, satisfiable, selectorProblems } from "./selectors.js";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export type Direction = "ingress" | "egress";

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A pod whose namespace and labels are known (rendered, a platform pod, or a probe standing for "any other pod"). */
export interface Pod {
  readonly kind: "pod";
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** False for a probe: its container ports are unknown, so a named port may mean any port. */
  readonly portsKnown: boolean;
  readonly hostNetwork: boolean;
}

/** A pod in a namespace outside the known ones: neither its namespace's labels nor its own are known. */
export interface UnknownPod {
  readonly kind: "unknown-pod";
}

/** Addresses outside the cluster that every policy treats alike (one piece of `atoms`). */
export interface Addresses {
  readonly kind: "addresses";
  readonly range: AddressRange;
}

export type Peer = Pod | UnknownPod | Addresses;

export interface RulePort {
  readonly protocol: Protocol;
  /** undefined: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface PolicyPeer {
  /** `spec.ingress[0].from[1]` */
  readonly path: string;
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: AddressSet;
}

export interface PolicyRule {
  /** `spec.ingress[0]` */
  readonly path: string;
  /** undefined: `from`/`to` missing or empty, every peer. */
  readonly peers?: readonly PolicyPeer[];
  /** undefined: `ports` missing or empty, every port. */
  readonly ports?: readonly RulePort[];
}

export interface ParsedPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly document?: RenderedDocument;
  readonly podSelector: LabelSelector;
  /** Directions the policy isolates, after defaulting. */
  readonly types: ReadonlySet<Direction>;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  /** What the API server would reject; such parts match nothing here. */
  readonly problems: readonly { readonly path: string; readonly problem: string }[];
}

/** One rule admitting a flow: the policy, the field path of the rule (or of the matching peer), and the ports it admits. */
export interface Grant {
  readonly policy: ParsedPolicy;
  readonly path: string;
  readonly ports: PortSet;
}

/** What one direction says about a flow. */
export interface Verdict {
  /** Some policy selects the subject pod for this direction. */
  readonly isolated: boolean;
  /** The policies that select it (isolating it) for this direction. */
  readonly policies: readonly ParsedPolicy[];
  readonly grants: readonly Grant[];
  /** Every port when not isolated, else the union of the grants. */
  readonly ports: PortSet;
}

export interface Flow {
  readonly egress: Verdict;
  readonly ingress: Verdict;
  /** Allowed both ways. */
  readonly ports: PortSet;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Reads a NetworkPolicy as it ships, recording whatever the API server would reject. */
export function parsePolicy(object: INetworkPolicy | Json, document?: RenderedDocument): ParsedPolicy {
  const problems: { path: string; problem: string }[] = [];
  const o = object as Json;
  const metadata = asObject(o["metadata"]) ?? {};
  const spec = asObject(o["spec"]) ?? {};
  const podSelector = (asObject(spec["podSelector"]) ?? {}) as LabelSelector;
  problems.push(...selectorProblems(podSelector, "spec.podSelector"));
  const ingressRules = asList(spec["ingress"]) ?? [];
  const egressRules = asList(spec["egress"]) ?? [];
  const declaredTypes = asList(spec["policyTypes"]) ?? [];
  const types = new Set<Direction>();
  if (declaredTypes.length === 0) {
    types.add("ingress");
    if (egressRules.length > 0) types.add("egress");
  } else {
    declaredTypes.forEach((t, i) => {
      if (t === "Ingress") types.add("ingress");
      else if (t === "Egress") types.add("egress");
      else problems.push({ path: `spec.policyTypes[${i}]`, problem: `is "${String(t)}", not Ingress or Egress` });
    });
  }
  const rules = (list: unknown[], field: Direction): PolicyRule[] =>
    list.map((raw, i) => parseRule(asObject(raw) ?? {}, `spec.${field}[${i}]`, field === "ingress" ? "from" : "to", problems));
  return {
    name: typeof metadata["name"] === "string" ? metadata["name"] : "",
    namespace: typeof metadata["namespace"] === "string" ? metadata["namespace"] : "default",
    ...(document ? { document } : {}),
    podSelector,
    types,
    ingress: rules(ingressRules, "ingress"),
    egress: rules(egressRules, "egress"),
    problems,
  };
}

function parseRule(rule: Json, path: string, peersField: "from" | "to", problems: { path: string; problem: string }[]): PolicyRule {
  const rawPeers = asList(rule[peersField]) ?? [];
  const rawPorts = asList(rule["ports"]) ?? [];
  const peers = rawPeers.map((raw, i) => parsePeer(asObject(raw) ?? {}, `${path}.${peersField}[${i}]`, problems));
  const ports = rawPorts.map((raw, i) => parsePort(asObject(raw) ?? {}, `${path}.ports[${i}]`, problems));
  return { path, ...(peers.length > 0 ? { peers } : {}), ...(ports.length > 0 ? { ports } : {}) };
}

function parsePeer(peer: Json, path: string, problems: { path: string; problem: string }[]): PolicyPeer {
  const podSelector = asObject(peer["podSelector"]) as LabelSelector | undefined;
  const namespaceSelector = asObject(peer["namespaceSelector"]) as LabelSelector | undefined;
  const block = asObject(peer["ipBlock"]);
  problems.push(...selectorProblems(podSelector, `${path}.podSelector`), ...selectorProblems(namespaceSelector, `${path}.namespaceSelector`));
  if (!podSelector && !namespaceSelector && !block) {
    problems.push({ path, problem: "names no podSelector, namespaceSelector or ipBlock" });
    return { path, ipBlock: AddressSet.EMPTY };
  }
  if (block && (podSelector || namespaceSelector)) {
    problems.push({ path, problem: "combines ipBlock with a selector; a peer is either an ipBlock or selectors" });
    return { path, ipBlock: AddressSet.EMPTY };
  }
  if (!block) return { path, ...(podSelector ? { podSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}) };
  const cidr = typeof block["cidr"] === "string" ? parseCidr(block["cidr"]) : undefined;
  if (!cidr) {
    problems.push({ path: `${path}.ipBlock.cidr`, problem: `is ${JSON.stringify(block["cidr"])}, not a CIDR such as 10.0.0.0/8` });
    return { path, ipBlock: AddressSet.EMPTY };
  }
  let allowed = AddressSet.of([cidr]);
  (asList(block["except"]) ?? []).forEach((raw, i) => {
    const except = typeof raw === "string" ? parseCidr(raw) : undefined;
    const at = `${path}.ipBlock.except[${i}]`;
    if (!except) problems.push({ path: at, problem: `is ${JSON.stringify(raw)}, not a CIDR` });
    else if (except.family !== cidr.family || except.lo < cidr.lo || except.hi > cidr.hi || (except.lo === cidr.lo && except.hi === cidr.hi)) {
      problems.push({ path: at, problem: `(${String(raw)}) is not strictly inside cidr ${String(block["cidr"])}` });
    } else {
      allowed = allowed.minus(AddressSet.of([except]));
    }
  });
  return { path, ipBlock: allowed };
}

function parsePort(raw: Json, path: string, problems: { path: string; problem: string }[]): RulePort {
  const protocol = (raw["protocol"] ?? "TCP") as Protocol;
  if (!PROTOCOLS.includes(protocol)) {
    problems.push({ path: `${path}.protocol`, problem: `is ${JSON.stringify(raw["protocol"])}, not one of ${PROTOCOLS.join(", ")}` });
    return { protocol: "TCP", port: "" };
  }
  const port = raw["port"];
  const endPort = raw["endPort"];
  if (port === undefined || port === null) return { protocol };
  if (typeof port === "string") {
    // A quoted number is a port *name* to the API server, and names need a letter.
    if (!/^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(port) || port.length > 15 || port.includes("--")) {
      problems.push({ path: `${path}.port`, problem: `is the string ${JSON.stringify(port)}, neither a port number nor a valid port name${/^\d+$/.test(port) ? "; write the number unquoted" : ""}` });
      return { protocol, port: "" };
    }
    if (endPort !== undefined) problems.push({ path: `${path}.endPort`, problem: "is set for a named port; endPort needs a numeric port" });
    return { protocol, port };
  }
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    problems.push({ path: `${path}.port`, problem: `is ${JSON.stringify(port)}, not a port number 1-65535 or a port name` });
    return { protocol, port: "" };
  }
  if (endPort === undefined || endPort === null) return { protocol, port: number };
  if (typeof endPort !== "number" || !Number.isInteger(endPort) || endPort < number || endPort > 65535) {
    problems.push({ path: `${path}.endPort`, problem: `is ${JSON.stringify(endPort)}; it must be a port number not below port ${number}` });
    return { protocol, port: number };
  }
  return { protocol, port: number, endPort };
}

/** Evaluates flows between peers under a set of policies. */
export class Network {
  private readonly byNamespace = new Map<string, ParsedPolicy[]>();
  readonly knownNamespaces: readonly string[];

  /**
   * @param namespaces labels of every known namespace (the automatic
   *   `kubernetes.io/metadata.name` is added); any other namespace is unknown.
   */
  constructor(
    private readonly namespaces: ReadonlyMap<string, Labels>,
    readonly policies: readonly ParsedPolicy[],
  ) {
    for (const p of policies) {
      const list = this.byNamespace.get(p.namespace) ?? [];
      list.push(p);
      this.byNamespace.set(p.namespace, list);
    }
    this.knownNamespaces = [...new Set([...namespaces.keys(), ...this.byNamespace.keys()])];
  }

  namespaceLabels(name: string): Labels {
    return { ...(this.namespaces.get(name) ?? {}), [NAMESPACE_NAME_LABEL]: name };
  }

  /** Policies selecting a peer for a direction; only pods off the host network can be selected. */
  selecting(peer: Peer, direction: Direction): ParsedPolicy[] {
    if (peer.kind !== "pod" || peer.hostNetwork) return [];
    return (this.byNamespace.get(peer.namespace) ?? []).filter((p) => p.types.has(direction) && matches(p.podSelector, peer.labels));
  }

  /** What `direction` policies of the subject (source for egress, destination for ingress) say about from -> to. */
  verdict(direction: Direction, from: Peer, to: Peer): Verdict {
    const subject = direction === "egress" ? from : to;
    const other = direction === "egress" ? to : from;
    const policies = this.selecting(subject, direction);
    if (policies.length === 0) return { isolated: false, policies, grants: [], ports: PortSet.all() };
    const grants: Grant[] = [];
    for (const policy of policies) {
      for (const rule of direction === "egress" ? policy.egress : policy.ingress) {
        const peer = rule.peers === undefined ? undefined : rule.peers.find((p) => this.peerMatches(policy, p, other));
        if (rule.peers !== undefined && !peer) continue;
        const ports = rulePorts(rule, to);
        if (!ports.isEmpty()) grants.push({ policy, path: peer?.path ?? rule.path, ports });
      }
    }
    return { isolated: true, policies, grants, ports: grants.reduce((all, g) => all.union(g.ports), PortSet.EMPTY) };
  }

  flow(from: Peer, to: Peer): Flow {
    const egress = this.verdict("egress", from, to);
    const ingress = this.verdict("ingress", from, to);
    return { egress, ingress, ports: egress.ports.intersect(ingress.ports) };
  }

  /** Whether a rule's peer matches a pod, an unknown pod or a piece of the address space. */
  peerMatches(policy: ParsedPolicy, peer: PolicyPeer, target: Peer): boolean {
    if (peer.ipBlock) {
      return target.kind === "addresses" && peer.ipBlock.contains(target.range.family, target.range.lo);
    }
    if (target.kind === "addresses") return false;
    if (target.kind === "unknown-pod") {
      // Its namespace is none of the known ones, its labels anything.
      if (!peer.namespaceSelector) return false;
      return satisfiable(peer.namespaceSelector, { key: NAMESPACE_NAME_LABEL, excluded: this.knownNamespaces }) && satisfiable(peer.podSelector);
    }
    if (target.hostNetwork) return false;
    if (peer.namespaceSelector) {
      if (!matches(peer.namespaceSelector, this.namespaceLabels(target.namespace))) return false;
    } else if (target.namespace !== policy.namespace) {
      return false;
    }
    return peer.podSelector === undefined || matches(peer.podSelector, target.labels);
  }
}

/** The ports a rule admits towards a destination (named ports resolve against its container ports). */
export function rulePorts(rule: PolicyRule, destination: Peer): PortSet {
  if (rule.ports === undefined) return PortSet.all();
  let out = PortSet.EMPTY;
  for (const p of rule.ports) {
    if (p.port === undefined) out = out.union(PortSet.allOf(p.protocol));
    else if (typeof p.port === "number") out = out.union(PortSet.range(p.protocol, p.port, p.endPort ?? p.port));
    else if (p.port !== "") out = out.union(namedPort(p.protocol, p.port, destination));
  }
  return out;
}

function namedPort(protocol: Protocol, name: string, destination: Peer): PortSet {
  if (destination.kind === "addresses") return PortSet.EMPTY;
  // A pod whose ports are unknown may serve that name on any port.
  if (destination.kind === "unknown-pod" || !destination.portsKnown) return PortSet.allOf(protocol);
  return destination.ports
    .filter((c) => c.name === name && c.protocol === protocol)
    .reduce((set, c) => set.union(PortSet.of(protocol, c.port)), PortSet.EMPTY);
}

/** Every address set an ipBlock of these policies names, to split the address space by. */
export function ipBlocks(policies: readonly ParsedPolicy[]): AddressSet[] {
  return policies.flatMap((p) => [...p.ingress, ...p.egress].flatMap((r) => (r.peers ?? []).flatMap((peer) => (peer.ipBlock ? [peer.ipBlock] : []))));
}
