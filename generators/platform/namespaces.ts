import { Namespace } from "kubernetes-models/v1/Namespace";
import { PLATFORM } from "../fleet/platform.js";
import type { ClusterProfile } from "../fleet/types.js";
import type { KubeObject } from "../render/app.js";
import { DATA_SAFETY_ANNOTATIONS } from "../render/context.js";
import { byCodeUnit } from "../order.js";
import { plain, platformLabels } from "./addon.js";

/** Namespaces of the platform add-ons. kube-system exists in every cluster and is never managed here. */
export const PLATFORM_NAMESPACES = {
  ingress: PLATFORM.ingressNamespace,
  monitoring: PLATFORM.monitoringNamespace,
  certManager: "cert-manager",
  externalSecrets: "external-secrets",
  system: "kube-system",
} as const;

/**
 * Pod Security level each namespace enforces. Add-on pods come from upstream
 * charts this repository does not render, so their namespaces enforce
 * "baseline" and audit and warn at "restricted". Monitoring is "privileged":
 * node-exporter reads the host (host network, PID namespace and filesystem).
 */
const ENFORCED: Readonly<Record<string, "baseline" | "privileged">> = {
  [PLATFORM_NAMESPACES.monitoring]: "privileged",
};

export const NAMESPACES_ADDON = "platform-namespaces";

/** The add-on namespaces as objects, so they exist (with Pod Security labels) before any chart installs into them. */
export function platformNamespaces(cluster: ClusterProfile, names: readonly string[]): KubeObject[] {
  const [major, minor] = cluster.kubernetesVersion.split(".");
  const version = `v${major}.${minor}`;
  return [...new Set(names)]
    .filter((n) => n !== PLATFORM_NAMESPACES.system)
    .sort(byCodeUnit)
    .map((name) =>
      plain(
        new Namespace({
          metadata: {
            name,
            labels: {
              ...platformLabels(NAMESPACES_ADDON),
              "pod-security.kubernetes.io/enforce": ENFORCED[name] ?? "baseline",
              "pod-security.kubernetes.io/enforce-version": version,
              "pod-security.kubernetes.io/audit": "restricted",
              "pod-security.kubernetes.io/audit-version": version,
              "pod-security.kubernetes.io/warn": "restricted",
              "pod-security.kubernetes.io/warn-version": version,
            },
            // Deleting a namespace deletes every volume in it (Prometheus data included).
            annotations: { ...DATA_SAFETY_ANNOTATIONS },
          },
        }),
      ),
    );
}
