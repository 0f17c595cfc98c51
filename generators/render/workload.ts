import { createHash } from "node:crypto";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IContainer, IEnvVar, IPodSpec, IPodTemplateSpec, IProbe, IVolume } from "kubernetes-models/v1";
import type {
  BatchWorkloadSpec,
  ContainerSpec,
  ImageSpec,
  ProbeSpec,
  ServiceWorkloadSpec,
  VolumeSource,
  WorkloadSpec,
} from "../spec/types.js";
import { type AppContext, DATA_SAFETY_ANNOTATIONS, meta, selectorLabels } from "./context.js";
import { nodePoolFor, placement, spreadKeepsMajority } from "./placement.js";
import { effectiveResources } from "./resources.js";
import { containerSecurityContext, needsServiceAccountToken, podSecurityContext } from "./security.js";
import { serviceAccountName } from "./rbac.js";
import { headlessServiceName } from "./networking.js";
import { byCodeUnit, byKey } from "../order.js";

export const DEFAULT_REGISTRY = "docker.io";

export function imageRef(image: ImageSpec): string {
  return `${image.registry ?? DEFAULT_REGISTRY}/${image.repository}:${image.tag}`;
}

function probe(spec: ProbeSpec): IProbe {
  const action =
    "httpGet" in spec
      ? { httpGet: { path: spec.httpGet.path, port: spec.httpGet.port } }
      : "tcpSocket" in spec
        ? { tcpSocket: { port: spec.tcpSocket.port } }
        : { exec: { command: [...spec.exec.command] } };
  return {
    ...action,
    initialDelaySeconds: spec.initialDelaySeconds ?? 0,
    periodSeconds: spec.periodSeconds ?? 10,
    timeoutSeconds: spec.timeoutSeconds ?? 1,
    failureThreshold: spec.failureThreshold ?? 3,
  };
}

function envVars(container: ContainerSpec): IEnvVar[] {
  return Object.entries(container.env ?? {}).map(([name, value]): IEnvVar => {
    if (typeof value === "string") return { name, value };
    if ("secret" in value) return { name, valueFrom: { secretKeyRef: { name: value.secret, key: value.key } } };
    if ("configMap" in value) return { name, valueFrom: { configMapKeyRef: { name: value.configMap, key: value.key } } };
    if ("fieldPath" in value) return { name, valueFrom: { fieldRef: { fieldPath: value.fieldPath } } };
    return {
      name,
      valueFrom: {
        resourceFieldRef: {
          containerName: container.name,
          resource: value.resourceField,
          ...(value.divisor ? { divisor: value.divisor } : {}),
        },
      },
    };
  });
}

function container(ctx: AppContext, spec: ContainerSpec, volumes: Readonly<Record<string, VolumeSource>>): IContainer {
  const resources = effectiveResources(ctx, spec.resources);
  const env = envVars(spec);
  const envFrom = (spec.envFromConfigMaps ?? []).map((name) => ({ configMapRef: { name } }));
  const mounts = (spec.mounts ?? []).map((m) => {
    const source = volumes[m.volume];
    const alwaysReadOnly = source !== undefined && ("configMap" in source || "secret" in source);
    return {
      name: m.volume,
      mountPath: m.mountPath,
      ...(m.readOnly || alwaysReadOnly ? { readOnly: true } : {}),
      ...(m.subPath ? { subPath: m.subPath } : {}),
    };
  });
  return {
    name: spec.name,
    image: imageRef(spec.image),
    imagePullPolicy: "IfNotPresent",
    ...(spec.command ? { command: [...spec.command] } : {}),
    ...(spec.args ? { args: [...spec.args] } : {}),
    ...(spec.ports && spec.ports.length > 0
      ? {
          ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? "TCP" })),
        }
      : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(envFrom.length > 0 ? { envFrom } : {}),
    resources: {
      requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
      limits: { cpu: resources.limits.cpu, memory: resources.limits.memory },
    },
    ...(spec.probes
      ? {
          livenessProbe: probe(spec.probes.liveness),
          readinessProbe: probe(spec.probes.readiness),
          ...(spec.probes.startup ? { startupProbe: probe(spec.probes.startup) } : {}),
        }
      : {}),
    securityContext: containerSecurityContext(spec.security),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    terminationMessagePolicy: "FallbackToLogsOnError",
  };
}

