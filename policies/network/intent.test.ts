// The intent read from the app specs, checked against what the seed guides
// say (ports and clients written out here by hand), and the fixture intent
// file format with its errors.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dev, edge, prod } from "../../generators/fleet/clusters.js";
import type { AppDefinition } from "../../generators/spec/types.js";
import { clusterOf } from "../lib/load.js";
import { describeFlow } from "./analysis.js";
import { type Intent, IntentError, intentFor, intentFromApps, intentFromFile } from "./intent.js";

const flows = (intent: Intent): string[] => intent.flows.map(describeFlow);

describe("when the intent of prod is read from the app specs", () => {
  const intent = intentFromApps(prod);
  const all = flows(intent);

  it.each([
    // KADES: the API and the workers use TimescaleDB and Redis; backups and migrations use the database.
    "kades/kades-api -> kades/timescaledb on TCP 5432",
    "kades/kades-api -> kades/redis on TCP 6379",
    "kades/chain-analysis -> kades/timescaledb on TCP 5432",
    "kades/db-backup -> kades/timescaledb on TCP 5432",
    // The API's two ingress hosts (REST on 8000, websocket on 8080), its LoadBalancer and its metrics.
    "the ingress controller -> kades/kades-api on TCP 8000",
    "the ingress controller -> kades/kades-api on TCP 8080",
    "network load-balancer-sources (203.0.113.0/24) -> kades/kades-api on TCP 8000",
    "Prometheus -> kades/kades-api on TCP 8000",
    // IoT telemetry: the dashboard reads MongoDB, the ingestion API writes to Kafka.
    "iot/dashboard-api -> iot/mongodb on TCP 27017",
    "iot/ingestion-api -> iot/kafka on TCP 9092",
    // Pynomaly's external PostgreSQL and S3, and only its http port on the LoadBalancer.
    "pynomaly-production/pynomaly-detection -> network database (10.160.0.0/24) on TCP 5432",
    "pynomaly-production/pynomaly-worker -> network object-storage (10.150.0.0/24) on TCP 443",
    "network load-balancer-sources (203.0.113.0/24) -> pynomaly-production/pynomaly-detection on TCP 8000",
    "Prometheus -> pynomaly-production/pynomaly-detection on TCP 9090",
  ])("should declare %s", (flow) => {
    expect(all).toContain(flow);
  });

  it.each([
    // The workers have a health port, not a metrics port, and no ingress.
    "Prometheus -> kades/chain-analysis on TCP 8000",
    "the ingress controller -> kades/chain-analysis on TCP 8000",
    // Data stores are never exposed; the ingestion API never touches MongoDB.
    "the ingress controller -> kades/timescaledb on TCP 5432",
    "iot/ingestion-api -> iot/mongodb on TCP 27017",
    // Metrics stay off the LoadBalancer.
    "network load-balancer-sources (203.0.113.0/24) -> pynomaly-production/pynomaly-detection on TCP 9090",
  ])("should not declare %s", (flow) => {
    expect(all).not.toContain(flow);
  });

  it("should mark exactly the data stores of the guides as data stores", () => {
    const stores = intent.components.filter((c) => c.role === "datastore").map((c) => `${c.namespace}/${c.name}`);
    expect(stores.sort()).toEqual(["iot-anomaly-detection/redis-cluster", "iot/kafka", "iot/mongodb", "kades/redis", "kades/timescaledb"]);
  });

  it("should mark the Jobs and CronJobs as batch", () => {
    const batch = intent.components.filter((c) => c.role === "batch").map((c) => `${c.namespace}/${c.name}`);
    expect(batch.sort()).toEqual(["iot-anomaly-detection/redis-cluster-cluster-init", "kades/db-backup", "kades/db-migration"]);
  });
});

describe("when the intent of edge is read", () => {
  const intent = intentFromApps(edge);

  it("should cover only the app edge runs", () => {
    expect([...new Set(intent.components.map((c) => c.namespace))]).toEqual(["iot-edge-anomaly"]);
  });

  it("should turn API access into flows to the profile's kubernetes-api network", () => {
    expect(flows(intent)).toEqual(
      expect.arrayContaining([
        "iot-edge-anomaly/iot-edge-anomaly -> network kubernetes-api (10.0.0.1/32) on TCP 443",
        "iot-edge-anomaly/iot-edge-anomaly -> network kubernetes-api (10.0.0.1/32) on TCP 6443",
        "iot-edge-anomaly/iot-edge-anomaly -> network logging (10.40.0.0/24) on TCP 24224",
      ]),
    );
  });
});

