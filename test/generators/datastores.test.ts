import { describe, expect, it } from "vitest";
import { kafka, redis, timescaledb } from "../../generators/datastores/index.js";
import type { ServiceWorkloadSpec } from "../../generators/spec/types.js";

const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };

function server(components: readonly { kind: string }[]): ServiceWorkloadSpec {
  return components.find((c) => c.kind === "StatefulSet") as ServiceWorkloadSpec;
}

describe("when Redis is replicated", () => {
  const store = redis({ tag: "7.4.2-alpine", mode: "replicated", replicas: 3, resources, description: "cache" });
  const spec = server(store.components);

  it("should make pod 0 the primary and the rest its replicas", () => {
    const script = spec.command?.[2] ?? "";
    expect(script).toContain('if [ "$ORDINAL" = 0 ]; then exec redis-server');
    expect(script).toContain("--replicaof redis-0.redis-headless 6379");
  });

  it("should send clients to the primary only", () => {
    expect(spec.service).toMatchObject({ primaryOnly: true, headless: true });
  });

  it("should cap memory below the container limit it reads at start", () => {
    expect(spec.env?.MEMORY_LIMIT_BYTES).toEqual({ resourceField: "limits.memory" });
    expect(spec.command?.[2]).toContain('--maxmemory "$((MEMORY_LIMIT_BYTES * 75 / 100))" --maxmemory-policy allkeys-lru');
  });

  it("should take its password from an ExternalSecret-managed secret", () => {
    expect(store.secrets.map((s) => s.name)).toEqual(["redis-auth"]);
    expect(spec.env?.REDIS_PASSWORD).toEqual({ secret: "redis-auth", key: "password" });
  });
});

describe("when Redis runs as a cluster", () => {
  const store = redis({ name: "rc", tag: "7.4.2-alpine", mode: "cluster", replicas: 6, resources, description: "cache" });

  it("should add a Job that forms the cluster from the nodes' addresses", () => {
    const job = store.components.find((c) => c.kind === "Job");
    const script = job?.command?.[2] ?? "";
    expect(job?.name).toBe("rc-cluster-init");
    expect(script).toContain("for host in rc-0.rc-headless rc-1.rc-headless rc-2.rc-headless rc-3.rc-headless rc-4.rc-headless rc-5.rc-headless; do");
    expect(script).toContain("client info | sed -n 's/.* laddr=\\([^ ]*\\) .*/\\1/p'");
    expect(script).toContain("--cluster create $addresses --cluster-replicas 1 --cluster-yes");
  });

  it("should open the cluster bus between nodes and not send clients to one pod", () => {
    const spec = server(store.components);
    expect(spec.connects).toEqual([
      { component: "rc", port: "redis" },
      { component: "rc", port: "cluster-bus" },
    ]);
    expect(spec.service).not.toMatchObject({ primaryOnly: true });
  });
});

describe("when TimescaleDB has replicas", () => {
  const store = timescaledb({ tag: "2.17.2-pg14", replicas: 2, resources, storage: { size: "10Gi" }, database: "db", description: "db" });
  const spec = server(store.components);

  it("should clone replicas from the primary and leave the primary alone", () => {
    const clone = spec.initContainers?.[0]?.command?.[2] ?? "";
    expect(clone).toContain('if [ "$ORDINAL" != 0 ] && [ ! -s "/var/lib/postgresql/data/pgdata/PG_VERSION" ]; then');
    expect(clone).toContain("pg_basebackup -h timescaledb-0.timescaledb-headless -p 5432 -U postgres -D /var/lib/postgresql/data/pgdata -R -X stream");
  });

  it("should let replicas stream WAL from the primary", () => {
    expect(store.configMaps[0]?.data["10-replication.sh"]).toContain("host replication postgres all scram-sha-256");
    expect(spec.service).toMatchObject({ primaryOnly: true });
  });

  it("should add its init script beside the image's own, not hide them", () => {
    expect(spec.mounts).toContainEqual({
      volume: "initdb",
      mountPath: "/docker-entrypoint-initdb.d/10-replication.sh",
      subPath: "10-replication.sh",
    });
    expect(spec.mounts?.some((m) => m.mountPath === "/docker-entrypoint-initdb.d")).toBe(false);
  });
});

describe("when Kafka has three brokers", () => {
  const store = kafka({ tag: "3.9.0", replicas: 3, resources, heap: "256m", storage: { size: "5Gi" }, namespace: "ns", description: "bus" });
  const spec = server(store.components);

  it("should list every broker as a KRaft voter", () => {
    expect(spec.env?.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(
      "0@kafka-0.kafka-headless.ns.svc:9093,1@kafka-1.kafka-headless.ns.svc:9093,2@kafka-2.kafka-headless.ns.svc:9093",
    );
  });

  it("should keep every path Kafka writes on a writable volume", () => {
    expect(spec.env).toMatchObject({ LOG_DIR: "/tmp/kafka-logs", KAFKA_LOG_DIRS: "/var/lib/kafka/data/logs" });
    expect(spec.mounts?.map((m) => m.mountPath)).toEqual(["/var/lib/kafka/data", "/opt/kafka/config", "/etc/kafka/secrets", "/tmp"]);
  });

  it("should keep three copies of every record and survive one broker down", () => {
    expect(spec.env).toMatchObject({
      KAFKA_DEFAULT_REPLICATION_FACTOR: "3",
      KAFKA_MIN_INSYNC_REPLICAS: "2",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3",
    });
  });
});

describe("when Kafka has one broker", () => {
  it("should not ask for more copies than brokers", () => {
    const single = server(
      kafka({ tag: "3.9.0", replicas: 1, resources, heap: "256m", storage: { size: "5Gi" }, namespace: "ns", description: "bus" }).components,
    );
    expect(single.env).toMatchObject({ KAFKA_DEFAULT_REPLICATION_FACTOR: "1", KAFKA_MIN_INSYNC_REPLICAS: "1" });
  });
});
