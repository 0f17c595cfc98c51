import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../generators/render/app.js";
import { envVar, findContainer, findObject, renderedApp } from "../../test/support/rendered.js";

// Expected figures are the guide's (seed 002), typed here by hand.

const APP = "iot-telemetry";
const NS = "iot";

interface ServiceExpectation {
  readonly name: string;
  readonly replicas: number;
  /** null: the guide asks for no HPA. */
  readonly hpa: { readonly min: number; readonly max: number; readonly cpu: number; readonly memory: number } | null;
  readonly servicePort: number;
  readonly probePath: string;
}

const GUIDE: readonly ServiceExpectation[] = [
  { name: "ingestion-api", replicas: 2, hpa: { min: 2, max: 10, cpu: 60, memory: 70 }, servicePort: 80, probePath: "/health" },
  { name: "aggregator-worker", replicas: 1, hpa: { min: 1, max: 5, cpu: 50, memory: 70 }, servicePort: 8000, probePath: "/metrics" },
  { name: "alerts-worker", replicas: 1, hpa: null, servicePort: 8000, probePath: "/metrics" },
  { name: "dashboard-api", replicas: 2, hpa: { min: 2, max: 8, cpu: 50, memory: 70 }, servicePort: 80, probePath: "/health" },
];

const CONTAINER_PORT = 8000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The HPA scaling a given Deployment, if any. */
function hpaFor(objects: readonly KubeObject[], target: string): Json {
  return objects.find(
    (o) => o.kind === "HorizontalPodAutoscaler" && (o as Json).spec.scaleTargetRef.name === target,
  );
}

function resourceTarget(hpa: Json, resource: string): number | undefined {
  const metric = (hpa.spec.metrics as Json[]).find((m) => m.type === "Resource" && m.resource.name === resource);
  return metric?.resource.target.averageUtilization;
}

/** The container port a Service port's targetPort reaches (targetPort may be a name or a number). */
function targetContainerPort(container: Json, targetPort: string | number | undefined, port: number): number | undefined {
  const target = targetPort ?? port;
  if (typeof target === "number") return target;
  return (container.ports as Json[]).find((p) => p.name === target)?.containerPort;
}

function probePort(container: Json, port: string | number): number | undefined {
  if (typeof port === "number") return port;
  return (container.ports as Json[]).find((p) => p.name === port)?.containerPort;
}

function bytes(quantity: string): number {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, m: 2 ** 20, g: 2 ** 30 };
  const match = /^(\d+)([A-Za-z]*)$/.exec(quantity);
  if (!match) throw new Error(`unparsed quantity ${quantity}`);
  return Number(match[1]) * (match[2] ? (units[match[2]] ?? NaN) : 1);
}

