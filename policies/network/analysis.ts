// One cluster's network, evaluated once and shared by the network policies:
// the endpoints, the intent, the flows between them and what is declared.

import type { ClusterTree } from "../lib/types.js";
import type { AddressSet } from "./addresses.js";
import { buildModel, type Endpoint, type EndpointModel } from "./endpoints.js";
import { type DeclaredFlow, findComponent, type Intent, type IntentComponent, intentFor, intentNamespaces, type IntentPeer } from "./intent.js";
import { PortSet } from "./ports.js";
import type { Flow } from "./reachability.js";

/** Cluster DNS every pod may use, whatever the specs say. */
export const DNS_PORTS = PortSet.of("UDP", 53).union(PortSet.of("TCP", 53));

export interface Analysis {
  readonly model: EndpointModel;
  readonly intent: Intent | undefined;
  /** Pieces of the address space outside the cluster. */
  readonly addresses: readonly Endpoint[];
  readonly dns: Endpoint;
  /** Whether flows touching this endpoint are judged against the intent (it is a pod of a namespace the intent covers). */
  inScope(endpoint: Endpoint): boolean;
  flow(from: Endpoint, to: Endpoint): Flow;
  /** Ports of from -> to the intent declares (DNS included). */
  declared(from: Endpoint, to: Endpoint): PortSet;
  component(endpoint: Endpoint): IntentComponent | undefined;
  /** The endpoints an intent peer stands for. */
  endpointsOf(peer: IntentPeer): Endpoint[];
}

const cache = new WeakMap<ClusterTree, Analysis>();

/** Judges a cluster against an explicit intent (tests), or against `intentFor(cluster)`. */
export function analyse(cluster: ClusterTree, explicit?: Intent | null): Analysis {
  if (explicit === undefined) {
    const cached = cache.get(cluster);
    if (cached) return cached;
  }
  const intent = explicit === undefined ? intentFor(cluster) : (explicit ?? undefined);
  const namespaces = intent ? intentNamespaces(intent) : new Set<string>();
  const model = buildModel(cluster, [...namespaces]);
  const networks: AddressSet[] = (intent?.flows ?? []).flatMap((f) => [f.from, f.to]).flatMap((p) => (p.kind === "network" ? [p.addresses] : []));
  const addresses = model.addresses(networks);
  const dns = model.pods.find((e) => e.platform === "dns") as Endpoint;
  const flows = new Map<string, Flow>();

  const matchesPeer = (e: Endpoint, peer: IntentPeer): boolean => {
    switch (peer.kind) {
      case "component":
        return e.origin === "rendered" && e.namespace === peer.namespace && e.component === peer.component;
      case "ingress-controller":
      case "prometheus":
        return e.platform === peer.kind;
      case "network":
        return e.peer.kind === "addresses" && peer.addresses.contains(e.peer.range.family, e.peer.range.lo);
    }
  };

  const analysis: Analysis = {
    model,
    intent,
    addresses,
    dns,
    inScope: (e) => e.peer.kind === "pod" && e.namespace !== undefined && namespaces.has(e.namespace),
    flow(from, to) {
      const key = `${from.key}\n${to.key}`;
      let flow = flows.get(key);
      if (!flow) {
        flow = model.network.flow(from.peer, to.peer);
        flows.set(key, flow);
      }
      return flow;
    },
    declared(from, to) {
      let ports = to === dns && from.peer.kind === "pod" ? DNS_PORTS : PortSet.EMPTY;
      for (const f of intent?.flows ?? []) {
        if (matchesPeer(from, f.from) && matchesPeer(to, f.to)) ports = ports.union(PortSet.of(f.protocol, f.port));
      }
      return ports;
    },
    component: (e) => (intent && e.origin === "rendered" && e.namespace && e.component ? findComponent(intent, e.namespace, e.component) : undefined),
    endpointsOf: (peer) => [...model.pods, ...addresses].filter((e) => matchesPeer(e, peer)),
  };
  if (explicit === undefined) cache.set(cluster, analysis);
  return analysis;
}

/** How messages name an intent peer: `kades/kades-api`, `the ingress controller`, `network database (10.160.0.0/24)`. */
export function describePeer(peer: IntentPeer): string {
  switch (peer.kind) {
    case "component":
      return `${peer.namespace}/${peer.component}`;
    case "ingress-controller":
      return "the ingress controller";
    case "prometheus":
      return "Prometheus";
    case "network":
      return `network ${peer.name} (${peer.cidrs.join(", ")})`;
  }
}

/** A declared flow in words: `kades/kades-api -> kades/timescaledb on TCP 5432`. */
export function describeFlow(flow: DeclaredFlow): string {
  return `${describePeer(flow.from)} -> ${describePeer(flow.to)} on ${flow.protocol} ${flow.port}`;
}

/** `metadata.labels` of a pod template: where a finding about the pods themselves points. */
export function labelsPath(endpoint: Endpoint): string {
  const path = endpoint.template?.path ?? "spec";
  return path === "spec" ? "metadata.labels" : `${path.replace(/\.spec$/, "")}.metadata.labels`;
}

