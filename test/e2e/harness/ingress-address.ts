/**
 * Stand-in for the ingress controller's status updates. ingress-nginx
 * publishes its load balancer's address on every Ingress of its class;
 * Argo CD calls an Ingress without one Progressing. The controller cannot run
 * here (no pod network, no load balancer), so the harness publishes a
 * documentation-range address (192.0.2.0/24, never a traffic target) on the
 * Ingresses of the profile's class, through the status subresource, as the
 * controller would. Ingresses of another class get nothing, as in a real cluster.
 */
import type { Kubectl } from "./kubectl.js";

export const STAND_IN_INGRESS_ADDRESS = "192.0.2.10";

interface IngressLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { ingressClassName?: string };
  status?: { loadBalancer?: { ingress?: unknown[] } };
}

/** Publishes the address on every Ingress of `ingressClass` that has none yet; returns how many it updated. */
export async function publishIngressAddresses(kubectl: Kubectl, ingressClass: string): Promise<number> {
  const ingresses = await kubectl.list<IngressLike>("ingresses.networking.k8s.io");
  let updated = 0;
  for (const ing of ingresses) {
    if (ing.spec?.ingressClassName !== ingressClass || (ing.status?.loadBalancer?.ingress ?? []).length > 0) continue;
    const patch = JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: STAND_IN_INGRESS_ADDRESS }] } } });
    await kubectl.run(["patch", "ingress", ing.metadata?.name ?? "", "-n", ing.metadata?.namespace ?? "", "--subresource=status", "--type=merge", "-p", patch]);
    updated++;
  }
  return updated;
}
