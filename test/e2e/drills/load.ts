/**
 * Load the harness controls, and only through what the real metrics
 * pipeline reads: kwok's per-pod usage annotations (kwok's emulated kubelet
 * serves them, metrics-server scrapes them, the HPA controller computes CPU
 * and memory utilisation from them) and the custom metrics stand-in's
 * per-pod values. No HPA status is written.
 */
import { KubectlError, type Kubectl } from "../harness/kubectl.js";
import { METRIC_ANNOTATION_PREFIX } from "../standins/custom-metrics.js";

/** kwok's usage-from-annotation configuration reads these. */
const USAGE_CPU = "kwok.x-k8s.io/usage-cpu";
const USAGE_MEMORY = "kwok.x-k8s.io/usage-memory";
/** Far above any target the fleet's HPAs set, so each asks for its maximum. */
const HIGH = { cpu: "64", memory: "256Gi", custom: "1000000" };

export interface HpaView {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly target: string;
  readonly min: number;
  readonly max: number;
  readonly current: number;
  readonly customMetrics: readonly string[];
}

export async function listHpas(kubectl: Kubectl): Promise<HpaView[]> {
  const items = await kubectl.list<{
    metadata: { name: string; namespace: string };
    spec: { minReplicas?: number; maxReplicas: number; scaleTargetRef: { kind: string; name: string }; metrics?: { type: string; pods?: { metric?: { name?: string } } }[] };
    status?: { currentReplicas?: number };
  }>("horizontalpodautoscalers.autoscaling");
  return items.map((h) => ({
    key: `HorizontalPodAutoscaler/${h.metadata.namespace}/${h.metadata.name}`,
    namespace: h.metadata.namespace,
    name: h.metadata.name,
    target: `${h.spec.scaleTargetRef.kind}/${h.metadata.namespace}/${h.spec.scaleTargetRef.name}`,
    min: h.spec.minReplicas ?? 1,
    max: h.spec.maxReplicas,
    current: h.status?.currentReplicas ?? 0,
    customMetrics: (h.spec.metrics ?? []).flatMap((m) => (m.type === "Pods" && m.pods?.metric?.name ? [m.pods.metric.name] : [])),
  }));
}

const selectorOf = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(",");

/** The annotations a pod of `h` carries under load (`on`), or null for each to remove (back to the defaults). */
export function loadAnnotations(h: HpaView, on: boolean): Record<string, string | null> {
  const custom = h.customMetrics.map((m) => `${METRIC_ANNOTATION_PREFIX}${m}`);
  return {
    [USAGE_CPU]: on ? HIGH.cpu : null,
    [USAGE_MEMORY]: on ? HIGH.memory : null,
    ...Object.fromEntries(custom.map((a) => [a, on ? HIGH.custom : null])),
  };
}

/** The part of `want` a pod with `current` annotations lacks, as a merge patch's annotations; empty when it has it all. */
export function missingAnnotations(current: Readonly<Record<string, string>> | undefined, want: Readonly<Record<string, string | null>>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(want).filter(([k, v]) => (current?.[k] ?? null) !== v));
}

/**
 * Annotations on every pod of each HPA's target: high load, or (`off`) the
 * annotations removed, back to the defaults. Called about once a second while
 * pods come and go, so only the pods that lack them are patched.
 */
export async function setLoad(kubectl: Kubectl, hpas: readonly HpaView[], templateLabels: (target: string) => Readonly<Record<string, string>> | undefined, on: boolean): Promise<void> {
  for (const h of hpas) {
    const labels = templateLabels(h.target);
    if (!labels || Object.keys(labels).length === 0) continue;
    const want = loadAnnotations(h, on);
    const pods = await kubectl.list<{ metadata: { name: string; annotations?: Record<string, string> } }>("pods", h.namespace, selectorOf(labels));
    for (const pod of pods) {
      const patch = missingAnnotations(pod.metadata.annotations, want);
      if (Object.keys(patch).length === 0) continue;
      try {
        await kubectl.mergePatch("pods", h.namespace, pod.metadata.name, { metadata: { annotations: patch } });
      } catch (error) {
        // A pod deleted between the list and its patch (a rollout, a scale-down): the next call covers its successor.
        if (!(error instanceof KubectlError && /NotFound/.test(error.stderr))) throw error;
      }
    }
  }
}
