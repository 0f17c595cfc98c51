import type { ClusterProfile } from "../../../generators/fleet/types.js";
import { renderedFrom } from "../../availability/workloads.js";
import { applicationsOf, valuesNodes } from "../../argocd/applications.js";
import { resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { AddressSet, parseAddress, parseCidr } from "../addresses.js";

/** Address ranges that no real network uses: what a profile holds until someone fills in the real one. */
export const PLACEHOLDER_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: "192.0.2.0/24", what: "TEST-NET-1 of RFC 5737, reserved for documentation" },
  { cidr: "198.51.100.0/24", what: "TEST-NET-2 of RFC 5737, reserved for documentation" },
  { cidr: "203.0.113.0/24", what: "TEST-NET-3 of RFC 5737, reserved for documentation" },
  { cidr: "2001:db8::/32", what: "the IPv6 range RFC 3849 reserves for documentation" },
  { cidr: "3fff::/20", what: "the IPv6 range RFC 9637 reserves for documentation" },
  { cidr: "198.18.0.0/15", what: "the range RFC 2544 reserves for benchmarking" },
  { cidr: "0.0.0.0/8", what: '"this network" of RFC 1122, never an address on the wire' },
  { cidr: "240.0.0.0/4", what: "the range RFC 1112 reserves for future use" },
  { cidr: "100::/64", what: "the discard-only range of RFC 6666" },
];

/** Which placeholder range a CIDR or address lies wholly inside, or undefined for one that can be real (or does not parse: well-formed judges that). */
export function placeholderOf(text: string): { readonly cidr: string; readonly what: string } | undefined {
  const range = parseCidr(text) ?? (() => {
    const address = parseAddress(text.trim());
    return address ? { family: address.family, lo: address.value, hi: address.value } : undefined;
  })();
  if (!range) return undefined;
  const set = AddressSet.of([range]);
  return PLACEHOLDER_RANGES.find((p) => set.minus(AddressSet.ofCidrs([p.cidr])).isEmpty());
}

/** One address or CIDR the tree ships, with where it is. */
interface Shipped {
  readonly document: RenderedDocument;
  readonly path: string;
  readonly value: string;
  /** An Application whose Helm values carry it. */
  readonly app?: string;
}

// Parsed YAML is untyped.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];
}

function shipped(cluster: ClusterTree): Shipped[] {
  const out: Shipped[] = [];
  const list = (document: RenderedDocument, path: string, value: unknown, app?: string): void => {
    const many = Array.isArray(value);
    strings(value).forEach((v, i) => out.push({ document, path: many ? `${path}[${i}]` : path, value: v, ...(app ? { app } : {}) }));
  };
  for (const document of cluster.documents) {
    const o = document.object as Json;
    if (o.kind === "Service") {
      list(document, "spec.loadBalancerSourceRanges", o.spec?.loadBalancerSourceRanges);
      list(document, "spec.externalIPs", o.spec?.externalIPs);
      list(document, "spec.loadBalancerIP", o.spec?.loadBalancerIP);
    }
    if (o.kind === "NetworkPolicy") {
      for (const [direction, peers] of [["ingress", "from"], ["egress", "to"]] as const) {
        (o.spec?.[direction] ?? []).forEach((rule: Json, i: number) =>
          (rule?.[peers] ?? []).forEach((peer: Json, j: number) => list(document, `spec.${direction}[${i}].${peers}[${j}].ipBlock.cidr`, peer?.ipBlock?.cidr)),
        );
      }
    }
    if (o.kind === "Ingress") {
      const key = "nginx.ingress.kubernetes.io/whitelist-source-range";
      strings(o.metadata.annotations?.[key])
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter((v) => v !== "")
        .forEach((v) => out.push({ document, path: `metadata.annotations["${key}"]`, value: v }));
    }
  }
  for (const app of applicationsOf(cluster)) {
    for (const source of app.sources) {
      for (const { path, node } of valuesNodes(source)) {
        for (const key of ["loadBalancerSourceRanges", "externalIPs", "loadBalancerIP"]) list(app.document, `${path}.${key}`, node[key], app.name);
      }
    }
  }
  return out;
}

/** Where in the profile a value comes from, if it does. */
function profileField(profile: ClusterProfile | undefined, value: string): string | undefined {
  if (!profile) return undefined;
  const i = profile.loadBalancerSourceRanges.indexOf(value);
  if (i !== -1) return `loadBalancerSourceRanges[${i}]`;
  for (const [name, cidrs] of Object.entries(profile.externalNetworks)) {
    const j = cidrs.indexOf(value);
    if (j !== -1) return `externalNetworks["${name}"][${j}]`;
  }
  return undefined;
}

function fixFor(cluster: ClusterTree, item: Shipped): string {
  const field = profileField(cluster.profile, item.value);
  if (field) {
    return `replace ${item.value} in \`${field}\` of profile ${cluster.name} (generators/fleet/clusters.ts) with the network that really needs it, then run \`npm run generate\``;
  }
  if (item.app) return `replace ${item.value} where the generators write Application/${item.app}'s values (generators/platform/) with the real network, then run \`npm run generate\``;
  return `replace ${item.value} with the real network where ${renderedFrom(item.document)} renders ${resourceName(item.document.object)}, then run \`npm run generate\``;
}

/** A documentation range in a shipped object is a placeholder someone has to fill in: say so on every run. */
export const placeholderAddresses: Policy = {
  id: "placeholder-addresses",
  area: "network",
  severity: "Warning",
  description:
    "no address or CIDR a Service, NetworkPolicy, Ingress, Application's Helm values or the cluster profile names lies in a documentation, benchmarking or reserved range (RFC 5737, 3849, 9637, 2544, 1122, 1112, 6666): such a range is a placeholder no real client comes from",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const item of shipped(cluster)) {
      const range = placeholderOf(item.value);
      if (!range) continue;
      seen.add(item.value);
      findings.push({
        document: item.document,
        summary: "address is a placeholder, not a real network",
        path: item.path,
        problem: `is ${JSON.stringify(item.value)}, inside ${range.cidr}, ${range.what}: no real client or server has such an address, so what it admits or names does nothing until the real network is filled in`,
        fix: fixFor(cluster, item),
      });
    }
    // Profile ranges nothing renders yet still wait to be filled in.
    const profile = cluster.profile;
    const values = profile ? [...profile.loadBalancerSourceRanges, ...Object.values(profile.externalNetworks).flat()] : [];
    for (const value of [...new Set(values)]) {
      const range = placeholderOf(value);
      if (!range || seen.has(value)) continue;
      findings.push({
        summary: "profile holds a placeholder address",
        path: "",
        problem: `profile ${cluster.name} names ${value}, inside ${range.cidr}, ${range.what}, at \`${profileField(profile, value)}\`: nothing renders it yet, and when something does it will admit no real client`,
        fix: `replace it in profile ${cluster.name} (generators/fleet/clusters.ts) with the real network`,
      });
    }
    return findings;
  },
};
