// Who may talk to whom, as the app specs declare it. Derived from the spec
// fields themselves (`connects`, `ingresses`, `metrics: true` ports,
// LoadBalancer Services, `apiAccess`) and the cluster profile, never from the
// generator's NetworkPolicy code, so the comparison with the rendered
// policies is not the generator judging itself.
//
// Fixtures have no app spec: a fixture file's intent is the `intent.json` of
// its policy folder (see README.md, "Intent of fixtures").

import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { APPS } from "../../apps/index.js";
import type { ClusterProfile } from "../../generators/fleet/types.js";
import type { AppDefinition, ContainerSpec, PortSpec, WorkloadSpec } from "../../generators/spec/types.js";
import { LoadError } from "../lib/load.js";
import type { ClusterTree } from "../lib/types.js";
import { AddressSet, parseCidr } from "./addresses.js";
import { PROTOCOLS, type Protocol } from "./ports.js";

/** The network the Kubernetes API server is reached on, and its ports (the `kubernetes` Service's 443 and the API server's own 6443). */
export const KUBERNETES_API = { network: "kubernetes-api", ports: [443, 6443] } as const;
/** The name intent gives the profile's `loadBalancerSourceRanges`. */
export const LOAD_BALANCER_SOURCES = "load-balancer-sources";

export type IntentPeer =
  | { readonly kind: "component"; readonly namespace: string; readonly component: string }
  | { readonly kind: "ingress-controller" }
  | { readonly kind: "prometheus" }
  | { readonly kind: "network"; readonly name: string; readonly cidrs: readonly string[]; readonly addresses: AddressSet };

export interface DeclaredFlow {
  readonly from: IntentPeer;
  readonly to: IntentPeer;
  readonly protocol: Protocol;
  readonly port: number;
  /** Where the flow is declared, for messages: "`connects` of kades-api in apps/kades". */
  readonly declaredIn: string;
}

export interface IntentComponent {
  readonly namespace: string;
  readonly name: string;
  /** `apps/kades`, or the intent file of a fixture. */
  readonly source: string;
  readonly role: "app" | "datastore" | "batch";
  /** Named ports of the component (all its containers), for fix texts. */
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: Protocol }[];
}

export interface Intent {
  /** Where the intent comes from: `apps/ (cluster prod)` or a fixture's intent.json. */
  readonly origin: string;
  readonly components: readonly IntentComponent[];
  readonly flows: readonly DeclaredFlow[];
}

/** The namespaces an intent covers: flows touching them are judged. */
export function intentNamespaces(intent: Intent): Set<string> {
  return new Set(intent.components.map((c) => c.namespace));
}

export function findComponent(intent: Intent, namespace: string, name: string): IntentComponent | undefined {
  return intent.components.find((c) => c.namespace === namespace && c.name === name);
}

/** Raised for an intent that cannot be read: names the file or app, the field and the fix (the CLI prints it and exits 2). */
export class IntentError extends LoadError {}

function containersOf(w: WorkloadSpec): ContainerSpec[] {
  return [w, ...(w.sidecars ?? []), ...(w.initContainers ?? [])];
}

function portsOf(w: WorkloadSpec): PortSpec[] {
  return containersOf(w).flatMap((c) => c.ports ?? []);
}

function protocolOf(p: PortSpec): Protocol {
  return p.protocol ?? "TCP";
}

function network(name: string, cidrs: readonly string[], where: string): IntentPeer {
  for (const c of cidrs) {
    if (!parseCidr(c)) throw new IntentError(`${where}: network ${name} has "${c}", which is not a CIDR; use a block such as 10.0.0.0/8`);
  }
  return { kind: "network", name, cidrs, addresses: AddressSet.ofCidrs(cidrs) };
}

