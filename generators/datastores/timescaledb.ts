import type { ResourcesSpec, StorageClassRole, WorkloadSpec } from "../spec/types.js";
import { ORDINAL, type Datastore } from "./types.js";

export interface TimescaleProps {
  /** @default "timescaledb" */
  readonly name?: string;
  /** Pinned tag of timescale/timescaledb, e.g. "2.17.2-pg14". */
  readonly tag: string;
  /** Pod 0 is the primary; the others are streaming replicas cloned from it. */
  readonly replicas: number;
  readonly resources: ResourcesSpec;
  readonly storage: { readonly size: string; readonly storageClass?: StorageClassRole };
  readonly database: string;
  readonly description: string;
}

const PORT = 5432;
const UID = 70; // the postgres user of the Alpine-based image
const PGDATA = "/var/lib/postgresql/data/pgdata";

/** TimescaleDB (PostgreSQL) with streaming replication; clients reach the primary through the Service. */
export function timescaledb(props: TimescaleProps): Datastore {
  const name = props.name ?? "timescaledb";
  const headless = `${name}-headless`;
  const secret = `${name}-auth`;
  const scripts = `${name}-scripts`;
  const image = { registry: "docker.io", repository: "timescale/timescaledb", tag: props.tag };
  const env = {
    PGDATA,
    POSTGRES_DB: props.database,
    POSTGRES_USER: "postgres",
    POSTGRES_PASSWORD: { secret, key: "password" },
  };
  const ready = ["sh", "-c", `pg_isready -h 127.0.0.1 -p ${PORT} -U postgres`];
  const cloneReplica = [
    "set -eu",
    ORDINAL,
    `if [ "$ORDINAL" != 0 ] && [ ! -s "${PGDATA}/PG_VERSION" ]; then`,
    `  until pg_isready -h ${name}-0.${headless} -p ${PORT}; do sleep 2; done`,
    // No PG_VERSION means no usable cluster: clear what an interrupted clone left behind.
    `  rm -rf ${PGDATA}`,
    `  PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h ${name}-0.${headless} -p ${PORT} -U postgres -D ${PGDATA} -R -X stream`,
    "fi",
  ].join("\n");
  const mounts = [
    { volume: "data", mountPath: "/var/lib/postgresql/data" },
    { volume: "run", mountPath: "/var/run/postgresql" },
    { volume: "tmp", mountPath: "/tmp" },
  ];
  const server: WorkloadSpec = {
    kind: "StatefulSet",
    role: "datastore",
    name,
    description: props.description,
    image,
    replicas: props.replicas,
    runAsUser: UID,
    ports: [{ name: "postgres", containerPort: PORT }],
    resources: props.resources,
    env,
    probes: {
      liveness: { exec: { command: ready }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 },
      readiness: { exec: { command: ready }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 5 },
      startup: { exec: { command: ready }, periodSeconds: 10, failureThreshold: 30, timeoutSeconds: 5 },
    },
    initContainers: [
      {
        name: "clone-replica",
        image,
        command: ["sh", "-c", cloneReplica],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        env,
        mounts,
      },
    ],
    volumes: {
      run: { emptyDir: { sizeLimit: "16Mi" } },
      tmp: { emptyDir: { sizeLimit: "256Mi" } },
      initdb: { configMap: scripts },
    },
    // One file, not the directory: the image's own init scripts there install the timescaledb extension.
    mounts: [
      ...mounts,
      { volume: "initdb", mountPath: "/docker-entrypoint-initdb.d/10-replication.sh", subPath: "10-replication.sh" },
    ],
    volumeClaimTemplates: [{ name: "data", size: props.storage.size, storageClass: props.storage.storageClass ?? "fast" }],
    // Replicas stream WAL from the primary.
    connects: [{ component: name, port: "postgres" }],
    service: { type: "ClusterIP", headless: true, primaryOnly: true },
  };
  return {
    components: [server],
    configMaps: [
      {
        name: scripts,
        data: {
          // Runs once on the primary's first start: lets replicas stream WAL with the same credentials.
          "10-replication.sh": [
            "#!/bin/sh",
            "set -eu",
            'echo "host replication postgres all scram-sha-256" >> "$PGDATA/pg_hba.conf"',
            "",
          ].join("\n"),
        },
      },
    ],
    secrets: [{ name: secret, keys: { password: `password of the postgres superuser of ${name}` } }],
  };
}
