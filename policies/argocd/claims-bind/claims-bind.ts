import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { FIRST_CONSUMER_ANNOTATION } from "../../../generators/render/storage.js";
import type { VolumeBindingMode } from "../../../generators/fleet/types.js";
import { byCodeUnit } from "../../../generators/order.js";
import { renderedFrom } from "../../availability/workloads.js";
import { type PodTemplate, podTemplates, resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy, RenderedDocument } from "../../lib/types.js";

/** Kinds whose pods run all the time: once one is scheduled, a WaitForFirstConsumer claim it mounts binds. */
export const LONG_RUNNING_KINDS: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"];
/** Kinds whose pods run only when started or scheduled: a claim they alone mount waits for the first run. */
export const SCHEDULED_KINDS: readonly string[] = ["Job", "CronJob"];

/** The `Kind/name` items of a first-consumer annotation: split on commas, trimmed, empty items and duplicates dropped, sorted. */
export function consumerList(value: string | undefined): string[] {
  const items = (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return [...new Set(items)].sort(byCodeUnit);
}

/** The workloads that mount a claim, by how they run, each a sorted list of `Kind/name`. */
export interface ClaimConsumers {
  readonly longRunning: readonly string[];
  readonly scheduled: readonly string[];
}

/** Who mounts the claim `name` in `namespace`: the pod templates whose `volumes[].persistentVolumeClaim.claimName` names it. */
export function consumersOf(templates: readonly PodTemplate[], namespace: string, name: string): ClaimConsumers {
  const longRunning = new Set<string>();
  const scheduled = new Set<string>();
  for (const template of templates) {
    const { object } = template.document;
    if (object.metadata.namespace !== namespace) continue;
    if (!(template.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name)) continue;
    if (LONG_RUNNING_KINDS.includes(object.kind)) longRunning.add(resourceName(object));
    else if (SCHEDULED_KINDS.includes(object.kind)) scheduled.add(resourceName(object));
  }
  return { longRunning: [...longRunning].sort(byCodeUnit), scheduled: [...scheduled].sort(byCodeUnit) };
}

const PATH = `metadata.annotations["${FIRST_CONSUMER_ANNOTATION}"]`;
const HIDES = "the declaration would hide a claim that is stuck: Argo CD calls a Pending claim that carries it Healthy while no node is chosen for it";

/** How to set the annotation right: regenerate a generated claim, else edit it where it is rendered. */
function annotationFix(document: RenderedDocument, want: readonly string[]): string {
  const source = renderedFrom(document);
  const edit = want.length === 0 ? "remove the annotation" : `set it to the consumers \`${want.join(",")}\``;
  if (source.startsWith("apps/")) {
    return `the generators set it (FIRST_CONSUMER_ANNOTATION in generators/render/storage.ts) on the claims of ${source} that only Jobs and CronJobs mount: run \`npm run generate\` rather than editing the file; for a hand-written claim, ${edit}`;
  }
  return `${edit} where ${source} renders ${resourceName(document.object)}`;
}

/** How to give an unmounted claim a consumer, or drop it. */
function mountFix(document: RenderedDocument): string {
  const source = renderedFrom(document);
  const { name } = document.object.metadata;
  if (source.startsWith("apps/")) {
    return `mount it from the component that uses it (a volume \`{ claim: "${name}" }\` under its \`volumes\` in ${source}), or remove it from \`claims\` in ${source}; then run \`npm run generate\``;
  }
  return `mount it from the workload that uses it (a volume with \`persistentVolumeClaim.claimName: ${name}\`), or remove ${resourceName(document.object)} where ${source} renders it`;
}

function judge(document: RenderedDocument, cluster: ClusterTree, templates: readonly PodTemplate[], className: string, binding: VolumeBindingMode): Finding[] {
  const { metadata } = document.object;
  const namespace = metadata.namespace as string;
  const value = metadata.annotations?.[FIRST_CONSUMER_ANNOTATION];
  const declared = consumerList(value);
  const shown = JSON.stringify(value);
  const onClass = `storage class "${className}" binds ${binding} on cluster ${cluster.name}`;

  if (binding !== "WaitForFirstConsumer") {
    if (value === undefined) return [];
    return [
      {
        document,
        summary: "claim declares a first consumer it does not wait for",
        path: PATH,
        problem: `is ${shown}, but its ${onClass}, so it binds when created, not on first use; ${HIDES}`,
        fix: annotationFix(document, []),
      },
    ];
  }

  const { longRunning, scheduled } = consumersOf(templates, namespace, metadata.name);
  if (longRunning.length === 0 && scheduled.length === 0) {
    const health =
      value === undefined
        ? "Argo CD calls it Progressing, so its Application stays Progressing forever"
        : `its ${FIRST_CONSUMER_ANNOTATION} annotation (${shown}) makes Argo CD call it Healthy all the same, hiding that it is stuck`;
    return [
      {
        document,
        summary: "claim is never mounted, so it never binds",
        path: "",
        problem: `no pod template in namespace ${namespace} mounts it (\`volumes[].persistentVolumeClaim.claimName: ${metadata.name}\`) and its ${onClass}: it never binds, and ${health}`,
        fix: mountFix(document),
      },
    ];
  }

  if (longRunning.length > 0) {
    if (value === undefined) return [];
    return [
      {
        document,
        summary: "claim declares a first consumer it does not wait for",
        path: PATH,
        problem: `is ${shown}, but ${longRunning.join(", ")} ${longRunning.length === 1 ? "runs" : "run"} all the time and ${longRunning.length === 1 ? "mounts" : "mount"} it, so it binds as soon as that pod is scheduled; ${HIDES} (an unschedulable pod, no capacity in the zone)`,
        fix: annotationFix(document, []),
      },
    ];
  }

  if (value === undefined) {
    return [
      {
        document,
        summary: "claim that binds on its first scheduled run does not declare it",
        path: PATH,
        problem: `is not set, but its ${onClass} and only ${scheduled.join(", ")} ${scheduled.length === 1 ? "mounts" : "mount"} it: it binds only when ${scheduled.join(", ")} first ${scheduled.length === 1 ? "runs" : "run"}; until then Argo CD calls it Progressing and the Application never becomes Healthy`,
        fix: annotationFix(document, scheduled),
      },
    ];
  }

  const missing = scheduled.filter((c) => !declared.includes(c));
  const extra = declared.filter((c) => !scheduled.includes(c));
  if (missing.length === 0 && extra.length === 0) return [];
  const differences = [
    ...(extra.length > 0 ? [`${extra.join(", ")} ${extra.length === 1 ? "does" : "do"} not mount it`] : []),
    ...(missing.length > 0 ? [`${missing.join(", ")} ${missing.length === 1 ? "mounts" : "mount"} it and ${missing.length === 1 ? "is" : "are"} not named`] : []),
  ];
  return [
    {
      document,
      summary: "claim declares first consumers it does not have",
      path: PATH,
      problem: `is ${shown}, but the scheduled runs that mount it are ${scheduled.join(", ")} (${differences.join("; ")}); ${HIDES}`,
      fix: annotationFix(document, scheduled),
    },
  ];
}

/** A claim that binds on first use must have a consumer, and say so when its only consumers are scheduled runs. */
export const claimsBind: Policy = {
  id: "claims-bind",
  area: "argocd",
  severity: "Bug",
  description: `every PersistentVolumeClaim on a WaitForFirstConsumer class is mounted in its namespace, and carries ${FIRST_CONSUMER_ANNOTATION} naming its Jobs and CronJobs exactly when nothing long-running mounts it (never on an Immediate class)`,
  check(cluster: ClusterTree): Finding[] {
    const binding = cluster.profile?.storageClassBinding;
    if (binding === undefined) return [];
    const templates = podTemplates(cluster);
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      const { object } = document;
      if (!PersistentVolumeClaim.is(object) || object.metadata.namespace === undefined) continue;
      const className = object.spec?.storageClassName;
      // No class (the cluster default) or one the profile does not list: another policy judges the class itself.
      const mode = typeof className === "string" && Object.hasOwn(binding, className) ? binding[className] : undefined;
      if (typeof className !== "string" || mode === undefined) continue;
      findings.push(...judge(document, cluster, templates, className, mode));
    }
    return findings;
  },
};
