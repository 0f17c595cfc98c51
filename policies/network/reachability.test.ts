// The evaluator against the Kubernetes NetworkPolicy semantics, one rule of
// the documentation per case, each with the case that must come out the
// other way.
import { describe, expect, it } from "vitest";
import { parseCidr } from "./addresses.js";
import { PortSet } from "./ports.js";
import { type Addresses, type ContainerPort, Network, parsePolicy, type Peer, type Pod, type UnknownPod } from "./reachability.js";
import type { Labels } from "./selectors.js";

function pod(namespace: string, labels: Labels, ports: ContainerPort[] = [], hostNetwork = false): Pod {
  return { kind: "pod", namespace, labels, ports, portsKnown: true, hostNetwork };
}

function address(text: string): Addresses {
  const range = parseCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
  if (!range) throw new Error(`bad address ${text}`);
  return { kind: "addresses", range };
}

const UNKNOWN: UnknownPod = { kind: "unknown-pod" };

const NAMESPACES = new Map<string, Labels>([
  ["shop", { team: "payments", tier: "backend" }],
  ["web", { team: "frontend" }],
  ["kube-system", {}],
]);

function policy(namespace: string, spec: Record<string, unknown>, name = "p"): ReturnType<typeof parsePolicy> {
  return parsePolicy({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
}

function network(...policies: ReturnType<typeof parsePolicy>[]): Network {
  return new Network(NAMESPACES, policies);
}

const api = pod("shop", { app: "api" }, [
  { name: "http", port: 8080, protocol: "TCP" },
  { name: "metrics", port: 9090, protocol: "TCP" },
  { name: "syslog", port: 514, protocol: "UDP" },
]);
const db = pod("shop", { app: "db", role: "datastore" }, [{ name: "postgres", port: 5432, protocol: "TCP" }]);
const web = pod("web", { app: "web" }, [{ name: "http", port: 3000, protocol: "TCP" }]);
const webApi = pod("web", { app: "api" }, [{ name: "http", port: 8080, protocol: "TCP" }]);

const DENY_ALL = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
const allows = (n: Network, from: Peer, to: Peer, protocol: "TCP" | "UDP" | "SCTP", port: number): boolean => n.flow(from, to).ports.has(protocol, port);

describe("when no policy selects a pod", () => {
  it("should leave both directions open on every port", () => {
    const n = network();
    expect(n.flow(web, api).ports.equals(PortSet.all())).toBe(true);
    expect(n.flow(api, address("198.51.100.7")).ports.equals(PortSet.all())).toBe(true);
  });

  it("should close both directions once a deny-all policy selects it", () => {
    const n = network(policy("shop", DENY_ALL));
    expect(n.flow(web, api).ports.isEmpty()).toBe(true);
    expect(n.flow(api, web).ports.isEmpty()).toBe(true);
  });
});

describe("when a policy's podSelector is empty", () => {
  it("should select every pod of its own namespace", () => {
    const n = network(policy("shop", DENY_ALL));
    expect(n.selecting(api, "ingress")).toHaveLength(1);
    expect(n.selecting(db, "egress")).toHaveLength(1);
  });

  it("should not select pods of another namespace", () => {
    const n = network(policy("shop", DENY_ALL));
    expect(n.selecting(web, "ingress")).toHaveLength(0);
    expect(allows(n, api, web, "TCP", 3000)).toBe(false);
    expect(allows(n, webApi, web, "TCP", 3000)).toBe(true);
  });
});

describe("when policyTypes is not given", () => {
  it("should isolate ingress only, if the policy has no egress rules", () => {
    const n = network(policy("shop", { podSelector: {} }));
    expect(n.selecting(api, "ingress")).toHaveLength(1);
    expect(n.selecting(api, "egress")).toHaveLength(0);
  });

  it("should also isolate egress, if the policy has egress rules", () => {
    const n = network(policy("shop", { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] }));
    expect(n.selecting(api, "egress")).toHaveLength(1);
  });

  it("should treat an empty egress list as no egress rules", () => {
    const n = network(policy("shop", { podSelector: {}, egress: [] }));
    expect(n.selecting(api, "egress")).toHaveLength(0);
  });

  it("should take an explicit Egress-only list as given, leaving ingress open", () => {
    const n = network(policy("shop", { podSelector: {}, policyTypes: ["Egress"] }));
    expect(n.selecting(api, "ingress")).toHaveLength(0);
    expect(n.selecting(api, "egress")).toHaveLength(1);
  });
});

describe("when a peer has a podSelector alone", () => {
  const n = network(policy("shop", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }] }] }));

  it("should admit matching pods of the policy's namespace", () => {
    expect(allows(n, api, db, "TCP", 5432)).toBe(true);
  });

  it("should not admit pods with the same labels in another namespace", () => {
    expect(allows(n, webApi, db, "TCP", 5432)).toBe(false);
  });

  it("should never admit a pod of an unknown namespace", () => {
    expect(allows(n, UNKNOWN, db, "TCP", 5432)).toBe(false);
  });
});

