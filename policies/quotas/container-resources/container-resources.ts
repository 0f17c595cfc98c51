import { containersOf, podTemplates, sourceOf, componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { COMPUTE, type Side } from "../pod-resources.js";
import { formatBytes, formatCpu, parseQuantity, QUANTITY_FORMS, QuantityError } from "../quantity.js";

function where(document: RenderedDocument, container: string): string {
  return `container \`${container}\` in ${sourceOf(document)} (component ${componentOf(document.object)})`;
}

const SIDE_NOUN: Readonly<Record<Side, string>> = { requests: "request", limits: "limit" };

/**
 * Every container, init container and sidecar declares cpu and memory requests
 * and limits, each a valid quantity, with requests no greater than limits: the
 * scheduler places pods by their requests, quotas count them, and a container
 * without a limit can take a node's memory from its neighbours. Ephemeral
 * containers cannot carry resources and are rejected in manifests.
 */
export const containerResources: Policy = {
  id: "container-resources",
  area: "quotas",
  severity: "Bug",
  description: "every container (init containers and sidecars included) sets cpu and memory requests and limits, with requests <= limits",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const template of podTemplates(cluster)) {
      const { document } = template;
      for (const { container, path } of containersOf(template)) {
        const kind = path.includes(".initContainers[") ? (container.restartPolicy === "Always" ? "sidecar container" : "init container") : "container";
        if (path.includes(".ephemeralContainers[")) {
          findings.push({
            document,
            summary: "ephemeral container in a manifest",
            path,
            problem: `declares ephemeral container \`${container.name}\`, which the API server rejects in a pod template or a new pod ("ephemeral containers not allowed in pod template"); ephemeral containers take no resources of their own, so no request or limit could cover it`,
            fix: `remove it from ${sourceOf(document)} (component ${componentOf(document.object)}); attach a debug container to a running pod with \`kubectl debug\` instead`,
          });
          continue;
        }
        const values: Partial<Record<`${Side}.${string}`, bigint>> = {};
        for (const side of ["requests", "limits"] as const) {
          for (const r of COMPUTE) {
            const raw: unknown = container.resources?.[side]?.[r];
            const at = `${path}.resources.${side}.${r}`;
            if (raw === undefined || raw === null) {
              findings.push({
                document,
                summary: `${kind} has no ${r} ${SIDE_NOUN[side]}`,
                path: at,
                problem: "is not set",
                fix: `set \`resources.${side}.${r}\` on ${where(document, container.name)}`,
              });
              continue;
            }
            try {
              const nanos = parseQuantity(raw);
              if (nanos < 0n) {
                findings.push({ document, summary: `${kind} has a negative ${r} ${SIDE_NOUN[side]}`, path: at, problem: `is ${String(raw)}: must be zero or more`, fix: `set a positive \`resources.${side}.${r}\` on ${where(document, container.name)}` });
                continue;
              }
              values[`${side}.${r}`] = nanos;
            } catch (error) {
              if (!(error instanceof QuantityError)) throw error;
              findings.push({ document, summary: `${kind} ${r} ${SIDE_NOUN[side]} is not a quantity`, path: at, problem: `is ${JSON.stringify(raw)}, not a Kubernetes quantity (${QUANTITY_FORMS})`, fix: `write \`resources.${side}.${r}\` as a quantity on ${where(document, container.name)}` });
            }
          }
        }
        for (const r of COMPUTE) {
          const request = values[`requests.${r}`];
          const limit = values[`limits.${r}`];
          if (request === undefined || limit === undefined || request <= limit) continue;
          const format = r === "cpu" ? formatCpu : formatBytes;
          findings.push({
            document,
            summary: `${kind} requests more ${r} than its limit`,
            path: `${path}.resources.requests.${r}`,
            problem: `is ${format(request)}, more than \`resources.limits.${r}\` ${format(limit)} (the API server rejects a request above its limit)`,
            fix: `lower \`resources.requests.${r}\` to at most ${format(limit)}, or raise the limit, on ${where(document, container.name)}`,
          });
        }
      }
    }
    return findings;
  },
};
