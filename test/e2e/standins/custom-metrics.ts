/**
 * Stand-in for the external metrics pipeline (Prometheus scraping the pods,
 * prometheus-adapter serving custom.metrics.k8s.io): the HPAs' Pods metrics
 * (http_requests_per_second) for every pod the HPA selects, with a value the
 * harness controls per pod (annotation `e2e.iot-fleet.io/<metric>`, default
 * "1", well under any target). Pods come from the real API server, so a
 * selector that matches nothing gives no metrics, as the adapter would.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:https";

export const METRIC_ANNOTATION_PREFIX = "e2e.iot-fleet.io/";
const GROUP_VERSION = "custom.metrics.k8s.io/v1beta2";

export interface CustomMetricsOptions {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly kubernetes: { readonly server: string; readonly caFile: string; readonly clientCert: string; readonly clientKey: string };
  /** Metric names the HPAs ask for, listed in discovery. */
  readonly metrics: readonly string[];
}

interface Pod {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
}

function listPods(k: CustomMetricsOptions["kubernetes"], namespace: string, selector: string): Promise<Pod[]> {
  const url = new URL(`${k.server}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`);
  if (selector) url.searchParams.set("labelSelector", selector);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(k.caFile), cert: readFileSync(k.clientCert), key: readFileSync(k.clientKey) }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => (res.statusCode === 200 ? resolve((JSON.parse(body) as { items: Pod[] }).items) : reject(new Error(`listing pods: ${res.statusCode} ${body}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

export async function startCustomMetrics(opts: CustomMetricsOptions): Promise<{ stop(): Promise<void> }> {
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
    listPods(opts.kubernetes, namespace, url.searchParams.get("labelSelector") ?? "").then(
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
      (error: Error) => send(500, { kind: "Status", apiVersion: "v1", status: "Failure", code: 500, message: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  return { stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