describe("when a peer has a namespaceSelector alone", () => {
  const n = network(policy("shop", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "frontend" } } }] }] }));

  it("should admit every pod of the matching namespaces", () => {
    expect(allows(n, web, db, "TCP", 5432)).toBe(true);
    expect(allows(n, webApi, db, "TCP", 5432)).toBe(true);
  });

  it("should not admit pods of other namespaces, its own included", () => {
    expect(allows(n, api, db, "TCP", 5432)).toBe(false);
  });

  it("should admit pods of an unknown namespace, whose labels could match", () => {
    expect(allows(n, UNKNOWN, db, "TCP", 5432)).toBe(true);
  });
});

describe("when a peer has both selectors", () => {
  const n = network(
    policy("shop", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "frontend" } }, podSelector: { matchLabels: { app: "api" } } }] }],
    }),
  );

  it("should admit only pods matching both", () => {
    expect(allows(n, webApi, db, "TCP", 5432)).toBe(true);
  });

  it("should not admit a pod matching only the namespace or only the pod selector", () => {
    expect(allows(n, web, db, "TCP", 5432)).toBe(false);
    expect(allows(n, api, db, "TCP", 5432)).toBe(false);
  });
});

describe("when namespaces are selected", () => {
  it("should match the automatic kubernetes.io/metadata.name label", () => {
    const n = network(policy("shop", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } }] }] }));
    expect(allows(n, web, api, "TCP", 8080)).toBe(true);
    expect(allows(n, UNKNOWN, api, "TCP", 8080)).toBe(false);
  });

  it("should not match a name label the namespace does not carry", () => {
    const n = network(policy("shop", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: "web" } } }] }] }));
    expect(allows(n, web, api, "TCP", 8080)).toBe(false);
  });
});

describe.each([
  ["In", { key: "app", operator: "In", values: ["api", "web"] }, [api, web], [db]],
  ["NotIn", { key: "app", operator: "NotIn", values: ["api"] }, [db, web, pod("web", {})], [api, webApi]],
  ["Exists", { key: "role", operator: "Exists" }, [db], [api, web]],
  ["DoesNotExist", { key: "role", operator: "DoesNotExist" }, [api, web], [db]],
] as const)("when a peer's podSelector uses %s", (_, expression, admitted, refused) => {
  const n = network(policy("shop", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [expression] } }] }] }));
  const target = pod("shop", { app: "target" }, [{ name: "http", port: 80, protocol: "TCP" }]);

  it.each(admitted.map((p) => [JSON.stringify(p.labels), p]))("should admit %s", (_label, source) => {
    expect(allows(n, source, target, "TCP", 80)).toBe(true);
  });

  it.each(refused.map((p) => [JSON.stringify(p.labels), p]))("should refuse %s", (_label, source) => {
    expect(allows(n, source, target, "TCP", 80)).toBe(false);
  });
});

describe("when matchLabels and matchExpressions are combined", () => {
  it("should require both (AND)", () => {
    const n = network(
      policy("shop", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" }, matchExpressions: [{ key: "role", operator: "In", values: ["datastore"] }] } }] }],
      }),
    );
    expect(allows(n, db, api, "TCP", 8080)).toBe(true);
    expect(allows(n, pod("shop", { app: "db" }), api, "TCP", 8080)).toBe(false);
  });
});

describe("when a peer is an ipBlock", () => {
  const n = network(
    policy("shop", {
      podSelector: { matchLabels: { app: "api" } },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }] },
        { from: [{ ipBlock: { cidr: "2001:db8::/32" } }] },
      ],
    }),
  );

  it("should admit addresses inside cidr", () => {
    expect(allows(n, address("203.0.113.7"), api, "TCP", 8080)).toBe(true);
    expect(allows(n, address("2001:db8::7"), api, "TCP", 8080)).toBe(true);
  });

  it("should refuse addresses in except or outside cidr", () => {
    expect(allows(n, address("203.0.113.200"), api, "TCP", 8080)).toBe(false);
    expect(allows(n, address("198.51.100.7"), api, "TCP", 8080)).toBe(false);
    expect(allows(n, address("2001:db9::7"), api, "TCP", 8080)).toBe(false);
  });

  it("should not match pods (pod addresses are not modelled)", () => {
    expect(allows(n, web, api, "TCP", 8080)).toBe(false);
  });
});

