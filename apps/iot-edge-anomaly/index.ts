import { byTier } from "../../generators/spec/by-tier.js";
import type { AlertSpec, AppDefinition, RenderContext } from "../../generators/spec/types.js";

// TERRAGON IoT Edge Anomaly Detection v4.0 (seed 000_306f82a402d6516b.txt).
// One Deployment: the detector plus a Fluent Bit log-forwarder sidecar, with
// models/data storage, HPA + VPA, TLS ingress, metrics and the guide's 5 alerts.

const APP = "iot-edge-anomaly";
const NAMESPACE = APP;
/** The guide's health check calls `iot-edge-anomaly-service:8000/health`. */
const SERVICE = `${APP}-service`;
const CONFIG_MAP = `${APP}-config`;
const FLUENT_BIT_CONFIG_MAP = `${APP}-fluent-bit`;
const SECRET = `${APP}-secrets`;
const MODELS_CLAIM = `${APP}-models`;
const DATA_CLAIM = `${APP}-data`;

const HTTP_PORT = 8000;
/** "The application exposes comprehensive metrics on port 9090." */
const METRICS_PORT = 9090;
/** Fluent Bit's built-in HTTP server (uptime and metrics), used for the sidecar's probes. */
const FLUENT_BIT_HTTP_PORT = 2020;
/** Fluent forward protocol of the log aggregator on the "logging" network. */
const LOG_FORWARD_PORT = 24224;

const CONFIG_DIR = "/app/config";
const MODELS_DIR = "/app/models";
const DATA_DIR = "/app/data";
const CACHE_DIR = "/app/cache";
const LOG_DIR = "/var/log/iot-edge-anomaly";
const FLUENT_BIT_CONFIG_DIR = "/fluent-bit/config";
const FLUENT_BIT_BUFFER_DIR = "/fluent-bit/buffer";

/** The application config (`config.yaml`, item 1 of the guide's configuration sources). */
function appConfig(ctx: RenderContext): string {
  const edge = ctx.tier === "edge";
  return `# TERRAGON IoT Edge Anomaly Detection v4.0 (${ctx.tier}, cluster ${ctx.cluster})
app:
  name: ${APP}
  version: 4.0.0
  environment: ${ctx.tier}

server:
  host: 0.0.0.0
  port: ${HTTP_PORT}
  workers: ${byTier(ctx, { default: 2, edge: 1 })}
  request_timeout_seconds: 30
  health_path: /health

metrics:
  enabled: true
  host: 0.0.0.0
  port: ${METRICS_PORT}
  path: /metrics

model:
  directory: ${MODELS_DIR}
  cache_directory: ${CACHE_DIR}
  ensemble:
    - lstm_autoencoder
    - isolation_forest
  anomaly_threshold: 0.85
  batch_size: ${edge ? 16 : 64}
  sequence_length: ${edge ? 30 : 60}
  inference_timeout_seconds: ${edge ? 5 : 2}
  quantized: ${edge}
  hot_reload: true

data:
  directory: ${DATA_DIR}
  buffer_size: ${edge ? 1000 : 10000}
  retention_hours: ${edge ? 24 : 168}
  max_sensors: ${edge ? 100 : 5000}

logging:
  format: json
  file: ${LOG_DIR}/app.log
  max_bytes: ${edge ? 10485760 : 52428800}
  backup_count: 3
`;
}

/** Fluent Bit tails the app's log file and forwards it to the "logging" network. */
function fluentBitConfig(ctx: RenderContext): Record<string, string> {
  // Filesystem buffering rides out aggregator outages; the cap stays below the buffer emptyDir's sizeLimit.
  const bufferLimit = byTier(ctx, { default: "200M", edge: "48M" });
  return {
    "fluent-bit.conf": `[SERVICE]
    Flush                     5
    Daemon                    off
    Log_Level                 info
    Parsers_File              ${FLUENT_BIT_CONFIG_DIR}/parsers.conf
    HTTP_Server               On
    HTTP_Listen               0.0.0.0
    HTTP_Port                 ${FLUENT_BIT_HTTP_PORT}
    storage.path              ${FLUENT_BIT_BUFFER_DIR}
    storage.sync              normal
    storage.backlog.mem_limit 5M

[INPUT]
    Name              tail
    Tag               ${APP}.*
    Path              ${LOG_DIR}/*.log
    Parser            json
    DB                ${FLUENT_BIT_BUFFER_DIR}/tail.db
    Mem_Buf_Limit     5MB
    Skip_Long_Lines   On
    Refresh_Interval  10
    storage.type      filesystem

[FILTER]
    Name    modify
    Match   *
    Add     app ${APP}
    Add     cluster ${ctx.cluster}
    Add     namespace \${POD_NAMESPACE}
    Add     pod \${POD_NAME}

[OUTPUT]
    Name                     forward
    Match                    *
    Host                     \${LOG_FORWARD_HOST}
    Port                     ${LOG_FORWARD_PORT}
    Retry_Limit              False
    storage.total_limit_size ${bufferLimit}
`,
    "parsers.conf": `[PARSER]
    Name        json
    Format      json
    Time_Key    timestamp
    Time_Format %Y-%m-%dT%H:%M:%S.%L%z
`,
  };
}

