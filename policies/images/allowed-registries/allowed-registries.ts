import { specField } from "../../availability/workloads.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { ImageReferenceError, containerImages } from "../reference.js";

/**
 * The registries the fleet pulls from, and why each is trusted. Hosts are
 * compared after normalisation (`index.docker.io` is `docker.io`; a port is
 * part of the host, so `docker.io:443` is a different registry).
 */
export const ALLOWED_REGISTRIES: Readonly<Record<string, string>> = {
  "docker.io": "Docker Hub: every app image and the official redis, mongo, kafka, timescaledb and fluent-bit images",
  "ghcr.io": "GitHub Container Registry: external-secrets and the other platform add-ons published there",
  "quay.io": "Quay: Argo CD, cert-manager and the Prometheus operator",
  "registry.k8s.io": "the Kubernetes project's registry: the vertical pod autoscaler, kube-state-metrics and other SIG images",
};

/** Images come only from registries the fleet has decided to trust and can mirror. */
export const allowedRegistries: Policy = {
  id: "allowed-registries",
  area: "images",
  severity: "Bug",
  description: `every container image comes from an allowed registry (${Object.keys(ALLOWED_REGISTRIES).join(", ")})`,
  check(cluster: ClusterTree): Finding[] {
    const allowed = Object.keys(ALLOWED_REGISTRIES);
    const findings: Finding[] = [];
    // A reference that does not parse is pinned-images' finding; its registry cannot be judged.
    for (const { template, at, path, image, reference } of containerImages(cluster)) {
      if (reference instanceof ImageReferenceError || Object.hasOwn(ALLOWED_REGISTRIES, reference.registry)) continue;
      findings.push({
        document: template.document,
        summary: "image comes from a registry that is not allowed",
        path,
        problem: `is "${image}", from registry ${reference.registry}, which is not one of ${allowed.join(", ")}`,
        fix: `set ${specField(template.document, at.container.name, at.init, "image.registry")} to one of ${allowed.join(", ")} (or add ${reference.registry}, with the reason it is trusted, to ALLOWED_REGISTRIES in policies/images/allowed-registries/allowed-registries.ts)`,
      });
    }
    return findings;
  },
};
