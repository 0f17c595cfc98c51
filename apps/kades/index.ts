import { redis } from "../../generators/datastores/redis.js";
import { timescaledb } from "../../generators/datastores/timescaledb.js";
import { byTier } from "../../generators/spec/by-tier.js";
import type { AlertSpec, AppDefinition, EnvValue, ImageSpec, ResourcesSpec } from "../../generators/spec/types.js";

// KADES, the Kinetic Anomaly Detection Engine (shared/seeds/004_f1f8f2e7646b4d72.txt).
// Production carries the guide's figures unchanged; development and staging keep
// the guide's per-container resources and only run fewer replicas.

const NAMESPACE = "kades";

// The guide ships every KADES image as `:latest`, which is mutable: a rollback or
// a node pulling later could run different code. Pin the release the guide describes.
// renovate: datasource=docker depName=kades/api versioning=docker
const KADES_VERSION = "1.0.0";

function kadesImage(repository: string): ImageSpec {
  return { registry: "docker.io", repository, tag: KADES_VERSION };
}

const API = "kades-api";
const WORKER = "chain-analysis";
const TIMESCALE = "timescaledb";
const REDIS = "redis";
const SECRETS = "kades-secrets";
const CONFIG = "kades-config";

const DATABASE_URL: EnvValue = { secret: SECRETS, key: "database-url" };

// Clients of the Redis cache authenticate with the password the Redis builder manages.
const REDIS_ENV: Readonly<Record<string, EnvValue>> = {
  REDIS_HOST: REDIS,
  REDIS_PORT: "6379",
  REDIS_PASSWORD: { secret: `${REDIS}-auth`, key: "password" },
};

// Fluentd's shipping config exactly as the guide gives it.
const FLUENT_CONF = [
  "<match kubernetes.**>",
  "  @type elasticsearch",
  "  host elasticsearch-logging",
  "  port 9200",
  "  logstash_format true",
  "  logstash_prefix k8s",
  "  <buffer>",
  "    flush_interval 5s",
  "  </buffer>",
  "</match>",
  "",
].join("\n");

const SMALL_JOB: ResourcesSpec = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

const ALERTS: readonly AlertSpec[] = [
  {
    alert: "KadesApiDown",
    expr: `up{namespace="${NAMESPACE}", job="${API}"} == 0`,
    for: "1m",
    severity: "critical",
    summary: "KADES API instance {{ $labels.instance }} is down",
    description:
      "Prometheus has not been able to scrape {{ $labels.pod }} in namespace kades for 1 minute; " +
      "the API and its websocket feed may be unavailable.",
  },
  {
    alert: "KadesHighErrorRate",
    expr:
      `sum(rate(http_requests_total{namespace="${NAMESPACE}", job="${API}", status=~"5.."}[5m]))` +
      ` / sum(rate(http_requests_total{namespace="${NAMESPACE}", job="${API}"}[5m])) > 0.05`,
    for: "5m",
    severity: "critical",
    summary: "KADES API answers more than 5% of requests with 5xx",
    description:
      "{{ $value | humanizePercentage }} of KADES API requests failed with a server error over the last 5 minutes; " +
      "check the kades-api logs and its TimescaleDB and Redis dependencies.",
  },
  {
    alert: "KadesBackupMissing",
    // Also fires when the CronJob has existed for 26h and never succeeded.
    expr:
      `(time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="${NAMESPACE}", cronjob="db-backup"})) > 26 * 3600` +
      ` or (absent(kube_cronjob_status_last_successful_time{namespace="${NAMESPACE}", cronjob="db-backup"})` +
      ` and on() (time() - max(kube_cronjob_created{namespace="${NAMESPACE}", cronjob="db-backup"})) > 26 * 3600)`,
    for: "15m",
    severity: "warning",
    summary: "No successful KADES database backup in 26 hours",
    description:
      "The nightly db-backup CronJob in namespace kades has not completed successfully for more than 26 hours; " +
      "check the last db-backup Job and the backup-pvc volume.",
  },
  {
    alert: "TimescaleDBDown",
    // Pod 0 is the primary every write goes to.
    expr: `max by (namespace, pod) (kube_pod_status_ready{namespace="${NAMESPACE}", pod="${TIMESCALE}-0", condition="true"}) == 0`,
    for: "2m",
    severity: "critical",
    summary: "KADES TimescaleDB primary is not ready",
    description:
      "Pod {{ $labels.pod }} in namespace kades, the TimescaleDB primary, has not been ready for 2 minutes; " +
      "the API, the chain-analysis workers and the backups cannot write.",
  },
];

