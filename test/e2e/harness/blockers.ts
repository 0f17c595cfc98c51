/**
 * Problems that waiting will not fix, found while Argo CD syncs, each as one
 * line naming the object and the reason: a pod no node can take, a workload
 * whose pods the API server refuses (quota, Pod Security), an Application
 * Argo CD refuses to sync, and a pod started before a Secret it reads
 * existed. kwok stands in for the kubelet, so the last one is checked here,
 * where a real kubelet would have failed the container
 * (CreateContainerConfigError) and held the sync wave.
 */
import { ARGOCD_NAMESPACE } from "./argocd.js";
import type { Kubectl, KubeObject } from "./kubectl.js";
import { applicationState } from "./wait.js";

interface Event {
  metadata?: { creationTimestamp?: string };
  lastTimestamp?: string;
  eventTime?: string;
  series?: { lastObservedTime?: string };
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
}

interface PodLike {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string; ownerReferences?: { kind: string; name: string }[] };
  spec?: {
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
    volumes?: { secret?: { secretName?: string; optional?: boolean } }[];
  };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

interface ContainerLike {
  env?: { valueFrom?: { secretKeyRef?: { name?: string; optional?: boolean } } }[];
  envFrom?: { secretRef?: { name?: string; optional?: boolean } }[];
}

/** Kinds whose Argo CD conditions mean the Application cannot sync as it is. */
const APPLICATION_ERRORS = /^(InvalidSpecError|ComparisonError|SyncError)$/;

const owner = (pod: PodLike): string => {
  const ref = pod.metadata?.ownerReferences?.[0];
  // A ReplicaSet's name is its Deployment's plus a hash.
  if (ref?.kind === "ReplicaSet") return `Deployment/${pod.metadata?.namespace}/${ref.name.replace(/-[a-z0-9]+$/, "")}`;
  return ref ? `${ref.kind}/${pod.metadata?.namespace}/${ref.name}` : `Pod/${pod.metadata?.namespace}/${pod.metadata?.name}`;
};

/** Secrets a pod cannot start without. */
export function requiredSecrets(pod: PodLike): string[] {
  const names = new Set<string>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref?.name && !ref.optional) names.add(ref.name);
    }
    for (const e of c.envFrom ?? []) if (e.secretRef?.name && !e.secretRef.optional) names.add(e.secretRef.name);
  }
  for (const v of pod.spec?.volumes ?? []) if (v.secret?.secretName && !v.secret.optional) names.add(v.secret.secretName);
  return [...names].sort();
}

/** Pods that started before (or without) a Secret they read: what a real kubelet refuses to run. */
export function secretsMissingAtStart(pods: readonly PodLike[], secrets: readonly KubeObject[]): string[] {
  const created = new Map(secrets.map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, Date.parse(String(s.metadata?.["creationTimestamp"] ?? ""))]));
  const out = new Set<string>();
  for (const pod of pods) {
    const started = Date.parse(pod.metadata?.creationTimestamp ?? "");
    for (const name of requiredSecrets(pod)) {
      const at = created.get(`${pod.metadata?.namespace}/${name}`);
      // Timestamps have one-second resolution: only a Secret from a later second is provably late.
      if (at === undefined) out.add(`${owner(pod)}: its pods read Secret ${name}, which does not exist (a kubelet fails them with CreateContainerConfigError)`);
      else if (at > started) {
        out.add(`${owner(pod)}: its pods started before Secret ${name} existed (a kubelet fails them with CreateContainerConfigError until it appears, and the sync wave waits): sync the Secret's source in an earlier wave`);
      }
    }
  }
  return [...out];
}

/** When an Event last happened, whichever of its timestamps is set. */
const lastSeen = (e: Event): number =>
  Math.max(...[e.series?.lastObservedTime, e.lastTimestamp, e.eventTime, e.metadata?.creationTimestamp].map((t) => (t ? Date.parse(t) : 0)));

/**
 * `sinceMs`: only Events from then on count. A cluster that has been through
 * a fault keeps the refusals it recovered from as Events for an hour.
 */
export async function findBlockers(kubectl: Kubectl, sinceMs = 0): Promise<string[]> {
  const out: string[] = [];
  for (const app of await kubectl.list("applications.argoproj.io", ARGOCD_NAMESPACE)) {
    const s = applicationState(app);
    for (const c of s.conditions) if (APPLICATION_ERRORS.test(c.type)) out.push(`Application/${s.name}: ${c.type}: ${c.message}`);
    if (s.operationMessage && /retried \d+ times|retrying attempt/.test(s.operationMessage)) out.push(`Application/${s.name}: sync failed: ${s.operationMessage}`);
  }
  const pods = await kubectl.list<PodLike>("pods");
  for (const pod of pods) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") out.push(`${owner(pod)}: pod ${pod.metadata?.name} cannot be scheduled: ${scheduled.message ?? ""}`);
  }
  const events = await kubectl.list<Event>("events");
  const refused = new Set<string>();
  for (const e of events) {
    if (e.type !== "Warning" || e.reason !== "FailedCreate" || !/forbidden/.test(e.message ?? "")) continue;
    // Event times have one-second resolution.
    if (lastSeen(e) < sinceMs - 1000) continue;
    const kind = e.involvedObject?.kind === "ReplicaSet" ? "Deployment" : e.involvedObject?.kind;
    const name = e.involvedObject?.kind === "ReplicaSet" ? (e.involvedObject.name ?? "").replace(/-[a-z0-9]+$/, "") : e.involvedObject?.name;
    // Each refused pod has a new name; without it the line stays the same while the cause does, so it can stand.
    const why = (e.message ?? "").replace(/^.*?is forbidden: /, "");
    refused.add(`${kind}/${e.involvedObject?.namespace}/${name}: the API server refuses its pods: ${why}`);
  }
  out.push(...refused);
  out.push(...secretsMissingAtStart(pods, await kubectl.list("secrets")));
  return out;
}
