/**
 * Waits for Argo CD to call every Application Synced and Healthy, by its own
 * health rules, polling with a deadline (never a fixed sleep). When the
 * deadline passes it collects, per unhealthy object, what a reviewer needs:
 * sync and health status, message, conditions, last Events and, for pods,
 * why they are not running.
 */
import { ARGOCD_NAMESPACE } from "./argocd.js";
import { findBlockers } from "./blockers.js";
import type { Kubectl, KubeObject } from "./kubectl.js";

export interface ResourceStatus {
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status?: string;
  readonly health?: { readonly status?: string; readonly message?: string };
}

export interface ApplicationState {
  readonly name: string;
  readonly sync: string;
  readonly health: string;
  readonly healthMessage?: string;
  readonly operationPhase?: string;
  readonly operationMessage?: string;
  readonly conditions: readonly { readonly type: string; readonly message: string }[];
  readonly resources: readonly ResourceStatus[];
}

export function applicationState(app: KubeObject): ApplicationState {
  const status = (app["status"] ?? {}) as {
    sync?: { status?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string };
    conditions?: { type: string; message: string }[];
    resources?: ResourceStatus[];
  };
  return {
    name: app.metadata?.name ?? "?",
    sync: status.sync?.status ?? "Unknown",
    health: status.health?.status ?? "Unknown",
    healthMessage: status.health?.message,
    operationPhase: status.operationState?.phase,
    operationMessage: status.operationState?.message,
    conditions: status.conditions ?? [],
    resources: status.resources ?? [],
  };
}

export const isDone = (s: ApplicationState): boolean => s.sync === "Synced" && s.health === "Healthy";

export interface WaitResult {
  readonly ok: boolean;
  /** Problems waiting would not fix (blockers.ts), each seen for BLOCKED_FOR_MS or at the end. */
  readonly blockers: readonly string[];
  readonly states: readonly ApplicationState[];
  /** Seconds from the start of the wait until each Application was first Synced and Healthy. */
  readonly healthyAfter: Readonly<Record<string, number>>;
  readonly seconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A blocker seen this long is taken as final: the run stops waiting and reports it. */
export const BLOCKED_FOR_MS = 20_000;

/**
 * Polls the named Applications until all are Synced and Healthy (and nothing
 * blocks), a blocker has stood for BLOCKED_FOR_MS, or the timeout passes.
 */
export async function waitForApplications(
  kubectl: Kubectl,
  names: readonly string[],
  timeoutMs: number,
  progress: (line: string) => void = () => {},
  /** Runs at every poll: the stand-ins that react to what Argo CD created. */
  onPoll: () => Promise<void> = async () => {},
  /** Refusals recorded before this moment (a drill's recovered faults) are not blockers. */
  eventsSinceMs = 0,
): Promise<WaitResult> {
  const started = Date.now();
  const healthyAfter: Record<string, number> = {};
  const firstSeen = new Map<string, number>();
  let states: ApplicationState[] = [];
  let last = "";
  for (;;) {
    await onPoll();
    const blockers = await findBlockers(kubectl, eventsSinceMs);
    const now = Date.now();
    for (const b of [...firstSeen.keys()]) if (!blockers.includes(b)) firstSeen.delete(b);
    for (const b of blockers) if (!firstSeen.has(b)) firstSeen.set(b, now);
    const standing = blockers.filter((b) => now - (firstSeen.get(b) ?? now) >= BLOCKED_FOR_MS);
    const apps = await kubectl.list("applications.argoproj.io", ARGOCD_NAMESPACE);
    states = apps.map(applicationState).filter((s) => names.includes(s.name));
    const elapsed = (Date.now() - started) / 1000;
    for (const s of states) if (isDone(s) && healthyAfter[s.name] === undefined) healthyAfter[s.name] = Math.round(elapsed);
    const pending = names.filter((n) => {
      const s = states.find((x) => x.name === n);
      return !s || !isDone(s);
    });
    // Healthy once is not enough if something flips back; require all at the same poll.
    if (pending.length === 0) return { ok: blockers.length === 0, blockers, states, healthyAfter, seconds: elapsed };
    if (standing.length > 0) return { ok: false, blockers: standing, states, healthyAfter, seconds: elapsed };
    const line = `waiting for ${pending.length}/${names.length}: ${pending
      .map((n) => {
        const s = states.find((x) => x.name === n);
        return `${n} (${s ? `${s.sync}/${s.health}` : "not created"})`;
      })
      .join(", ")}`;
    if (line !== last) progress(line);
    last = line;
    if (Date.now() - started > timeoutMs) return { ok: false, blockers, states, healthyAfter, seconds: elapsed };
    await sleep(2000);
  }
}