/** The declared flows of every app a fleet cluster runs. */
export function intentFromApps(profile: ClusterProfile, apps: readonly AppDefinition[] = APPS): Intent {
  const components: IntentComponent[] = [];
  const flows: DeclaredFlow[] = [];
  for (const id of profile.apps) {
    const app = apps.find((a) => a.name === id);
    if (!app) throw new IntentError(`cluster ${profile.name} runs app "${id}", which apps/index.ts does not register; register it or remove it from the profile`);
    const spec = app.spec({ tier: profile.tier, cluster: profile.name, domain: profile.domain });
    const source = `apps/${id}`;
    const ns = spec.namespace;
    const where = `${source} (cluster ${profile.name})`;
    const component = (name: string): IntentPeer => ({ kind: "component", namespace: ns, component: name });
    const byName = new Map(spec.components.map((w) => [w.name, w]));
    const port = (w: WorkloadSpec, name: string, field: string): PortSpec => {
      const p = portsOf(w).find((x) => x.name === name);
      if (!p) throw new IntentError(`${where}: ${field} names port "${name}", which component ${w.name} does not have; use one of: ${portsOf(w).map((x) => x.name).join(", ")}`);
      return p;
    };

    for (const w of spec.components) {
      components.push({
        namespace: ns,
        name: w.name,
        source,
        role: w.kind === "Deployment" || w.kind === "StatefulSet" ? (w.role ?? "app") : "batch",
        ports: portsOf(w).map((p) => ({ name: p.name, port: p.containerPort, protocol: protocolOf(p) })),
      });
      for (const [i, c] of (w.connects ?? []).entries()) {
        const declaredIn = `\`connects\` of ${w.name} in ${source}`;
        if ("component" in c) {
          const target = byName.get(c.component);
          if (!target) throw new IntentError(`${where}: components[${w.name}].connects[${i}] names component "${c.component}", which the app does not have`);
          const p = port(target, c.port, `components[${w.name}].connects[${i}]`);
          flows.push({ from: component(w.name), to: component(target.name), protocol: protocolOf(p), port: p.containerPort, declaredIn });
        } else {
          const cidrs = profile.externalNetworks[c.external];
          if (!cidrs) throw new IntentError(`${where}: components[${w.name}].connects[${i}] names network "${c.external}", which the profile's externalNetworks lack`);
          flows.push({ from: component(w.name), to: network(c.external, cidrs, where), protocol: c.protocol ?? "TCP", port: c.port, declaredIn });
        }
      }
      if ((w.apiAccess ?? []).length > 0) {
        const cidrs = profile.externalNetworks[KUBERNETES_API.network];
        if (!cidrs) throw new IntentError(`${where}: components[${w.name}].apiAccess needs the profile's externalNetworks["${KUBERNETES_API.network}"]`);
        for (const p of KUBERNETES_API.ports) {
          flows.push({ from: component(w.name), to: network(KUBERNETES_API.network, cidrs, where), protocol: "TCP", port: p, declaredIn: `\`apiAccess\` of ${w.name} in ${source}` });
        }
      }
      for (const p of portsOf(w).filter((x) => x.metrics === true)) {
        flows.push({ from: { kind: "prometheus" }, to: component(w.name), protocol: protocolOf(p), port: p.containerPort, declaredIn: `port ${p.name} (\`metrics: true\`) of ${w.name} in ${source}` });
      }
      if ((w.kind === "Deployment" || w.kind === "StatefulSet") && w.service && w.service.type === "LoadBalancer") {
        const exposed = w.service.ports ? w.service.ports.map((n) => port(w, n, `components[${w.name}].service.ports`)) : portsOf(w);
        const sources = network(LOAD_BALANCER_SOURCES, profile.loadBalancerSourceRanges, where);
        for (const p of exposed) {
          flows.push({ from: sources, to: component(w.name), protocol: protocolOf(p), port: p.containerPort, declaredIn: `the LoadBalancer Service of ${w.name} in ${source} (the profile's loadBalancerSourceRanges)` });
        }
      }
    }
    for (const ingress of spec.ingresses ?? []) {
      const target = byName.get(ingress.component);
      if (!target) throw new IntentError(`${where}: ingresses[${ingress.name}] names component "${ingress.component}", which the app does not have`);
      const p = port(target, ingress.port, `ingresses[${ingress.name}].port`);
      flows.push({ from: { kind: "ingress-controller" }, to: component(target.name), protocol: protocolOf(p), port: p.containerPort, declaredIn: `\`ingresses[${ingress.name}]\` in ${source}` });
    }
  }
  return { origin: `apps/ (cluster ${profile.name})`, components, flows };
}

interface IntentFile {
  networks?: Record<string, string[]>;
  components?: { namespace?: string; name?: string; app?: string; role?: string; ports?: { name?: string; port?: number; protocol?: string }[] }[];
  flows?: { from?: string; to?: string; port?: number; protocol?: string }[];
}

/**
 * Reads a fixture intent. Components name their namespace, name, optional
 * `app` (fix texts then point at apps/<app>), `role` and named `ports`.
 * Peers are `<namespace>/<component>`,
 * `ingress-controller`, `prometheus` or `network:<name>` (a key of
 * `networks`); protocol defaults to TCP.
 */