export const kades: AppDefinition = {
  name: "kades",
  spec: (ctx) => {
    const environment = byTier(ctx, { default: "production", development: "development", staging: "staging" });
    const db = timescaledb({
      name: TIMESCALE,
      // The guide's latest-pg14, pinned to a released TimescaleDB on PostgreSQL 14.
      // renovate: datasource=docker depName=timescale/timescaledb versioning=docker
      tag: "2.17.2-pg14",
      replicas: byTier(ctx, { default: 2, development: 1 }),
      resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } },
      storage: { size: "100Gi" },
      database: "kades",
      description: "TimescaleDB (PostgreSQL 14) holding KADES time series; pod 0 is the primary",
    });
    const cache = redis({
      name: REDIS,
      // The guide's 6.2-alpine, pinned to its last patch release.
      // renovate: datasource=docker depName=redis versioning=docker
      tag: "6.2.16-alpine",
      mode: "replicated",
      replicas: byTier(ctx, { default: 3, development: 1 }),
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
      // No persistence: the guide gives Redis no volume and KADES uses it as a cache (CACHE_TTL).
      description: "Redis cache for the KADES API and analysis workers; pod 0 is the primary",
    });
    const apiReplicas = byTier(ctx, { default: 3, development: 1, staging: 2 });

    return {
      name: "kades",
      title: "KADES - Kinetic Anomaly Detection Engine",
      seed: "004_f1f8f2e7646b4d72.txt",
      namespace: NAMESPACE,
      namespaceLabels: { name: NAMESPACE, environment, monitoring: "enabled" },
      components: [
        {
          kind: "Deployment",
          name: API,
          description: "KADES HTTP API and websocket feed",
          image: kadesImage("kades/api"),
          replicas: apiReplicas,
          ports: [
            { name: "http", containerPort: 8000, servicePort: 80, metrics: true, metricsInterval: "15s" },
            { name: "websocket", containerPort: 8080, servicePort: 8080 },
          ],
          service: { type: "LoadBalancer" },
          resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
          probes: {
            liveness: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 30, periodSeconds: 10 },
            readiness: { httpGet: { path: "/ready", port: "http" }, initialDelaySeconds: 15, periodSeconds: 5 },
          },
          env: {
            DATABASE_URL,
            // The guide's Secret holds these for the API; nothing else reads them.
            API_KEY: { secret: SECRETS, key: "api-key" },
            JWT_SECRET: { secret: SECRETS, key: "jwt-secret" },
            ...REDIS_ENV,
          },
          envFromConfigMaps: [CONFIG],
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
          autoscaling: {
            minReplicas: apiReplicas,
            maxReplicas: byTier(ctx, { default: 10, development: 3, staging: 5 }),
            cpuUtilization: 70,
            memoryUtilization: 80,
          },
          volumes: { tmp: { emptyDir: { sizeLimit: "256Mi" } } },
          mounts: [{ volume: "tmp", mountPath: "/tmp" }],
          connects: [
            { component: TIMESCALE, port: "postgres" },
            { component: REDIS, port: "redis" },
          ],
        },
        {
          kind: "Deployment",
          name: WORKER,
          description: "Chain analysis workers: consume events and score anomaly chains",
          image: kadesImage("kades/chain-analysis"),
          replicas: byTier(ctx, { default: 3, development: 1, staging: 2 }),
          nodePool: "analytics",
          // The guide gives the worker no port; a health port lets the kubelet restart a stuck worker.
          ports: [{ name: "http", containerPort: 8000 }],
          service: false,
          resources: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } },
          probes: {
            liveness: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 30, periodSeconds: 10 },
            readiness: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 15, periodSeconds: 5 },
          },
          env: { DATABASE_URL, ...REDIS_ENV },
          envFromConfigMaps: [CONFIG],
          // Same strategy as the API: never drop below the running analysis capacity.
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
          volumes: { tmp: { emptyDir: { sizeLimit: "1Gi" } } },
          mounts: [{ volume: "tmp", mountPath: "/tmp" }],
          connects: [
            { component: TIMESCALE, port: "postgres" },
            { component: REDIS, port: "redis" },
          ],
        },
        ...db.components,
        ...cache.components,
        {
          kind: "CronJob",
          name: "db-backup",
          description: "Nightly TimescaleDB backup onto backup-pvc",
          schedule: "0 2 * * *",
          image: kadesImage("kades/db-backup"),
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
          env: { BACKUP_DIR: "/backups", DATABASE_URL },
          // A dump of a 100Gi database can outlast the default hour.
          activeDeadlineSeconds: 4 * 3600,
          volumes: {
            "backup-volume": { claim: "backup-pvc" },
            tmp: { emptyDir: { sizeLimit: "1Gi" } },
          },
          mounts: [
            { volume: "backup-volume", mountPath: "/backups" },
            { volume: "tmp", mountPath: "/tmp" },
          ],
          connects: [{ component: TIMESCALE, port: "postgres" }],
        },
        {
          kind: "Job",
          name: "db-migration",
          description: "Applies the KADES schema migrations to TimescaleDB",
          image: kadesImage("kades/migrations"),
          resources: SMALL_JOB,
          env: { DATABASE_URL },
          volumes: { tmp: { emptyDir: { sizeLimit: "64Mi" } } },
          mounts: [{ volume: "tmp", mountPath: "/tmp" }],
          connects: [{ component: TIMESCALE, port: "postgres" }],
        },
      ],
      claims: [
        {
          name: "backup-pvc",
          // Room for several nightly dumps of the 100Gi database.
          size: "200Gi",
          storageClass: "standard",
          description: "Nightly TimescaleDB backups written by db-backup",
        },
      ],
      configMaps: [
        {
          name: CONFIG,
          data: { ENVIRONMENT: environment, LOG_LEVEL: "info", MAX_CONNECTIONS: "1000", CACHE_TTL: "300" },
        },
        { name: "fluentd-config", data: { "fluent.conf": FLUENT_CONF } },
        ...db.configMaps,
        ...cache.configMaps,
      ],
      secrets: [
        {
          name: SECRETS,
          keys: {
            "database-url": "PostgreSQL URL of the KADES database on the timescaledb primary",
            "api-key": "key clients present to the KADES API",
            "jwt-secret": "secret the KADES API signs its JSON web tokens with",
          },
        },
        ...db.secrets,
        ...cache.secrets,
      ],
      ingresses: [
        { name: API, host: `kades.${ctx.domain}`, component: API, port: "http" },
        // Its own host so websocket upgrades reach port 8080 without sharing paths with the REST API.
        { name: `${API}-websocket`, host: `kades-ws.${ctx.domain}`, component: API, port: "websocket" },
      ],
      alerts: ALERTS,
      // The guide's namespace quota, as given, for production; other tiers get the computed one.
      ...(ctx.tier === "production"
        ? { quota: { requestsCpu: "32", requestsMemory: "64Gi", limitsCpu: "64", limitsMemory: "128Gi", pods: 50 } }
        : {}),
    };
  },
};
