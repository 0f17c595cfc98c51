import { redis } from "../../generators/datastores/redis.js";
import { byTier } from "../../generators/spec/by-tier.js";
import type { AppDefinition, AppSpec, RenderContext } from "../../generators/spec/types.js";

// IoT Anomaly Detection System: the anomaly-detection API, its Redis cache
// cluster and its shared model storage, per the production deployment guide
// (shared/seeds/001_1690f72a25ca6b9e.txt).

const NAMESPACE = "iot-anomaly-detection";
const API = "anomaly-detection-api";
const REDIS = "redis-cluster";
const CONFIG = "anomaly-detection-config";
const REDIS_CREDENTIALS = "redis-credentials";
const MODEL_CLAIM = "model-storage-pvc";
const MODEL_PATH = "/app/models";

// One figure each, shared by config.yaml, the env table and the ports.
const API_PORT = 8080; // config.yaml api.port
const METRICS_PORT = 9090; // "exposes Prometheus metrics on port 9090"
const WORKERS = 8; // config.yaml api.workers and MAX_WORKERS
const RATE_LIMIT_PER_MINUTE = 1000; // security.max_requests_per_minute and API_RATE_LIMIT

// The guide's "config.yaml in ConfigMap", unchanged.
const CONFIG_YAML = `api:
  host: 0.0.0.0
  port: ${API_PORT}
  workers: ${WORKERS}
  timeout: 300

detection:
  window_size: 30
  batch_size: 32
  enable_quantum: true
  enable_caching: true
  cache_ttl: 3600

performance:
  max_queue_size: 1000
  auto_scaling: true
  metrics_enabled: true

security:
  enable_authentication: true
  rate_limiting: true
  max_requests_per_minute: ${RATE_LIMIT_PER_MINUTE}
`;

/** The detector's release; development runs the same release's `-dev` build. */
// renovate: datasource=docker depName=terragonlabs/iot-anomaly-detector versioning=docker
const API_VERSION = "v1.0.0";

function redisCache(ctx: RenderContext): ReturnType<typeof redis> {
  const common = {
    name: REDIS,
    // The guide installs bitnami/redis-cluster unpinned; this pins the official image.
    // renovate: datasource=docker depName=redis versioning=docker
    tag: "7.4.2-alpine",
    // Guide silent on Redis sizing: per node, with headroom for the API's cache_ttl 3600 working set.
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    description: `Redis cache for ${API} (detection.enable_caching, cache_ttl 3600)`,
  };
  // The guide's Helm values: cluster.nodes=6, cluster.replicas=1, persistence.size=50Gi.
  // Its auth.password="secure-password" literal becomes the ExternalSecret `redis-cluster-auth`.
  const cluster = redis({ ...common, mode: "cluster", replicas: 6, clusterReplicas: 1, persistence: { size: "50Gi" } });
  // Development runs one node: a six-node cluster there buys nothing but cost.
  const single = redis({ ...common, mode: "replicated", replicas: 1, persistence: { size: "5Gi" } });
  return byTier(ctx, { default: cluster, development: single });
}

