// The endpoints of a cluster's network: every pod template of the rendered
// tree, the platform pods outside the app namespaces (ingress controller,
// Prometheus, kube-dns), one probe per known namespace standing for "any
// other pod there", one pod of an unknown namespace, and the address space
// outside the cluster split into pieces every policy treats alike.

import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PLATFORM } from "../../generators/fleet/platform.js";
import { byCodeUnit } from "../../generators/order.js";
import { containersOf, type PodTemplate, podTemplates } from "../lib/objects.js";
import type { ClusterTree } from "../lib/types.js";
import { type AddressSet, atoms, formatAddress } from "./addresses.js";
import { PROTOCOLS, type Protocol } from "./ports.js";
import { type ContainerPort, ipBlocks, Network, type ParsedPolicy, type Peer, parsePolicy } from "./reachability.js";
import { describeLabels, type Labels, matches } from "./selectors.js";

export type PlatformRole = "ingress-controller" | "prometheus" | "dns";

/** Where cluster DNS answers: kube-dns (CoreDNS) in kube-system, on 53 over UDP and TCP. */
export const KUBE_DNS = {
  namespace: "kube-system",
  labels: { "k8s-app": "kube-dns" } as Labels,
  ports: [
    { name: "dns", port: 53, protocol: "UDP" },
    { name: "dns-tcp", port: 53, protocol: "TCP" },
    { name: "metrics", port: 9153, protocol: "TCP" },
  ] as readonly ContainerPort[],
};

/** Namespaces every cluster has besides the platform's and the apps'. */
const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

export interface Endpoint {
  /** Unique and stable: sorts the output. */
  readonly key: string;
  readonly peer: Peer;
  /** How messages name it: `pod kades/kades-api (app.kubernetes.io/name=kades-api)`. */
  readonly label: string;
  /** How messages name it again after the label: `kades/kades-api`, `the ingress controller`. */
  readonly short: string;
  readonly origin: "rendered" | "platform" | "probe" | "unknown" | "external";
  readonly namespace?: string;
  /** Rendered pods: the template's `app.kubernetes.io/name`, else the workload's name. */
  readonly component?: string;
  readonly platform?: PlatformRole;
  readonly template?: PodTemplate;
}

export interface EndpointModel {
  readonly network: Network;
  /** Rendered pods, platform pods and probes, in a stable order. */
  readonly pods: readonly Endpoint[];
  readonly unknownPod: Endpoint;
  /** Namespaces of rendered pod templates. */
  readonly namespacesWithPods: readonly string[];
  /** NetworkPolicies of the tree, parsed, with their documents. */
  readonly policies: readonly ParsedPolicy[];
  /** The address space outside the cluster, split at every ipBlock boundary and at the given sets'. */
  addresses(extra: readonly AddressSet[]): Endpoint[];
}

function containerPorts(template: PodTemplate): ContainerPort[] {
  return containersOf(template).flatMap(({ container }) =>
    (container.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.containerPort,
      protocol: (PROTOCOLS.includes(p.protocol as Protocol) ? p.protocol : "TCP") as Protocol,
    })),
  );
}

/** The label messages show for a pod: its `app.kubernetes.io/name`, else all its labels. */
export function podLabelText(labels: Labels): string {
  const name = labels["app.kubernetes.io/name"];
  return name !== undefined ? `app.kubernetes.io/name=${name}` : describeLabels(labels);
}

