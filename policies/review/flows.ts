// The flows a cluster's NetworkPolicies allow, computed with the policy
// suite's reachability model (policies/network), named so that two renders of
// the same cluster can be compared: which flows a change opens.
import { AddressSet } from "../network/addresses.js";
import { buildModel, type Endpoint, type EndpointModel } from "../network/endpoints.js";
import { intentFor, type IntentPeer } from "../network/intent.js";
import { PortSet } from "../network/ports.js";
import { ipBlocks } from "../network/reachability.js";
import type { ClusterTree } from "../lib/types.js";
import { byCodeUnit } from "../../generators/order.js";

/** One end of a flow, as a reviewer reads it, with a key stable across renders. */
export interface FlowEnd {
  readonly key: string;
  /** `kades/kades-api`, `the ingress controller`, `any other pod in namespace kades`, `network database`, `addresses 0.0.0.0/0` */
  readonly name: string;
  /** The namespace of a pod end; absent for addresses and pods of unknown namespaces. */
  readonly namespace?: string;
}

export interface AllowedFlow {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly ports: PortSet;
}

/** A flow the working tree allows on ports the base did not. */
export interface NewFlow extends AllowedFlow {
  /** The ports that are new (all of `ports` when the flow did not exist). */
  readonly added: PortSet;
}

function podEnd(e: Endpoint): FlowEnd {
  if (e.platform) return { key: `platform ${e.platform}`, name: e.short, ...(e.namespace ? { namespace: e.namespace } : {}) };
  if (e.origin === "unknown") return { key: "unknown", name: e.short };
  return { key: `${e.origin} ${e.short}`, name: e.short, ...(e.namespace ? { namespace: e.namespace } : {}) };
}

/** The named networks of a cluster's intent (externalNetworks, load-balancer sources), for naming address ranges. */
function namedNetworks(cluster: ClusterTree): { name: string; addresses: AddressSet }[] {
  let peers: IntentPeer[] = [];
  try {
    peers = (intentFor(cluster)?.flows ?? []).flatMap((f) => [f.from, f.to]);
  } catch {
    // An intent that cannot be read only costs the names; the policy suite reports it.
  }
  const out = new Map<string, AddressSet>();
  for (const p of peers) if (p.kind === "network") out.set(p.name, p.addresses);
  return [...out].map(([name, addresses]) => ({ name, addresses })).sort((a, b) => byCodeUnit(a.name, b.name));
}

/** A cluster's network, prepared once: the endpoint model and the address sets its policies and intent name. */
export interface PreparedNetwork {
  readonly model: EndpointModel;
  readonly networks: readonly { readonly name: string; readonly addresses: AddressSet }[];
  /** Address sets that split the outside address space for this render. */
  readonly addressSets: readonly AddressSet[];
}

export function prepareNetwork(cluster: ClusterTree): PreparedNetwork {
  const networks = namedNetworks(cluster);
  const model = buildModel(cluster);
  return { model, networks, addressSets: [...ipBlocks(model.policies), ...networks.map((n) => n.addresses)] };
}

/** An address end before merging: one piece of the address space. */
interface AddressEnd extends FlowEnd {
  readonly range: AddressSet;
  readonly network: string;
}

function isAddressEnd(end: FlowEnd): end is AddressEnd {
  return "range" in end;
}

/**
 * Allowed flows to and from the pods of every namespace with rendered pods:
 * rendered pods and the "any other pod" probe of those namespaces, against
 * every pod, platform pod, unknown pod and piece of the outside address space
 * (split at `extraAddresses` too, so that two renders share the same pieces).
 * Keyed by `from -> to`.
 */
