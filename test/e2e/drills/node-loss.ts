/**
 * Drill 2, node loss: the node of each pool that holds the most quorum
 * members is deleted without a drain, as when a machine dies. Nothing fakes
 * the aftermath: kube-controller-manager's pod GC deletes the pods bound to
 * the missing node once its quarantine (40 s) has passed, and the
 * Deployment and StatefulSet controllers create them again on the rest.
 * Then a replacement joins under the same name (a node group replacing its
 * instance; a pod whose node-local volume lived there can only return to it).
 * Passes when no quorum ever has fewer ready members than it needs, every
 * workload is back at its count and Argo CD is Healthy.
 */
import { chooseNode } from "./arithmetic.js";
import { nodeLoads } from "./drain.js";
import { addedLine, autoscale, createNode, minimum, nodeIndex, sampleUntil, since, waitHealthy, type DrillContext, type DrillResult } from "./drill.js";
import { MarginLog, observe, quorumMargins, shortOf } from "./observe.js";

/** Pod GC quarantine (40 s), then the controllers and the scheduler. */
const GC_BOUND_MS = 150_000;
const RECOVER_BOUND_MS = 180_000;

export async function nodeLossDrill(ctx: DrillContext): Promise<DrillResult> {
  const { kubectl, profile } = ctx.env;
  const started = Date.now();
  const saw: string[] = [];
  const quorums = new MarginLog();
  let reason: string | undefined;
  const notApplicable: string[] = [];
  const before = await observe(kubectl);
  quorums.add(quorumMargins(before));
  const loads = nodeLoads(before);
  const lost: { node: string; pool: string }[] = [];
  for (const pool of profile.nodePools) {
    const choice = chooseNode(pool.name, loads);
    if ("notApplicable" in choice) {
      notApplicable.push(choice.notApplicable.replace("a drain would", "its loss would"));
      saw.push(`no node deleted: ${choice.notApplicable}`);
    } else lost.push({ node: choice.node, pool: pool.name });
  }
  // A node of each pool at once: the harshest single fault per pool, and one pod GC quarantine to wait for.
  for (const { node } of lost) {
    const pods = before.pods.filter((p) => p.node === node && /^(Deployment|StatefulSet)\//.test(p.owner)).length;
    const members = loads.find((n) => n.node === node)?.members ?? 0;
    ctx.log(`node loss: deleting ${node} (${pods} pods, ${members} quorum members)`);
    saw.push(`${node}: deleted with ${pods} pods (${members} quorum members)`);
  }
  const lossStart = Date.now();
  if (lost.length > 0) await kubectl.run(["delete", "node", ...lost.map((l) => l.node), "--wait=true"]);
  const names = new Set(lost.map((l) => l.node));
  const gone = await sampleUntil(ctx, GC_BOUND_MS, (s) => !s.pods.some((p) => p.node !== undefined && names.has(p.node)), (s) => quorums.add(quorumMargins(s)));
  if (!gone.finished) reason ??= `the pods of deleted node(s) ${[...names].join(", ")} were not removed by the pod GC within ${GC_BOUND_MS / 1000}s`;
  else if (lost.length > 0) saw.push(`pod GC removed their pods ${since(lossStart)}s after the loss`);
  const replacements: string[] = [];
  for (const { node, pool } of lost) replacements.push(await createNode(ctx, pool, nodeIndex(node)));
  const added: string[] = [];
  const back = await sampleUntil(ctx, RECOVER_BOUND_MS, (s) => shortOf(s).length === 0, async (s) => {
    quorums.add(quorumMargins(s));
    await autoscale(ctx, s, added);
  });
  saw.push(...addedLine(added));
  // A lost quorum is the fault the drill exists to show; a slow or stuck recovery after it is its consequence.
  for (const b of quorums.breaches()) reason ??= `${b.subject} lost its quorum: ${b.ready} of ${b.of} members ready, it needs ${b.needs}`;
  const pending = back.last.pods.find((p) => p.unschedulable);
  const short = `after losing ${[...names].join(", ")}, still short: ${shortOf(back.last).join(", ")}${pending ? ` (${pending.name}: ${pending.unschedulable})` : ""}`;
  if (!back.finished && reason !== undefined) saw.push(short);
  else if (!back.finished) reason = short;
  else if (lost.length > 0) saw.push(`every workload back at its count ${since(lossStart)}s after the loss (replacements ${replacements.join(", ")} joined after the GC)`);
  const unhealthy = await waitHealthy(ctx);
  if (unhealthy) reason ??= unhealthy;
  const minimumReady = minimum(quorums);
  if (minimumReady) saw.push(`tightest quorum: ${minimumReady}`);
  return {
    drill: "node-loss",
    ok: reason === undefined,
    notApplicable: notApplicable.length === profile.nodePools.length ? notApplicable.join("; ") : undefined,
    secondsToRecover: since(started),
    minimumReady,
    saw,
    reason,
  };
}