/** Builds the endpoints of a cluster. `extraNamespaces` are known to exist besides those the tree names (e.g. the apps'). */
export function buildModel(cluster: ClusterTree, extraNamespaces: readonly string[] = []): EndpointModel {
  const namespaceLabels = new Map<string, Labels>();
  const known = new Set<string>([...SYSTEM_NAMESPACES, PLATFORM.ingressNamespace, PLATFORM.monitoringNamespace, ...extraNamespaces]);
  const policies: ParsedPolicy[] = [];
  for (const document of cluster.documents) {
    const { object } = document;
    if (Namespace.is(object)) {
      namespaceLabels.set(object.metadata.name, object.metadata.labels ?? {});
      known.add(object.metadata.name);
    } else if (object.metadata.namespace) {
      known.add(object.metadata.namespace);
    }
    if (NetworkPolicy.is(object)) policies.push(parsePolicy(object, document));
  }
  for (const name of known) if (!namespaceLabels.has(name)) namespaceLabels.set(name, {});
  const network = new Network(namespaceLabels, policies);

  const pods: Endpoint[] = [];
  const podNamespaces = new Set<string>();
  for (const template of podTemplates(cluster)) {
    const namespace = template.document.object.metadata.namespace ?? "default";
    const labels = template.metadata.labels ?? {};
    const component = labels["app.kubernetes.io/name"] ?? template.document.object.metadata.name;
    podNamespaces.add(namespace);
    pods.push({
      key: `1 ${namespace}/${component} ${template.document.file}#${template.document.index}`,
      peer: { kind: "pod", namespace, labels, ports: containerPorts(template), portsKnown: true, hostNetwork: template.spec.hostNetwork === true },
      label: `pod ${namespace}/${component} (${podLabelText(labels)})`,
      short: `${namespace}/${component}`,
      origin: "rendered",
      namespace,
      component,
      template,
    });
  }

  const platform: { role: PlatformRole; namespace: string; labels: Labels; ports: readonly ContainerPort[]; name: string }[] = [
    { role: "ingress-controller", namespace: PLATFORM.ingressNamespace, labels: PLATFORM.ingressPodLabels, ports: [], name: "the ingress controller" },
    { role: "prometheus", namespace: PLATFORM.monitoringNamespace, labels: PLATFORM.prometheusPodLabels, ports: [], name: "Prometheus" },
    { role: "dns", namespace: KUBE_DNS.namespace, labels: KUBE_DNS.labels, ports: KUBE_DNS.ports, name: "kube-dns" },
  ];
  for (const p of platform) {
    // A platform pod the tree renders itself stands in for the modelled one.
    const rendered = pods.findIndex((e) => e.namespace === p.namespace && e.peer.kind === "pod" && matches({ matchLabels: p.labels }, e.peer.labels));
    const existing = pods[rendered];
    if (existing) {
      pods[rendered] = { ...existing, platform: p.role, label: `${p.name} ${existing.label.slice("pod ".length)}`, short: p.name };
      continue;
    }
    pods.push({
      key: `2 ${p.role}`,
      peer: { kind: "pod", namespace: p.namespace, labels: p.labels, ports: p.ports, portsKnown: p.ports.length > 0, hostNetwork: false },
      label: `${p.name} (namespace ${p.namespace}, ${describeLabels(p.labels)})`,
      short: p.name,
      origin: "platform",
      namespace: p.namespace,
      platform: p.role,
    });
  }
  for (const namespace of [...known].sort(byCodeUnit)) {
    pods.push({
      key: `3 ${namespace}`,
      peer: { kind: "pod", namespace, labels: {}, ports: [], portsKnown: false, hostNetwork: false },
      label: `any other pod in namespace ${namespace}`,
      short: `any other pod in namespace ${namespace}`,
      origin: "probe",
      namespace,
    });
  }
  pods.sort((a, b) => byCodeUnit(a.key, b.key));

  return {
    network,
    pods,
    unknownPod: { key: "4 unknown", peer: { kind: "unknown-pod" }, label: "pods of any other namespace", short: "pods of any other namespace", origin: "unknown" },
    namespacesWithPods: [...podNamespaces].sort(byCodeUnit),
    policies,
    addresses(extra: readonly AddressSet[]): Endpoint[] {
      return atoms([...ipBlocks(policies), ...extra]).map((range) => ({
        key: `5 ${range.family} ${range.lo.toString().padStart(40, "0")}`,
        peer: { kind: "addresses", range },
        label: `addresses ${formatAddress(range.family, range.lo)}-${formatAddress(range.family, range.hi)}`,
        short: "those addresses",
        origin: "external",
      }));
    },
  };
}
