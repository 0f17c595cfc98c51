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
import { createNode, minimum, nodeIndex, sampleUntil, since, waitHealthy, type DrillContext, type DrillResult } from "./drill.js";
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
  for (const pool of profile.nodePools) {
    const before = await observe(kubectl);
    quorums.add(quorumMargins(before));
    const choice = chooseNode(pool.name, nodeLoads(before));
    if ("notApplicable" in choice) {
      notApplicable.push(choice.notApplicable.replace("a drain would", "its loss would"));
      saw.push(`no node deleted: ${choice.notApplicable}`);
      continue;
    }
    const node = choice.node;
    const lost = before.pods.filter((p) => p.node === node && /^(Deployment|StatefulSet)\//.test(p.owner));
    const members = nodeLoads(before).find((n) => n.node === node)?.members ?? 0;
    ctx.log(`node loss: deleting ${node} (${lost.length} pods, ${members} quorum members)`);
    const lossStart = Date.now();
    await kubectl.run(["delete", "node", node, "--wait=true"]);
    const gone = await sampleUntil(ctx, GC_BOUND_MS, (s) => !s.pods.some((p) => p.node === node), (s) => quorums.add(quorumMargins(s)));
    if (!gone.finished) {
      reason ??= `the pods of deleted node ${node} were not removed by the pod GC within ${GC_BOUND_MS / 1000}s`;
      saw.push(reason);
    } else saw.push(`${node}: deleted with ${lost.length} pods (${members} quorum members); pod GC removed them after ${since(lossStart)}s`);
    const replacement = await createNode(ctx, pool.name, nodeIndex(node));
    const back = await sampleUntil(ctx, RECOVER_BOUND_MS, (s) => shortOf(s).length === 0, (s) => quorums.add(quorumMargins(s)));
    if (!back.finished) reason ??= `after losing ${node}, still short: ${shortOf(back.last).join(", ")}${back.last.pods.find((p) => p.unschedulable) ? ` (${back.last.pods.find((p) => p.unschedulable)?.unschedulable})` : ""}`;
    else saw.push(`${node}: every workload back at its count ${since(lossStart)}s after the loss (replacement ${replacement} joined after the GC)`);
  }
  const unhealthy = await waitHealthy(ctx);
  if (unhealthy) reason ??= unhealthy;
  for (const b of quorums.breaches()) reason ??= `${b.subject} lost its quorum: ${b.ready} of ${b.of} members ready, it needs ${b.needs}`;
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
