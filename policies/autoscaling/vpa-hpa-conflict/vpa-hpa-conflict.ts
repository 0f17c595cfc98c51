import { VerticalPodAutoscaler } from "@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler";
import type { IVerticalPodAutoscaler } from "@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler";
import { componentOf, podTemplates, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { type Autoscaler, autoscalers, namespaceOf, refersTo, sameRef, renderedFrom } from "../../availability/workloads.js";

/**
 * VPA v1 update modes (k8s.io/autoscaler/vertical-pod-autoscaler v1.8.1) that
 * change the requests of running pods: by eviction (Recreate, and Auto, its
 * deprecated alias) or by in-place resize (InPlace, InPlaceOrRecreate). An
 * unset mode defaults to Recreate (Auto before v1.5).
 */
export const RESIZING_MODES: readonly string[] = ["Auto", "Recreate", "InPlaceOrRecreate", "InPlace"];
/** Sets requests only when a pod is created: the HPA's new pods get them too, so the two still interact, more slowly. */
export const CREATION_ONLY_MODES: readonly string[] = ["Initial"];
/** The VPA's default controlled resources. */
const DEFAULT_CONTROLLED = ["cpu", "memory"];

interface ContainerPolicy {
  containerName?: string;
  mode?: string;
  controlledResources?: string[];
}

/** The resources the VPA sets for the target's containers (all of them when the target is not in the tree). */
function controlledResources(vpa: IVerticalPodAutoscaler, containerNames: readonly string[]): Set<string> {
  const policies = (vpa.spec?.resourcePolicy?.containerPolicies ?? []) as ContainerPolicy[];
  const controlled = new Set<string>();
  for (const name of containerNames.length > 0 ? containerNames : ["*"]) {
    const policy = policies.find((p) => p.containerName === name) ?? policies.find((p) => p.containerName === "*");
    if (policy?.mode === "Off") continue;
    for (const resource of policy?.controlledResources ?? DEFAULT_CONTROLLED) controlled.add(resource);
  }
  return controlled;
}

function targetContainers(cluster: ClusterTree, vpa: RenderedDocument): string[] {
  const ref = (vpa.object as unknown as IVerticalPodAutoscaler).spec?.targetRef;
  const target = podTemplates(cluster).find((t) => refersTo(ref, namespaceOf(vpa.object), t.document.object));
  return (target?.spec.containers ?? []).map((c) => c.name);
}

function fix(vpa: RenderedDocument, hpa: Autoscaler): string {
  const component = componentOf(vpa.object);
  const source = renderedFrom(vpa);
  return source.startsWith("apps/")
    ? `set \`verticalScaling.updateMode\` of component ${component} in ${source} to "Off" (recommendations only), or let \`autoscaling\` scale on a \`podsMetric\` instead of cpuUtilization/memoryUtilization`
    : `set spec.updatePolicy.updateMode to "Off" where ${source} renders ${resourceName(vpa.object)}, or scale ${resourceName(hpa.document.object)} on a metric other than cpu and memory`;
}

/**
 * An HPA on CPU or memory utilisation divides usage by requests; a VPA that
 * changes those requests moves the HPA's measure under it. Each undoes the
 * other and the pods churn.
 */
export const vpaHpaConflict: Policy = {
  id: "vpa-hpa-conflict",
  area: "autoscaling",
  severity: "Bug",
  description: "no VerticalPodAutoscaler that resizes pods (Auto, Recreate, InPlaceOrRecreate, InPlace, or unset) targets a workload whose HorizontalPodAutoscaler scales on a resource the VPA controls (cpu or memory)",
  check(cluster: ClusterTree): Finding[] {
    const hpas = autoscalers(cluster);
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      if (!VerticalPodAutoscaler.is(document.object)) continue;
      const vpa = document.object as unknown as IVerticalPodAutoscaler;
      const mode = vpa.spec?.updatePolicy?.updateMode;
      const resizing = mode === undefined || RESIZING_MODES.includes(mode);
      if (!resizing && !CREATION_ONLY_MODES.includes(mode)) continue;
      const ref = vpa.spec?.targetRef;
      const controlled = controlledResources(vpa, targetContainers(cluster, document));
      for (const hpa of hpas) {
        const sameTarget = ref !== undefined && hpa.target !== undefined && namespaceOf(hpa.document.object) === namespaceOf(document.object) && sameRef(ref, hpa.target);
        if (!sameTarget) continue;
        const shared = [...new Set(hpa.resourceMetrics.map((m) => m.resource))].filter((r) => controlled.has(r));
        if (shared.length === 0) continue;
        const modeText = mode === undefined ? "is not set, so it defaults to Recreate" : `is "${mode}"`;
        const implicit = hpa.resourceMetrics.some((m) => m.implicit) ? " (the API's default, as it names no metric)" : "";
        const what = `${ref?.kind}/${ref?.name}`;
        findings.push({
          document,
          severity: resizing ? undefined : "Warning",
          summary: resizing ? "VPA and HPA both resize the same pods" : "VPA sets requests the HPA scales on",
          path: "spec.updatePolicy.updateMode",
          problem: resizing
            ? `${modeText}, and ${resourceName(hpa.document.object)} scales ${what} on ${shared.join(" and ")} utilisation${implicit}, which is measured against the requests this VPA rewrites: both would resize the same pods, the VPA vertically by changing requests, the HPA horizontally in reaction, and they fight`
            : `${modeText}: every pod ${resourceName(hpa.document.object)} adds starts with the VPA's requests, which moves the ${shared.join(" and ")} utilisation the HPA scales ${what} on`,
          fix: fix(document, hpa),
        });
      }
    }
    return findings;
  },
};
