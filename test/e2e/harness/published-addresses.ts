/**
 * Stand-ins for the two controllers that publish addresses and cannot run
 * here: the cloud's load-balancer controller (the status of a LoadBalancer
 * Service) and the ingress controller (the status of an Ingress of its
 * class, which ingress-nginx copies from its own load balancer). Argo CD
 * calls either Progressing until it has an address. The harness writes a
 * documentation-range address (192.0.2.0/24, never a traffic target) through
 * the status subresource, as those controllers would; Ingresses of another
 * class and other Service types get nothing, as in a real cluster.
 */
import type { Kubectl } from "./kubectl.js";

export const STAND_IN_ADDRESS = "192.0.2.10";

interface Addressable {
  metadata?: { name?: string; namespace?: string };
  spec?: { ingressClassName?: string; type?: string };
  status?: { loadBalancer?: { ingress?: unknown[] } };
}

async function publish(kubectl: Kubectl, resource: string, objects: readonly Addressable[]): Promise<number> {
  const patch = JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: STAND_IN_ADDRESS }] } } });
  let updated = 0;
  for (const o of objects) {
    if ((o.status?.loadBalancer?.ingress ?? []).length > 0) continue;
    await kubectl.run(["patch", resource, o.metadata?.name ?? "", "-n", o.metadata?.namespace ?? "", "--subresource=status", "--type=merge", "-p", patch]);
    updated++;
  }
  return updated;
}

/** Publishes the address on every Ingress of `ingressClass` and every LoadBalancer Service that has none yet. */
export async function publishAddresses(kubectl: Kubectl, ingressClass: string): Promise<number> {
  const ingresses = (await kubectl.list<Addressable>("ingresses.networking.k8s.io")).filter((i) => i.spec?.ingressClassName === ingressClass);
  const services = (await kubectl.list<Addressable>("services")).filter((s) => s.spec?.type === "LoadBalancer");
  return (await publish(kubectl, "ingress", ingresses)) + (await publish(kubectl, "service", services));
}
