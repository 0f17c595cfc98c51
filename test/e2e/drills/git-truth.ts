/**
 * Drill 5, Git is the truth: a hand edit of a managed ConfigMap is reverted
 * by Argo CD's self-heal, a deleted managed ConfigMap is created again, and
 * when an Application holding a PersistentVolumeClaim is deleted (with its
 * resources finalizer, so Argo CD deletes what it synced) the claim stays,
 * still Bound, because of its prune guard. The Application is then created
 * again from the committed objects and must come back Synced and Healthy.
 */
import { ARGOCD_NAMESPACE } from "../harness/argocd.js";
import type { KubeObject } from "../harness/kubectl.js";
import { applicationState } from "../harness/wait.js";
import { since, sleep, waitHealthy, type DrillContext, type DrillResult } from "./drill.js";

const EDIT_BOUND_MS = 180_000;
const HAND_EDIT = "edited by hand";

interface ConfigMapLike {
  metadata: { name: string; namespace: string; uid?: string };
  data?: Record<string, string>;
}

async function waitFor(boundMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (await check()) return true;
    if (Date.now() - started > boundMs) return false;
    await sleep(2000);
  }
}

/** The Application whose claims are all Bound and which syncs the fewest objects (the quickest to bring back). */
async function applicationWithClaim(ctx: DrillContext): Promise<{ app: string; claims: { namespace: string; name: string }[] } | undefined> {
  const apps = (await ctx.env.kubectl.list("applications.argoproj.io", ARGOCD_NAMESPACE)).map(applicationState);
  const bound = new Set(
    (await ctx.env.kubectl.list<{ metadata: { name: string; namespace: string }; status?: { phase?: string } }>("persistentvolumeclaims"))
      .filter((c) => c.status?.phase === "Bound")
      .map((c) => `${c.metadata.namespace}/${c.metadata.name}`),
  );
  const candidates = apps
    .map((a) => ({ app: a.name, size: a.resources.length, claims: a.resources.filter((r) => r.kind === "PersistentVolumeClaim").map((r) => ({ namespace: r.namespace ?? "", name: r.name })) }))
    .filter((a) => a.claims.length > 0 && a.claims.every((c) => bound.has(`${c.namespace}/${c.name}`)))
    .sort((a, b) => a.size - b.size || (a.app < b.app ? -1 : 1));
  return candidates[0];
}

export async function gitTruthDrill(ctx: DrillContext): Promise<DrillResult> {
  const { kubectl } = ctx.env;
  const started = Date.now();
  const saw: string[] = [];
  let reason: string | undefined;
  const configMaps = (await kubectl.list<ConfigMapLike & { metadata: { labels?: Record<string, string> } }>("configmaps")).filter(
    (c) => c.metadata.labels?.["app.kubernetes.io/managed-by"] === "iot-fleet-generators",
  );
  const [edited, deleted] = [...configMaps].filter((c) => Object.keys(c.data ?? {}).length > 0).sort((a, b) => (`${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1));

  // A hand edit: a value Git sets, changed with kubectl. Self-heal puts Git's value back
  // (a key Git does not set would be no difference at all to Argo CD).
  const editedKey = Object.keys(edited?.data ?? {}).sort()[0];
  if (edited && editedKey !== undefined) {
    const key = `ConfigMap/${edited.metadata.namespace}/${edited.metadata.name}`;
    const original = edited.data?.[editedKey];
    const t = Date.now();
    await kubectl.run(["patch", "configmap", edited.metadata.name, "-n", edited.metadata.namespace, "--type=merge", "-p", JSON.stringify({ data: { [editedKey]: HAND_EDIT } })]);
    const reverted = await waitFor(EDIT_BOUND_MS, async () => {
      const now = await kubectl.getJson<ConfigMapLike>(["configmap", edited.metadata.name, "-n", edited.metadata.namespace]);
      return now.data?.[editedKey] === original;
    });
    if (reverted) saw.push(`${key}: hand edit of data.${editedKey} reverted by self-heal in ${since(t)}s`);
    else reason ??= `${key}: a hand edit of data.${editedKey} was not reverted within ${EDIT_BOUND_MS / 1000}s: self-heal is off or the field is ignored`;
  }

  // A deleted managed object comes back.
  if (deleted) {
    const key = `ConfigMap/${deleted.metadata.namespace}/${deleted.metadata.name}`;
    const t = Date.now();
    await kubectl.run(["delete", "configmap", deleted.metadata.name, "-n", deleted.metadata.namespace, "--wait=true"]);
    const back = await waitFor(EDIT_BOUND_MS, async () => {
      const out = await kubectl.run(["get", "configmap", deleted.metadata.name, "-n", deleted.metadata.namespace, "--ignore-not-found", "-o", "name"]);
      return out.trim() !== "";
    });
    if (back) saw.push(`${key}: deleted, recreated by Argo CD in ${since(t)}s`);
    else reason ??= `${key}: deleted and not recreated within ${EDIT_BOUND_MS / 1000}s`;
  }

  // The prune guard: an Application deleted with its resources; its claims stay Bound.
  const holder = await applicationWithClaim(ctx);
  if (!holder) saw.push("no Application holds a Bound PersistentVolumeClaim: prune guard not exercised");
  else {
    const committed = ctx.target.applications.find((a) => a.metadata?.name === holder.app) as KubeObject;
    const t = Date.now();
    ctx.log(`git truth: deleting Application ${holder.app} with its resources`);
    await kubectl.run(["delete", "applications.argoproj.io", holder.app, "-n", ARGOCD_NAMESPACE, "--wait=true", "--timeout=180s"]);
    const claims = await kubectl.list<{ metadata: { name: string; namespace: string; deletionTimestamp?: string }; status?: { phase?: string } }>("persistentvolumeclaims");
    for (const c of holder.claims) {
      const found = claims.find((x) => x.metadata.namespace === c.namespace && x.metadata.name === c.name);
      const key = `PersistentVolumeClaim/${c.namespace}/${c.name}`;
      if (!found || found.metadata.deletionTimestamp) reason ??= `${key} was deleted with Application/${holder.app}: it needs argocd.argoproj.io/sync-options: Prune=false,Delete=false (generators/render/storage.ts)`;
      else if (found.status?.phase !== "Bound") reason ??= `${key} stayed but is ${found.status?.phase}, not Bound`;
      else saw.push(`${key}: stayed Bound after Application/${holder.app} was deleted (${since(t)}s)`);
    }
    await kubectl.apply([committed]);
    const back = await waitHealthy(ctx);
    if (back) reason ??= `Application/${holder.app} re-created from the committed object: ${back}`;
    else saw.push(`Application/${holder.app}: re-created from the committed object, Synced and Healthy ${since(t)}s after the deletion`);
  }
  const unhealthy = await waitHealthy(ctx);
  if (unhealthy) reason ??= unhealthy;
  return { drill: "git-truth", ok: reason === undefined, secondsToRecover: since(started), saw, reason };
}