export function allowedFlows(network: PreparedNetwork, extraAddresses: readonly AddressSet[] = []): Map<string, AllowedFlow> {
  const { model, networks } = network;
  const addresses = model.addresses([...network.addressSets, ...extraAddresses]);
  const scopeNamespaces = new Set(model.namespacesWithPods);
  const inScope = (e: Endpoint): boolean => (e.origin === "rendered" || e.origin === "probe") && e.namespace !== undefined && scopeNamespaces.has(e.namespace);
  const others = [...model.pods, model.unknownPod, ...addresses];
  const ends = new Map<string, FlowEnd>();
  const endOf = (e: Endpoint): FlowEnd => {
    let end = ends.get(e.key);
    if (!end) {
      if (e.peer.kind === "addresses") {
        const range = e.peer.range;
        const name = networks.find((n) => n.addresses.contains(range.family, range.lo))?.name ?? "";
        end = { key: `addresses ${e.key}`, name, range: AddressSet.of([range]), network: name } as AddressEnd;
      } else {
        end = podEnd(e);
      }
      ends.set(e.key, end);
    }
    return end;
  };
  const flows = new Map<string, AllowedFlow>();
  const add = (from: Endpoint, to: Endpoint): void => {
    const ports = model.network.flow(from.peer, to.peer).ports;
    if (ports.isEmpty()) return;
    const f = endOf(from);
    const t = endOf(to);
    const key = `${f.key} -> ${t.key}`;
    const known = flows.get(key);
    flows.set(key, { from: f, to: t, ports: known ? known.ports.union(ports) : ports });
  };
  for (const x of model.pods.filter(inScope)) {
    for (const y of others) {
      add(x, y);
      if (!inScope(y)) add(y, x);
    }
  }
  return flows;
}

/**
 * Merges the address pieces of flows that share the other end and the ports
 * into one end per named network (or one for unnamed addresses), in a stable
 * order: what a reviewer reads.
 */
export function mergeAddresses<T extends AllowedFlow>(flows: Iterable<T>, portsOf: (flow: T) => string = (f) => f.ports.describe()): T[] {
  const out = new Map<string, { flow: T; set: AddressSet; out: boolean; network: string }>();
  const plain: T[] = [];
  for (const flow of flows) {
    const address = isAddressEnd(flow.to) ? flow.to : isAddressEnd(flow.from) ? flow.from : undefined;
    if (!address) {
      plain.push(flow);
      continue;
    }
    const pod = address === flow.to ? flow.from : flow.to;
    const key = `${address === flow.to ? "out" : "in"} ${pod.key} ${address.network} ${portsOf(flow)}`;
    const known = out.get(key);
    if (known) known.set = known.set.union(address.range);
    else out.set(key, { flow, set: address.range, out: address === flow.to, network: address.network });
  }
  const merged = [...out.values()].map(({ flow, set, out: outbound, network }) => {
    const described = set.describe();
    const end: FlowEnd = { key: `${network ? `network ${network}` : "addresses"} ${described}`, name: network ? `network ${network} (${described})` : `addresses ${described}` };
    return outbound ? { ...flow, to: end } : { ...flow, from: end };
  });
  return [...plain, ...merged].sort((a, b) => byCodeUnit(`${a.from.name} -> ${a.to.name}`, `${b.from.name} -> ${b.to.name}`));
}

/**
 * Every flow `head` allows, with the ports `base` did not allow (`added`,
 * empty for a flow that is not new); address pieces not merged yet.
 */
export function compareFlows(base: ClusterTree | undefined, head: ClusterTree): NewFlow[] {
  const after = prepareNetwork(head);
  const before = base ? prepareNetwork(base) : undefined;
  const headFlows = allowedFlows(after, before?.addressSets);
  const baseFlows = before ? allowedFlows(before, after.addressSets) : new Map<string, AllowedFlow>();
  return [...headFlows].map(([key, flow]) => ({ ...flow, added: flow.ports.minus(baseFlows.get(key)?.ports ?? PortSet.EMPTY) }));
}

/** The flows that are new or allow more ports, address pieces merged, in a stable order. */
export function openedFlows(flows: readonly NewFlow[]): NewFlow[] {
  return mergeAddresses(
    flows.filter((f) => !f.added.isEmpty()),
    (f) => f.added.describe(),
  );
}

/** Every allowed flow, address pieces merged where both the ports and the new ports agree. */
export function flowGraph(flows: readonly NewFlow[]): NewFlow[] {
  return mergeAddresses(flows, (f) => `${f.ports.describe()} | ${f.added.describe()}`);
}

/** `kades/kades-api -> kades/timescaledb on TCP 5432` */
export function describeFlow(flow: { from: FlowEnd; to: FlowEnd }, ports: PortSet): string {
  return `${flow.from.name} -> ${flow.to.name} on ${ports.describe()}`;
}
