/**
 * Stand-in for the external metrics pipeline (Prometheus scraping the pods,
 * prometheus-adapter serving custom.metrics.k8s.io): the HPAs' Pods metrics
 * (http_requests_per_second) for every pod the HPA selects, with a value the
 * harness controls per pod (annotation `e2e.iot-fleet.io/<metric>`, default
 * "1", well under any target). Pods come from the real API server, so a
 * selector that matches nothing gives no metrics, as the adapter would.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { ApiClient, type Connection } from "../harness/api.js";

export const METRIC_ANNOTATION_PREFIX = "e2e.iot-fleet.io/";
const GROUP_VERSION = "custom.metrics.k8s.io/v1beta2";

export interface CustomMetricsOptions {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly kubernetes: Connection;
  /** Metric names the HPAs ask for, listed in discovery. */
  readonly metrics: readonly string[];
}

interface Pod {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
}

export async function startCustomMetrics(opts: CustomMetricsOptions): Promise<{ stop(): Promise<void> }> {
  const api = new ApiClient(opts.kubernetes);
  const server = createServer({ cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://localhost");
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === `/apis/${GROUP_VERSION}`) {
      send(200, {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: GROUP_VERSION,
        resources: opts.metrics.map((m) => ({ name: `pods/${m}`, singularName: "", namespaced: true, kind: "MetricValueList", verbs: ["get"] })),
      });
      return;
    }
    const m = /^\/apis\/custom\.metrics\.k8s\.io\/v1beta2\/namespaces\/([^/]+)\/pods\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      send(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: `stand-in serves only pods metrics, not ${url.pathname}` });
      return;
    }
    // The aggregator may pass `*` percent-encoded.
    const [namespace, name, metric] = m.slice(1, 4).map((part) => decodeURIComponent(part ?? "")) as [string, string, string];
    api.list<Pod>("pods", namespace, url.searchParams.get("labelSelector") || undefined).then(
      (pods) => {
        const now = new Date().toISOString();
        const items = pods
          .filter((p) => name === "*" || p.metadata.name === name)
          .map((p) => ({
            describedObject: { kind: "Pod", namespace, name: p.metadata.name, apiVersion: "/v1" },
            metric: { name: metric },
            timestamp: now,
            windowSeconds: 60,
            value: p.metadata.annotations?.[`${METRIC_ANNOTATION_PREFIX}${metric}`] ?? "1",
          }));
        send(200, { kind: "MetricValueList", apiVersion: GROUP_VERSION, metadata: {}, items });
      },
      (error: Error) => send(500, { kind: "Status", apiVersion: "v1", status: "Failure", code: 500, message: `listing pods: ${error.message}` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        api.close();
        server.close(() => resolve());
      }),
  };
}
