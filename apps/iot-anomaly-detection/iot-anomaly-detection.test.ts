import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { envVar, findContainer, findObject, renderedApp } from "../../test/support/rendered.js";

// Expected values are the deployment guide's figures (shared/seeds/001_1690f72a25ca6b9e.txt).

const APP = "iot-anomaly-detection";
const API = "anomaly-detection-api";
const NAMESPACE = "iot-anomaly-detection";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function envValue(container: Json, name: string): Json {
  const entry = envVar(container, name);
  if (!entry) throw new Error(`no env ${name} in container ${container.name}`);
  return entry;
}

function volumeFor(pod: Json, container: Json, mountPath: string): Json {
  const mount = (container.volumeMounts as Json[]).find((m) => m.mountPath === mountPath);
  if (!mount) throw new Error(`nothing mounted at ${mountPath} in ${container.name}`);
  const volume = (pod.volumes as Json[]).find((v) => v.name === mount.name);
  if (!volume) throw new Error(`no pod volume ${mount.name} for ${mountPath}`);
  return { mount, volume };
}

function alerts(objects: Json[]): Json[] {
  return findObject(objects, "PrometheusRule", `${APP}-alerts`).spec.groups[0].rules;
}

function alert(objects: Json[], name: string): Json {
  const found = alerts(objects).find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
}

