import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findContainer, findObject, podSpec, quantity, renderedApp } from "../../test/support/rendered.js";

// Expected values are the figures of the deployment guide (seed 000_306f82a402d6516b.txt).

const APP = "iot-edge-anomaly";
const NAMESPACE = "iot-edge-anomaly";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function expectResources(container: any, expected: { requests: [string, string]; limits: [string, string] }): void {
  expect(quantity(container.resources.requests.cpu)).toBeCloseTo(quantity(expected.requests[0]));
  expect(quantity(container.resources.requests.memory)).toBe(quantity(expected.requests[1]));
  expect(quantity(container.resources.limits.cpu)).toBeCloseTo(quantity(expected.limits[0]));
  expect(quantity(container.resources.limits.memory)).toBe(quantity(expected.limits[1]));
}

describe("when rendering for prod", () => {
  const objects = renderedApp(APP, "prod");
  const deployment = findObject(objects, "Deployment", APP);
  const main = findContainer(deployment, APP);
  const sidecar = findContainer(deployment, "log-forwarder");

  it("should put every object in the iot-edge-anomaly namespace", () => {
    for (const o of objects.filter((o) => o.kind !== "Namespace" && o.metadata.namespace !== undefined)) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(NAMESPACE);
    }
  });

  it("should run the pinned v4.0.0 application image", () => {
    expect(main.image).toBe("docker.io/terragonlabs/iot-edge-anomaly-v4:v4.0.0");
  });

  it("should give the main container the guide's resources", () => {
    expectResources(main, { requests: ["200m", "256Mi"], limits: ["1000m", "1Gi"] });
  });

  it("should give the log forwarder the guide's resources", () => {
    expectResources(sidecar, { requests: ["50m", "64Mi"], limits: ["100m", "128Mi"] });
  });

  it("should run Fluent Bit at a pinned version as the log forwarder", () => {
    expect(sidecar.image).toMatch(/^docker\.io\/fluent\/fluent-bit:\d+\.\d+\.\d+$/);
  });

  it("should expose http on 8000 and metrics on 9090", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ports = Object.fromEntries(main.ports.map((p: any) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: 8000, metrics: 9090 });
  });

  it.each(["livenessProbe", "readinessProbe", "startupProbe"])("should have a %s on /health", (probe) => {
    expect(main[probe].httpGet.path).toBe("/health");
    expect([8000, "http"]).toContain(main[probe].httpGet.port);
  });

  it("should give the log forwarder liveness and readiness probes", () => {
    expect(sidecar.livenessProbe).toBeDefined();
    expect(sidecar.readinessProbe).toBeDefined();
  });

  it("should serve http 8000 and metrics 9090 from iot-edge-anomaly-service", () => {
    const service = findObject(objects, "Service", "iot-edge-anomaly-service");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ports = Object.fromEntries(service.spec.ports.map((p: any) => [p.name, p.port]));
    expect(ports).toEqual({ http: 8000, metrics: 9090 });
  });

  it("should scale 2-20 on CPU 70%, memory 80% and 100 requests per second", () => {
    const hpa = findObject(objects, "HorizontalPodAutoscaler", "iot-edge-anomaly-hpa");
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: APP });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(20);
    expect(hpa.spec.metrics).toEqual(
      expect.arrayContaining([
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
        {
          type: "Pods",
          pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } },
        },
      ]),
    );
    expect(hpa.spec.metrics).toHaveLength(3);
  });

  it("should render the VPA in recommendation-only mode so it does not fight the HPA", () => {
    const vpa = findObject(objects, "VerticalPodAutoscaler", "iot-edge-anomaly-vpa");
    expect(vpa.spec.targetRef).toMatchObject({ kind: "Deployment", name: APP });
    expect(vpa.spec.updatePolicy.updateMode).toBe("Off");
  });

  it.each([
    ["iot-edge-anomaly-models", "/app/models", "10Gi"],
    ["iot-edge-anomaly-data", "/app/data", "20Gi"],
  ])("should claim %s and mount it at %s", (claim, mountPath, size) => {
    const pvc = findObject(objects, "PersistentVolumeClaim", claim);
    expect(quantity(pvc.spec.resources.requests.storage)).toBe(quantity(size));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const volume = podSpec(deployment).volumes.find((v: any) => v.persistentVolumeClaim?.claimName === claim);
    expect(volume, `pod volume for ${claim}`).toBeDefined();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(main.volumeMounts.find((m: any) => m.name === volume.name)?.mountPath).toBe(mountPath);
  });

  it("should ship config.yaml with the guide's ports", () => {
    const configMap = findObject(objects, "ConfigMap", "iot-edge-anomaly-config");
    const config = parse(configMap.data["config.yaml"]);
    expect(config.server.port).toBe(8000);
    expect(config.metrics.port).toBe(9090);
    expect(config.app.version).toBe("4.0.0");
  });

  it("should forward logs with a Fluent Bit config that tails the app's log directory", () => {
    const configMap = findObject(objects, "ConfigMap", "iot-edge-anomaly-fluent-bit");
    expect(configMap.data["fluent-bit.conf"]).toContain("Name              tail");
    expect(configMap.data["fluent-bit.conf"]).toContain("Name                     forward");
  });

  it("should keep the root filesystem read-only with /tmp on an emptyDir", () => {
    for (const c of podSpec(deployment).containers) {
      expect(c.securityContext.readOnlyRootFilesystem, c.name).toBe(true);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const tmp = main.volumeMounts.find((m: any) => m.mountPath === "/tmp");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(podSpec(deployment).volumes.find((v: any) => v.name === tmp.name).emptyDir).toBeDefined();
  });

  it("should give the ServiceAccount get on its own ConfigMap only", () => {
    findObject(objects, "ServiceAccount", APP);
    const roles = objects.filter((o) => o.kind === "Role");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rules = roles.flatMap((r: any) => r.rules);
    expect(rules).toEqual([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["iot-edge-anomaly-config"] },
    ]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const binding: any = objects.find((o) => o.kind === "RoleBinding");
    expect(binding.subjects).toContainEqual(expect.objectContaining({ kind: "ServiceAccount", name: APP }));
  });

  it("should read the API key from an ExternalSecret, never a Secret", () => {
    findObject(objects, "ExternalSecret", "iot-edge-anomaly-secrets");
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const apiKey = main.env.find((e: any) => e.name === "API_KEY");
    expect(apiKey.valueFrom.secretKeyRef).toMatchObject({ name: "iot-edge-anomaly-secrets", key: "api-key" });
  });

  it("should expose the service through a TLS ingress", () => {
    const ingress = findObject(objects, "Ingress", APP);
    const host = "iot-edge-anomaly.terragonlabs.com";
    expect(ingress.spec.rules[0].host).toBe(host);
    expect(ingress.spec.tls[0].hosts).toContain(host);
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe("iot-edge-anomaly-service");
    expect([8000, "http"]).toContain(backend.port.number ?? backend.port.name);
  });

  it("should scrape the metrics port", () => {
    const monitor = findObject(objects, "ServiceMonitor", APP);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(monitor.spec.endpoints.map((e: any) => e.port)).toContain("metrics");
  });

  it("should let the log forwarder reach the logging network", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const egress = objects.filter((o) => o.kind === "NetworkPolicy").flatMap((p: any) => p.spec.egress ?? []);
    expect(egress).toContainEqual(
      expect.objectContaining({
        to: expect.arrayContaining([{ ipBlock: { cidr: "10.140.0.0/24" } }]),
        ports: expect.arrayContaining([expect.objectContaining({ port: 24224 })]),
      }),
    );
  });

  it("should let a pod run the guide's health check against the service on 8000", () => {
    const policy = findObject(objects, "NetworkPolicy", `allow-${APP}`);
    const ownPods = { podSelector: { matchLabels: deployment.spec.selector.matchLabels } };
    expect(policy.spec.ingress).toContainEqual({ from: [ownPods], ports: [{ protocol: "TCP", port: 8000 }] });
  });

  it("should not put the log forwarder's port on the service", () => {
    const service = findObject(objects, "Service", "iot-edge-anomaly-service");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(service.spec.ports.map((p: any) => p.port)).not.toContain(2020);
  });

  describe("when reading the alert rules", () => {
    const rule = findObject(objects, "PrometheusRule", "iot-edge-anomaly-alerts");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const alerts: any[] = rule.spec.groups.flatMap((g: any) => g.rules);

    it("should carry exactly the guide's five alerts", () => {
      expect(alerts.map((a) => a.alert).sort()).toEqual(
        ["HighAnomalyRate", "HighCPUUsage", "HighMemoryUsage", "PodCrashLooping", "ServiceDown"],
      );
    });

    describe.each([
      { alert: "HighCPUUsage", metric: "process_cpu_seconds_total", threshold: "> 80", for: "5m" },
      { alert: "HighMemoryUsage", metric: "process_resident_memory_bytes", threshold: "> 80", for: "5m" },
      { alert: "PodCrashLooping", metric: "kube_pod_container_status_restarts_total", threshold: "> 0", for: "5m" },
      { alert: "HighAnomalyRate", metric: "anomalies_detected_total", threshold: "> 10", for: "10m" },
      { alert: "ServiceDown", metric: "up{", threshold: "== 0", for: "1m" },
    ])("when checking $alert", (expected) => {
      const alert = alerts.find((a) => a.alert === expected.alert);

      it(`should fire on ${expected.threshold} of ${expected.metric} for ${expected.for}`, () => {
        expect(alert.expr).toContain(expected.metric);
        expect(alert.expr).toContain(expected.threshold);
        expect(alert.for).toBe(expected.for);
      });

      it("should be scoped to the app's namespace", () => {
        expect(alert.expr).toContain(`namespace="${NAMESPACE}"`);
      });

      it("should have a severity, summary and description", () => {
        expect(["critical", "warning", "info"]).toContain(alert.labels.severity);
        expect(alert.annotations.summary).toBeTruthy();
        expect(alert.annotations.description).toBeTruthy();
      });
    });
  });
});