/** The guide's five alert rules ("Alert Rules" section), thresholds as written there. */
const sel = `namespace="${NAMESPACE}"`;
const mainContainer = `${sel}, container="${APP}"`;
const ALERTS: readonly AlertSpec[] = [
  {
    alert: "HighCPUUsage",
    // "High CPU Usage: > 80% for 5 minutes", measured against the container's CPU limit.
    expr:
      `100 * sum by (namespace, pod) (rate(process_cpu_seconds_total{${sel}}[5m]))` +
      ` / sum by (namespace, pod) (kube_pod_container_resource_limits{${mainContainer}, resource="cpu"}) > 80`,
    for: "5m",
    // Saturation the HPA already reacts to: worth a look, not a page.
    severity: "warning",
    summary: "IoT edge anomaly pod {{ $labels.pod }} uses more than 80% of its CPU limit",
    description:
      "Pod {{ $labels.pod }} in {{ $labels.namespace }} has used {{ $value | humanize }}% of its CPU limit for 5 minutes; " +
      "check the HPA (iot-edge-anomaly-hpa) is scaling and whether the limit is too low.",
  },
  {
    alert: "HighMemoryUsage",
    // "High Memory Usage: > 80% for 5 minutes", measured against the container's memory limit.
    expr:
      `100 * sum by (namespace, pod) (process_resident_memory_bytes{${sel}})` +
      ` / sum by (namespace, pod) (kube_pod_container_resource_limits{${mainContainer}, resource="memory"}) > 80`,
    for: "5m",
    severity: "warning",
    summary: "IoT edge anomaly pod {{ $labels.pod }} uses more than 80% of its memory limit",
    description:
      "Pod {{ $labels.pod }} in {{ $labels.namespace }} has used {{ $value | humanize }}% of its memory limit for 5 minutes; " +
      "it is close to being OOM-killed. Check the VPA recommendation (iot-edge-anomaly-vpa).",
  },
  {
    alert: "PodCrashLooping",
    // "Pod Crash Looping: Restarts detected": any container restart in the last 15 minutes.
    expr: `increase(kube_pod_container_status_restarts_total{${sel}}[15m]) > 0`,
    for: "5m",
    severity: "critical",
    summary: "IoT edge anomaly container {{ $labels.container }} in {{ $labels.pod }} is restarting",
    description:
      "Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} restarted " +
      "{{ $value | humanize }} times in the last 15 minutes; check `kubectl logs --previous` and the pod events.",
  },
  {
    alert: "HighAnomalyRate",
    // "High Anomaly Rate: > 10% for 10 minutes": anomalies per inference (the histogram's _count).
    expr:
      `100 * sum by (namespace) (rate(anomalies_detected_total{${sel}}[5m]))` +
      ` / sum by (namespace) (rate(model_inference_duration_seconds_count{${sel}}[5m])) > 10`,
    for: "10m",
    severity: "warning",
    summary: "More than 10% of IoT sensor readings are flagged as anomalies",
    description:
      "{{ $value | humanize }}% of inferences in {{ $labels.namespace }} detected an anomaly over the last 10 minutes; " +
      "either the monitored devices misbehave or the model drifted and needs retraining.",
  },
  {
    alert: "ServiceDown",
    // "Service Down: Service unavailable for 1 minute": no scrape target up, or none left at all.
    expr:
      `sum(up{${sel}, service="${SERVICE}"}) == 0` + ` or absent(up{${sel}, service="${SERVICE}"})`,
    for: "1m",
    severity: "critical",
    summary: "IoT edge anomaly service is down",
    description:
      `No pod behind ${SERVICE} in ${NAMESPACE} has answered a scrape for 1 minute; ` +
      "anomaly detection is unavailable. Check the Deployment, its pods and recent rollouts.",
  },
];

