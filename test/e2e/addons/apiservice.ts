/**
 * How kube-apiserver reaches a metrics-server that runs as a local process:
 * an APIService naming a Service of type ExternalName that points at
 * 127.0.0.1, as kwokctl's binary runtime registers its own metrics-server.
 *
 * - kube-apiserver picks its aggregator resolver in
 *   cmd/kube-apiserver/app/server.go `buildServiceResolver`: without
 *   `--enable-aggregator-routing` it is
 *   `aggregatorapiserver.NewClusterIPServiceResolver`, whose ResolveEndpoint
 *   calls k8s.io/apiserver/pkg/util/proxy `ResolveCluster`; for
 *   `ServiceTypeExternalName` that returns `https://<externalName>:<APIService
 *   port>` (the Service's own ports are not consulted). The endpoint resolver
 *   (`ResolveEndpoint`, used with `--enable-aggregator-routing`) rejects
 *   ExternalName ("unsupported service type"), so that flag must stay off.
 * - The availability check (kube-aggregator
 *   pkg/controllers/status/remote `AvailableConditionController.sync`) looks
 *   for EndpointSlices only for ClusterIP Services; for ExternalName it goes
 *   straight to GET /apis/metrics.k8s.io/v1beta1 through the same resolver.
 * - kwokctl (sigs.k8s.io/kwok pkg/kwokctl/components `BuildMetricsServerComponent`
 *   with `transformServiceToExternalName` and `transformAPIService`) rewrites
 *   upstream's components.yaml the same way: Service ports and selector
 *   dropped, `type: ExternalName`, `externalName: 127.0.0.1` in its binary
 *   runtime, and the APIService's `service.port` set to the process's port.
 *
 * 127.0.0.1 rather than `localhost`: metrics-server listens on 127.0.0.1
 * only, and `localhost` may resolve to ::1 first.
 */
import type { KubeObject } from "../harness/kubectl.js";
import { METRICS_SERVICE } from "./serving-cert.js";

export const METRICS_API = { group: "metrics.k8s.io", version: "v1beta1" } as const;

/**
 * The Service and APIService of a metrics-server serving on 127.0.0.1:`port`.
 * With `caBundle` (base64 PEM of the CA that signed a certificate for
 * metrics-server.kube-system.svc, see `createMetricsServerCert`) the
 * aggregator verifies metrics-server; without it, it skips verification as
 * upstream's components.yaml does.
 */
export function metricsApiObjects(port: number, caBundle?: string): KubeObject[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`metrics-server port ${port} is not a TCP port; pass the port it serves on (AddonPorts.metricsServer)`);
  }
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { ...METRICS_SERVICE, labels: { "k8s-app": "metrics-server" } },
      // No ports: for ExternalName the aggregator dials the APIService's port.
      spec: { type: "ExternalName", externalName: "127.0.0.1" },
    },
    {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: `${METRICS_API.version}.${METRICS_API.group}`, labels: { "k8s-app": "metrics-server" } },
      spec: {
        group: METRICS_API.group,
        version: METRICS_API.version,
        // upstream components.yaml's priorities
        groupPriorityMinimum: 100,
        versionPriority: 100,
        service: { ...METRICS_SERVICE, port },
        ...(caBundle ? { caBundle } : { insecureSkipTLSVerify: true }),
      },
    },
  ];
}
