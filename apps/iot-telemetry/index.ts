import { kafka } from "../../generators/datastores/kafka.js";
import { mongodb } from "../../generators/datastores/mongodb.js";
import { byTier } from "../../generators/spec/by-tier.js";
import type {
  AlertSpec,
  AppDefinition,
  AutoscalingSpec,
  ImageSpec,
  ProbesSpec,
  RenderContext,
  ResourcesSpec,
  ServiceWorkloadSpec,
} from "../../generators/spec/types.js";

// IoT Telemetry (seed 002): two FastAPI services and two Kafka consumers
// around Kafka and MongoDB.

const NAMESPACE = "iot";
const CONFIG = "iot-telemetry-config";
const MONGO_SECRET = "mongodb-auth";

/** The guide pushes `:latest`; a pinned tag makes a rollout reproducible and a rollback possible. */
// renovate: datasource=docker depName=liro/ingestion-api versioning=docker
const APP_VERSION = "1.0.0";

const image = (name: string): ImageSpec => ({ registry: "docker.io", repository: `liro/${name}`, tag: APP_VERSION });

/** The guide's figures for every service. */
const SERVICE_RESOURCES: ResourcesSpec = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

/** The services serve HTTP (and /metrics) on 8000 (`curl localhost:8000/health`). */
const APP_PORT = 8000;

// The root filesystem is read-only; Python and its libraries still want a scratch /tmp.
const scratch = {
  volumes: { tmp: { emptyDir: { sizeLimit: "64Mi" } } },
  mounts: [{ volume: "tmp", mountPath: "/tmp" }],
} as const;

const apiProbes: ProbesSpec = {
  readiness: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3 },
  liveness: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 3 },
};