export const iotAnomalyDetection: AppDefinition = {
  name: "iot-anomaly-detection",
  spec: (ctx: RenderContext): AppSpec => {
    const cache = redisCache(ctx);
    const host = byTier(ctx, {
      default: `api.anomaly-detection.${ctx.domain}`,
      production: "api.anomaly-detection.terragonlabs.com",
    });
    return {
      name: "iot-anomaly-detection",
      title: "IoT Anomaly Detection System",
      seed: "001_1690f72a25ca6b9e.txt",
      namespace: NAMESPACE,
      components: [
        {
          kind: "Deployment",
          name: API,
          description: "Anomaly detection API: scores IoT sensor windows against the autoencoder models",
          image: {
            registry: "docker.io",
            repository: "terragonlabs/iot-anomaly-detector",
            // The guide builds v1.0.0 (production target) and v1.0.0-dev (development target).
            tag: byTier(ctx, { default: API_VERSION, development: `${API_VERSION}-dev` }),
          },
          // The guide's HA target; prod's 3 replicas match its 3-node minimum.
          replicas: byTier(ctx, { default: 3, development: 1, staging: 2 }),
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
          autoscaling: {
            ...byTier(ctx, {
              default: { minReplicas: 3, maxReplicas: 10 },
              development: { minReplicas: 1, maxReplicas: 3 },
              staging: { minReplicas: 2, maxReplicas: 5 },
            }),
            cpuUtilization: 70,
            memoryUtilization: 80,
            // "Custom metrics (requests per second)": the guide gives no target; 100 rps per pod.
            podsMetric: { name: "http_requests_per_second", averageValue: "100" },
          },
          // The guide's optional VPA says updateMode "Auto"; Auto evicts pods to resize them
          // and fights the HPA above, which scales on the same CPU and memory. "Off" keeps
          // its recommendations (used for right-sizing) without acting on them.
          verticalScaling: { updateMode: "Off" },
          ports: [
            { name: "http", containerPort: API_PORT },
            { name: "metrics", containerPort: METRICS_PORT, metrics: true },
          ],
          probes: {
            liveness: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 30, periodSeconds: 10 },
            readiness: { httpGet: { path: "/ready", port: "http" }, initialDelaySeconds: 5, periodSeconds: 5 },
          },
          // Guide silent on resources: sized for api.workers 8 loading the models in each worker.
          resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
          env: {
            ENVIRONMENT: byTier(ctx, { default: "production", development: "development", staging: "staging" }),
            LOG_LEVEL: "INFO",
            REDIS_URL: { secret: REDIS_CREDENTIALS, key: "url" },
            MODEL_PATH,
            MAX_WORKERS: String(WORKERS),
            ENABLE_QUANTUM: "true",
            API_RATE_LIMIT: String(RATE_LIMIT_PER_MINUTE),
          },
          volumes: {
            models: { claim: MODEL_CLAIM },
            config: { configMap: CONFIG },
            // The root filesystem is read-only; Python and the workers write temp files here.
            tmp: { emptyDir: { sizeLimit: "1Gi" } },
          },
          mounts: [
            // Models are loaded by the guide's model-loader pod; the API only reads them.
            { volume: "models", mountPath: MODEL_PATH, readOnly: true },
            // The guide does not say where config.yaml is read from.
            { volume: "config", mountPath: "/app/config" },
            { volume: "tmp", mountPath: "/tmp" },
          ],
          // "Non-root user (UID 1000)"; read-only root, no escalation and dropped
          // capabilities are the renderer's defaults.
          runAsUser: 1000,
          serviceAccountName: "anomaly-detection-sa",
          // "Read access to ConfigMaps and Secrets", narrowed to the app's own objects.
          apiAccess: [
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: [CONFIG] },
            { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [REDIS_CREDENTIALS] },
          ],
          // Clients only use the data port; cluster-bus is node to node.
          connects: [{ component: REDIS, port: "redis" }],
        },
        ...cache.components,
      ],
      claims: [
        {
          name: MODEL_CLAIM,
          // The guide's model-storage-pv: 10Gi, ReadWriteMany, fast-ssd. Development
          // clusters only have node-local volumes, where ReadWriteMany never binds.
          size: "10Gi",
          accessMode: byTier(ctx, { default: "ReadWriteMany", development: "ReadWriteOnce" }),
          storageClass: "fast",
          description: `Trained models (autoencoder.h5 and friends) shared by every ${API} pod at ${MODEL_PATH}`,
        },
      ],
      configMaps: [{ name: CONFIG, data: { "config.yaml": CONFIG_YAML } }, ...cache.configMaps],
      secrets: [
        {
          name: REDIS_CREDENTIALS,
          // The guide's `kubectl create secret generic redis-credentials --from-literal=url=...`.
          keys: { url: `Redis connection URL (redis://user:password@host:6379/0) for ${REDIS}, with its auth password` },
        },
        ...cache.secrets,
      ],
      ingresses: [{ name: API, host, component: API, port: "http" }],
      alerts: [
        {
          alert: "HighErrorRate",
          // The guide's expression and threshold, scoped to this namespace.
          expr: `rate(http_requests_total{namespace="${NAMESPACE}",status=~"5.."}[5m]) > 0.1`,
          for: "5m",
          severity: "critical",
          summary: "High error rate detected",
          description:
            "{{ $labels.pod }} in {{ $labels.namespace }} has answered more than 0.1 requests per second with a 5xx status for 5 minutes.",
        },
        {
          alert: "HighMemoryUsage",
          // The guide divides container_memory_usage_bytes, which counts page cache (the models
          // read from the volume) and so sits near the limit on a healthy pod; the working set
          // is what the OOM killer judges. Threshold 0.9 and for 10m as the guide.
          expr:
            `container_memory_working_set_bytes{namespace="${NAMESPACE}",pod=~"${API}-.*",container="${API}"}` +
            ` / container_spec_memory_limit_bytes{namespace="${NAMESPACE}",pod=~"${API}-.*",container="${API}"} > 0.9`,
          for: "10m",
          severity: "warning",
          summary: "High memory usage in anomaly detection pods",
          description:
            "{{ $labels.pod }} has used more than 90% of its memory limit for 10 minutes; it risks being OOM-killed.",
        },
        {
          // The guide asks for high availability; nothing else pages when the API stops answering.
          alert: "AnomalyDetectionApiDown",
          expr: `up{namespace="${NAMESPACE}",job="${API}"} == 0`,
          for: "1m",
          severity: "critical",
          summary: "Anomaly detection API pod is down",
          description: "Prometheus has failed to scrape {{ $labels.pod }} of the anomaly detection API for 1 minute.",
        },
      ],
    };
  },
};
