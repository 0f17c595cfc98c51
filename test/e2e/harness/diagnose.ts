/**
 * Why an Application is not Synced and Healthy, object by object, in lines a
 * reviewer understands without the cluster: Argo CD's own verdict first
 * (sync error, comparison error, health message), then the object's
 * conditions, its last Events and, for pods that are not running, why.
 */
import type { Kubectl, KubeObject } from "./kubectl.js";
import { isDone, type ApplicationState, type ResourceStatus } from "./wait.js";

export interface ObjectFinding {
  readonly object: string;
  readonly sync?: string;
  readonly health?: string;
  readonly message?: string;
  readonly conditions: readonly string[];
  readonly events: readonly string[];
}

export interface ApplicationFinding {
  readonly application: string;
  readonly sync: string;
  readonly health: string;
  /** One line: what is wrong, naming the object and the reason. */
  readonly reason: string;
  readonly details: readonly string[];
  readonly objects: readonly ObjectFinding[];
}

const ref = (r: { kind: string; namespace?: string; name: string }): string => `${r.kind}/${r.namespace ? `${r.namespace}/` : ""}${r.name}`;

/** Condition types that are good news when True; any other condition, or one of these not True, is shown. */
const GOOD_CONDITIONS = /^(Ready|Available|Synced|Complete|Progressing|Initialized|PodScheduled|ContainersReady|AbleToScale|ScalingActive|Established|NamesAccepted)$/;

function conditionsOf(obj: KubeObject | undefined): string[] {
  const status = obj?.["status"] as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined;
  return (status?.conditions ?? [])
    .filter((c) => !(c.status === "True" && GOOD_CONDITIONS.test(c.type)))
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`);
}

async function eventsFor(kubectl: Kubectl, r: ResourceStatus): Promise<string[]> {
  if (!r.namespace) return [];
  const events = await kubectl
    .list<{ reason?: string; message?: string; type?: string; involvedObject?: { kind?: string; name?: string } }>("events", r.namespace)
    .catch(() => []);
  return events
    .filter((e) => e.involvedObject?.kind === r.kind && e.involvedObject?.name === r.name)
    .slice(-5)
    .map((e) => `${e.type ?? ""} ${e.reason ?? ""}: ${e.message ?? ""}`.trim());
}

async function getObject(kubectl: Kubectl, r: ResourceStatus): Promise<KubeObject | undefined> {
  const resource = r.group ? `${r.kind}.${r.group}` : r.kind;
  const args = r.namespace ? [resource, r.name, "-n", r.namespace] : [resource, r.name];
  return kubectl.getJson(args).catch(() => undefined);
}

/** Pods of a workload that are not Ready, with the scheduler's or kubelet's reason. */
async function podProblems(kubectl: Kubectl, r: ResourceStatus): Promise<string[]> {
  if (!r.namespace || !["Deployment", "StatefulSet", "Job", "DaemonSet"].includes(r.kind)) return [];
  const pods = await kubectl.list("pods", r.namespace).catch(() => []);
  const out: string[] = [];
  for (const p of pods) {
    const owner = ((p.metadata?.["ownerReferences"] as { name: string }[] | undefined) ?? [])[0]?.name ?? "";
    if (!owner.startsWith(r.name)) continue;
    const conds = ((p["status"] as { conditions?: { type: string; status: string; reason?: string; message?: string }[]; phase?: string })?.conditions ?? []).filter(
      (c) => c.status !== "True",
    );
    for (const c of conds) out.push(`pod ${p.metadata?.name}: ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`);
  }
  return out.slice(0, 5);
}

/** The first line a reviewer should read for an Application. */
export function reasonOf(s: ApplicationState): string {
  const cond = s.conditions.find((c) => /Error|Warning/.test(c.type));
  if (cond) return `${cond.type}: ${cond.message}`;
  if (s.operationPhase && s.operationPhase !== "Succeeded" && s.operationMessage) return `sync ${s.operationPhase}: ${s.operationMessage}`;
  const outOfSync = s.resources.filter((r) => r.status && r.status !== "Synced");
  const unhealthy = s.resources.filter((r) => r.health?.status && r.health.status !== "Healthy");
  if (unhealthy.length > 0) {
    const first = unhealthy[0] as ResourceStatus;
    return `${ref(first)} is ${first.health?.status}${first.health?.message ? `: ${first.health.message}` : ""}${unhealthy.length > 1 ? ` (and ${unhealthy.length - 1} more)` : ""}`;
  }
  // Argo CD v3 keeps resource health out of the Application's status; its health message names the cause.
  if (s.health !== "Healthy" && s.healthMessage) return `${s.health}: ${s.healthMessage}`;
  if (outOfSync.length > 0) return `${outOfSync.map(ref).slice(0, 3).join(", ")} ${outOfSync.length > 1 ? "are" : "is"} ${outOfSync[0]?.status}`;
  if (s.operationMessage) return s.operationMessage;
  return `${s.sync}/${s.health}${s.healthMessage ? `: ${s.healthMessage}` : ""}`;
}

/** The object Argo CD v3 names in an Application's health message ("Caused by apps/Deployment:ns/name"). */
export function causeOf(s: ApplicationState): ResourceStatus | undefined {
  const m = /Caused by (?:([\w.-]*)\/)?(\w+):(?:([\w.-]+)\/)?([\w.-]+)/.exec(s.healthMessage ?? "");
  if (!m) return undefined;
  return { group: m[1] || undefined, kind: m[2] ?? "", namespace: m[3], name: m[4] ?? "", health: { status: s.health } };
}

export async function diagnose(kubectl: Kubectl, states: readonly ApplicationState[]): Promise<ApplicationFinding[]> {
  const findings: ApplicationFinding[] = [];
  for (const s of states.filter((x) => !isDone(x))) {
    const cause = causeOf(s);
    const bad = [
      ...(cause ? [cause] : []),
      ...s.resources.filter((r) => (r.status && r.status !== "Synced") || (r.health?.status && r.health.status !== "Healthy")),
    ];
    const objects: ObjectFinding[] = [];
    for (const r of bad.slice(0, 10)) {
      const obj = await getObject(kubectl, r);
      objects.push({
        object: ref(r),
        sync: r.status,
        health: r.health?.status,
        message: r.health?.message,
        conditions: [...conditionsOf(obj), ...(await podProblems(kubectl, r))],
        events: await eventsFor(kubectl, r),
      });
    }
    findings.push({
      application: s.name,
      sync: s.sync,
      health: s.health,
      reason: reasonOf(s),
      details: [
        ...s.conditions.map((c) => `${c.type}: ${c.message}`),
        ...(s.operationPhase ? [`last sync ${s.operationPhase}${s.operationMessage ? `: ${s.operationMessage}` : ""}`] : []),
      ],
      objects,
    });
  }
  return findings;
}