export const iotEdgeAnomaly: AppDefinition = {
  name: APP,
  spec: (ctx) => {
    const edge = ctx.tier === "edge";
    // Node-local storage (local-path on edge, kind and dev) is ReadWriteOnce: its PV pins every
    // replica to one node. Staging and production spread the HPA's replicas over nodes, so
    // their claims are shared ReadWriteMany.
    const accessMode = byTier<"ReadWriteOnce" | "ReadWriteMany">(ctx, {
      default: "ReadWriteOnce",
      staging: "ReadWriteMany",
      production: "ReadWriteMany",
    });
    const replicas = byTier(ctx, { default: 2, development: 1, edge: 1 });
    return {
      name: APP,
      title: "TERRAGON IoT Edge Anomaly Detection v4.0",
      seed: "000_306f82a402d6516b.txt",
      namespace: NAMESPACE,
      components: [
        {
          kind: "Deployment",
          name: APP,
          description: "Anomaly detection API and inference engine for IoT sensor streams, with a Fluent Bit log forwarder.",
          // "Application Version: v4.0.0"; the image is built for linux/amd64 and linux/arm64 (edge).
          image: {
            registry: "docker.io",
            repository: "terragonlabs/iot-edge-anomaly-v4",
            // renovate: datasource=docker depName=terragonlabs/iot-edge-anomaly-v4 versioning=docker
            tag: "v4.0.0",
          },
          replicas,
          ports: [
            { name: "http", containerPort: HTTP_PORT },
            { name: "metrics", containerPort: METRICS_PORT, metrics: true },
          ],
          // The Fluent Bit port stays off the Service: it is only for the sidecar's probes.
          service: { name: SERVICE, ports: ["http", "metrics"] },
          // "Resource Requirements" table; the "Edge Device Optimizations" block on edge.
          resources: byTier(ctx, {
            default: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
            edge: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
          }),
          // "Health Checks: Liveness, readiness, and startup probes"; /health is the guide's only endpoint.
          probes: {
            liveness: { httpGet: { path: "/health", port: "http" }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 },
            readiness: { httpGet: { path: "/health", port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
            // Model loading gates the other probes: 5 minutes, 10 on a Raspberry Pi.
            startup: {
              httpGet: { path: "/health", port: "http" },
              periodSeconds: 10,
              timeoutSeconds: 5,
              failureThreshold: byTier(ctx, { default: 30, edge: 60 }),
            },
          },
          env: {
            LOG_LEVEL: byTier(ctx, { default: "INFO", development: "DEBUG" }),
            // GPU inference is an opt-in overlay in the guide; no pool in the fleet has GPUs.
            ENABLE_GPU: "false",
            CONFIG_PATH: `${CONFIG_DIR}/config.yaml`,
            MODEL_PATH: MODELS_DIR,
            DATA_PATH: DATA_DIR,
            XDG_CACHE_HOME: CACHE_DIR,
            // "Secrets: Sensitive data (API keys, passwords)".
            API_KEY: { secret: SECRET, key: "api-key" },
          },
          volumes: {
            config: { configMap: CONFIG_MAP },
            models: { claim: MODELS_CLAIM },
            data: { claim: DATA_CLAIM },
            tmp: { emptyDir: { sizeLimit: "256Mi" } },
            cache: { emptyDir: { sizeLimit: edge ? "256Mi" : "1Gi" } },
            logs: { emptyDir: { sizeLimit: edge ? "128Mi" : "512Mi" } },
            "fluent-bit-config": { configMap: FLUENT_BIT_CONFIG_MAP },
            "fluent-bit-buffer": { emptyDir: { sizeLimit: edge ? "64Mi" : "256Mi" } },
          },
          // Read-only root filesystem: every writable path is a volume.
          mounts: [
            { volume: "config", mountPath: CONFIG_DIR },
            // "Secure model and configuration access": models are published to the volume, never written by the app.
            { volume: "models", mountPath: MODELS_DIR, readOnly: true },
            { volume: "data", mountPath: DATA_DIR },
            { volume: "tmp", mountPath: "/tmp" },
            { volume: "cache", mountPath: CACHE_DIR },
            { volume: "logs", mountPath: LOG_DIR },
          ],
          sidecars: [
            {
              // "Fluent-bit Sidecar: Log aggregation and forwarding"; figures from the "Log Forwarder" row.
              name: "log-forwarder",
              image: {
                registry: "docker.io",
                repository: "fluent/fluent-bit",
                // renovate: datasource=docker depName=fluent/fluent-bit versioning=docker
                tag: "3.1.9",
              },
              args: ["--config", `${FLUENT_BIT_CONFIG_DIR}/fluent-bit.conf`],
              ports: [{ name: "fluent-bit", containerPort: FLUENT_BIT_HTTP_PORT }],
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
              // "/" answers while the engine runs; an unreachable aggregator must not mark the pod unready.
              probes: {
                liveness: { httpGet: { path: "/", port: "fluent-bit" }, initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 5 },
                readiness: { httpGet: { path: "/", port: "fluent-bit" }, periodSeconds: 10, timeoutSeconds: 5 },
              },
              env: {
                LOG_FORWARD_HOST: `log-aggregator.${ctx.domain}`,
                POD_NAME: { fieldPath: "metadata.name" },
                POD_NAMESPACE: { fieldPath: "metadata.namespace" },
              },
              mounts: [
                { volume: "fluent-bit-config", mountPath: FLUENT_BIT_CONFIG_DIR },
                { volume: "fluent-bit-buffer", mountPath: FLUENT_BIT_BUFFER_DIR },
                { volume: "logs", mountPath: LOG_DIR, readOnly: true },
              ],
            },
          ],
          // "Auto-Scaling Thresholds": CPU 70%, memory 80%, 100 requests/s per pod, 2-20 replicas in production.
          autoscaling: {
            ...byTier(ctx, {
              default: { minReplicas: 2, maxReplicas: 20 },
              development: { minReplicas: 1, maxReplicas: 3 },
              staging: { minReplicas: 2, maxReplicas: 10 },
              edge: { minReplicas: 1, maxReplicas: 3 },
            }),
            cpuUtilization: 70,
            memoryUtilization: 80,
            podsMetric: { name: "http_requests_per_second", averageValue: "100" },
          },
          // The guide's VPA "automatically adjusts resource requests"; next to an HPA scaling on the
          // same CPU and memory it would evict pods the HPA just sized for, so it only recommends.
          verticalScaling: {
            updateMode: "Off",
            minAllowed: byTier(ctx, { default: { cpu: "100m", memory: "128Mi" }, edge: { cpu: "50m", memory: "64Mi" } }),
            // "For High Throughput" tuning tops out at 2000m / 4Gi; a Raspberry Pi at the edge limits.
            maxAllowed: byTier(ctx, { default: { cpu: "2000m", memory: "4Gi" }, edge: { cpu: "500m", memory: "512Mi" } }),
          },
          // "Deployment Strategy: Rolling Update", never dropping below the current replicas.
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
          // "RBAC: Least-privilege access control": the app re-reads its own config, nothing else.
          apiAccess: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: [CONFIG_MAP] }],
          connects: [
            { external: "logging", port: LOG_FORWARD_PORT },
            // The guide's health check runs `wget iot-edge-anomaly-service:8000/health` from inside a pod.
            { component: APP, port: "http" },
          ],
        },
      ],
      // "Persistent Volumes: Separate storage for models and data".
      claims: [
        {
          name: MODELS_CLAIM,
          description: "Trained anomaly detection models loaded at startup and on hot reload.",
          size: byTier(ctx, { default: "10Gi", development: "5Gi", edge: "2Gi" }),
          storageClass: "fast",
          accessMode,
        },
        {
          name: DATA_CLAIM,
          description: "Buffered sensor readings and detection history.",
          size: byTier(ctx, { default: "20Gi", development: "5Gi", edge: "5Gi" }),
          storageClass: "standard",
          accessMode,
        },
      ],
      configMaps: [
        { name: CONFIG_MAP, data: { "config.yaml": appConfig(ctx) } },
        { name: FLUENT_BIT_CONFIG_MAP, data: fluentBitConfig(ctx) },
      ],
      secrets: [{ name: SECRET, keys: { "api-key": "API key clients present to the detection API." } }],
      // "Ingress: External access with TLS termination".
      ingresses: [{ name: APP, host: `${APP}.${ctx.domain}`, component: APP, port: "http" }],
      alerts: ALERTS,
    };
  },
};
