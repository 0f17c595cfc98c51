/**
 * Pinned upstream versions the fleet runs. One place: the generators render
 * from these, and the schema cache (kubeconform) is built from the Go modules
 * named here, so a bump changes both together.
 */

/** Kubernetes version of every cluster; built-in schemas come from this k8s.io/kubernetes module. */
export const KUBERNETES_VERSION = "1.35.4";

/** Go modules whose upstream CRD YAML defines every custom kind the fleet renders. */
export const CRD_MODULES = {
  argoCd: { module: "github.com/argoproj/argo-cd/v3", version: "v3.5.7" },
  prometheusOperator: { module: "github.com/prometheus-operator/prometheus-operator", version: "v0.85.0" },
  certManager: { module: "github.com/cert-manager/cert-manager", version: "v1.21.2" },
  externalSecrets: { module: "github.com/external-secrets/external-secrets", version: "v1.3.2" },
  verticalPodAutoscaler: { module: "k8s.io/autoscaler/vertical-pod-autoscaler", version: "v1.8.1" },
} as const;