describe("when rendering for prod", () => {
  const objects = renderedApp(APP, "prod");

  it("should put every namespaced object in namespace iot", () => {
    const namespaced = objects.filter((o) => o.kind !== "Namespace" && o.metadata.namespace !== undefined);
    expect(namespaced.length).toBeGreaterThan(0);
    for (const o of namespaced) expect(`${o.kind}/${o.metadata.name} ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} ${NS}`);
  });

  describe.each(GUIDE)("service $name", (svc) => {
    const deployment = findObject(objects, "Deployment", svc.name);
    const container = findContainer(deployment, svc.name);

    it("should run a pinned liro image, never latest", () => {
      expect(container.image).toMatch(new RegExp(`^docker\\.io/liro/${svc.name}:\\d+\\.\\d+\\.\\d+$`));
    });

    it("should request 100m CPU and 128Mi and be limited to 500m CPU and 512Mi", () => {
      expect(container.resources).toEqual({
        requests: { cpu: "100m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "512Mi" },
      });
    });

    it("should run the guide's replica count", () => {
      expect(deployment.spec.replicas).toBe(svc.replicas);
    });

    it("should listen on 8000 in the container", () => {
      expect((container.ports as Json[]).map((p) => p.containerPort)).toContain(CONTAINER_PORT);
    });

    it("should expose its Service port to container port 8000", () => {
      const service = findObject(objects, "Service", svc.name);
      const port = (service.spec.ports as Json[]).find((p) => p.port === svc.servicePort);
      expect(port, `Service/${svc.name} has no port ${svc.servicePort}`).toBeDefined();
      expect(targetContainerPort(container, port.targetPort, port.port)).toBe(CONTAINER_PORT);
    });

    it("should have readiness and liveness probes on port 8000", () => {
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect(probe?.httpGet?.path).toBe(svc.probePath);
        expect(probePort(container, probe.httpGet.port)).toBe(CONTAINER_PORT);
      }
    });

    it("should be scraped by a ServiceMonitor on /metrics", () => {
      const monitor = findObject(objects, "ServiceMonitor", svc.name);
      const endpoints = monitor.spec.endpoints as Json[];
      expect(endpoints.length).toBeGreaterThan(0);
      for (const e of endpoints) expect(e.path ?? "/metrics").toBe("/metrics");
    });

    it("should mount a writable /tmp under a read-only root filesystem", () => {
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      expect((container.volumeMounts as Json[]).map((m) => m.mountPath)).toContain("/tmp");
    });

    it("should load the shared configuration", () => {
      expect((container.envFrom as Json[]).map((e) => e.configMapRef?.name)).toContain("iot-telemetry-config");
    });

    if (svc.hpa) {
      const expected = svc.hpa;
      it("should autoscale within the guide's bounds and targets", () => {
        const hpa = findObject(objects, "HorizontalPodAutoscaler", `${svc.name}-hpa`);
        expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: svc.name });
        expect(hpa.spec.minReplicas).toBe(expected.min);
        expect(hpa.spec.maxReplicas).toBe(expected.max);
        expect(resourceTarget(hpa, "cpu")).toBe(expected.cpu);
        expect(resourceTarget(hpa, "memory")).toBe(expected.memory);
      });

      it("should wait at least 5 minutes before scaling down", () => {
        const hpa = findObject(objects, "HorizontalPodAutoscaler", `${svc.name}-hpa`);
        expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
      });
    } else {
      it("should not be autoscaled", () => {
        expect(hpaFor(objects, svc.name)).toBeUndefined();
      });
    }
  });

  it("should never run two alerts-workers at once during a rollout", () => {
    const deployment = findObject(objects, "Deployment", "alerts-worker");
    expect(deployment.spec.strategy).toMatchObject({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  describe.each([
    { name: "kafka", image: "docker.io/apache/kafka:3.9.0", replicas: 3, storage: "50Gi" },
    { name: "mongodb", image: "docker.io/library/mongo:7.0.14", replicas: 1, storage: "100Gi" },
  ])("data store $name", (store) => {
    const statefulSet = findObject(objects, "StatefulSet", store.name);

    it("should run as a StatefulSet in namespace iot with a pinned upstream image", () => {
      expect(statefulSet.metadata.namespace).toBe(NS);
      expect(findContainer(statefulSet, store.name).image).toBe(store.image);
      expect(statefulSet.spec.replicas).toBe(store.replicas);
    });

    it("should keep its data on a persistent volume", () => {
      const templates = statefulSet.spec.volumeClaimTemplates as Json[];
      const data = templates.find((t) => t.metadata.name === "data");
      expect(data?.spec.resources.requests.storage).toBe(store.storage);
      const mounts = findContainer(statefulSet, store.name).volumeMounts as Json[];
      expect(mounts.map((m) => m.name)).toContain("data");
    });
  });

  it("should replicate every Kafka topic to all three brokers", () => {
    const broker = findContainer(findObject(objects, "StatefulSet", "kafka"), "kafka");
    expect(envVar(broker, "KAFKA_DEFAULT_REPLICATION_FACTOR")?.value).toBe("3");
    expect(envVar(broker, "KAFKA_MIN_INSYNC_REPLICAS")?.value).toBe("2");
  });

  it("should give topics at least as many partitions as the aggregator's maximum replicas", () => {
    const broker = findContainer(findObject(objects, "StatefulSet", "kafka"), "kafka");
    expect(Number(envVar(broker, "KAFKA_NUM_PARTITIONS")?.value)).toBeGreaterThanOrEqual(5);
  });

  it("should point the services at the in-namespace Kafka and MongoDB", () => {
    const config = findObject(objects, "ConfigMap", "iot-telemetry-config");
    expect(config.data.KAFKA_BOOTSTRAP_SERVERS).toBe("kafka.iot.svc:9092");
    expect(config.data.MONGO_HOST).toBe("mongodb.iot.svc:27017");
    expect(config.data.MONGO_URL).toBeUndefined();
    const kafkaService = findObject(objects, "Service", "kafka");
    expect((kafkaService.spec.ports as Json[]).find((p) => p.name === "client")?.port).toBe(9092);
    const mongoService = findObject(objects, "Service", "mongodb");
    expect((mongoService.spec.ports as Json[]).map((p) => p.port)).toContain(27017);
  });

  it("should configure alert thresholds and topic names", () => {
    const { data } = findObject(objects, "ConfigMap", "iot-telemetry-config");
    for (const key of ["KAFKA_TELEMETRY_TOPIC", "KAFKA_ALERTS_TOPIC", "ALERT_TEMPERATURE_HIGH_CELSIUS", "ALERT_BATTERY_LOW_PERCENT"]) {
      expect(data[key], key).toMatch(/\S/);
    }
    expect(Number(data.ALERT_TEMPERATURE_HIGH_CELSIUS)).toBeGreaterThan(Number(data.ALERT_TEMPERATURE_LOW_CELSIUS));
  });

  describe.each(["aggregator-worker", "alerts-worker", "dashboard-api"])("MongoDB client %s", (name) => {
    const container = findContainer(findObject(objects, "Deployment", name), name);

    it("should take MongoDB credentials from the mongodb-auth secret", () => {
      const refs = (container.env as Json[]).filter((e) => e.valueFrom?.secretKeyRef?.name === "mongodb-auth");
      expect(refs.map((e) => e.valueFrom.secretKeyRef.key).sort()).toEqual(["password", "username"]);
    });

    it("should build MONGO_URL only from variables defined before it", () => {
      const env = container.env as Json[];
      const index = env.findIndex((e) => e.name === "MONGO_URL");
      expect(index).toBeGreaterThanOrEqual(0);
      const url = env[index].value as string;
      expect(url).toMatch(/^mongodb:\/\/\$\(\w+\):\$\(\w+\)@\$\(MONGO_HOST\)\//);
      const earlier = new Set(env.slice(0, index).map((e) => e.name));
      for (const [, ref] of url.matchAll(/\$\((\w+)\)/g)) {
        // MONGO_HOST comes from the ConfigMap through envFrom, which Kubernetes loads first.
        if (ref !== "MONGO_HOST") expect(earlier, `${ref} must precede MONGO_URL`).toContain(ref);
      }
    });
  });

  it("should not hand MongoDB credentials to ingestion-api, which only talks to Kafka", () => {
    const container = findContainer(findObject(objects, "Deployment", "ingestion-api"), "ingestion-api");
    const refs = ((container.env ?? []) as Json[]).filter((e) => e.valueFrom?.secretKeyRef?.name === "mongodb-auth");
    expect(refs).toEqual([]);
  });

  it("should manage the MongoDB credentials through an ExternalSecret", () => {
    findObject(objects, "ExternalSecret", "mongodb-auth");
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  describe.each([
    { name: "ingestion-api", host: "api.iot.terragonlabs.com" },
    { name: "dashboard-api", host: "dashboard.iot.terragonlabs.com" },
  ])("ingress $name", ({ name, host }) => {
    it("should route the cluster's host to the service's HTTP port", () => {
      const ingress = findObject(objects, "Ingress", name);
      const rule = (ingress.spec.rules as Json[]).find((r) => r.host === host);
      expect(rule, `no rule for ${host}`).toBeDefined();
      const backend = rule.http.paths[0].backend.service;
      expect(backend.name).toBe(name);
      expect(backend.port.number === 80 || backend.port.name === "http").toBe(true);
    });
  });

  describe("alert rules", () => {
    const rules = findObject(objects, "PrometheusRule", `${APP}-alerts`).spec.groups[0].rules as Json[];

    it.each(["TelemetryTargetDown", "IngestionHighErrorRate", "AlertsWorkerNotRunning"])("should define %s", (alert) => {
      const rule = rules.find((r) => r.alert === alert);
      expect(rule).toBeDefined();
      expect(rule.for).toMatch(/^\d+m$/);
    });

    it("should scope every alert to namespace iot and document it", () => {
      for (const rule of rules) {
        expect(rule.expr, rule.alert).toContain('namespace="iot"');
        expect(["critical", "warning", "info"]).toContain(rule.labels.severity);
        expect(rule.annotations.summary, rule.alert).toMatch(/\S/);
        expect(rule.annotations.description, rule.alert).toMatch(/\S/);
      }
    });

    it("should page when the single alerts-worker is gone", () => {
      const rule = rules.find((r) => r.alert === "AlertsWorkerNotRunning");
      expect(rule.expr).toContain("absent(");
      expect(rule.expr).toContain('service="alerts-worker"');
      expect(rule.labels.severity).toBe("critical");
    });
  });
});

describe("when rendering for staging", () => {
  const objects = renderedApp(APP, "staging");

  it("should run the guide's replica counts and HPA minimums", () => {
    expect(findObject(objects, "Deployment", "ingestion-api").spec.replicas).toBe(2);
    expect(findObject(objects, "HorizontalPodAutoscaler", "ingestion-api-hpa").spec.minReplicas).toBe(2);
    expect(findObject(objects, "Deployment", "dashboard-api").spec.replicas).toBe(2);
    expect(findObject(objects, "HorizontalPodAutoscaler", "dashboard-api-hpa").spec.minReplicas).toBe(2);
  });

  it("should run a single Kafka broker replicating topics once", () => {
    const kafka = findObject(objects, "StatefulSet", "kafka");
    expect(kafka.spec.replicas).toBe(1);
    expect(envVar(findContainer(kafka, "kafka"), "KAFKA_DEFAULT_REPLICATION_FACTOR")?.value).toBe("1");
  });
});

describe("when rendering for dev", () => {
  const objects = renderedApp(APP, "dev");

  it.each(["ingestion-api", "dashboard-api"])("should run one replica of %s with an HPA minimum of 1", (name) => {
    expect(findObject(objects, "Deployment", name).spec.replicas).toBe(1);
    const hpa = findObject(objects, "HorizontalPodAutoscaler", `${name}-hpa`);
    expect(hpa.spec.minReplicas).toBe(1);
  });

  it("should keep the guide's HPA maximums", () => {
    expect(findObject(objects, "HorizontalPodAutoscaler", "ingestion-api-hpa").spec.maxReplicas).toBe(10);
    expect(findObject(objects, "HorizontalPodAutoscaler", "dashboard-api-hpa").spec.maxReplicas).toBe(8);
  });

  it.each([
    { name: "ingestion-api", host: "api.iot.local" },
    { name: "dashboard-api", host: "dashboard.iot.local" },
  ])("should serve $name on the guide's host $host", ({ name, host }) => {
    const ingress = findObject(objects, "Ingress", name);
    expect((ingress.spec.rules as Json[]).map((r) => r.host)).toEqual([host]);
  });

  it("should run a single Kafka broker", () => {
    expect(findObject(objects, "StatefulSet", "kafka").spec.replicas).toBe(1);
  });
});

describe("when rendering for kind", () => {
  const objects = renderedApp(APP, "kind");

  it("should keep the Kafka heap under the clamped memory limit", () => {
    const broker = findContainer(findObject(objects, "StatefulSet", "kafka"), "kafka");
    const heap = /-Xmx(\w+)/.exec(envVar(broker, "KAFKA_HEAP_OPTS")?.value ?? "")?.[1];
    expect(heap).toBeDefined();
    const limit = bytes(broker.resources.limits.memory);
    // The JVM needs room beyond the heap for metaspace, threads and buffers.
    expect(bytes(heap as string)).toBeLessThanOrEqual(limit * 0.6);
  });
});