function volume(name: string, source: VolumeSource): IVolume {
  if ("claim" in source) return { name, persistentVolumeClaim: { claimName: source.claim } };
  if ("configMap" in source) return { name, configMap: { name: source.configMap, defaultMode: 0o444 } };
  if ("secret" in source) return { name, secret: { secretName: source.secret, defaultMode: 0o440 } };
  return {
    name,
    emptyDir: { sizeLimit: source.emptyDir.sizeLimit, ...(source.emptyDir.medium ? { medium: source.emptyDir.medium } : {}) },
  };
}

/** ConfigMaps a pod reads; their content hash rolls the pods when the config changes. */
function configChecksum(ctx: AppContext, workload: WorkloadSpec): string | undefined {
  const containers = [workload, ...(workload.sidecars ?? []), ...(workload.initContainers ?? [])];
  const names = new Set<string>();
  for (const c of containers) {
    for (const n of c.envFromConfigMaps ?? []) names.add(n);
    for (const v of Object.values(c.env ?? {})) if (typeof v !== "string" && "configMap" in v) names.add(v.configMap);
  }
  for (const v of Object.values(workload.volumes ?? {})) if ("configMap" in v) names.add(v.configMap);
  if (names.size === 0) return undefined;
  const hash = createHash("sha256");
  for (const name of [...names].sort(byCodeUnit)) {
    const data = ctx.app.configMaps?.find((c) => c.name === name)?.data ?? {};
    hash.update(JSON.stringify([name, Object.entries(data).sort(byKey)]));
  }
  return hash.digest("hex");
}

/**
 * Spread multi-replica pods over nodes. A StatefulSet's pods are members of a
 * replicated set (a quorum, or a primary and its replicas): where the pool has
 * enough nodes for a hard spread to keep a majority through the loss of one
 * node, the spread is DoNotSchedule, so pressure never stacks two members on
 * one node. Everything else (and a set on a pool too small to protect it)
 * spreads "ScheduleAnyway", so an HPA can still scale past the node count.
 */
function spread(ctx: AppContext, workload: WorkloadSpec): Pick<IPodSpec, "topologySpreadConstraints"> {
  if (workload.kind !== "Deployment" && workload.kind !== "StatefulSet") return {};
  const most = Math.max(workload.replicas, workload.autoscaling?.maxReplicas ?? 0);
  if (most <= 1) return {};
  const hard = workload.kind === "StatefulSet" && spreadKeepsMajority(workload.replicas, nodePoolFor(ctx, workload).count);
  return {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: hard ? "DoNotSchedule" : "ScheduleAnyway",
        labelSelector: { matchLabels: selectorLabels(ctx, workload.name) },
      },
    ],
  };
}

export function podTemplate(ctx: AppContext, workload: WorkloadSpec): IPodTemplateSpec {
  const volumes = workload.volumes ?? {};
  const checksum = configChecksum(ctx, workload);
  const optOuts = [workload, ...(workload.sidecars ?? [])]
    .filter((c) => c.probesOptOut !== undefined)
    .map((c) => [`iot-fleet.io/no-probes.${c.name}`, c.probesOptOut as string] as const);
  const annotations = { ...(checksum ? { "checksum/config": checksum } : {}), ...Object.fromEntries(optOuts) };
  const main: ContainerSpec = workload;
  const batch = workload.kind === "Job" || workload.kind === "CronJob";
  const podVolumes = Object.entries(volumes)
    .sort(byKey)
    .map(([name, source]) => volume(name, source));
  return {
    metadata: {
      // `app` keeps the guides' `kubectl ... -l app=<name>` commands working; it is not part of any selector.
      labels: { ...selectorLabels(ctx, workload.name), app: workload.name },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      serviceAccountName: serviceAccountName(workload),
      automountServiceAccountToken: needsServiceAccountToken(workload),
      enableServiceLinks: false,
      securityContext: podSecurityContext(workload),
      ...(workload.initContainers && workload.initContainers.length > 0
        ? { initContainers: workload.initContainers.map((c) => container(ctx, c, volumes)) }
        : {}),
      containers: [main, ...(workload.sidecars ?? [])].map((c) => container(ctx, c, volumes)),
      ...(podVolumes.length > 0 ? { volumes: podVolumes } : {}),
      ...placement(ctx, workload),
      ...spread(ctx, workload),
      ...(batch ? { restartPolicy: "Never" } : {}),
      terminationGracePeriodSeconds:
        workload.kind === "Deployment" || workload.kind === "StatefulSet"
          ? (workload.terminationGracePeriodSeconds ?? 30)
          : 30,
    },
  };
}

