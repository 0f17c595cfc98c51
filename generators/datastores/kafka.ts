import type { ResourcesSpec, StorageClassRole, WorkloadSpec } from "../spec/types.js";
import { ORDINAL, type Datastore } from "./types.js";

export interface KafkaProps {
  /** @default "kafka" */
  readonly name?: string;
  /** Pinned tag of apache/kafka, e.g. "3.9.0". */
  readonly tag: string;
  /** Brokers; each is also a KRaft controller (combined mode). */
  readonly replicas: number;
  readonly resources: ResourcesSpec;
  /** Partitions of auto-created topics: at least the most consumers of any group. @default 6 */
  readonly partitions?: number;
  /** JVM heap, kept well under the memory limit. */
  readonly heap: string;
  readonly storage: { readonly size: string; readonly storageClass?: StorageClassRole };
  /** Namespace the brokers advertise themselves in. */
  readonly namespace: string;
  readonly description: string;
}

const CLIENT_PORT = 9092;
const CONTROLLER_PORT = 9093;
const UID = 1000; // appuser of the apache/kafka image
/** KRaft cluster id: any fixed base64 UUID; fixed so that restarts rejoin the same cluster. */
const CLUSTER_ID = "nI3JZxWJRBGZQxVRSeMZ3w";

/** Apache Kafka in KRaft combined mode: no ZooKeeper, one StatefulSet. */
export function kafka(props: KafkaProps): Datastore {
  const name = props.name ?? "kafka";
  const headless = `${name}-headless`;
  const fqdn = (i: string): string => `${name}-${i}.${headless}.${props.namespace}.svc`;
  const voters = Array.from({ length: props.replicas }, (_, i) => `${i}@${fqdn(String(i))}:${CONTROLLER_PORT}`).join(",");
  const replication = Math.min(3, props.replicas);
  const start = [
    ORDINAL,
    'export KAFKA_NODE_ID="$ORDINAL"',
    `export KAFKA_ADVERTISED_LISTENERS="PLAINTEXT://${fqdn("$ORDINAL")}:${CLIENT_PORT}"`,
    "exec /etc/kafka/docker/run",
  ].join("; ");
  const probe = { tcpSocket: { port: "client" } } as const;
  const server: WorkloadSpec = {
    kind: "StatefulSet",
    role: "datastore",
    name,
    description: props.description,
    image: { registry: "docker.io", repository: "apache/kafka", tag: props.tag },
    command: ["sh", "-c", start],
    replicas: props.replicas,
    runAsUser: UID,
    ports: [
      { name: "client", containerPort: CLIENT_PORT },
      { name: "controller", containerPort: CONTROLLER_PORT },
    ],
    resources: props.resources,
    env: {
      CLUSTER_ID,
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: `PLAINTEXT://:${CLIENT_PORT},CONTROLLER://:${CONTROLLER_PORT}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_INTER_BROKER_LISTENER_NAME: "PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
      KAFKA_LOG_DIRS: "/var/lib/kafka/data/logs",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: String(replication),
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: String(replication),
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: String(Math.max(1, replication - 1)),
      // Auto-created topics get a copy on every broker (up to 3) and survive the loss of one.
      KAFKA_NUM_PARTITIONS: String(props.partitions ?? 6),
      KAFKA_DEFAULT_REPLICATION_FACTOR: String(replication),
      KAFKA_MIN_INSYNC_REPLICAS: String(Math.max(1, replication - 1)),
      KAFKA_HEAP_OPTS: `-Xms${props.heap} -Xmx${props.heap}`,
      // kafka-run-class.sh creates LOG_DIR (GC logs) under /opt/kafka unless told otherwise; the root is read-only.
      LOG_DIR: "/tmp/kafka-logs",
    },
    probes: {
      liveness: { ...probe, initialDelaySeconds: 60, periodSeconds: 10, timeoutSeconds: 5 },
      readiness: { ...probe, initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 5 },
    },
    volumes: {
      config: { emptyDir: { sizeLimit: "16Mi" } },
      secrets: { emptyDir: { sizeLimit: "1Mi" } },
      tmp: { emptyDir: { sizeLimit: "256Mi" } },
    },
    mounts: [
      { volume: "data", mountPath: "/var/lib/kafka/data" },
      // The image's launcher writes server.properties here at start.
      { volume: "config", mountPath: "/opt/kafka/config" },
      { volume: "secrets", mountPath: "/etc/kafka/secrets" },
      { volume: "tmp", mountPath: "/tmp" },
    ],
    volumeClaimTemplates: [{ name: "data", size: props.storage.size, storageClass: props.storage.storageClass ?? "fast" }],
    // Brokers replicate and vote among themselves.
    connects: [
      { component: name, port: "client" },
      { component: name, port: "controller" },
    ],
    service: { type: "ClusterIP", headless: true, ports: ["client"] },
  };
  return { components: [server], configMaps: [], secrets: [] };
}
