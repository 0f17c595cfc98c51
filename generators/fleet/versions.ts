/**
 * Pinned upstream versions the fleet runs. One place: the generators render
 * from these, and the schema cache (kubeconform) is built from the Go modules
 * named here, so a bump changes both together. Every literal pin carries a
 * `// renovate: datasource=... depName=...` comment on the line above, which
 * the Renovate configuration (.github/renovate.json) reads to keep it current;
 * pins derived from another (the cert-manager and external-secrets charts,
 * the VPA image) follow it.
 */

/** Kubernetes version of every cluster; built-in schemas come from this k8s.io/kubernetes module. */
// renovate: datasource=go depName=k8s.io/kubernetes
export const KUBERNETES_VERSION = "1.35.4";

// renovate: datasource=golang-version depName=go
const GO_VERSION = "1.27.3";

/**
 * The Go toolchain that reads and builds the pinned modules: Argo CD v3.6's
 * go.mod declares Go 1.27, newer than some machines' Go, and the go command
 * fetches this toolchain from the module proxy when told to.
 */
export const GO_TOOLCHAIN = `go${GO_VERSION}`;

/** Go modules whose upstream CRD YAML defines every custom kind the fleet renders. */
export const CRD_MODULES = {
  // renovate: datasource=go depName=github.com/argoproj/argo-cd/v3
  argoCd: { module: "github.com/argoproj/argo-cd/v3", version: "v3.6.1" },
  // renovate: datasource=go depName=github.com/prometheus-operator/prometheus-operator
  prometheusOperator: { module: "github.com/prometheus-operator/prometheus-operator", version: "v0.85.0" },
  // renovate: datasource=go depName=github.com/cert-manager/cert-manager
  certManager: { module: "github.com/cert-manager/cert-manager", version: "v1.21.2" },
  // renovate: datasource=go depName=github.com/external-secrets/external-secrets
  externalSecrets: { module: "github.com/external-secrets/external-secrets", version: "v1.3.2" },
  // renovate: datasource=go depName=k8s.io/autoscaler/vertical-pod-autoscaler
  verticalPodAutoscaler: { module: "k8s.io/autoscaler/vertical-pod-autoscaler", version: "v1.8.1" },
} as const;

/** A Helm chart at a pinned version, in the chart repository it is published to. */
export interface ChartPin {
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
}

/**
 * Helm charts of the platform add-ons. Each matches the CRD module above that
 * defines the kinds it serves: cert-manager and external-secrets are released
 * in lockstep with their CRDs; kube-prometheus-stack 77.x ships
 * prometheus-operator v0.85.0 (78.0.0 moved to v0.86.0); the VPA chart 0.13.0
 * runs the recommender image pinned in `VPA_IMAGE_TAG`.
 */
export const HELM_CHARTS = {
  ingressNginx: {
    repoURL: "https://kubernetes.github.io/ingress-nginx",
    chart: "ingress-nginx",
    // renovate: datasource=helm depName=ingress-nginx registryUrl=https://kubernetes.github.io/ingress-nginx
    version: "4.14.3",
  },
  certManager: { repoURL: "https://charts.jetstack.io", chart: "cert-manager", version: CRD_MODULES.certManager.version },
  kubePrometheusStack: {
    repoURL: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    // renovate: datasource=helm depName=kube-prometheus-stack registryUrl=https://prometheus-community.github.io/helm-charts
    version: "77.14.0",
  },
  metricsServer: {
    repoURL: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    // renovate: datasource=helm depName=metrics-server registryUrl=https://kubernetes-sigs.github.io/metrics-server/
    version: "3.13.0",
  },
  verticalPodAutoscaler: {
    repoURL: "https://kubernetes.github.io/autoscaler",
    chart: "vertical-pod-autoscaler",
    // renovate: datasource=helm depName=vertical-pod-autoscaler registryUrl=https://kubernetes.github.io/autoscaler
    version: "0.13.0",
  },
  externalSecrets: {
    repoURL: "https://charts.external-secrets.io",
    chart: "external-secrets",
    version: CRD_MODULES.externalSecrets.version.replace(/^v/, ""),
  },
  prometheusAdapter: {
    repoURL: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus-adapter",
    // renovate: datasource=helm depName=prometheus-adapter registryUrl=https://prometheus-community.github.io/helm-charts
    version: "5.2.0",
  },
} as const satisfies Record<string, ChartPin>;

/** The VPA recommender image tag: the VPA release whose CRDs the fleet validates against. */
export const VPA_IMAGE_TAG = CRD_MODULES.verticalPodAutoscaler.version.replace(/^v/, "");

/** Argo CD's own install manifests, at the release whose CRDs define the fleet's Application objects. */
export const ARGOCD_MANIFESTS = {
  repoURL: "https://github.com/argoproj/argo-cd.git",
  version: CRD_MODULES.argoCd.version,
} as const;