describe("when from or to is missing or empty", () => {
  it.each([
    ["missing", { ports: [{ port: 8080 }] }],
    ["empty", { from: [], ports: [{ port: 8080 }] }],
  ])("should admit every peer when from is %s", (_, rule) => {
    const n = network(policy("shop", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [rule] }));
    for (const source of [web, db, UNKNOWN, address("198.51.100.7"), address("2001:db8::1")] as Peer[]) {
      expect(allows(n, source, api, "TCP", 8080)).toBe(true);
    }
    expect(allows(n, web, api, "TCP", 9090)).toBe(false);
  });

  it("should admit every destination when to is missing", () => {
    const n = network(policy("shop", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }] }] }));
    expect(allows(n, api, address("198.51.100.7"), "TCP", 443)).toBe(true);
    expect(allows(n, api, address("198.51.100.7"), "TCP", 80)).toBe(false);
  });
});

describe("when rules name ports", () => {
  const only = (ports: unknown[]): Network =>
    network(policy("shop", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }], ports }] }));

  it("should default the protocol to TCP", () => {
    const n = only([{ port: 514 }]);
    expect(allows(n, web, api, "TCP", 514)).toBe(true);
    expect(allows(n, web, api, "UDP", 514)).toBe(false);
  });

  it("should resolve a named port against the destination's container ports", () => {
    const n = only([{ port: "metrics" }]);
    expect(allows(n, web, api, "TCP", 9090)).toBe(true);
    expect(allows(n, web, api, "TCP", 8080)).toBe(false);
  });

  it("should resolve a named port only with the container port's protocol", () => {
    expect(allows(only([{ port: "syslog", protocol: "UDP" }]), web, api, "UDP", 514)).toBe(true);
    expect(allows(only([{ port: "syslog" }]), web, api, "TCP", 514)).toBe(false);
    expect(only([{ port: "syslog" }]).flow(web, api).ports.isEmpty()).toBe(true);
  });

  it("should not resolve a named port the destination lacks, even if the source has it", () => {
    const n = network(policy("web", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "http" }] }] }));
    expect(allows(n, web, api, "TCP", 8080)).toBe(true);
    expect(allows(n, web, db, "TCP", 5432)).toBe(false);
    expect(allows(n, web, address("198.51.100.7"), "TCP", 3000)).toBe(false);
  });

  it("should admit the range from port to endPort", () => {
    const n = only([{ port: 8000, endPort: 8080 }]);
    expect(allows(n, web, api, "TCP", 8080)).toBe(true);
    expect(allows(n, web, api, "TCP", 8000)).toBe(true);
    expect(allows(n, web, api, "TCP", 9090)).toBe(false);
  });

  it("should admit every port of the protocol when port is missing", () => {
    const n = only([{ protocol: "UDP" }]);
    expect(allows(n, web, api, "UDP", 514)).toBe(true);
    expect(allows(n, web, api, "UDP", 65535)).toBe(true);
    expect(allows(n, web, api, "TCP", 8080)).toBe(false);
  });

  it("should admit every port and protocol when ports is missing or empty", () => {
    for (const n of [only([]), network(policy("shop", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] }))]) {
      expect(n.flow(web, api).ports.equals(PortSet.all())).toBe(true);
    }
  });
});

describe("when several rules and policies select a pod", () => {
  it("should OR the rules of a policy", () => {
    const n = network(
      policy("shop", {
        podSelector: { matchLabels: { app: "api" } },
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { team: "frontend" } } }], ports: [{ port: 8080 }] },
          { from: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ port: 9090 }] },
        ],
      }),
    );
    expect(allows(n, web, api, "TCP", 8080)).toBe(true);
    expect(allows(n, address("203.0.113.1"), api, "TCP", 9090)).toBe(true);
    expect(allows(n, web, api, "TCP", 9090)).toBe(false);
  });

  it("should add the policies up, a deny-all taking nothing away", () => {
    const allow = policy("shop", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] }, "allow");
    const n = network(policy("shop", DENY_ALL, "deny"), allow);
    expect(allows(n, web, api, "TCP", 8080)).toBe(true);
    expect(allows(n, web, db, "TCP", 5432)).toBe(false);
    expect(n.verdict("ingress", web, api).grants.map((g) => [g.policy.name, g.path])).toEqual([["allow", "spec.ingress[0].from[0]"]]);
  });
});

