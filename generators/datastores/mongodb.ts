import type { ResourcesSpec, StorageClassRole, WorkloadSpec } from "../spec/types.js";
import type { Datastore } from "./types.js";

export interface MongoProps {
  /** @default "mongodb" */
  readonly name?: string;
  /** Pinned tag of the official mongo image, e.g. "7.0.14". */
  readonly tag: string;
  readonly resources: ResourcesSpec;
  readonly storage: { readonly size: string; readonly storageClass?: StorageClassRole };
  readonly description: string;
}

const PORT = 27017;
const UID = 999;

/** A single MongoDB instance with root credentials from an ExternalSecret-managed Secret. */
export function mongodb(props: MongoProps): Datastore {
  const name = props.name ?? "mongodb";
  const secret = `${name}-auth`;
  const ping = ["mongosh", "--quiet", "--eval", "db.adminCommand({ ping: 1 }).ok"];
  const server: WorkloadSpec = {
    kind: "StatefulSet",
    role: "datastore",
    name,
    description: props.description,
    image: { registry: "docker.io", repository: "library/mongo", tag: props.tag },
    // A single member: a replica set needs three to survive a failure, which the guide does not ask for.
    replicas: 1,
    runAsUser: UID,
    args: ["--bind_ip_all"],
    ports: [{ name: "mongodb", containerPort: PORT }],
    resources: props.resources,
    env: {
      MONGO_INITDB_ROOT_USERNAME: { secret, key: "username" },
      MONGO_INITDB_ROOT_PASSWORD: { secret, key: "password" },
    },
    probes: {
      liveness: { exec: { command: ping }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 },
      readiness: { exec: { command: ping }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5 },
    },
    volumes: { tmp: { emptyDir: { sizeLimit: "256Mi" } }, configdb: { emptyDir: { sizeLimit: "16Mi" } } },
    mounts: [
      { volume: "data", mountPath: "/data/db" },
      { volume: "configdb", mountPath: "/data/configdb" },
      { volume: "tmp", mountPath: "/tmp" },
    ],
    volumeClaimTemplates: [{ name: "data", size: props.storage.size, storageClass: props.storage.storageClass ?? "fast" }],
    service: { type: "ClusterIP", headless: true },
  };
  return {
    components: [server],
    configMaps: [],
    secrets: [
      {
        name: secret,
        keys: { username: `root user of ${name}`, password: `root password of ${name}` },
      },
    ],
  };
}
