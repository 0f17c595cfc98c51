import { dev } from "../../generators/fleet/clusters.js";
import type { ClusterProfile } from "../../generators/fleet/types.js";
import type { AppDefinition, AppSpec, ServiceWorkloadSpec } from "../../generators/spec/types.js";

/** A small valid app: an API that talks to a cache. Tests break one thing at a time. */
export function sampleSpec(): AppSpec {
  const api: ServiceWorkloadSpec = {
    kind: "Deployment",
    name: "api",
    description: "sample API",
    image: { repository: "example/api", tag: "1.2.3" },
    replicas: 2,
    ports: [
      { name: "http", containerPort: 8080 },
      { name: "metrics", containerPort: 9090, metrics: true },
    ],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    probes: {
      liveness: { httpGet: { path: "/health", port: "http" } },
      readiness: { httpGet: { path: "/ready", port: "http" } },
    },
    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 },
    connects: [{ component: "cache", port: "redis" }],
  };
  const cache: ServiceWorkloadSpec = {
    kind: "StatefulSet",
    role: "datastore",
    name: "cache",
    description: "sample cache",
    image: { repository: "library/redis", tag: "7.4.2-alpine" },
    replicas: 1,
    ports: [{ name: "redis", containerPort: 6379 }],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    probes: {
      liveness: { tcpSocket: { port: "redis" } },
      readiness: { tcpSocket: { port: "redis" } },
    },
    volumeClaimTemplates: [{ name: "data", size: "1Gi" }],
    mounts: [{ volume: "data", mountPath: "/data" }],
  };
  return {
    name: "sample",
    title: "Sample",
    seed: "none",
    namespace: "sample",
    components: [api, cache],
    ingresses: [{ name: "api", host: "api.example.test", component: "api", port: "http" }],
    alerts: [
      {
        alert: "SampleDown",
        expr: 'up{namespace="sample"} == 0',
        for: "1m",
        severity: "critical",
        summary: "sample is down",
        description: "no target answers",
      },
    ],
  };
}

export function defineApp(spec: AppSpec): AppDefinition {
  return { name: spec.name, spec: () => spec };
}

/** The dev profile running only the given apps. */
export function clusterRunning(...apps: string[]): ClusterProfile {
  return { ...dev, name: "test", apps };
}