describe("when a flow crosses two isolated pods", () => {
  const ingress = policy("shop", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 5432 }] }] }, "db");

  it("should need the source's egress and the destination's ingress", () => {
    const egress = policy("shop", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 5432 }] }] }, "api");
    expect(allows(network(policy("shop", DENY_ALL), ingress, egress), api, db, "TCP", 5432)).toBe(true);
  });

  it("should refuse it when only the destination's ingress allows it", () => {
    const n = network(policy("shop", DENY_ALL), ingress);
    expect(n.verdict("ingress", api, db).ports.has("TCP", 5432)).toBe(true);
    expect(allows(n, api, db, "TCP", 5432)).toBe(false);
  });

  it("should intersect the ports both sides allow", () => {
    const egress = policy("shop", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 5000, endPort: 6000 }] }] }, "api");
    const wide = policy("shop", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ ports: [{ port: 5432 }, { port: 7000 }] }] }, "db");
    expect(network(egress, wide).flow(api, db).ports.describe()).toBe("TCP 5432");
  });
});

describe("when a pod runs on the host network", () => {
  const host = pod("shop", { app: "api" }, [], true);

  it("should not be selected by any policy", () => {
    expect(network(policy("shop", DENY_ALL)).selecting(host, "ingress")).toHaveLength(0);
  });

  it("should not be matched by a pod selector", () => {
    const n = network(policy("shop", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: {} }] }] }));
    expect(allows(n, host, db, "TCP", 5432)).toBe(false);
    expect(allows(n, api, db, "TCP", 5432)).toBe(true);
  });
});

describe("when a pod's namespace is unknown", () => {
  const target = (peer: Record<string, unknown>): Network => network(policy("shop", { podSelector: {}, ingress: [{ from: [peer] }] }));

  it("should be admitted by any satisfiable namespaceSelector that does not pin a known name", () => {
    expect(allows(target({ namespaceSelector: {} }), UNKNOWN, api, "TCP", 8080)).toBe(true);
    expect(allows(target({ namespaceSelector: { matchLabels: { team: "payments" } }, podSelector: { matchLabels: { app: "x" } } }), UNKNOWN, api, "TCP", 8080)).toBe(true);
    expect(
      allows(target({ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] } }), UNKNOWN, api, "TCP", 8080),
    ).toBe(true);
  });

  it("should not be admitted when the selector names only known namespaces or cannot be satisfied", () => {
    expect(allows(target({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }), UNKNOWN, api, "TCP", 8080)).toBe(false);
    expect(
      allows(target({ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["web", "shop"] }] } }), UNKNOWN, api, "TCP", 8080),
    ).toBe(false);
    expect(
      allows(
        target({ namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }, { key: "team", operator: "DoesNotExist" }] } }),
        UNKNOWN,
        api,
        "TCP",
        8080,
      ),
    ).toBe(false);
  });
});

describe("when a NetworkPolicy is malformed", () => {
  it.each([
    [{ podSelector: {}, policyTypes: ["ingress"] }, "spec.policyTypes[0]"],
    [{ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0" } }] }] }, "spec.ingress[0].from[0].ipBlock.cidr"],
    [{ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }] }] }, "spec.ingress[0].from[0].ipBlock.except[0]"],
    [{ podSelector: {}, ingress: [{ from: [{}] }] }, "spec.ingress[0].from[0]"],
    [{ podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 79 }] }] }, "spec.ingress[0].ports[0].endPort"],
    [{ podSelector: {}, ingress: [{ ports: [{ port: "http", endPort: 90 }] }] }, "spec.ingress[0].ports[0].endPort"],
    [{ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "ICMP" }] }] }, "spec.egress[0].ports[0].protocol"],
    [{ podSelector: {}, egress: [{ ports: [{ port: "53" }] }] }, "spec.egress[0].ports[0].port"],
    [{ podSelector: {}, egress: [{ ports: [{ port: "Metrics" }] }] }, "spec.egress[0].ports[0].port"],
    [{ podSelector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["b"] }] } }, "spec.podSelector.matchExpressions[0].values"],
  ])("should name the field (%j)", (spec, path) => {
    expect(policy("shop", spec).problems.map((p) => p.path)).toEqual([path]);
  });

  it("should find nothing wrong with a valid policy", () => {
    const spec = {
      podSelector: { matchExpressions: [{ key: "a", operator: "In", values: ["b"] }] },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 80, endPort: 90 }, { port: "http", protocol: "SCTP" }] }],
      egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }] }],
    };
    expect(policy("shop", spec).problems).toEqual([]);
  });
});
