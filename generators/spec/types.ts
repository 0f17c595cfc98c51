// The typed app spec: what runs, declared once. Generators turn a spec plus a
// cluster profile into Kubernetes objects; policies judge the rendered YAML.
// Every optional field documents its default; secure defaults live in
// generators/render/security.ts and are pinned by a test.

/** Environment tiers an app can vary by. A cluster profile picks one. */
export type Tier = "development" | "staging" | "production" | "edge";

/** A value that differs per tier: `default` applies where no tier key is given. */
export type ByTier<T> = { readonly default: T } & { readonly [K in Tier]?: T };

/** What an app spec function is given: the tier and the cluster it renders for. */
export interface RenderContext {
  readonly tier: Tier;
  readonly cluster: string;
  /** DNS suffix for ingress hosts in this cluster, e.g. `prod.iot.example.com`. */
  readonly domain: string;
}

/** Kubernetes quantity strings, checked by the spec validator (e.g. "500m", "2", "4Gi"). */
export type Quantity = string;

export interface ResourceAmounts {
  readonly cpu: Quantity;
  readonly memory: Quantity;
}

export interface ResourcesSpec {
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

export interface ImageSpec {
  /** @default "docker.io" */
  readonly registry?: string;
  /** Repository path, e.g. "library/redis" or "terragonlabs/iot-anomaly-detector". */
  readonly repository: string;
  /** A pinned version tag; never "latest". */
  readonly tag: string;
}

export interface PortSpec {
  /** IANA-style port name (<= 15 chars), unique within a component. */
  readonly name: string;
  readonly containerPort: number;
  /** Port on the Service. @default containerPort */
  readonly servicePort?: number;
  /** @default "TCP" */
  readonly protocol?: "TCP" | "UDP";
  /** Prometheus scrapes this port (ServiceMonitor + NetworkPolicy from monitoring). @default false */
  readonly metrics?: boolean;
  /** Path scraped when `metrics` is true. @default "/metrics" */
  readonly metricsPath?: string;
  /** Scrape interval when `metrics` is true. @default "30s" */
  readonly metricsInterval?: string;
}

export type ProbeAction =
  | { readonly httpGet: { readonly path: string; readonly port: string } }
  | { readonly tcpSocket: { readonly port: string } }
  | { readonly exec: { readonly command: readonly string[] } };

export type ProbeSpec = ProbeAction & {
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
};

export interface ProbesSpec {
  readonly liveness: ProbeSpec;
  readonly readiness: ProbeSpec;
  readonly startup?: ProbeSpec;
}

/** An environment variable value: literal, or a key of a ConfigMap / ExternalSecret-managed Secret. */
export type EnvValue =
  | string
  | { readonly secret: string; readonly key: string }
  | { readonly configMap: string; readonly key: string }
  | { readonly fieldPath: string }
  /** The container's own request or limit, e.g. to size a heap or cache to the memory limit after any cluster cap. */
  | { readonly resourceField: "limits.memory" | "limits.cpu" | "requests.memory" | "requests.cpu"; readonly divisor?: Quantity };

export type VolumeSource =
  /** A PVC declared in `AppSpec.claims`. */
  | { readonly claim: string }
  | { readonly configMap: string }
  | { readonly secret: string }
  /** Scratch space; needed for every writable path because the root filesystem is read-only. */
  | { readonly emptyDir: { readonly sizeLimit: Quantity; readonly medium?: "Memory" } };

export interface MountSpec {
  /** Name of a pod volume (`WorkloadSpec.volumes`) or a StatefulSet volumeClaimTemplate. */
  readonly volume: string;
  readonly mountPath: string;
  /** @default false, except for configMap and secret volumes, which are always read-only */
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/** Opt-outs from the secure defaults; each one the policy suite still judges. */
export interface ContainerSecurityOverrides {
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** UID the container runs as. @default the pod's runAsUser */
  readonly runAsUser?: number;
  /** Capabilities added after dropping ALL; "restricted" allows only NET_BIND_SERVICE. @default [] */
  readonly addCapabilities?: readonly "NET_BIND_SERVICE"[];
}

export interface ContainerSpec {
  /** DNS label, unique within the pod. */
  readonly name: string;
  readonly image: ImageSpec;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** @default [] */
  readonly ports?: readonly PortSpec[];
  readonly resources: ResourcesSpec;
  /** Required for containers of long-running workloads (Deployment, StatefulSet) unless `probesOptOut` says why not. */
  readonly probes?: ProbesSpec;
  /**
   * Why this long-running container has no probes. The reason is rendered as the pod
   * annotation `iot-fleet.io/no-probes.<container>` for reviewers and policies. @default none (probes required)
   */
  readonly probesOptOut?: string;
  /** @default {} */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** ConfigMaps (declared in `AppSpec.configMaps`) loaded whole as environment variables. @default [] */
  readonly envFromConfigMaps?: readonly string[];
  /** @default [] */
  readonly mounts?: readonly MountSpec[];
  /** @default {} (all secure defaults) */
  readonly security?: ContainerSecurityOverrides;
}

export interface AutoscalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average CPU utilisation in percent of requests. */
  readonly cpuUtilization?: number;
  /** Target average memory utilisation in percent of requests. */
  readonly memoryUtilization?: number;
  /** Custom per-pod metric served by the Prometheus adapter. */
  readonly podsMetric?: { readonly name: string; readonly averageValue: Quantity };
  /** Seconds the HPA waits before scaling down. @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
}

/** Vertical Pod Autoscaler. "Auto"/"Recreate" evict pods and fight an HPA that scales on CPU or memory. */
export interface VerticalScalingSpec {
  readonly updateMode: "Off" | "Initial" | "Recreate" | "Auto";
  readonly minAllowed?: ResourceAmounts;
  readonly maxAllowed?: ResourceAmounts;
}

export interface VolumeClaimTemplateSpec {
  readonly name: string;
  readonly size: Quantity;
  /** A storage class role the cluster profile maps to a StorageClass name. @default "standard" */
  readonly storageClass?: StorageClassRole;
  /** @default "ReadWriteOnce" */
  readonly accessMode?: "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany";
}

export type StorageClassRole = "standard" | "fast";

/** A flow this component starts: egress from it, ingress to the target. */
export type ConnectionSpec =
  /** To another component of the same app, on one of its named ports. */
  | { readonly component: string; readonly port: string }
  /** To a network outside the cluster named in the cluster profile's `externalNetworks`. */
  | { readonly external: string; readonly port: number; readonly protocol?: "TCP" | "UDP" };

export interface ServiceSpec {
  /** @default the component name */
  readonly name?: string;
  /** @default "ClusterIP" */
  readonly type?: "ClusterIP" | "LoadBalancer";
  /** Also render a headless Service `<name>-headless` (StatefulSets always get one as their governing service). @default false */
  readonly headless?: boolean;
  /**
   * Ports exposed on the Service, by name. Leave metrics ports off a LoadBalancer and set
   * `headless`: Prometheus then scrapes the headless Service. @default every port of the pod
   */
  readonly ports?: readonly string[];
  /** StatefulSet only: the client Service selects pod 0, the primary that takes writes. @default false */
  readonly primaryOnly?: boolean;
}

interface PodSpecCommon {
  /** The main container is named after the component. Sidecars follow in `sidecars`. */
  readonly sidecars?: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  /** Pod volumes by name. @default {} */
  readonly volumes?: Readonly<Record<string, VolumeSource>>;
  /** Node pool role from the cluster profile (e.g. "analytics"); falls back to the profile's default pool. */
  readonly nodePool?: string;
  /** @default the component name */
  readonly serviceAccountName?: string;
  /** UID/GID the pod runs as. @default 10001 */
  readonly runAsUser?: number;
  /** @default runAsUser */
  readonly runAsGroup?: number;
  /** @default runAsGroup */
  readonly fsGroup?: number;
  /**
   * Kubernetes API rules the component's ServiceAccount needs (rendered as a Role).
   * A component with rules gets its token mounted; one without never does.
   * @default []
   */
  readonly apiAccess?: readonly ApiRule[];
  /** @default [] */
  readonly connects?: readonly ConnectionSpec[];
}

export interface ApiRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly ("get" | "list" | "watch")[];
  /** Restrict to named objects. @default all of that resource in the namespace */
  readonly resourceNames?: readonly string[];
}

/** A long-running component: Deployment, or StatefulSet for data stores. */
export interface ServiceWorkloadSpec extends ContainerSpec, PodSpecCommon {
  readonly kind: "Deployment" | "StatefulSet";
  /** "datastore" components sync before the apps that use them. @default "app" */
  readonly role?: "app" | "datastore";
  readonly description: string;
  readonly replicas: number;
  readonly autoscaling?: AutoscalingSpec;
  readonly verticalScaling?: VerticalScalingSpec;
  /** Service in front of the pods; false for workers that only consume. @default { type: "ClusterIP" } when the pod has ports */
  readonly service?: ServiceSpec | false;
  /** StatefulSet only. @default [] */
  readonly volumeClaimTemplates?: readonly VolumeClaimTemplateSpec[];
  /** Deployment rolling update. @default { maxSurge: 1, maxUnavailable: 0 } (zero downtime: one extra pod, none taken away first) */
  readonly rollingUpdate?: { readonly maxSurge: number | string; readonly maxUnavailable: number | string };
  /** Seconds to drain on shutdown. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

/** A run-to-completion component: a one-off Job or a scheduled CronJob. */
export interface BatchWorkloadSpec extends ContainerSpec, PodSpecCommon {
  readonly kind: "Job" | "CronJob";
  readonly description: string;
  /** Cron schedule, CronJob only. */
  readonly schedule?: string;
  /** @default 3 */
  readonly backoffLimit?: number;
  /** @default 3600 */
  readonly activeDeadlineSeconds?: number;
}

export type WorkloadSpec = ServiceWorkloadSpec | BatchWorkloadSpec;

/** A standalone PersistentVolumeClaim shared by pods of the app. */
export interface ClaimSpec {
  readonly name: string;
  readonly size: Quantity;
  /** @default "standard" */
  readonly storageClass?: StorageClassRole;
  /** @default "ReadWriteOnce" */
  readonly accessMode?: "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany";
  readonly description: string;
}

export interface ConfigMapSpec {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** A Secret the guide creates by hand, rendered as an ExternalSecret: keys only, never values. */
export interface SecretSpec {
  readonly name: string;
  /** Secret keys and what each holds (the remote store key is derived from app, secret and key). */
  readonly keys: Readonly<Record<string, string>>;
}

export interface IngressSpec {
  readonly name: string;
  readonly host: string;
  readonly component: string;
  /** Named port of the component's Service. */
  readonly port: string;
  /** @default ["/"] */
  readonly paths?: readonly string[];
}

export type Severity = "critical" | "warning" | "info";

export interface AlertSpec {
  /** UpperCamelCase alert name. */
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration, e.g. "5m". */
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
}

/** Explicit namespace quota, when a guide gives one; otherwise it is computed from the worst case. */
export interface QuotaSpec {
  readonly requestsCpu: Quantity;
  readonly requestsMemory: Quantity;
  readonly limitsCpu: Quantity;
  readonly limitsMemory: Quantity;
  readonly pods: number;
  /** @default computed from claims and volumeClaimTemplates */
  readonly requestsStorage?: Quantity;
}

export interface AppSpec {
  /** App id: folder name under apps/ and clusters/<c>/apps/. */
  readonly name: string;
  readonly title: string;
  /** The seed guide this spec implements (file name under shared/seeds/). */
  readonly seed: string;
  readonly namespace: string;
  /** Extra namespace labels the guide asks for. @default {} */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly components: readonly WorkloadSpec[];
  /** @default [] */
  readonly claims?: readonly ClaimSpec[];
  /** @default [] */
  readonly configMaps?: readonly ConfigMapSpec[];
  /** @default [] */
  readonly secrets?: readonly SecretSpec[];
  /** @default [] */
  readonly ingresses?: readonly IngressSpec[];
  readonly alerts: readonly AlertSpec[];
  /** @default computed from the worst case of every workload */
  readonly quota?: QuotaSpec;
}

/** What an app folder exports: its id, the tiers it supports, and the spec per render context. */
export interface AppDefinition {
  readonly name: string;
  readonly spec: (ctx: RenderContext) => AppSpec;
}
