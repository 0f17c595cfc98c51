import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyEgressRule, INetworkPolicyIngressRule, INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1";
import { Service } from "kubernetes-models/v1/Service";
import type { IServicePort } from "kubernetes-models/v1";
import { PLATFORM } from "../fleet/platform.js";
import type { IngressSpec, PortSpec, ServiceWorkloadSpec, WorkloadSpec } from "../spec/types.js";
import { type AppContext, isService, meta, selectorLabels } from "./context.js";

/** Port Kubernetes API clients need; the API server's addresses come from the profile's `kubernetes-api` network. */
export const KUBERNETES_API_NETWORK = "kubernetes-api";
const KUBERNETES_API_PORTS = [443, 6443];
/** Marks the one Service per component that Prometheus scrapes (headless twins would double every series). */
export const SCRAPE_LABEL = "iot-fleet.io/scrape";

export function allPorts(workload: WorkloadSpec): PortSpec[] {
  return [workload, ...(workload.sidecars ?? [])].flatMap((c) => c.ports ?? []);
}

export function clientServiceName(workload: WorkloadSpec): string {
  return (isService(workload) && workload.service ? workload.service.name : undefined) ?? workload.name;
}

export function headlessServiceName(workload: WorkloadSpec): string {
  return `${workload.name}-headless`;
}

/** Ports on the client Service: the spec's list, or every port of the pod. */
export function servicePorts(workload: ServiceWorkloadSpec): PortSpec[] {
  const ports = allPorts(workload);
  const named = workload.service ? workload.service.ports : undefined;
  return named ? ports.filter((p) => named.includes(p.name)) : ports;
}

export function hasClientService(workload: WorkloadSpec): workload is ServiceWorkloadSpec {
  return isService(workload) && workload.service !== false && allPorts(workload).length > 0;
}

export function hasHeadlessService(workload: ServiceWorkloadSpec): boolean {
  return workload.kind === "StatefulSet" || (workload.service !== false && workload.service?.headless === true);
}

/**
 * The Service Prometheus scrapes: the client Service when it carries every
 * metrics port, else the headless twin (so metrics need not sit on a
 * LoadBalancer); undefined when there are no metrics or no Service has them.
 */
export function scrapedService(workload: ServiceWorkloadSpec): "client" | "headless" | undefined {
  const metrics = allPorts(workload).filter((p) => p.metrics);
  if (metrics.length === 0) return undefined;
  const onClient = hasClientService(workload) && metrics.every((m) => servicePorts(workload).some((p) => p.name === m.name));
  if (onClient) return "client";
  return hasHeadlessService(workload) ? "headless" : undefined;
}

function scrapeLabel(workload: ServiceWorkloadSpec, which: "client" | "headless"): Record<string, string> {
  return scrapedService(workload) === which ? { [SCRAPE_LABEL]: "true" } : {};
}

function toServicePort(p: PortSpec): IServicePort {
  return { name: p.name, port: p.servicePort ?? p.containerPort, targetPort: p.name, protocol: p.protocol ?? "TCP" };
}

export function services(ctx: AppContext, workload: ServiceWorkloadSpec): Service[] {
  const result: Service[] = [];
  const spec = workload.service === false ? undefined : workload.service;
  if (hasClientService(workload)) {
    const ports = servicePorts(workload);
    const external = spec?.type === "LoadBalancer";
    // Without a load-balancer provider (kind) a LoadBalancer Service never gets an address and Argo CD
    // calls it Progressing forever; such clusters expose it on a node port, as their ingress controller is.
    const loadBalancer = external && ctx.cluster.platform.loadBalancers;
    const base = meta(ctx, clientServiceName(workload), workload);
    result.push(
      new Service({
        metadata: { ...base, labels: { ...base.labels, ...scrapeLabel(workload, "client") } },
        spec: {
          type: loadBalancer ? "LoadBalancer" : external ? "NodePort" : "ClusterIP",
          selector: {
            ...selectorLabels(ctx, workload.name),
            ...(spec?.primaryOnly ? { "statefulset.kubernetes.io/pod-name": `${workload.name}-0` } : {}),
          },
          ports: ports.map(toServicePort),
          // Keep client source addresses so NetworkPolicy ipBlocks and source ranges mean what they say.
          ...(loadBalancer ? { externalTrafficPolicy: "Local", loadBalancerSourceRanges: [...ctx.cluster.loadBalancerSourceRanges] } : {}),
          ...(external && !loadBalancer ? { externalTrafficPolicy: "Local" } : {}),
        },
      }),
    );
  }
  if (hasHeadlessService(workload)) {
    const base = meta(ctx, headlessServiceName(workload), workload);
    result.push(
      new Service({
        metadata: { ...base, labels: { ...base.labels, ...scrapeLabel(workload, "headless") } },
        spec: {
          clusterIP: "None",
          // Peers must find each other before they are ready (replication, quorum).
          publishNotReadyAddresses: workload.kind === "StatefulSet",
          selector: selectorLabels(ctx, workload.name),
          ports: allPorts(workload).map(toServicePort),
        },
      }),
    );
  }
  return result;
}

