import { describe, expect, it } from "vitest";
import { findContainer, findObject, quantity, renderedApp } from "../../test/support/rendered.js";

// Expected figures are typed from the Pynomaly deployment guide (seed 003),
// never copied from rendered output.

const API = "pynomaly-detection";
const WORKER = "pynomaly-worker";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function amounts(r: any): { cpu: number; memory: number } {
  return { cpu: quantity(r.cpu), memory: quantity(r.memory) };
}

const TIERS = [
  // cluster, namespace, PYNOMALY_ENV, replicas (guide "Environments"), HPA min-max
  { cluster: "dev", namespace: "pynomaly-development", env: "development", replicas: 1, hpa: [1, 2] },
  { cluster: "staging", namespace: "pynomaly-staging", env: "staging", replicas: 2, hpa: [2, 6] },
  { cluster: "prod", namespace: "pynomaly-production", env: "production", replicas: 5, hpa: [5, 20] },
  { cluster: "kind", namespace: "pynomaly-development", env: "development", replicas: 1, hpa: [1, 2] },
] as const;

describe.each(TIERS)("when rendering for $cluster", ({ cluster, namespace, env, replicas, hpa }) => {
  const objects = renderedApp("pynomaly", cluster);

  it(`should place every namespaced object in ${namespace}`, () => {
    const namespaced = objects.filter((o) => o.metadata.namespace !== undefined);
    expect(namespaced.length).toBeGreaterThan(0);
    for (const o of namespaced) expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${namespace}`);
  });

  it(`should run ${replicas} API replica(s)`, () => {
    expect(findObject(objects, "Deployment", API).spec.replicas).toBe(replicas);
  });

  it(`should autoscale the API between ${hpa[0]} and ${hpa[1]} on CPU, memory and requests per second`, () => {
    const h = findObject(objects, "HorizontalPodAutoscaler", `${API}-hpa`);
    expect(h.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: API });
    expect([h.spec.minReplicas, h.spec.maxReplicas]).toEqual(hpa);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const metrics: any[] = h.spec.metrics;
    expect(metrics.filter((m) => m.type === "Resource").map((m) => m.resource.name).sort()).toEqual(["cpu", "memory"]);
    expect(metrics.find((m) => m.type === "Pods")?.pods.metric.name).toBe("http_requests_per_second");
  });

  it("should keep both VPAs recommendation-only next to the HPAs", () => {
    for (const c of [API, WORKER]) {
      expect(findObject(objects, "VerticalPodAutoscaler", `${c}-vpa`).spec.updatePolicy.updateMode).toBe("Off");
    }
  });

  it(`should set PYNOMALY_ENV=${env} in the config loaded by both components`, () => {
    const cm = findObject(objects, "ConfigMap", "pynomaly-config");
    expect(cm.data.PYNOMALY_ENV).toBe(env);
    for (const c of [API, WORKER]) {
      const container = findContainer(findObject(objects, "Deployment", c), c);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      expect(container.envFrom.map((e: any) => e.configMapRef?.name)).toContain("pynomaly-config");
    }
  });

  it(`should read credentials from pynomaly-secrets-${env}, pynomaly-db-secret and pynomaly-api-secret`, () => {
    for (const s of [`pynomaly-secrets-${env}`, "pynomaly-db-secret", "pynomaly-api-secret"]) findObject(objects, "ExternalSecret", s);
    const container = findContainer(findObject(objects, "Deployment", API), API);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const env_: any[] = container.env;
    const ref = (name: string): unknown => env_.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(ref("PYNOMALY_DB_PASSWORD")).toMatchObject({ name: `pynomaly-secrets-${env}`, key: "PYNOMALY_DB_PASSWORD" });
    expect(ref("PYNOMALY_S3_SECRET_KEY")).toMatchObject({ name: `pynomaly-secrets-${env}`, key: "PYNOMALY_S3_SECRET_KEY" });
    expect(ref("PYNOMALY_DB_HOST")).toMatchObject({ name: "pynomaly-db-secret", key: "host" });
    expect(ref("PYNOMALY_API_KEY")).toMatchObject({ name: "pynomaly-api-secret", key: "api-key" });
  });

  it("should render no Secret with data", () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("should expose the API through the ingress controller with TLS", () => {
    const ing = findObject(objects, "Ingress", "pynomaly-detection-ingress");
    const domain = { dev: "dev.iot-fleet.internal", staging: "staging.iot-fleet.internal", prod: "terragonlabs.com", kind: "kind.iot-fleet.internal" }[cluster];
    expect(ing.spec.rules[0].host).toBe(`pynomaly.${domain}`);
    expect(ing.spec.rules[0].http.paths[0].backend.service.name).toBe(API);
    expect(ing.spec.tls[0].hosts).toContain(`pynomaly.${domain}`);
  });
});

describe("when rendering resources per tier", () => {
  // Performance tuning: "500m request, 2000m limit", "1Gi request, 4Gi limit"; development "reduced resource limits".
  const GUIDE = { requests: { cpu: quantity("500m"), memory: quantity("1Gi") }, limits: { cpu: quantity("2000m"), memory: quantity("4Gi") } };

  describe.each(["staging", "prod"])("when rendering for %s", (cluster) => {
    const objects = renderedApp("pynomaly", cluster);

    it("should give the API the guide's starting requests and limits", () => {
      const c = findContainer(findObject(objects, "Deployment", API), API);
      expect({ requests: amounts(c.resources.requests), limits: amounts(c.resources.limits) }).toEqual(GUIDE);
    });

    it("should tell the app its container's memory limit in GB", () => {
      const c = findContainer(findObject(objects, "Deployment", API), API);
      expect(c.env.find((e: { name: string }) => e.name === "PYNOMALY_MEMORY_LIMIT_GB").valueFrom).toEqual({
        resourceFieldRef: { containerName: API, resource: "limits.memory", divisor: "1Gi" },
      });
      expect(c.resources.limits.memory).toBe("4Gi");
    });

    it("should log at INFO", () => {
      expect(findObject(objects, "ConfigMap", "pynomaly-config").data.PYNOMALY_LOG_LEVEL).toBe("INFO");
    });
  });

  describe("when rendering for dev", () => {
    const objects = renderedApp("pynomaly", "dev");
    const c = findContainer(findObject(objects, "Deployment", API), API);

    it("should reduce every request and limit below the production figures", () => {
      const requests = amounts(c.resources.requests);
      const limits = amounts(c.resources.limits);
      expect(requests.cpu).toBeLessThan(GUIDE.requests.cpu);
      expect(requests.memory).toBeLessThan(GUIDE.requests.memory);
      expect(limits.cpu).toBeLessThan(GUIDE.limits.cpu);
      expect(limits.memory).toBeLessThan(GUIDE.limits.memory);
    });

    it("should report the container's own memory limit in PYNOMALY_MEMORY_LIMIT_GB", () => {
      const ref = c.env.find((e: { name: string }) => e.name === "PYNOMALY_MEMORY_LIMIT_GB").valueFrom.resourceFieldRef;
      expect(ref).toEqual({ containerName: API, resource: "limits.memory", divisor: "1Gi" });
      expect(findObject(objects, "ConfigMap", "pynomaly-config").data.PYNOMALY_MEMORY_LIMIT_GB).toBeUndefined();
    });

    it("should enable debug logging", () => {
      expect(findObject(objects, "ConfigMap", "pynomaly-config").data.PYNOMALY_LOG_LEVEL).toBe("DEBUG");
    });
  });

  describe("when rendering for kind", () => {
    const objects = renderedApp("pynomaly", "kind");

    it("should keep every container within the kind profile's cap", () => {
      for (const d of [API, WORKER]) {
        const c = findContainer(findObject(objects, "Deployment", d), d);
        expect(amounts(c.resources.limits).cpu).toBeLessThanOrEqual(quantity("500m"));
        expect(amounts(c.resources.limits).memory).toBeLessThanOrEqual(quantity("512Mi"));
      }
    });
  });
});

describe("when rendering for prod", () => {
  const objects = renderedApp("pynomaly", "prod");
  const api = findObject(objects, "Deployment", API);
  const container = findContainer(api, API);

  it("should run the pinned pynomaly/detection:v0.2.0 image", () => {
    expect(container.image).toBe("docker.io/pynomaly/detection:v0.2.0");
  });

  it("should serve HTTP and metrics on 9090", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ports = Object.fromEntries(container.ports.map((p: any) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: 8000, metrics: 9090 });
    const sm = findObject(objects, "ServiceMonitor", API);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(sm.spec.endpoints.map((e: any) => e.port)).toContain("metrics");
  });

  it("should have liveness, readiness and a generous startup probe on the http port", () => {
    expect(container.livenessProbe.httpGet).toMatchObject({ path: "/health", port: "http" });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: "/ready", port: "http" });
    expect(container.startupProbe.httpGet).toMatchObject({ port: "http" });
    // Slow start: at least a few minutes before the kubelet gives up.
    expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBeGreaterThanOrEqual(180);
  });

  it("should run as non-root UID 1000 with a read-only root filesystem and a writable /tmp", () => {
    const pod = api.spec.template.spec;
    expect(pod.securityContext.runAsUser ?? container.securityContext.runAsUser).toBe(1000);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const tmp = container.volumeMounts.find((m: any) => m.mountPath === "/tmp");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(pod.volumes.find((v: any) => v.name === tmp.name).emptyDir).toBeDefined();
  });

  it("should expose the API on a LoadBalancer plus a headless Service for discovery", () => {
    const lb = findObject(objects, "Service", API);
    expect(lb.spec.type).toBe("LoadBalancer");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(lb.spec.ports.map((p: any) => p.name)).toEqual(["http"]);
    expect(findObject(objects, "Service", `${API}-headless`).spec.clusterIP).toBe("None");
  });

  it("should scrape metrics on 9090 through the headless Service, never the LoadBalancer", () => {
    const monitor = findObject(objects, "ServiceMonitor", API);
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: "metrics", path: "/metrics" })]);
    const selected = objects.filter(
      (o: any) =>
        o.kind === "Service" &&
        Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => (o.metadata.labels ?? {})[k] === v),
    );
    expect(selected.map((s: any) => s.metadata.name)).toEqual([`${API}-headless`]);
    const fromBalancer = findObject(objects, "NetworkPolicy", `allow-${API}`).spec.ingress.filter((r: any) => r.from.some((f: any) => f.ipBlock));
    expect(fromBalancer.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([8000]);
  });

  it("should let the pods reach only the database and S3 outside the cluster", () => {
    for (const c of [API, WORKER]) {
      const np = findObject(objects, "NetworkPolicy", `allow-${c}`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ports = np.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort((a: number, b: number) => a - b);
      expect(ports, c).toEqual([443, 5432]);
    }
  });

  it("should admit no traffic to the worker, which serves nothing", () => {
    expect(findObject(objects, "NetworkPolicy", `allow-${WORKER}`).spec.ingress ?? []).toEqual([]);
  });

  it("should give the worker no Service of its own", () => {
    const names = objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name);
    expect(names.filter((n) => n.startsWith(WORKER))).toEqual([]);
  });

  it("should scale the worker independently of the API", () => {
    const h = findObject(objects, "HorizontalPodAutoscaler", `${WORKER}-hpa`);
    expect(h.spec.scaleTargetRef.name).toBe(WORKER);
    expect([h.spec.minReplicas, h.spec.maxReplicas]).toEqual([2, 10]);
  });

  it("should set the guide's detection and performance settings", () => {
    const data = findObject(objects, "ConfigMap", "pynomaly-config").data;
    for (const key of [
      "PYNOMALY_WORKERS", "PYNOMALY_DEFAULT_ALGORITHM", "PYNOMALY_DEFAULT_CONTAMINATION", "PYNOMALY_ENABLE_AUTOML",
      "PYNOMALY_ENABLE_ENSEMBLE", "PYNOMALY_PARALLEL_JOBS", "PYNOMALY_CACHE_SIZE",
    ]) expect(data[key], key).toBeTruthy();
    // "Use larger batch sizes (1000+)", "Enable memory optimization".
    expect(Number(data.PYNOMALY_BATCH_SIZE)).toBeGreaterThanOrEqual(1000);
    expect(data.PYNOMALY_ENABLE_MEMORY_OPTIMIZATION).toBe("true");
    expect(Number(data.PYNOMALY_DEFAULT_CONTAMINATION)).toBeGreaterThan(0);
    expect(Number(data.PYNOMALY_DEFAULT_CONTAMINATION)).toBeLessThanOrEqual(0.5);
  });

  it("should keep secret values out of the ConfigMap", () => {
    const keys = Object.keys(findObject(objects, "ConfigMap", "pynomaly-config").data);
    expect(keys.filter((k) => /PASSWORD|SECRET|ACCESS_KEY|API_KEY/.test(k))).toEqual([]);
  });
});

describe("when rendering storage", () => {
  // Storage table: size and StorageClass per volume; prod maps "fast" to fast-ssd.
  const TABLE = [
    { claim: "pynomaly-data", size: "10Gi", prodClass: "fast-ssd" },
    { claim: "pynomaly-models", size: "50Gi", prodClass: "fast-ssd" },
    { claim: "pynomaly-cache", size: "5Gi", prodClass: "fast-ssd" },
    { claim: "pynomaly-logs", size: "20Gi", prodClass: "standard" },
  ];

  describe.each(TABLE)("when rendering $claim for prod", ({ claim, size, prodClass }) => {
    const objects = renderedApp("pynomaly", "prod");
    const pvc = findObject(objects, "PersistentVolumeClaim", claim);

    it(`should request ${size} of ${prodClass}`, () => {
      expect(quantity(pvc.spec.resources.requests.storage)).toBe(quantity(size));
      expect(pvc.spec.storageClassName).toBe(prodClass);
    });

    it("should be shared ReadWriteMany by the API and worker pods spread over nodes", () => {
      expect(pvc.spec.accessModes).toEqual(["ReadWriteMany"]);
    });

    it("should be mounted by the API and the worker", () => {
      for (const d of [API, WORKER]) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const vols: any[] = findObject(objects, "Deployment", d).spec.template.spec.volumes;
        expect(vols.map((v) => v.persistentVolumeClaim?.claimName)).toContain(claim);
      }
    });
  });

  describe.each(["dev", "kind"])("when rendering for %s", (cluster) => {
    const objects = renderedApp("pynomaly", cluster);

    it.each(TABLE)("should keep $claim at the guide's $size on local ReadWriteOnce storage", ({ claim, size }) => {
      const pvc = findObject(objects, "PersistentVolumeClaim", claim);
      expect(quantity(pvc.spec.resources.requests.storage)).toBe(quantity(size));
      expect(pvc.spec.accessModes).toEqual(["ReadWriteOnce"]);
      expect(pvc.spec.storageClassName).toBe("standard");
    });
  });
});

describe("when rendering alerts for prod", () => {
  const objects = renderedApp("pynomaly", "prod");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rules: any[] = findObject(objects, "PrometheusRule", "pynomaly-alerts").spec.groups[0].rules;
  const rule = (name: string): { expr: string; for: string; labels: { severity: string }; annotations: Record<string, string> } => {
    const found = rules.find((r) => r.alert === name);
    if (!found) throw new Error(`no alert ${name}; have ${rules.map((r) => r.alert).join(", ")}`);
    return found;
  };

  // Alerting: "High error rate (>5%)", "High memory usage (>90%)", "High latency (>1000ms)", "Low disk space (<1GB)".
  it.each([
    ["PynomalyHighErrorRate", /> 0\.05$/],
    ["PynomalyHighMemoryUsage", /> 0\.9$/],
    ["PynomalyHighLatency", /> 1$/],
    ["PynomalyLowDiskSpace", /< 1e9$/],
  ])("should fire %s at the guide's threshold", (name, threshold) => {
    const r = rule(name);
    expect(r.expr).toMatch(threshold);
    expect(r.for).toMatch(/^\d+m$/);
    expect(["critical", "warning"]).toContain(r.labels.severity);
    expect(r.annotations.summary).toBeTruthy();
    expect(r.annotations.description).toBeTruthy();
  });

  it("should scope every alert to the production namespace", () => {
    expect(rules.length).toBe(4);
    for (const r of rules) expect(r.expr, r.alert).toContain('namespace="pynomaly-production"');
  });

  it("should measure latency as a p95 from the request duration histogram", () => {
    expect(rule("PynomalyHighLatency").expr).toMatch(/histogram_quantile\(0\.95, .*_duration_seconds_bucket/);
  });

  it("should watch free space of the app's volumes only", () => {
    expect(rule("PynomalyLowDiskSpace").expr).toMatch(/kubelet_volume_stats_available_bytes\{.*persistentvolumeclaim=~"pynomaly-\.\*"/);
  });
});

describe("when rendering for edge", () => {
  it("should not run pynomaly there", () => {
    expect(() => renderedApp("pynomaly", "edge")).toThrow(/does not run pynomaly/);
  });
});
