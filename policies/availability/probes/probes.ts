import type { IContainer } from "kubernetes-models/v1/Container";
import { type PodTemplate, componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { longRunningTemplates, specField, templateMetadataPath, renderedFrom } from "../workloads.js";

/** The pod annotation an app spec's `probesOptOut` renders, followed by the container name. */
export const NO_PROBES_PREFIX = "iot-fleet.io/no-probes.";

const PROBES = [
  { field: "readinessProbe", spec: "probes.readiness", without: "traffic reaches the pod before it can serve, and keeps reaching it when it cannot" },
  { field: "livenessProbe", spec: "probes.liveness", without: "a hung process is never restarted" },
] as const;

/** Containers that run as long as the pod: the regular ones and native sidecars (init containers with restartPolicy Always). */
function longRunningContainers(template: PodTemplate): { container: IContainer; path: string; init: boolean }[] {
  const regular = (template.spec.containers ?? []).map((container, i) => ({ container, path: `${template.path}.containers[${i}]`, init: false }));
  const sidecars = (template.spec.initContainers ?? []).flatMap((container, i) =>
    container.restartPolicy === "Always" ? [{ container, path: `${template.path}.initContainers[${i}]`, init: true }] : [],
  );
  return [...sidecars, ...regular];
}

/** Kubernetes only routes to, and restarts, what it can observe: every long-running container has readiness and liveness probes. */
export const probes: Policy = {
  id: "probes",
  area: "availability",
  severity: "Bug",
  description: `every long-running container has a readiness and a liveness probe, unless its pod carries a reasoned ${NO_PROBES_PREFIX}<container> opt-out`,
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const template of longRunningTemplates(cluster)) {
      const { document } = template;
      const annotations = template.metadata.annotations ?? {};
      const annotationsPath = `${templateMetadataPath(template)}.annotations`;
      const containers = longRunningContainers(template);
      for (const { container, path, init } of containers) {
        const optOut = annotations[`${NO_PROBES_PREFIX}${container.name}`];
        if (optOut !== undefined && optOut.trim() !== "") continue;
        if (optOut !== undefined) {
          findings.push({
            document,
            summary: "probe opt-out gives no reason",
            path: `${annotationsPath}["${NO_PROBES_PREFIX}${container.name}"]`,
            problem: `is ${JSON.stringify(optOut)}, so it cannot excuse container ${container.name} from its probes`,
            fix: `say why the container has no probes in ${specField(document, container.name, init, "probesOptOut")}, or give it probes instead`,
          });
          continue;
        }
        for (const probe of PROBES) {
          if (container[probe.field] !== undefined) continue;
          findings.push({
            document,
            summary: `container has no ${probe.field === "readinessProbe" ? "readiness" : "liveness"} probe`,
            path: `${path}.${probe.field}`,
            problem: `is not set, so ${probe.without}`,
            fix: `set ${specField(document, container.name, init, probe.spec)} (or \`probesOptOut\` with the reason it cannot have one)`,
          });
        }
      }
      // An opt-out for a container the pod does not have is stale: advisory only.
      const names = new Set(containers.map((c) => c.container.name));
      for (const key of Object.keys(annotations)) {
        if (!key.startsWith(NO_PROBES_PREFIX) || names.has(key.slice(NO_PROBES_PREFIX.length))) continue;
        findings.push({
          document,
          severity: "Warning",
          summary: "probe opt-out names no long-running container",
          path: `${annotationsPath}["${key}"]`,
          problem: `names container ${key.slice(NO_PROBES_PREFIX.length)}, which this pod does not run (it runs ${[...names].join(", ")})`,
          fix: `remove the stale opt-out, or make it name one of the pod's containers: check \`probesOptOut\` of component ${componentOf(document.object)} and its sidecars in ${renderedFrom(document)}`,
        });
      }
    }
    return findings;
  },
};