describe.each([
  { cluster: "dev", replicas: [1, 3], logLevel: "DEBUG" },
  { cluster: "kind", replicas: [1, 3], logLevel: "DEBUG" },
  { cluster: "staging", replicas: [2, 10], logLevel: "INFO" },
  { cluster: "prod", replicas: [2, 20], logLevel: "INFO" },
  { cluster: "edge", replicas: [1, 3], logLevel: "INFO" },
])("when rendering for $cluster", ({ cluster, replicas, logLevel }) => {
  const objects = renderedApp(APP, cluster);
  const deployment = findObject(objects, "Deployment", APP);
  const main = findContainer(deployment, APP);

  it(`should autoscale between ${replicas[0]} and ${replicas[1]} replicas`, () => {
    const hpa = findObject(objects, "HorizontalPodAutoscaler", "iot-edge-anomaly-hpa");
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual(replicas);
  });

  it(`should log at ${logLevel}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(main.env.find((e: any) => e.name === "LOG_LEVEL").value).toBe(logLevel);
  });

  it("should keep GPU inference off", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(main.env.find((e: any) => e.name === "ENABLE_GPU").value).toBe("false");
  });

  it("should pin every image to a version tag", () => {
    for (const c of [...(podSpec(deployment).initContainers ?? []), ...podSpec(deployment).containers]) {
      expect(c.image, c.name).not.toMatch(/:latest$/);
      expect(c.image, c.name).toMatch(/:[^/]+$/);
    }
  });
});

describe("when rendering for edge", () => {
  const objects = renderedApp(APP, "edge");
  const deployment = findObject(objects, "Deployment", APP);
  const pod = podSpec(deployment);

  it("should land on Raspberry Pi nodes", () => {
    expect(pod.nodeSelector).toMatchObject({ "edge.terragon.io/device-type": "raspberry-pi" });
  });

  it("should tolerate the edge-node=true:NoSchedule taint", () => {
    expect(pod.tolerations).toContainEqual(
      expect.objectContaining({ key: "edge-node", operator: "Equal", value: "true", effect: "NoSchedule" }),
    );
  });

  it("should use the guide's edge resources", () => {
    expectResources(findContainer(deployment, APP), { requests: ["100m", "128Mi"], limits: ["500m", "512Mi"] });
  });

  it("should keep the storage small and node-local", () => {
    const models = findObject(objects, "PersistentVolumeClaim", "iot-edge-anomaly-models");
    expect(quantity(models.spec.resources.requests.storage)).toBeLessThan(quantity("10Gi"));
    expect(models.spec.accessModes).toEqual(["ReadWriteOnce"]);
  });

  it("should expose the ingress under the edge domain", () => {
    expect(findObject(objects, "Ingress", APP).spec.rules[0].host).toBe("iot-edge-anomaly.edge.iot-fleet.internal");
  });
});

describe("when rendering for dev", () => {
  const pod = podSpec(findObject(renderedApp(APP, "dev"), "Deployment", APP));

  it("should not add the edge node selector or toleration", () => {
    expect(pod.nodeSelector?.["edge.terragon.io/device-type"]).toBeUndefined();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect((pod.tolerations ?? []).filter((t: any) => t.key === "edge-node")).toEqual([]);
  });
});

describe("when rendering for kind", () => {
  const deployment = findObject(renderedApp(APP, "kind"), "Deployment", APP);

  it("should keep every container within the kind profile's cap", () => {
    for (const c of podSpec(deployment).containers) {
      expect(quantity(c.resources.limits.cpu), c.name).toBeLessThanOrEqual(quantity("500m"));
      expect(quantity(c.resources.limits.memory), c.name).toBeLessThanOrEqual(quantity("512Mi"));
    }
  });
});
