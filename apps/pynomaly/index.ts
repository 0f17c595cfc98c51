import { byTier } from "../../generators/spec/by-tier.js";
import type {
  AppDefinition,
  AppSpec,
  EnvValue,
  MountSpec,
  ProbesSpec,
  RenderContext,
  ResourcesSpec,
  Tier,
  VolumeSource,
} from "../../generators/spec/types.js";

// Pynomaly Detection (seed 003): an anomaly-detection REST API plus an
// optional background worker, four PVCs, external database and S3.

const API = "pynomaly-detection";
const WORKER = "pynomaly-worker";
const CONFIG = "pynomaly-config";
const DB_SECRET = "pynomaly-db-secret";
const API_SECRET = "pynomaly-api-secret";

const IMAGE = {
  registry: "docker.io",
  repository: "pynomaly/detection",
  // renovate: datasource=docker depName=pynomaly/detection versioning=docker
  tag: "v0.2.0",
} as const;

// The guide names no HTTP port; 8000 is the image's API default. Metrics: "exposed on port 9090".
const HTTP_PORT = 8000;
const METRICS_PORT = 9090;

/** The environment name the guide uses in namespaces, secrets and PYNOMALY_ENV. */
function envName(tier: Tier): string {
  return tier === "production" || tier === "staging" ? tier : "development";
}

/** Memory limit in GiB per tier. */
function memoryLimitGi(ctx: RenderContext): number {
  // Performance tuning: "1Gi request, 4Gi limit"; development runs "reduced resource limits".
  return byTier(ctx, { default: 4, development: 2 });
}

/** CPU limit in cores per tier: "500m request, 2000m limit"; halved in development. */
function cpuLimitCores(ctx: RenderContext): number {
  return byTier(ctx, { default: 2, development: 1 });
}

function resources(ctx: RenderContext): ResourcesSpec {
  return {
    requests: byTier(ctx, {
      default: { cpu: "500m", memory: "1Gi" },
      development: { cpu: "250m", memory: "512Mi" },
    }),
    limits: { cpu: String(cpuLimitCores(ctx)), memory: `${memoryLimitGi(ctx)}Gi` },
  };
}

/** Storage table of the guide; the same sizes in every tier so a promotion never meets a full volume. */
const CLAIMS = [
  { name: "pynomaly-data", mountPath: "/app/data", size: "10Gi", storageClass: "fast", description: "Raw data storage" },
  { name: "pynomaly-models", mountPath: "/app/models", size: "50Gi", storageClass: "fast", description: "Trained models" },
  { name: "pynomaly-cache", mountPath: "/app/cache", size: "5Gi", storageClass: "fast", description: "Temporary cache" },
  { name: "pynomaly-logs", mountPath: "/app/logs", size: "20Gi", storageClass: "standard", description: "Application logs" },
] as const;

// Every pod of both components mounts every claim, so in staging ("shared
// storage") and production ("distributed storage") with several replicas spread
// over nodes they must be ReadWriteMany. Development runs on "local storage",
// whose provisioners (kind's local-path) only bind ReadWriteOnce; its pods then
// share the single node the volume lives on.
function accessMode(ctx: RenderContext): "ReadWriteOnce" | "ReadWriteMany" {
  return byTier(ctx, { default: "ReadWriteMany", development: "ReadWriteOnce" });
}

const VOLUMES: Readonly<Record<string, VolumeSource>> = {
  ...Object.fromEntries(CLAIMS.map((c) => [c.name, { claim: c.name }])),
  // Read-only root filesystem: Python and the ML libraries still need a writable /tmp.
  tmp: { emptyDir: { sizeLimit: "1Gi" } },
};

const MOUNTS: readonly MountSpec[] = [
  ...CLAIMS.map((c) => ({ volume: c.name, mountPath: c.mountPath })),
  { volume: "tmp", mountPath: "/tmp" },
];

/** Secrets as env: the per-environment secret of the production deploy step, plus the DB and API secrets. */
function secretEnv(ctx: RenderContext): Readonly<Record<string, EnvValue>> {
  const envSecret = `pynomaly-secrets-${envName(ctx.tier)}`;
  return {
    PYNOMALY_DB_HOST: { secret: DB_SECRET, key: "host" },
    PYNOMALY_DB_USER: { secret: DB_SECRET, key: "username" },
    PYNOMALY_DB_PASSWORD: { secret: envSecret, key: "PYNOMALY_DB_PASSWORD" },
    PYNOMALY_REDIS_PASSWORD: { secret: envSecret, key: "PYNOMALY_REDIS_PASSWORD" },
    PYNOMALY_S3_ACCESS_KEY: { secret: envSecret, key: "PYNOMALY_S3_ACCESS_KEY" },
    PYNOMALY_S3_SECRET_KEY: { secret: envSecret, key: "PYNOMALY_S3_SECRET_KEY" },
    PYNOMALY_API_KEY: { secret: API_SECRET, key: "api-key" },
    PYNOMALY_SECRET_KEY: { secret: API_SECRET, key: "secret-key" },
  };
}