export function ingress(ctx: AppContext, spec: IngressSpec): Ingress {
  const target = ctx.app.components.find((c) => c.name === spec.component) as WorkloadSpec;
  return new Ingress({
    metadata: meta(ctx, spec.name, undefined, {
      "cert-manager.io/cluster-issuer": ctx.cluster.clusterIssuer,
      "nginx.ingress.kubernetes.io/ssl-redirect": "true",
    }),
    spec: {
      ingressClassName: ctx.cluster.ingressClass,
      tls: [{ hosts: [spec.host], secretName: `${spec.name}-tls` }],
      rules: [
        {
          host: spec.host,
          http: {
            paths: (spec.paths ?? ["/"]).map((path) => ({
              path,
              pathType: "Prefix",
              backend: { service: { name: clientServiceName(target), port: { name: spec.port } } },
            })),
          },
        },
      ],
    },
  });
}

const DNS_PORTS = [
  { protocol: "UDP" as const, port: 53 },
  { protocol: "TCP" as const, port: 53 },
];

/**
 * cert-manager's HTTP-01 solver: for an ACME issuer it starts a pod in the
 * Ingress's namespace (label below, port 8089) that the ACME server reaches
 * through the ingress controller. Its defaults, used for the quota allowance.
 */
export const ACME_SOLVER = {
  podLabels: { "acme.cert-manager.io/http01-solver": "true" },
  port: 8089,
  requests: { cpu: "10m", memory: "64Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
} as const;

/** Solver pods an app may run at once: one per Ingress host while its certificate is issued or renewed. */
export function acmeSolverPods(ctx: AppContext): number {
  return ctx.cluster.issuer.kind === "acme" ? (ctx.app.ingresses ?? []).length : 0;
}

/** Lets the ingress controller reach the HTTP-01 solver pods, which the default deny would otherwise block. */
export function acmeSolverNetworkPolicy(ctx: AppContext): NetworkPolicy | undefined {
  if (acmeSolverPods(ctx) === 0) return undefined;
  return new NetworkPolicy({
    metadata: meta(ctx, "allow-acme-http01-solver"),
    spec: {
      podSelector: { matchLabels: { ...ACME_SOLVER.podLabels } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [platformPeer(PLATFORM.ingressNamespace, PLATFORM.ingressPodLabels)],
          ports: [{ protocol: "TCP", port: ACME_SOLVER.port }],
        },
      ],
    },
  });
}

/** Deny everything, then allow DNS: the base every app namespace starts from. */
export function baseNetworkPolicies(ctx: AppContext): NetworkPolicy[] {
  return [
    new NetworkPolicy({
      metadata: meta(ctx, "default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    }),
    new NetworkPolicy({
      metadata: meta(ctx, "allow-dns"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: DNS_PORTS,
          },
        ],
      },
    }),
  ];
}

function podPeer(ctx: AppContext, component: string): INetworkPolicyPeer {
  return { podSelector: { matchLabels: selectorLabels(ctx, component) } };
}

function platformPeer(namespace: string, labels: Readonly<Record<string, string>>): INetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    podSelector: { matchLabels: { ...labels } },
  };
}

