// The custom metrics stand-in against the requests the HPA controller makes
// through the aggregator, with a small HTTPS server on loopback that requires
// a client certificate standing in for the API server's pod list.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:https";
import { readFileSync } from "node:fs";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPki } from "../harness/pki.js";
import { freePort, selfSignedCert, tempDirs } from "../test-support.js";
import { METRIC_ANNOTATION_PREFIX, startCustomMetrics } from "./custom-metrics.js";

const temps = tempDirs("e2e-custom-metrics");
const METRIC = "http_requests_per_second";
const POD = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) => ({ metadata: { name, namespace: "kades", labels, annotations } });
const PODS = [
  POD("kades-api-1", { app: "kades-api" }, { [`${METRIC_ANNOTATION_PREFIX}${METRIC}`]: "250" }),
  POD("kades-api-2", { app: "kades-api" }),
  POD("kades-worker-1", { app: "kades-worker" }),
];

/** Every request the fake API server saw: path, query and the client certificate's CN. */
const seen: { path: string; selector: string | null; clientCN: string }[] = [];
let apiServer: Server;
let failListing = false;
let stand: { stop(): Promise<void> };
let port: number;

beforeAll(async () => {
  const pki = await createPki(temps.make("pki"), "10.96.0.1");
  const client = await pki.client("metrics", "custom-metrics");
  apiServer = createServer(
    { cert: readFileSync(pki.apiserver.cert), key: readFileSync(pki.apiserver.key), ca: readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      const selector = url.searchParams.get("labelSelector");
      seen.push({ path: url.pathname, selector, clientCN: String((req.socket as TLSSocket).getPeerCertificate().subject?.CN) });
      if (failListing) {
        res.writeHead(403, { "Content-Type": "application/json" }).end('{"message":"pods is forbidden"}');
        return;
      }
      const [key, value] = (selector ?? "=").split("=");
      const items = PODS.filter((p) => !key || p.metadata.labels[key] === value);
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ items }));
    },
  );
  const apiPort = await freePort();
  await new Promise<void>((resolve) => apiServer.listen(apiPort, "127.0.0.1", resolve));
  port = await freePort();
  stand = await startCustomMetrics({
    port,
    ...selfSignedCert(temps.make("tls"), "localhost"),
    kubernetes: { server: `https://127.0.0.1:${apiPort}`, caFile: pki.ca, clientCert: client.cert, clientKey: client.key },
    metrics: [METRIC],
  });
});

afterAll(async () => {
  await stand?.stop();
  await new Promise<void>((resolve) => (apiServer ? apiServer.close(() => resolve()) : resolve()));
  temps.removeAll();
});

async function get(path: string): Promise<{ status: number; body: Record<string, any> }> {
  const { stdout } = await promisify(execFile)("curl", ["-sk", "-w", "\n%{http_code}", `https://localhost:${port}${path}`], { encoding: "utf8" });
  const at = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) as Record<string, any> };
}

describe("when the aggregator discovers the group", () => {
  it("should list one pods resource per metric the HPAs ask for", async () => {
    const r = await get("/apis/custom.metrics.k8s.io/v1beta2");
    expect(r.status).toBe(200);
    expect(r.body["resources"].map((x: { name: string }) => x.name)).toEqual([`pods/${METRIC}`]);
  });
});

describe("when the HPA controller asks for a metric of the pods it selects", () => {
  it("should answer every selected pod, at its annotation's value or 1, listed with the HPA's selector and the stand-in's own certificate", async () => {
    seen.length = 0;
    const r = await get(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/kades/pods/%2A/${METRIC}?labelSelector=app%3Dkades-api`);
    expect(r.status).toBe(200);
    expect(r.body["items"].map((i: any) => [i.describedObject.name, i.metric.name, i.value])).toEqual([
      ["kades-api-1", METRIC, "250"],
      ["kades-api-2", METRIC, "1"],
    ]);
    expect(seen).toEqual([{ path: "/api/v1/namespaces/kades/pods", selector: "app=kades-api", clientCN: "custom-metrics" }]);
  });

  it("should answer one pod asked by name, and none for a selector that matches nothing", async () => {
    const one = await get(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/kades/pods/kades-worker-1/${METRIC}?labelSelector=app%3Dkades-worker`);
    expect(one.body["items"].map((i: any) => i.describedObject.name)).toEqual(["kades-worker-1"]);
    const none = await get(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/kades/pods/%2A/${METRIC}?labelSelector=app%3Dgone`);
    expect(none.body["items"]).toEqual([]);
  });

  it("should refuse what it does not serve with a 404 naming the path", async () => {
    const r = await get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/kades/services/kades-api/requests");
    expect(r.status).toBe(404);
    expect(r.body["message"]).toContain("serves only pods metrics, not /apis/custom.metrics.k8s.io/v1beta2/namespaces/kades/services/kades-api/requests");
  });

  it("should fail with the API server's answer when it cannot list the pods", async () => {
    failListing = true;
    try {
      const r = await get(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/kades/pods/%2A/${METRIC}`);
      expect(r.status).toBe(500);
      expect(r.body["message"]).toMatch(/listing pods: .*: 403: pods is forbidden/);
    } finally {
      failListing = false;
    }
  });
});