export function intentFromFile(path: string): Intent {
  let raw: IntentFile;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as IntentFile;
  } catch (error) {
    throw new IntentError(`${path}: cannot be read as JSON (${(error as Error).message}); fix the file`);
  }
  const fail = (field: string, problem: string, fix: string): never => {
    throw new IntentError(`${path}: ${field} ${problem}; ${fix}`);
  };
  const networks = new Map<string, IntentPeer>();
  for (const [name, cidrs] of Object.entries(raw.networks ?? {})) {
    if (!Array.isArray(cidrs)) fail(`networks.${name}`, "is not a list", "give a list of CIDRs");
    networks.set(name, network(name, cidrs, path));
  }
  const components: IntentComponent[] = (raw.components ?? []).map((c, i) => {
    if (typeof c.namespace !== "string" || typeof c.name !== "string") fail(`components[${i}]`, "lacks namespace or name", 'write { "namespace": "kades", "name": "kades-api" }');
    const role = c.role ?? "app";
    if (role !== "app" && role !== "datastore" && role !== "batch") fail(`components[${i}].role`, `is "${role}"`, "use app, datastore or batch");
    return {
      namespace: c.namespace as string,
      name: c.name as string,
      // Fix texts point at the app the component stands for, as they would for a real spec.
      source: typeof c.app === "string" ? `apps/${c.app}` : path,
      role: role as IntentComponent["role"],
      ports: (c.ports ?? []).map((p) => ({ name: p.name ?? "", port: p.port ?? 0, protocol: (p.protocol ?? "TCP") as Protocol })),
    };
  });
  const peer = (text: unknown, field: string): IntentPeer => {
    if (text === "ingress-controller") return { kind: "ingress-controller" };
    if (text === "prometheus") return { kind: "prometheus" };
    if (typeof text === "string" && text.startsWith("network:")) {
      return networks.get(text.slice("network:".length)) ?? fail(field, `names ${text}, which "networks" lacks`, "declare the network's CIDRs under networks");
    }
    const match = typeof text === "string" ? /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(text) : null;
    if (!match) return fail(field, `is ${JSON.stringify(text)}`, "use <namespace>/<component>, ingress-controller, prometheus or network:<name>");
    const [, namespace, name] = match as unknown as [string, string, string];
    if (!components.some((c) => c.namespace === namespace && c.name === name)) fail(field, `names ${text}, which "components" lacks`, "declare the component");
    return { kind: "component", namespace, component: name };
  };
  const flows: DeclaredFlow[] = (raw.flows ?? []).map((f, i) => {
    const protocol = (f.protocol ?? "TCP") as Protocol;
    if (!PROTOCOLS.includes(protocol)) fail(`flows[${i}].protocol`, `is "${f.protocol}"`, `use one of ${PROTOCOLS.join(", ")}`);
    if (typeof f.port !== "number" || !Number.isInteger(f.port) || f.port < 1 || f.port > 65535) fail(`flows[${i}].port`, `is ${JSON.stringify(f.port)}`, "give a port number 1-65535");
    return { from: peer(f.from, `flows[${i}].from`), to: peer(f.to, `flows[${i}].to`), protocol, port: f.port as number, declaredIn: `flows[${i}] of ${path}` };
  });
  return { origin: path, components, flows };
}

/** Where a fixture's intent lives: `intent.json` in the policy folder above `fixtures/`. */
export function fixtureIntentPath(fixtureFile: string): string {
  return join(dirname(dirname(fixtureFile)), "intent.json");
}

const REPO_ROOT = join(import.meta.dirname, "../..");

/**
 * The intent a cluster is judged against: a fixture file's intent.json, else
 * the specs of the apps its fleet profile runs; undefined for a fixture
 * without intent.json and for a directory no fleet cluster is named after
 * (only the structural rules apply there).
 */
export function intentFor(cluster: ClusterTree): Intent | undefined {
  if (/\.ya?ml$/.test(cluster.root)) {
    const given = fixtureIntentPath(cluster.root);
    // Fixture paths are shown relative to the repository root.
    const path = existsSync(given) || isAbsolute(given) ? given : join(REPO_ROOT, given);
    return existsSync(path) ? intentFromFile(path) : undefined;
  }
  return cluster.profile ? intentFromApps(cluster.profile) : undefined;
}