// Workers serve nothing but /metrics, which the guide guarantees on every service;
// it proves the process answers, not that the consumer loop makes progress (alerts cover that).
const workerProbes: ProbesSpec = {
  readiness: { httpGet: { path: "/metrics", port: "metrics" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3 },
  liveness: { httpGet: { path: "/metrics", port: "metrics" }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 3 },
};

const toKafka = { component: "kafka", port: "client" } as const;
const toMongo = { component: "mongodb", port: "mongodb" } as const;

// The root user is the only one the mongodb builder creates. MONGO_URL expands the
// credentials with $(VAR); Kubernetes only expands variables defined before it
// (envFrom first, then `env` in order), so these names sort before MONGO_URL and
// are listed first. The stored password must be URL-safe (no @ : / %).
const mongoEnv = {
  MONGO_AUTH_USERNAME: { secret: MONGO_SECRET, key: "username" },
  MONGO_AUTH_PASSWORD: { secret: MONGO_SECRET, key: "password" },
  MONGO_URL: "mongodb://$(MONGO_AUTH_USERNAME):$(MONGO_AUTH_PASSWORD)@$(MONGO_HOST)/?authSource=admin",
} as const;

function apiAutoscaling(ctx: RenderContext, guide: { min: number; max: number; cpu: number }): AutoscalingSpec {
  return {
    // Development is the one-replica tier.
    minReplicas: byTier(ctx, { default: guide.min, development: 1 }),
    maxReplicas: guide.max,
    cpuUtilization: guide.cpu,
    memoryUtilization: 70,
    // Five minutes of low load before removing a pod, so bursts do not make it flap.
    scaleDownStabilizationSeconds: 300,
  };
}

function alerts(): AlertSpec[] {
  return [
    {
      alert: "TelemetryTargetDown",
      expr: 'up{namespace="iot"} == 0',
      for: "2m",
      severity: "critical",
      summary: "IoT telemetry target {{ $labels.pod }} is down",
      description:
        "Prometheus has not been able to scrape {{ $labels.service }} pod {{ $labels.pod }} in namespace iot for 2 minutes; the service is crashing or not answering on port 8000.",
    },
    {
      alert: "IngestionHighErrorRate",
      expr:
        'sum(rate(http_requests_total{namespace="iot", service="ingestion-api", status=~"5.."}[5m]))' +
        ' / sum(rate(http_requests_total{namespace="iot", service="ingestion-api"}[5m])) > 0.05',
      for: "5m",
      severity: "warning",
      summary: "ingestion-api answers more than 5% of requests with 5xx",
      description:
        "{{ $value | humanizePercentage }} of telemetry submissions to ingestion-api failed with a server error over the last 5 minutes; devices are losing readings. Check the ingestion-api logs and Kafka availability.",
    },
    {
      alert: "AlertsWorkerNotRunning",
      expr: 'absent(up{namespace="iot", service="alerts-worker"} == 1)',
      for: "5m",
      severity: "critical",
      summary: "alerts-worker is not running",
      description:
        "No healthy alerts-worker has been scraped in namespace iot for 5 minutes. It runs as a single instance, so threshold violations are not being detected.",
    },
    {
      alert: "TelemetryAutoscalerAtMaximum",
      expr:
        'kube_horizontalpodautoscaler_status_current_replicas{namespace="iot"}' +
        ' >= on(namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{namespace="iot"}',
      for: "15m",
      severity: "warning",
      summary: "{{ $labels.horizontalpodautoscaler }} has been at its maximum replicas for 15 minutes",
      description:
        "The autoscaler {{ $labels.horizontalpodautoscaler }} in namespace iot cannot add pods; load exceeds what the configured maximum can serve. Raise maxReplicas or find the bottleneck.",
    },
    {
      alert: "TelemetryDatastoreUnavailable",
      expr:
        'kube_statefulset_status_replicas_ready{namespace="iot"}' +
        ' < on(namespace, statefulset) kube_statefulset_replicas{namespace="iot"}',
      for: "10m",
      severity: "critical",
      summary: "StatefulSet {{ $labels.statefulset }} has unready replicas",
      description:
        "{{ $labels.statefulset }} in namespace iot has had fewer ready replicas than desired for 10 minutes; Kafka or MongoDB is degraded and telemetry may not be stored.",
    },
  ];
}

export const iotTelemetry: AppDefinition = {
  name: "iot-telemetry",
  spec: (ctx) => {
    // The guide uses an existing Kafka (namespace `kafka`) and MongoDB (namespace
    // `default`). They are rendered here in the app's namespace instead, so that the
    // same quotas, network policies, security contexts and Argo CD protections cover
    // them and no cross-namespace flow has to be opened.
    // KRaft needs a majority of voters: one broker, or three for a quorum that survives a loss.
    const brokers = byTier(ctx, { default: 1, production: 3 });
    const kafkaStore = kafka({
      // renovate: datasource=docker depName=apache/kafka versioning=docker
      tag: "3.9.0",
      namespace: NAMESPACE,
      replicas: brokers,
      // Heap well under the memory limit; development stays under the kind cluster's 512Mi cap.
      heap: byTier(ctx, { default: "512m", development: "256m", production: "1g" }),
      resources: byTier<ResourcesSpec>(ctx, {
        default: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        development: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        production: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
      }),
      storage: { size: byTier(ctx, { default: "10Gi", development: "5Gi", production: "50Gi" }) },
      // Topics are auto-created by the producers: enough partitions for the aggregator's 5 consumers.
      partitions: 6,
      description: "Kafka broker and KRaft controller carrying raw telemetry and alerts between the services",
    });

    const mongoStore = mongodb({
      // renovate: datasource=docker depName=mongo versioning=docker
      tag: "7.0.14",
      resources: byTier<ResourcesSpec>(ctx, {
        default: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        development: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        production: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
      }),
      storage: { size: byTier(ctx, { default: "20Gi", development: "5Gi", production: "100Gi" }) },
      description: "MongoDB holding aggregated telemetry and raised alerts",
    });

    const common = {
      kind: "Deployment",
      resources: SERVICE_RESOURCES,
      envFromConfigMaps: [CONFIG],
      ...scratch,
    } as const;

    const ingestionApi: ServiceWorkloadSpec = {
      ...common,
      name: "ingestion-api",
      description: "FastAPI service receiving telemetry from devices and publishing it to Kafka",
      image: image("ingestion-api"),
      replicas: byTier(ctx, { default: 2, development: 1 }),
      autoscaling: apiAutoscaling(ctx, { min: 2, max: 10, cpu: 60 }),
      ports: [{ name: "http", containerPort: APP_PORT, servicePort: 80, metrics: true }],
      probes: apiProbes,
      connects: [toKafka],
    };

    const aggregatorWorker: ServiceWorkloadSpec = {
      ...common,
      name: "aggregator-worker",
      description: "Kafka consumer aggregating sensor readings into MongoDB",
      image: image("aggregator-worker"),
      replicas: 1,
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 5,
        cpuUtilization: 50,
        memoryUtilization: 70,
        // Every scale event rebalances the consumer group; scale down slowly.
        scaleDownStabilizationSeconds: 600,
      },
      ports: [{ name: "metrics", containerPort: APP_PORT, metrics: true }],
      probes: workerProbes,
      env: { ...mongoEnv, KAFKA_CONSUMER_GROUP: "aggregator-worker" },
      connects: [toKafka, toMongo],
    };

    const alertsWorker: ServiceWorkloadSpec = {
      ...common,
      name: "alerts-worker",
      description: "Kafka consumer raising alerts on threshold violations; a single instance so every alert is raised once",
      image: image("alerts-worker"),
      // No autoscaling: the guide keeps one instance for consistency. Stop the old pod
      // before starting the new one so two never run at once during a rollout.
      replicas: 1,
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
      ports: [{ name: "metrics", containerPort: APP_PORT, metrics: true }],
      probes: workerProbes,
      env: { ...mongoEnv, KAFKA_CONSUMER_GROUP: "alerts-worker" },
      connects: [toKafka, toMongo],
    };

    const dashboardApi: ServiceWorkloadSpec = {
      ...common,
      name: "dashboard-api",
      description: "FastAPI service serving aggregated telemetry and alerts from MongoDB",
      image: image("dashboard-api"),
      replicas: byTier(ctx, { default: 2, development: 1 }),
      autoscaling: apiAutoscaling(ctx, { min: 2, max: 8, cpu: 50 }),
      ports: [{ name: "http", containerPort: APP_PORT, servicePort: 80, metrics: true }],
      probes: apiProbes,
      env: { ...mongoEnv },
      connects: [toMongo],
    };

    // The guide's hosts on development clusters (added to /etc/hosts), the cluster's domain elsewhere.
    const host = (prefix: string): string =>
      byTier(ctx, { default: `${prefix}.iot.${ctx.domain}`, development: `${prefix}.iot.local` });

    return {
      name: "iot-telemetry",
      title: "IoT Telemetry",
      seed: "002_8776faa3f539fbc4.txt",
      namespace: NAMESPACE,
      components: [...kafkaStore.components, ...mongoStore.components, ingestionApi, aggregatorWorker, alertsWorker, dashboardApi],
      configMaps: [
        ...kafkaStore.configMaps,
        ...mongoStore.configMaps,
        {
          name: CONFIG,
          data: {
            KAFKA_BOOTSTRAP_SERVERS: `kafka.${NAMESPACE}.svc:9092`,
            KAFKA_TELEMETRY_TOPIC: "telemetry.raw",
            KAFKA_ALERTS_TOPIC: "telemetry.alerts",
            // Credentials come from the mongodb-auth secret; see MONGO_URL.
            MONGO_HOST: `mongodb.${NAMESPACE}.svc:27017`,
            MONGO_DATABASE: "telemetry",
            AGGREGATION_WINDOW_SECONDS: "60",
            ALERT_TEMPERATURE_HIGH_CELSIUS: "80",
            ALERT_TEMPERATURE_LOW_CELSIUS: "-20",
            ALERT_HUMIDITY_HIGH_PERCENT: "90",
            ALERT_BATTERY_LOW_PERCENT: "15",
            LOG_LEVEL: byTier(ctx, { default: "INFO", development: "DEBUG" }),
          },
        },
      ],
      secrets: [...kafkaStore.secrets, ...mongoStore.secrets],
      ingresses: [
        { name: "ingestion-api", host: host("api"), component: "ingestion-api", port: "http" },
        { name: "dashboard-api", host: host("dashboard"), component: "dashboard-api", port: "http" },
      ],
      alerts: alerts(),
    };
  },
};