describe.each([
  {
    cluster: "dev",
    environment: "development",
    tag: "v1.0.0-dev",
    replicas: 1,
    minReplicas: 1,
    maxReplicas: 3,
    host: "api.anomaly-detection.dev.iot-fleet.internal",
    accessMode: "ReadWriteOnce",
  },
  {
    cluster: "kind",
    environment: "development",
    tag: "v1.0.0-dev",
    replicas: 1,
    minReplicas: 1,
    maxReplicas: 3,
    host: "api.anomaly-detection.kind.iot-fleet.internal",
    accessMode: "ReadWriteOnce",
  },
  {
    cluster: "staging",
    environment: "staging",
    tag: "v1.0.0",
    replicas: 2,
    minReplicas: 2,
    maxReplicas: 5,
    host: "api.anomaly-detection.staging.iot-fleet.internal",
    accessMode: "ReadWriteMany",
  },
  {
    cluster: "prod",
    environment: "production",
    tag: "v1.0.0",
    replicas: 3,
    minReplicas: 3,
    maxReplicas: 10,
    host: "api.anomaly-detection.terragonlabs.com",
    accessMode: "ReadWriteMany",
  },
])("when rendering for $cluster", ({ cluster, environment, tag, replicas, minReplicas, maxReplicas, host, accessMode }) => {
  const objects = renderedApp(APP, cluster) as Json[];
  const deployment = findObject(objects, "Deployment", API);
  const pod = deployment.spec.template.spec;
  const api = findContainer(deployment, API);

  it("should put every object in the iot-anomaly-detection namespace", () => {
    for (const o of objects.filter((o) => o.kind !== "Namespace")) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(NAMESPACE);
    }
  });

  it("should run the terragonlabs/iot-anomaly-detector image the guide builds for this tier", () => {
    expect(api.image).toBe(`docker.io/terragonlabs/iot-anomaly-detector:${tag}`);
  });

  it("should run the tier's replica count", () => {
    expect(deployment.spec.replicas).toBe(replicas);
  });

  it("should expose the API on 8080 named http and metrics on 9090", () => {
    expect(api.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "http", containerPort: 8080 }),
        expect.objectContaining({ name: "metrics", containerPort: 9090 }),
      ]),
    );
    const service = findObject(objects, "Service", API);
    expect(service.spec.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "http", port: 8080 }),
        expect.objectContaining({ name: "metrics", port: 9090 }),
      ]),
    );
  });

  it("should probe liveness on /health after 30s every 10s", () => {
    expect(api.livenessProbe.httpGet.path).toBe("/health");
    expect(api.livenessProbe.initialDelaySeconds).toBe(30);
    expect(api.livenessProbe.periodSeconds).toBe(10);
  });

  it("should probe readiness on /ready after 5s every 5s", () => {
    expect(api.readinessProbe.httpGet.path).toBe("/ready");
    expect(api.readinessProbe.initialDelaySeconds).toBe(5);
    expect(api.readinessProbe.periodSeconds).toBe(5);
  });

  it("should run as UID 1000, non-root, read-only, without escalation and with all capabilities dropped", () => {
    const uid = api.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    expect(uid).toBe(1000);
    expect(api.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
    expect(api.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(api.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(api.securityContext.capabilities.drop).toEqual(["ALL"]);
  });

  it("should run under the anomaly-detection-sa ServiceAccount", () => {
    expect(pod.serviceAccountName).toBe("anomaly-detection-sa");
    findObject(objects, "ServiceAccount", "anomaly-detection-sa");
  });

  it("should grant read access only to the app's own ConfigMap and Secret", () => {
    const rules: Json[] = objects.filter((o) => o.kind === "Role").flatMap((r) => r.rules);
    const configMapRules = rules.filter((r) => r.resources.includes("configmaps"));
    const secretRules = rules.filter((r) => r.resources.includes("secrets"));
    expect(configMapRules.length).toBeGreaterThan(0);
    expect(secretRules.length).toBeGreaterThan(0);
    for (const rule of configMapRules) expect(rule.resourceNames).toEqual(["anomaly-detection-config"]);
    for (const rule of secretRules) expect(rule.resourceNames).toEqual(["redis-credentials"]);
    for (const rule of rules) {
      expect(rule.verbs).not.toContain("create");
      expect(rule.verbs).not.toContain("update");
      expect(rule.verbs).not.toContain("delete");
    }
  });

  it("should set the guide's environment table", () => {
    expect(envValue(api, "ENVIRONMENT").value).toBe(environment);
    expect(envValue(api, "LOG_LEVEL").value).toBe("INFO");
    expect(envValue(api, "MODEL_PATH").value).toBe("/app/models");
    expect(envValue(api, "MAX_WORKERS").value).toBe("8");
    expect(envValue(api, "ENABLE_QUANTUM").value).toBe("true");
    expect(envValue(api, "API_RATE_LIMIT").value).toBe("1000");
  });

  it("should read REDIS_URL from key url of the redis-credentials Secret", () => {
    const redisUrl = envValue(api, "REDIS_URL");
    expect(redisUrl.value).toBeUndefined();
    expect(redisUrl.valueFrom.secretKeyRef).toEqual(expect.objectContaining({ name: "redis-credentials", key: "url" }));
  });

  it("should manage redis-credentials through an ExternalSecret, never a Secret with data", () => {
    const external = findObject(objects, "ExternalSecret", "redis-credentials");
    expect((external.spec.data as Json[]).map((d) => d.secretKey)).toEqual(["url"]);
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("should carry the guide's config.yaml in the ConfigMap", () => {
    const config = parse(findObject(objects, "ConfigMap", "anomaly-detection-config").data["config.yaml"]);
    expect(config).toEqual({
      api: { host: "0.0.0.0", port: 8080, workers: 8, timeout: 300 },
      detection: { window_size: 30, batch_size: 32, enable_quantum: true, enable_caching: true, cache_ttl: 3600 },
      performance: { max_queue_size: 1000, auto_scaling: true, metrics_enabled: true },
      security: { enable_authentication: true, rate_limiting: true, max_requests_per_minute: 1000 },
    });
  });

  it("should claim 10Gi model storage (ReadWriteMany where the cluster can share it) and mount it at /app/models", () => {
    const claim = findObject(objects, "PersistentVolumeClaim", "model-storage-pvc");
    expect(claim.spec.resources.requests.storage).toBe("10Gi");
    expect(claim.spec.accessModes).toEqual([accessMode]);
    const { volume } = volumeFor(pod, api, "/app/models");
    expect(volume.persistentVolumeClaim.claimName).toBe("model-storage-pvc");
  });

  it("should give /tmp an emptyDir because the root filesystem is read-only", () => {
    const { volume } = volumeFor(pod, api, "/tmp");
    expect(volume.emptyDir).toBeDefined();
  });

  it("should autoscale on CPU 70%, memory 80% and requests per second within the tier's bounds", () => {
    const hpa = findObject(objects, "HorizontalPodAutoscaler", `${API}-hpa`);
    expect(hpa.spec.scaleTargetRef).toEqual(expect.objectContaining({ kind: "Deployment", name: API }));
    expect(hpa.spec.minReplicas).toBe(minReplicas);
    expect(hpa.spec.maxReplicas).toBe(maxReplicas);
    const metrics: Json[] = hpa.spec.metrics;
    const resource = (name: string): Json => metrics.find((m) => m.type === "Resource" && m.resource.name === name);
    expect(resource("cpu").resource.target.averageUtilization).toBe(70);
    expect(resource("memory").resource.target.averageUtilization).toBe(80);
    const pods = metrics.find((m) => m.type === "Pods");
    expect(pods.pods.metric.name).toBe("http_requests_per_second");
    expect(pods.pods.target.averageValue).toBe("100");
  });

  it("should render the guide's VPA with updateMode Off, not Auto", () => {
    const vpa = findObject(objects, "VerticalPodAutoscaler", `${API}-vpa`);
    expect(vpa.spec.targetRef).toEqual(expect.objectContaining({ kind: "Deployment", name: API }));
    expect(vpa.spec.updatePolicy.updateMode).toBe("Off");
    expect(vpa.spec.updatePolicy.updateMode).not.toBe("Auto");
  });

  it("should serve the API over TLS on its ingress host", () => {
    const ingress = findObject(objects, "Ingress", API);
    expect(ingress.spec.rules.map((r: Json) => r.host)).toEqual([host]);
    expect(ingress.spec.tls.flatMap((t: Json) => t.hosts)).toEqual([host]);
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(API);
  });

  it("should scrape the metrics port with a ServiceMonitor", () => {
    const monitor = findObject(objects, "ServiceMonitor", API);
    expect((monitor.spec.endpoints as Json[]).map((e) => e.port)).toEqual(["metrics"]);
  });

  it("should let the API reach Redis on its data port", () => {
    const redisService = findObject(objects, "Service", "redis-cluster");
    expect(redisService.spec.ports).toEqual(expect.arrayContaining([expect.objectContaining({ port: 6379 })]));
  });

  it("should alert on 5xx rate above 0.1 for 5m as critical", () => {
    const rule = alert(objects, "HighErrorRate");
    expect(rule.expr).toContain("rate(http_requests_total{");
    expect(rule.expr).toContain('status=~"5.."');
    expect(rule.expr).toContain("[5m]) > 0.1");
    expect(rule.expr).toContain(`namespace="${NAMESPACE}"`);
    expect(rule.for).toBe("5m");
    expect(rule.labels.severity).toBe("critical");
    expect(rule.annotations.summary).toBe("High error rate detected");
    expect(rule.annotations.description).toBeTruthy();
  });

  it("should alert on memory above 90% of the limit for 10m as a warning", () => {
    const rule = alert(objects, "HighMemoryUsage");
    expect(rule.expr).toContain("/ container_spec_memory_limit_bytes");
    expect(rule.expr).toMatch(/> 0\.9$/);
    expect(rule.expr).toContain(`namespace="${NAMESPACE}"`);
    expect(rule.for).toBe("10m");
    expect(rule.labels.severity).toBe("warning");
    expect(rule.annotations.summary).toBe("High memory usage in anomaly detection pods");
    expect(rule.annotations.description).toBeTruthy();
  });

  it("should alert when the API is down for 1m as critical", () => {
    const rule = alert(objects, "AnomalyDetectionApiDown");
    expect(rule.expr).toMatch(/^up\{.*\} == 0$/);
    expect(rule.expr).toContain(`namespace="${NAMESPACE}"`);
    expect(rule.for).toBe("1m");
    expect(rule.labels.severity).toBe("critical");
    expect(rule.annotations.summary).toBeTruthy();
    expect(rule.annotations.description).toBeTruthy();
  });
});

describe("when rendering for prod", () => {
  const objects = renderedApp(APP, "prod") as Json[];

  it("should run Redis as a 6-node cluster with 50Gi of storage per node", () => {
    const redis = findObject(objects, "StatefulSet", "redis-cluster");
    expect(redis.spec.replicas).toBe(6);
    const templates: Json[] = redis.spec.volumeClaimTemplates;
    expect(templates).toHaveLength(1);
    expect(templates[0].spec.resources.requests.storage).toBe("50Gi");
  });

  it("should form the cluster with one replica per primary", () => {
    const job = findObject(objects, "Job", "redis-cluster-cluster-init");
    const script = findContainer(job, "redis-cluster-cluster-init").command.join(" ");
    expect(script).toContain("--cluster-replicas 1");
  });

  it("should manage the Redis password through an ExternalSecret instead of the guide's literal", () => {
    findObject(objects, "ExternalSecret", "redis-cluster-auth");
    expect(JSON.stringify(objects)).not.toContain("secure-password");
  });

  it("should put model storage on the fast-ssd class", () => {
    expect(findObject(objects, "PersistentVolumeClaim", "model-storage-pvc").spec.storageClassName).toBe("fast-ssd");
  });
});

describe("when rendering for staging", () => {
  const objects = renderedApp(APP, "staging") as Json[];

  it("should run the same 6-node Redis cluster as production", () => {
    const redis = findObject(objects, "StatefulSet", "redis-cluster");
    expect(redis.spec.replicas).toBe(6);
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("50Gi");
  });
});

describe("when rendering for dev", () => {
  const objects = renderedApp(APP, "dev") as Json[];

  it("should run a single Redis node without the cluster-forming Job", () => {
    expect(findObject(objects, "StatefulSet", "redis-cluster").spec.replicas).toBe(1);
    expect(objects.filter((o) => o.kind === "Job")).toEqual([]);
  });
});

describe("when rendering for edge", () => {
  it("should not run the app", () => {
    expect(() => renderedApp(APP, "edge")).toThrow(/does not run/);
  });
});
