import type { IContainer } from "kubernetes-models/v1/Container";
import { containersOf, podTemplates } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { componentField, fixAt, listOr } from "../fixes.js";

const PROBES = ["startupProbe", "readinessProbe", "livenessProbe"] as const;

/** What a failing probe of each kind does. */
const EFFECT: Readonly<Record<(typeof PROBES)[number], string>> = {
  startupProbe: "a failing startup probe restarts the container before it ever counts as started",
  readinessProbe: "a failing readiness probe keeps the pod out of its Services for good",
  livenessProbe: "a failing liveness probe restarts the container over and over",
};

/** The port a probe connects to, and where it is written. */
function probePort(container: IContainer, field: (typeof PROBES)[number]): { port: number | string; at: string } | undefined {
  const probe = container[field];
  if (probe?.httpGet) return { port: probe.httpGet.port, at: `${field}.httpGet.port` };
  if (probe?.tcpSocket) return { port: probe.tcpSocket.port, at: `${field}.tcpSocket.port` };
  if (probe?.grpc) return { port: probe.grpc.port, at: `${field}.grpc.port` };
  return undefined;
}

/**
 * The kubelet resolves a named probe port among the probed container's own
 * ports; a probe on a port the container does not declare checks nothing it
 * serves (or another container's), and a name it lacks fails every probe.
 */
export const probePorts: Policy = {
  id: "probe-ports",
  area: "references",
  severity: "Bug",
  description: "every httpGet, tcpSocket and grpc probe names (or numbers) a TCP port its own container declares",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const template of podTemplates(cluster)) {
      const { document } = template;
      for (const { container, path, init } of containersOf(template)) {
        const declared = container.ports ?? [];
        const ports = declared.filter((p) => (p.protocol ?? "TCP") === "TCP");
        for (const field of PROBES) {
          const probe = probePort(container, field);
          if (probe === undefined) continue;
          const { port } = probe;
          const names = (p: { name?: string; containerPort: number }): boolean => (typeof port === "string" ? p.name === port : p.containerPort === port);
          if (ports.some(names)) continue;
          const cause = declared.some(names)
            ? "that port is not TCP, and the probe connects over TCP, so it always fails"
            : typeof port === "string"
              ? "the kubelet cannot resolve the name, so the probe always fails"
              : "the probe checks a port the container does not serve, so it fails unless the process listens there undeclared";
          findings.push({
            document,
            summary: "probe targets a port its container does not declare",
            path: `${path}.${probe.at}`,
            problem:
              `is ${JSON.stringify(port)}, but the TCP ports container ${container.name} declares are ${listOr(ports.map((p) => `${p.name ?? "(unnamed)"} ${p.containerPort}`), "none")}: ` +
              `${cause}; ${EFFECT[field]}`,
            fix: fixAt(document, "probe a port the container declares, by its name", `${componentField(document, "probes", { name: container.name, init })} and its \`ports\``),
          });
        }
      }
    }
    return findings;
  },
};
