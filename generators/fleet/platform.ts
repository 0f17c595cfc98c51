import type { PlatformEndpoints } from "./types.js";

/** Where the platform add-ons run in every cluster; NetworkPolicies admit traffic from these pods only. */
export const PLATFORM: PlatformEndpoints = {
  ingressNamespace: "ingress-nginx",
  ingressPodLabels: { "app.kubernetes.io/name": "ingress-nginx" },
  monitoringNamespace: "monitoring",
  prometheusPodLabels: { "app.kubernetes.io/name": "prometheus" },
  prometheusSelector: { release: "kube-prometheus-stack" },
};

/**
 * The Git repository and revision Argo CD syncs the fleet from: the one place
 * they are written. Cluster profiles take it as their `repository` (a profile
 * may pin another revision); Applications and runbook links read the profile.
 */
export const REPOSITORY = {
  url: "https://github.com/iot-platform/iot-fleet-gitops.git",
  targetRevision: "main",
} as const;