const CONNECTS = [
  { external: "database", port: 5432 },
  // S3 over HTTPS for models and data.
  { external: "object-storage", port: 443 },
] as const;

const API_PROBES: ProbesSpec = {
  liveness: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
  // "Startup Probe: Handles slow container startup": loading models may take minutes, so allow 5 minutes.
  startup: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
};

// The worker serves no HTTP; the image ships healthcheck.py (the guide's `kubectl exec ... python healthcheck.py`).
const HEALTHCHECK = { exec: { command: ["python", "healthcheck.py"] } } as const;
const WORKER_PROBES: ProbesSpec = {
  liveness: { ...HEALTHCHECK, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 3 },
  readiness: { ...HEALTHCHECK, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 3 },
  startup: { ...HEALTHCHECK, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 30 },
};

function spec(ctx: RenderContext): AppSpec {
  const env = envName(ctx.tier);
  const namespace = `pynomaly-${env}`;
  const scoped = `namespace="${namespace}"`;
  const containers = `container=~"${API}|${WORKER}"`;
  const pod = {
    image: IMAGE,
    resources: resources(ctx),
    envFromConfigMaps: [CONFIG],
    env: {
      ...secretEnv(ctx),
      // Read from the container's own limit, so it stays true where a cluster caps resources.
      PYNOMALY_MEMORY_LIMIT_GB: { resourceField: "limits.memory", divisor: "1Gi" },
    },
    // "Non-root user (UID 1000)"; fsGroup follows, so the PVCs are writable.
    runAsUser: 1000,
    volumes: VOLUMES,
    mounts: MOUNTS,
    connects: CONNECTS,
    // The VPA only recommends: the HPA already scales on CPU and memory, and a
    // VPA that rewrites requests would move the HPA's utilisation targets under it.
    verticalScaling: { updateMode: "Off" },
  } as const;

  return {
    name: "pynomaly",
    title: "Pynomaly Detection",
    seed: "003_fdb6b3b56f24ab27.txt",
    namespace,
    components: [
      {
        ...pod,
        kind: "Deployment",
        name: API,
        description: "Pynomaly REST API: serves detection requests and Prometheus metrics",
        // Environments: development 1 replica, staging 2, production "5+".
        replicas: byTier(ctx, { default: 1, staging: 2, production: 5 }),
        ports: [
          { name: "http", containerPort: HTTP_PORT },
          { name: "metrics", containerPort: METRICS_PORT, metrics: true },
        ],
        probes: API_PROBES,
        // "Scales based on CPU, memory, and custom metrics"; production up to the guide's maxReplicas 20.
        autoscaling: {
          ...byTier(ctx, {
            default: { minReplicas: 1, maxReplicas: 2 },
            staging: { minReplicas: 2, maxReplicas: 6 },
            production: { minReplicas: 5, maxReplicas: 20 },
          }),
          cpuUtilization: 70,
          memoryUtilization: 80,
          podsMetric: { name: "http_requests_per_second", averageValue: "50" },
        },
        // "LoadBalancer: External access", "Headless: Service discovery"; the
        // LoadBalancer's cluster IP serves the guide's internal ClusterIP role.
        // Only http goes on the LoadBalancer: Prometheus scrapes the headless Service.
        service: { type: "LoadBalancer", headless: true, ports: ["http"] },
      },
      {
        ...pod,
        kind: "Deployment",
        name: WORKER,
        description: "Pynomaly worker: background tasks and batch detection, scaled independently of the API",
        // The guide gives no worker entry point; the package's worker module.
        command: ["python", "-m", "pynomaly.worker"],
        replicas: byTier(ctx, { default: 1, production: 2 }),
        probes: WORKER_PROBES,
        autoscaling: {
          ...byTier(ctx, {
            default: { minReplicas: 1, maxReplicas: 2 },
            staging: { minReplicas: 1, maxReplicas: 4 },
            production: { minReplicas: 2, maxReplicas: 10 },
          }),
          cpuUtilization: 70,
          memoryUtilization: 80,
        },
        // Batch jobs run on the larger analytics nodes where the cluster has them ("Node Affinity").
        nodePool: "analytics",
        // A batch in flight is allowed to finish before the pod goes.
        terminationGracePeriodSeconds: 120,
        // It only consumes work; no port, no Service.
        service: false,
      },
    ],
    claims: CLAIMS.map((c) => ({
      name: c.name,
      size: c.size,
      storageClass: c.storageClass,
      accessMode: accessMode(ctx),
      description: c.description,
    })),
    configMaps: [
      {
        name: CONFIG,
        data: {
          PYNOMALY_ENV: env,
          // "Debug logging enabled" in development.
          PYNOMALY_LOG_LEVEL: byTier(ctx, { default: "INFO", development: "DEBUG" }),
          PYNOMALY_WORKERS: byTier(ctx, { default: "4", development: "2" }),
          PYNOMALY_DEFAULT_ALGORITHM: "IsolationForest",
          PYNOMALY_DEFAULT_CONTAMINATION: "0.1",
          // AutoML searches many models; development's reduced limits leave no room for it.
          PYNOMALY_ENABLE_AUTOML: byTier(ctx, { default: "true", development: "false" }),
          PYNOMALY_ENABLE_ENSEMBLE: "true",
          // "Use larger batch sizes (1000+)".
          PYNOMALY_BATCH_SIZE: "1000",
          // "Enable parallel jobs": one per CPU of the limit.
          PYNOMALY_PARALLEL_JOBS: String(cpuLimitCores(ctx)),
          PYNOMALY_CACHE_SIZE: "1000",
          PYNOMALY_ENABLE_MEMORY_OPTIMIZATION: "true",
        },
      },
    ],
    secrets: [
      {
        name: `pynomaly-secrets-${env}`,
        keys: {
          PYNOMALY_DB_PASSWORD: "database password",
          PYNOMALY_REDIS_PASSWORD: "Redis (model cache) password",
          PYNOMALY_S3_ACCESS_KEY: "S3 access key for data and model storage",
          PYNOMALY_S3_SECRET_KEY: "S3 secret key for data and model storage",
        },
      },
      {
        name: DB_SECRET,
        keys: {
          host: "database host",
          username: "database user",
          password: "database password (the same value as PYNOMALY_DB_PASSWORD)",
        },
      },
      {
        name: API_SECRET,
        keys: { "api-key": "API key clients present", "secret-key": "key that signs API tokens" },
      },
    ],
    // "TLS termination at ingress"; cert-manager issues the certificate for the host.
    ingresses: [{ name: "pynomaly-detection-ingress", host: `pynomaly.${ctx.domain}`, component: API, port: "http" }],
    // The guide's alerting thresholds, each scoped to this namespace.
    alerts: [
      {
        alert: "PynomalyHighErrorRate",
        expr:
          `sum(rate(http_requests_total{${scoped},status=~"5.."}[5m])) / ` +
          `sum(rate(http_requests_total{${scoped}}[5m])) > 0.05`,
        for: "5m",
        severity: "critical",
        summary: "Pynomaly error rate above 5%",
        description: `More than 5% of requests to Pynomaly in ${namespace} fail with a 5xx response (value {{ $value | humanizePercentage }}).`,
      },
      {
        alert: "PynomalyHighMemoryUsage",
        expr:
          `max by (namespace, pod, container) (container_memory_working_set_bytes{${scoped},${containers}}) / on (namespace, pod, container) ` +
          `max by (namespace, pod, container) (kube_pod_container_resource_limits{${scoped},${containers},resource="memory"}) > 0.9`,
        for: "5m",
        severity: "warning",
        summary: "Pynomaly container memory above 90% of its limit",
        description: `Container {{ $labels.container }} of pod {{ $labels.pod }} in ${namespace} uses {{ $value | humanizePercentage }} of its memory limit.`,
      },
      {
        alert: "PynomalyHighLatency",
        expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${scoped}}[5m]))) > 1`,
        for: "10m",
        severity: "warning",
        summary: "Pynomaly p95 latency above 1000ms",
        description: `The 95th percentile request latency of Pynomaly in ${namespace} is {{ $value | humanizeDuration }}, above 1000ms.`,
      },
      {
        alert: "PynomalyLowDiskSpace",
        expr: `kubelet_volume_stats_available_bytes{${scoped},persistentvolumeclaim=~"pynomaly-.*"} < 1e9`,
        for: "5m",
        severity: "critical",
        summary: "Pynomaly volume has less than 1GB free",
        description: `PVC {{ $labels.persistentvolumeclaim }} in ${namespace} has {{ $value | humanize1024 }}B free, below 1GB.`,
      },
    ],
  };
}

export const pynomaly: AppDefinition = { name: "pynomaly", spec };
