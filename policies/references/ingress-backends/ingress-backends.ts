import type { IIngressBackend } from "kubernetes-models/networking.k8s.io/v1/IngressBackend";
import { type IIngress, Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IService } from "kubernetes-models/v1/Service";
import { namespaceOf } from "../../availability/workloads.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { fixAt, listOr } from "../fixes.js";
import { installedOutsideTree, objectsIn } from "../resolve.js";

/** Every service backend of an Ingress with its field path: the default backend, then each rule's paths. */
function backends(ingress: IIngress): { backend: IIngressBackend; path: string }[] {
  const out: { backend: IIngressBackend; path: string }[] = [];
  if (ingress.spec?.defaultBackend) out.push({ backend: ingress.spec.defaultBackend, path: "spec.defaultBackend" });
  (ingress.spec?.rules ?? []).forEach((rule, r) =>
    (rule.http?.paths ?? []).forEach((p, i) => out.push({ backend: p.backend, path: `spec.rules[${r}].http.paths[${i}].backend` })),
  );
  return out;
}

function portNames(service: IService): string {
  return listOr(
    (service.spec?.ports ?? []).map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))),
    "none",
  );
}

/** The ingress controller routes a path only to a Service of the Ingress's namespace, on one of that Service's ports. */
export const ingressBackends: Policy = {
  id: "ingress-backends",
  area: "references",
  severity: "Bug",
  description: "every service backend of an Ingress names a Service of its namespace and one of that Service's ports (by name or number)",
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      const { object } = document;
      if (!Ingress.is(object)) continue;
      const namespace = namespaceOf(document.object);
      if (installedOutsideTree(cluster, namespace).length > 0) continue;
      const services = objectsIn(cluster, "v1", "Service", namespace);
      const spec = `\`ingresses\` (its \`component\` and \`port\`)`;
      for (const { backend, path } of backends(object)) {
        const ref = backend.service;
        if (ref === undefined) continue;
        const found = services.find((s) => s.object.metadata.name === ref.name) as RenderedDocument | undefined;
        if (found === undefined) {
          findings.push({
            document,
            summary: "Ingress backend names no Service",
            path: `${path}.service.name`,
            problem: `is ${JSON.stringify(ref.name)}, but namespace ${namespace} has no such Service (it has ${listOr(services.map((s) => s.object.metadata.name), "none")}): the controller answers 503 on this path`,
            fix: fixAt(document, "name the Service of the component this path serves", spec),
          });
          continue;
        }
        const service = found.object as unknown as IService;
        if (service.spec?.type === "ExternalName") continue;
        const ports = service.spec?.ports ?? [];
        const byName = ref.port?.name;
        const byNumber = ref.port?.number;
        const ok = byName !== undefined ? ports.some((p) => p.name === byName) : byNumber !== undefined ? ports.some((p) => p.port === byNumber) : false;
        if (ok) continue;
        const field = byName !== undefined ? "port.name" : byNumber !== undefined ? "port.number" : "port";
        findings.push({
          document,
          summary: "Ingress backend names no port of its Service",
          path: `${path}.service.${field}`,
          problem: `is ${byName !== undefined ? JSON.stringify(byName) : (byNumber ?? "not set")}, but Service/${ref.name} has no such port (it has ${portNames(service)}): the controller answers 503 on this path`,
          fix: fixAt(document, `name one of Service/${ref.name}'s ports`, spec),
        });
      }
    }
    return findings;
  },
};
