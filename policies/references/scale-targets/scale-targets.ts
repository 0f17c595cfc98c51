import { type WorkloadRef, namespaceOf, sameRef } from "../../availability/workloads.js";
import { componentOf, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";
import { byCodeUnit } from "../../../generators/order.js";
import { fixAt, listOr } from "../fixes.js";
import { installedOutsideTree } from "../resolve.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Built-in kinds with a `/scale` subresource: what an HPA can scale. */
const SCALABLE = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"];
/** The controllers the VPA knows without a scale subresource (vertical-pod-autoscaler v1.8.1, controller_fetcher.go). */
const VPA_TARGETS = [...SCALABLE, "DaemonSet", "Job", "CronJob"];

interface Scaler {
  /** Where the reference is written. */
  readonly path: string;
  readonly ref: WorkloadRef | undefined;
  /** Kinds this scaler can act on. */
  readonly kinds: readonly string[];
  /** The app spec field it is rendered from. */
  readonly spec: string;
  readonly without: string;
}

function scalerOf(document: RenderedDocument): Scaler | undefined {
  const { object } = document;
  const spec = (object as Json).spec ?? {};
  if (object.kind === "HorizontalPodAutoscaler" && object.apiVersion.startsWith("autoscaling/")) {
    return { path: "spec.scaleTargetRef", ref: spec.scaleTargetRef, kinds: SCALABLE, spec: "autoscaling", without: "the HPA reports FailedGetScale and scales nothing" };
  }
  if (object.kind === "VerticalPodAutoscaler" && object.apiVersion.startsWith("autoscaling.k8s.io/")) {
    return { path: "spec.targetRef", ref: spec.targetRef, kinds: VPA_TARGETS, spec: "verticalScaling", without: "the VPA recommends nothing and sizes no pod" };
  }
  return undefined;
}

/** An autoscaler acts on a workload of its own namespace, named by kind, API group and name. */
export const scaleTargets: Policy = {
  id: "scale-targets",
  area: "references",
  severity: "Bug",
  description:
    "every HorizontalPodAutoscaler's scaleTargetRef and VerticalPodAutoscaler's targetRef names a workload of its namespace (kind, API group and name) of a kind it can act on",
  check(cluster: ClusterTree): Finding[] {
    return cluster.documents.flatMap((document): Finding[] => {
      const scaler = scalerOf(document);
      if (scaler === undefined) return [];
      const namespace = namespaceOf(document.object);
      if (installedOutsideTree(cluster, namespace).length > 0) return [];
      const ref = scaler.ref ?? {};
      const place = `\`${scaler.spec}\` of component ${componentOf(document.object)}`;
      const workloads = cluster.documents.filter((d) => namespaceOf(d.object) === namespace && VPA_TARGETS.includes(d.object.kind));
      const target = workloads.find((d) => sameRef(ref, { apiVersion: d.object.apiVersion, kind: d.object.kind, name: d.object.metadata.name }));
      if (target === undefined) {
        const sameName = workloads.filter((d) => d.object.metadata.name === ref.name).map((d) => `${d.object.apiVersion} ${resourceName(d.object)}`);
        const field = sameName.length > 0 ? (sameName.some((s) => s.endsWith(`${ref.kind}/${ref.name}`)) ? "apiVersion" : "kind") : "name";
        return [
          {
            document,
            summary: "autoscaler targets a workload that does not exist",
            path: `${scaler.path}.${field}`,
            problem:
              `is ${JSON.stringify((ref as Record<string, unknown>)[field] ?? null)}, but namespace ${namespace} has no ${ref.apiVersion ?? "(no apiVersion)"} ${ref.kind}/${ref.name}` +
              `${sameName.length > 0 ? ` (there is ${sameName.join(", ")})` : ` (its workloads: ${listOr(workloads.map((d) => resourceName(d.object)).sort(byCodeUnit), "none")})`}: ${scaler.without}`,
            fix: fixAt(document, "name the workload it scales, or remove the autoscaler with its workload", place),
          },
        ];
      }
      if (scaler.kinds.includes(target.object.kind)) return [];
      return [
        {
          document,
          summary: "autoscaler targets a workload it cannot scale",
          path: `${scaler.path}.kind`,
          problem: `is ${JSON.stringify(target.object.kind)}, which ${scaler.kinds === SCALABLE ? "has no scale subresource" : "the VPA does not know"}: ${scaler.without}`,
          fix: fixAt(document, `target a ${listOr(scaler.kinds, "")}, or remove the autoscaler`, place),
        },
      ];
    });
  },
};