function ipPeers(cidrs: readonly string[]): INetworkPolicyPeer[] {
  return cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

function externalCidrs(ctx: AppContext, network: string): readonly string[] {
  const cidrs = ctx.cluster.externalNetworks[network];
  if (!cidrs) throw new Error(`cluster ${ctx.cluster.name} defines no external network "${network}"`);
  return cidrs;
}

/** The flows into and out of one component, derived from the spec's declared intent. */
export function componentNetworkPolicy(ctx: AppContext, workload: WorkloadSpec): NetworkPolicy | undefined {
  const ingressRules: INetworkPolicyIngressRule[] = [];
  const ports = allPorts(workload);
  for (const port of ports) {
    const clients = ctx.app.components.filter((c) =>
      (c.connects ?? []).some((k) => "component" in k && k.component === workload.name && k.port === port.name),
    );
    if (clients.length > 0) {
      ingressRules.push({
        from: clients.map((c) => podPeer(ctx, c.name)),
        ports: [{ protocol: port.protocol ?? "TCP", port: port.containerPort }],
      });
    }
  }
  const ingressPorts = (ctx.app.ingresses ?? [])
    .filter((i) => i.component === workload.name)
    .map((i) => ports.find((p) => p.name === i.port))
    .filter((p): p is PortSpec => p !== undefined);
  if (ingressPorts.length > 0) {
    ingressRules.push({
      from: [platformPeer(PLATFORM.ingressNamespace, PLATFORM.ingressPodLabels)],
      ports: unique(ingressPorts).map((p) => ({ protocol: p.protocol ?? "TCP", port: p.containerPort })),
    });
  }
  if (isService(workload) && workload.service && workload.service.type === "LoadBalancer") {
    ingressRules.push({
      from: ipPeers(ctx.cluster.loadBalancerSourceRanges),
      ports: servicePorts(workload).map((p) => ({ protocol: p.protocol ?? "TCP", port: p.containerPort })),
    });
  }
  const metrics = ports.filter((p) => p.metrics);
  if (metrics.length > 0) {
    ingressRules.push({
      from: [platformPeer(PLATFORM.monitoringNamespace, PLATFORM.prometheusPodLabels)],
      ports: unique(metrics).map((p) => ({ protocol: p.protocol ?? "TCP", port: p.containerPort })),
    });
  }

  const egressRules: INetworkPolicyEgressRule[] = [];
  for (const connection of workload.connects ?? []) {
    if ("component" in connection) {
      const target = ctx.app.components.find((c) => c.name === connection.component) as WorkloadSpec;
      const port = allPorts(target).find((p) => p.name === connection.port) as PortSpec;
      egressRules.push({
        to: [podPeer(ctx, target.name)],
        ports: [{ protocol: port.protocol ?? "TCP", port: port.containerPort }],
      });
    } else {
      egressRules.push({
        to: ipPeers(externalCidrs(ctx, connection.external)),
        ports: [{ protocol: connection.protocol ?? "TCP", port: connection.port }],
      });
    }
  }
  if ((workload.apiAccess ?? []).length > 0) {
    egressRules.push({
      to: ipPeers(externalCidrs(ctx, KUBERNETES_API_NETWORK)),
      ports: KUBERNETES_API_PORTS.map((port) => ({ protocol: "TCP" as const, port })),
    });
  }
  if (ingressRules.length === 0 && egressRules.length === 0) return undefined;
  const policyTypes: ("Ingress" | "Egress")[] = [
    ...(ingressRules.length > 0 ? (["Ingress"] as const) : []),
    ...(egressRules.length > 0 ? (["Egress"] as const) : []),
  ];
  return new NetworkPolicy({
    metadata: meta(ctx, `allow-${workload.name}`, workload),
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx, workload.name) },
      policyTypes,
      ...(ingressRules.length > 0 ? { ingress: ingressRules } : {}),
      ...(egressRules.length > 0 ? { egress: egressRules } : {}),
    },
  });
}

function unique(ports: readonly PortSpec[]): PortSpec[] {
  return [...new Map(ports.map((p) => [p.name, p])).values()];
}
