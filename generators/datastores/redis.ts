import type { ResourcesSpec, StorageClassRole, VolumeSource, WorkloadSpec } from "../spec/types.js";
import { ORDINAL, type Datastore } from "./types.js";

export interface RedisProps {
  /** StatefulSet and Service name. @default "redis" */
  readonly name?: string;
  /** Pinned tag of the official image, e.g. "7.4.2-alpine". */
  readonly tag: string;
  /**
   * "replicated": pod 0 is the primary, the rest replicate from it; the client Service points at the primary.
   * "cluster": Redis Cluster with `replicas / (clusterReplicas + 1)` primaries, formed by a Job.
   */
  readonly mode: "replicated" | "cluster";
  readonly replicas: number;
  /** Replicas per primary in cluster mode. @default 1 */
  readonly clusterReplicas?: number;
  readonly resources: ResourcesSpec;
  /** Persistent data; without it Redis keeps its data on a size-limited emptyDir (cache only). */
  readonly persistence?: { readonly size: string; readonly storageClass?: StorageClassRole };
  /** What the app uses this Redis for (shown on the StatefulSet). */
  readonly description: string;
  /**
   * Evict keys once Redis holds this share of its memory limit, so a cache stays
   * under the limit instead of being OOM-killed. Read from the limit at start,
   * so it follows any cluster cap. @default 0.75
   */
  readonly maxMemoryShare?: number;
}

const PORT = 6379;
const UID = 999;

/** Redis as a StatefulSet with password auth from an ExternalSecret-managed Secret `<name>-auth`. */
export function redis(props: RedisProps): Datastore {
  const name = props.name ?? "redis";
  const headless = `${name}-headless`;
  const secret = `${name}-auth`;
  const image = { registry: "docker.io", repository: "library/redis", tag: props.tag };
  const share = Math.round((props.maxMemoryShare ?? 0.75) * 100);
  const common =
    `--port ${PORT} --dir /data --requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD" --protected-mode no ` +
    `--maxmemory "$((MEMORY_LIMIT_BYTES * ${share} / 100))" --maxmemory-policy allkeys-lru`;
  const startup =
    props.mode === "cluster"
      ? `exec redis-server ${common} --appendonly yes --cluster-enabled yes --cluster-config-file /data/nodes.conf ` +
        `--cluster-announce-hostname "$HOSTNAME.${headless}" --cluster-preferred-endpoint-type hostname`
      : `${ORDINAL}; if [ "$ORDINAL" = 0 ]; then exec redis-server ${common} --appendonly yes; ` +
        `else exec redis-server ${common} --appendonly yes --replicaof ${name}-0.${headless} ${PORT}; fi`;
  const dataVolume: Record<string, VolumeSource> = props.persistence ? {} : { data: { emptyDir: { sizeLimit: "1Gi" } } };
  const healthcheck = ["sh", "-c", 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG'];
  const server: WorkloadSpec = {
    kind: "StatefulSet",
    role: "datastore",
    name,
    description: props.description,
    image,
    command: ["sh", "-c", startup],
    replicas: props.replicas,
    runAsUser: UID,
    ports: [
      { name: "redis", containerPort: PORT },
      ...(props.mode === "cluster" ? [{ name: "cluster-bus", containerPort: PORT + 10000 }] : []),
    ],
    resources: props.resources,
    env: { REDIS_PASSWORD: { secret, key: "password" }, MEMORY_LIMIT_BYTES: { resourceField: "limits.memory" } },
    probes: {
      liveness: { exec: { command: healthcheck }, initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5 },
      readiness: { exec: { command: healthcheck }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 5 },
    },
    volumes: { ...dataVolume, tmp: { emptyDir: { sizeLimit: "64Mi" } } },
    mounts: [
      { volume: "data", mountPath: "/data" },
      { volume: "tmp", mountPath: "/tmp" },
    ],
    volumeClaimTemplates: props.persistence
      ? [{ name: "data", size: props.persistence.size, storageClass: props.persistence.storageClass ?? "fast" }]
      : [],
    // Replication and the cluster bus talk pod to pod.
    connects: [
      { component: name, port: "redis" },
      ...(props.mode === "cluster" ? [{ component: name, port: "cluster-bus" }] : []),
    ],
    service: { type: "ClusterIP", headless: true, ...(props.mode === "replicated" ? { primaryOnly: true } : {}) },
  };
  const components: WorkloadSpec[] = [server];
  if (props.mode === "cluster") components.push(clusterInitJob(name, headless, secret, props, image));
  return {
    components,
    configMaps: [],
    secrets: [{ name: secret, keys: { password: `password clients and replicas use to authenticate to ${name}` } }],
  };
}

/**
 * Forms the cluster once every node answers; a no-op when it is already formed.
 * CLUSTER MEET takes IP addresses only, so each node is asked for its own
 * address (`laddr` of CLIENT INFO) instead of resolving names with tools the
 * image may lack. Nodes then announce their hostnames to clients.
 */
function clusterInitJob(
  name: string,
  headless: string,
  secret: string,
  props: RedisProps,
  image: WorkloadSpec["image"],
): WorkloadSpec {
  const hosts = Array.from({ length: props.replicas }, (_, i) => `${name}-${i}.${headless}`).join(" ");
  const cli = 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning';
  const script = [
    "set -eu",
    'addresses=""',
    `for host in ${hosts}; do`,
    `  until ${cli} -h "$host" ping | grep -q PONG; do echo "waiting for $host"; sleep 2; done`,
    `  address="$(${cli} -h "$host" client info | sed -n 's/.* laddr=\\([^ ]*\\) .*/\\1/p')"`,
    '  [ -n "$address" ] || { echo "cannot read the address of $host" >&2; exit 1; }',
    '  addresses="$addresses $address"',
    "done",
    `if ${cli} -h ${name}-0.${headless} cluster info | grep -q cluster_state:ok; then echo "cluster already formed"; exit 0; fi`,
    `${cli} --cluster create $addresses --cluster-replicas ${props.clusterReplicas ?? 1} --cluster-yes`,
  ].join("\n");
  return {
    kind: "Job",
    name: `${name}-cluster-init`,
    description: `Forms the ${name} Redis Cluster once all ${props.replicas} nodes are up`,
    image,
    command: ["sh", "-c", script],
    runAsUser: UID,
    resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    env: { REDIS_PASSWORD: { secret, key: "password" } },
    connects: [
      { component: name, port: "redis" },
    ],
    backoffLimit: 10,
    activeDeadlineSeconds: 1800,
  };
}