describe("when an app spec is given directly", () => {
  const app: AppDefinition = {
    name: "shop",
    spec: () => ({
      name: "shop",
      title: "Shop",
      seed: "none",
      namespace: "shop",
      alerts: [],
      components: [
        {
          kind: "Deployment",
          name: "web",
          description: "front end",
          image: { repository: "shop/web", tag: "1" },
          replicas: 1,
          resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
          ports: [
            { name: "http", containerPort: 8080 },
            { name: "admin", containerPort: 8081 },
            { name: "metrics", containerPort: 9100, metrics: true },
          ],
          service: { type: "LoadBalancer", ports: ["http"] },
          connects: [{ component: "db", port: "sql" }, { external: "logging", port: 514, protocol: "UDP" }],
        },
        {
          kind: "StatefulSet",
          role: "datastore",
          name: "db",
          description: "database",
          image: { repository: "shop/db", tag: "1" },
          replicas: 1,
          resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
          ports: [{ name: "sql", containerPort: 5432 }],
        },
      ],
      ingresses: [{ name: "web", host: "shop.example.com", component: "web", port: "http" }],
    }),
  };
  const intent = intentFromApps({ ...dev, apps: ["shop"] }, [app]);

  it("should derive each flow from its spec field", () => {
    expect(flows(intent)).toEqual([
      "shop/web -> shop/db on TCP 5432",
      "shop/web -> network logging (10.40.0.0/24) on UDP 514",
      "Prometheus -> shop/web on TCP 9100",
      "network load-balancer-sources (10.8.0.0/16) -> shop/web on TCP 8080",
      "the ingress controller -> shop/web on TCP 8080",
    ]);
  });

  it("should name where each flow is declared", () => {
    expect(intent.flows.map((f) => f.declaredIn)).toEqual([
      "`connects` of web in apps/shop",
      "`connects` of web in apps/shop",
      "port metrics (`metrics: true`) of web in apps/shop",
      "the LoadBalancer Service of web in apps/shop (the profile's loadBalancerSourceRanges)",
      "`ingresses[web]` in apps/shop",
    ]);
  });

  it("should refuse a cluster running an app that is not registered", () => {
    expect(() => intentFromApps({ ...dev, apps: ["nope"] }, [app])).toThrow(/runs app "nope", which apps\/index.ts does not register/);
  });
});

describe("when a fixture intent file is read", () => {
  const dir = mkdtempSync(join(tmpdir(), "intent-"));
  const write = (name: string, body: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
    return path;
  };
  const components = [{ namespace: "shop", name: "web" }, { namespace: "shop", name: "db", role: "datastore" }];

  it("should read peers, networks and the TCP default", () => {
    const path = write("good.json", {
      networks: { lb: ["203.0.113.0/24"] },
      components,
      flows: [
        { from: "shop/web", to: "shop/db", port: 5432 },
        { from: "network:lb", to: "shop/web", port: 53, protocol: "UDP" },
        { from: "ingress-controller", to: "shop/web", port: 80 },
        { from: "prometheus", to: "shop/web", port: 9100 },
      ],
    });
    expect(flows(intentFromFile(path))).toEqual([
      "shop/web -> shop/db on TCP 5432",
      "network lb (203.0.113.0/24) -> shop/web on UDP 53",
      "the ingress controller -> shop/web on TCP 80",
      "Prometheus -> shop/web on TCP 9100",
    ]);
  });

  it.each([
    ["not JSON", "{", /cannot be read as JSON/],
    ["an unknown peer", { components, flows: [{ from: "web", to: "shop/db", port: 1 }] }, /flows\[0\]\.from is "web"; use <namespace>\/<component>/],
    ["an undeclared component", { components, flows: [{ from: "shop/api", to: "shop/db", port: 1 }] }, /flows\[0\]\.from names shop\/api, which "components" lacks/],
    ["an unknown network", { components, flows: [{ from: "network:x", to: "shop/db", port: 1 }] }, /names network:x, which "networks" lacks/],
    ["a bad port", { components, flows: [{ from: "shop/web", to: "shop/db", port: 0 }] }, /flows\[0\]\.port is 0; give a port number/],
    ["a bad protocol", { components, flows: [{ from: "shop/web", to: "shop/db", port: 1, protocol: "ICMP" }] }, /flows\[0\]\.protocol is "ICMP"/],
    ["a bad CIDR", { networks: { lb: ["203.0.113.0"] }, components, flows: [] }, /network lb has "203.0.113.0", which is not a CIDR/],
    ["a bad role", { components: [{ namespace: "shop", name: "db", role: "database" }] }, /components\[0\]\.role is "database"; use app, datastore or batch/],
  ])("should reject %s, naming the file and field", (_, body, message) => {
    const path = write("bad.json", body);
    expect(() => intentFromFile(path)).toThrow(IntentError);
    expect(() => intentFromFile(path)).toThrow(message);
    expect(() => intentFromFile(path)).toThrow(path);
  });
});

describe("when the intent of a cluster tree is looked up", () => {
  it("should use the app specs for a fleet cluster", () => {
    expect(intentFor(clusterOf("prod", [], "clusters/prod"))?.origin).toBe("apps/ (cluster prod)");
  });

  it("should use the policy folder's intent.json for a fixture file", () => {
    const fixture = "policies/network/undeclared-flows/fixtures/good-kades.yaml";
    expect(intentFor(clusterOf("prod", [], fixture))?.origin).toMatch(/policies\/network\/undeclared-flows\/intent\.json$/);
  });

  it("should have none for a fixture without intent.json or a directory no fleet cluster is named after", () => {
    expect(intentFor(clusterOf("prod", [], "policies/network/default-deny/fixtures/good-kades.yaml"))).toBeUndefined();
    expect(intentFor(clusterOf("lab", [], "/tmp/lab"))).toBeUndefined();
  });
});
