/**
 * Every stand-in the control-plane e2e uses, with why: each sits at the
 * boundary to infrastructure that cannot exist on this machine. The run's
 * report and the README list exactly these.
 */
export interface StandIn {
  readonly for: string;
  readonly standIn: string;
  readonly why: string;
}

export const STAND_INS: readonly StandIn[] = [
  {
    for: "kubelet and container runtime on every node",
    standIn: "kwok v0.8.0 with upstream's node and pod Stages (nodes Ready with leases; scheduled pods Running and Ready; Job pods complete)",
    why: "thousands of CPUs of node pools cannot run on 2 cores; the real-node e2e runs real containers on one node",
  },
  {
    for: "the cloud's volume provisioner (CSI driver)",
    standIn: "a kwok Stage that creates a PersistentVolume for a claim when a provisioner would (at once, or after the scheduler picked a node for WaitForFirstConsumer classes); kube-controller-manager binds it",
    why: "no storage backend exists here; the binding mode is the profile's",
  },
  {
    for: "GitHub (the repository Argo CD syncs)",
    standIn: "an HTTPS CONNECT proxy on 127.0.0.1 answering only for the repository's host, serving the commit under test through git http-backend with a throwaway certificate",
    why: "the Applications keep their repoURL and targetRevision unchanged; nothing outside this machine is reachable",
  },
  {
    for: "the cloud load balancer and the ingress controller's published address",
    standIn: "the harness writes 192.0.2.10 (a documentation address, never a traffic target) into the status of each LoadBalancer Service and each Ingress of the profile's class, as those controllers publish theirs",
    why: "neither a cloud load balancer nor ingress-nginx (it needs a pod network) exists here, and Argo CD calls an object without an address Progressing",
  },
  {
    for: "Vault (staging, prod and edge's ClusterSecretStore)",
    standIn: "test/e2e/standins/vault.ts at the store's address through the loopback proxy: Kubernetes auth checked with a real TokenReview of external-secrets' ServiceAccount token, KV v2 reads answering a generated value for every key and property the rendered ExternalSecrets ask for",
    why: "no Vault server can run here; external-secrets' real Vault provider talks to it unchanged",
  },
  {
    for: "Let's Encrypt (staging and prod's ACME ClusterIssuer)",
    standIn: "test/e2e/standins/acme.ts at the issuer's directory URL through the loopback proxy: directory, nonces and account registration, so cert-manager's real ACME issuer registers and the ClusterIssuer is Ready; orders are refused, so no ACME certificate is issued in the e2e",
    why: "no ACME server is reachable here, and HTTP-01 validation needs a reachable ingress",
  },
  {
    for: "the external metrics pipeline (Prometheus and prometheus-adapter)",
    standIn: "test/e2e/standins/custom-metrics.ts serves custom.metrics.k8s.io for the HPAs' Pods metrics: each pod the HPA selects (listed from the real API server) at a value the harness sets per pod, 1 by default",
    why: "Prometheus cannot scrape kwok pods (no pod network); resource metrics come from the real metrics-server",
  },
  {
    for: "Helm chart repositories of the platform add-ons",
    standIn: "their CRDs from the pinned Go modules; their Applications are listed as not synced",
    why: "no chart repository is reachable here",
  },
];