/** The extra pods a rolling update may add on top of the replica count. */
export function surgePods(workload: ServiceWorkloadSpec): number {
  if (workload.kind !== "Deployment") return 0;
  const surge = workload.rollingUpdate?.maxSurge ?? DEFAULT_ROLLING_UPDATE.maxSurge;
  if (typeof surge === "number") return surge;
  const replicas = Math.max(workload.replicas, workload.autoscaling?.maxReplicas ?? 0);
  return Math.ceil((Number(surge.replace("%", "")) / 100) * replicas);
}

/** Zero-downtime by default: one extra pod during a rollout, none taken away first. */
export const DEFAULT_ROLLING_UPDATE = { maxSurge: 1, maxUnavailable: 0 } as const;

export function deployment(ctx: AppContext, workload: ServiceWorkloadSpec): Deployment {
  const strategy = workload.rollingUpdate ?? DEFAULT_ROLLING_UPDATE;
  return new Deployment({
    metadata: meta(ctx, workload.name, workload, { "iot-fleet.io/description": workload.description }),
    spec: {
      replicas: workload.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx, workload.name) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable } },
      template: podTemplate(ctx, workload),
    },
  });
}

export function statefulSet(ctx: AppContext, workload: ServiceWorkloadSpec): StatefulSet {
  return new StatefulSet({
    metadata: meta(ctx, workload.name, workload, {
      "iot-fleet.io/description": workload.description,
      ...DATA_SAFETY_ANNOTATIONS,
    }),
    spec: {
      replicas: workload.replicas,
      serviceName: headlessServiceName(workload),
      // Data stores order their own start-up (replicas wait for the primary, Kafka for its quorum).
      podManagementPolicy: "Parallel",
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx, workload.name) },
      updateStrategy: { type: "RollingUpdate" },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: podTemplate(ctx, workload),
      ...((workload.volumeClaimTemplates ?? []).length > 0
        ? {
            volumeClaimTemplates: (workload.volumeClaimTemplates ?? []).map((t) => ({
              metadata: { name: t.name, labels: selectorLabels(ctx, workload.name) },
              spec: {
                accessModes: [t.accessMode ?? "ReadWriteOnce"],
                storageClassName: ctx.cluster.storageClasses[t.storageClass ?? "standard"],
                resources: { requests: { storage: t.size } },
              },
            })),
          }
        : {}),
    },
  });
}

function jobSpec(ctx: AppContext, workload: BatchWorkloadSpec): Job["spec"] {
  return {
    backoffLimit: workload.backoffLimit ?? 3,
    activeDeadlineSeconds: workload.activeDeadlineSeconds ?? 3600,
    template: podTemplate(ctx, workload),
  };
}

export function job(ctx: AppContext, workload: BatchWorkloadSpec): Job {
  return new Job({
    metadata: meta(ctx, workload.name, workload, { "iot-fleet.io/description": workload.description }),
    spec: jobSpec(ctx, workload),
  });
}

export function cronJob(ctx: AppContext, workload: BatchWorkloadSpec): CronJob {
  return new CronJob({
    metadata: meta(ctx, workload.name, workload, { "iot-fleet.io/description": workload.description }),
    spec: {
      schedule: workload.schedule ?? "",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { metadata: { labels: selectorLabels(ctx, workload.name) }, spec: jobSpec(ctx, workload) },
    },
  });
}

export function workloadObject(ctx: AppContext, workload: WorkloadSpec): Deployment | StatefulSet | Job | CronJob {
  switch (workload.kind) {
    case "Deployment":
      return deployment(ctx, workload);
    case "StatefulSet":
      return statefulSet(ctx, workload);
    case "Job":
      return job(ctx, workload);
    case "CronJob":
      return cronJob(ctx, workload);
  }
}
