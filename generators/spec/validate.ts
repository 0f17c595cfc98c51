import type { ClusterProfile } from "../fleet/types.js";
import { bytes, cpuMillis, isQuantity } from "../quantity.js";
import { allPorts, scrapedService, servicePorts } from "../render/networking.js";
import type {
  AppSpec,
  ContainerSpec,
  ProbeSpec,
  ResourcesSpec,
  ServiceWorkloadSpec,
  StorageClassRole,
} from "./types.js";

/** One thing wrong with a spec: where, what value, why, and how to fix it. */
export interface SpecIssue {
  /** The app at fault, or "*" for a problem of the cluster profile itself. */
  readonly app: string;
  readonly cluster: string;
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export function formatIssue(issue: SpecIssue): string {
  const where = issue.app === "*" ? `generators/fleet/clusters.ts (cluster ${issue.cluster})` : `apps/${issue.app} (cluster ${issue.cluster})`;
  return (
    `${where}: ${issue.field} = ${JSON.stringify(issue.value)}: ` +
    `${issue.problem}; ${issue.fix}`
  );
}

/** Every problem found in a spec, thrown before anything is rendered or written. */
export class SpecError extends Error {
  constructor(readonly issues: readonly SpecIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "SpecError";
  }
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const CRON = /^(\S+\s+){4}\S+$/;

type Report = (field: string, value: unknown, problem: string, fix: string) => void;

export function validateApp(spec: AppSpec, cluster: ClusterProfile, expectedName: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const report: Report = (field, value, problem, fix) =>
    issues.push({ app: expectedName, cluster: cluster.name, field, value, problem, fix });

  if (spec.name !== expectedName) {
    report("name", spec.name, `does not match the app id "${expectedName}"`, `set name to "${expectedName}"`);
  }
  if (!DNS_LABEL.test(spec.namespace)) {
    report("namespace", spec.namespace, "is not a DNS label", "use lowercase letters, digits and '-', starting with a letter");
  }
  if (spec.components.length === 0) {
    report("components", [], "an app needs at least one component", "declare its workloads in components");
  }

  const names = new Map<string, number>();
  for (const w of spec.components) names.set(w.name, (names.get(w.name) ?? 0) + 1);
  for (const [name, count] of names) {
    if (count > 1) report(`components[${name}]`, name, `is declared ${count} times`, "give every component a unique name");
  }

  const configMaps = new Map((spec.configMaps ?? []).map((c) => [c.name, c]));
  const secrets = new Map((spec.secrets ?? []).map((s) => [s.name, s]));
  const claims = new Set((spec.claims ?? []).map((c) => c.name));

  for (const claim of spec.claims ?? []) {
    checkQuantity(report, `claims[${claim.name}].size`, claim.size, "storage");
    checkAccessMode(report, `claims[${claim.name}].accessMode`, claim, cluster);
  }

  for (const w of spec.components) {
    const at = `components[${w.name}]`;
    if (!DNS_LABEL.test(w.name)) {
      report(`${at}.name`, w.name, "is not a DNS label", "use lowercase letters, digits and '-', starting with a letter");
    }
    const containers: ContainerSpec[] = [w, ...(w.sidecars ?? []), ...(w.initContainers ?? [])];
    const containerNames = new Set<string>();
    for (const c of containers) {
      if (containerNames.has(c.name)) {
        report(`${at}.containers[${c.name}]`, c.name, "container name is used twice in the pod", "rename one container");
      }
      containerNames.add(c.name);
    }
    checkPorts(report, at, [w, ...(w.sidecars ?? [])]);
    const volumeNames = new Set([
      ...Object.keys(w.volumes ?? {}),
      ...(w.kind === "StatefulSet" ? (w.volumeClaimTemplates ?? []).map((t) => t.name) : []),
    ]);
    const longRunning = w.kind === "Deployment" || w.kind === "StatefulSet";
    for (const c of containers) {
      const cat = c === w ? at : `${at}.containers[${c.name}]`;
      checkContainer(report, cat, c, { configMaps, secrets, volumeNames });
      const isInit = (w.initContainers ?? []).includes(c);
      if (c.probesOptOut !== undefined && c.probesOptOut.trim().length < 10) {
        report(`${cat}.probesOptOut`, c.probesOptOut, "an opt-out needs a reason a reviewer can judge", "say why this container cannot be probed");
      }
      if (longRunning && !isInit && !c.probes && c.probesOptOut === undefined) {
        report(
          `${cat}.probes`,
          undefined,
          "a long-running container needs liveness and readiness probes",
          "add probes: { liveness, readiness } (httpGet, tcpSocket or exec), or say why not in probesOptOut",
        );
      }
    }
    for (const [name, source] of Object.entries(w.volumes ?? {})) {
      if ("claim" in source && !claims.has(source.claim)) {
        report(`${at}.volumes.${name}.claim`, source.claim, "names no claim of this app", `declare it in claims (have: ${list(claims)})`);
      }
      if ("configMap" in source && !configMaps.has(source.configMap)) {
        report(`${at}.volumes.${name}.configMap`, source.configMap, "names no ConfigMap of this app", `declare it in configMaps (have: ${list(configMaps.keys())})`);
      }
      if ("secret" in source && !secrets.has(source.secret)) {
        report(`${at}.volumes.${name}.secret`, source.secret, "names no secret of this app", `declare it in secrets (have: ${list(secrets.keys())})`);
      }
      if ("emptyDir" in source) checkQuantity(report, `${at}.volumes.${name}.emptyDir.sizeLimit`, source.emptyDir.sizeLimit, "storage");
    }
    for (const [i, k] of (w.connects ?? []).entries()) {
      const field = `${at}.connects[${i}]`;
      if ("component" in k) {
        const target = spec.components.find((c) => c.name === k.component);
        if (!target) {
          report(`${field}.component`, k.component, "is not a component of this app", `use one of: ${list(spec.components.map((c) => c.name))}`);
        } else if (!allPorts(target).some((p) => p.name === k.port)) {
          report(`${field}.port`, k.port, `is not a port of component ${k.component}`, `use one of: ${list(allPorts(target).map((p) => p.name))}`);
        }
      } else {
        if (!cluster.externalNetworks[k.external]) {
          report(`${field}.external`, k.external, `is not an external network of cluster ${cluster.name}`, `use one of: ${list(Object.keys(cluster.externalNetworks))} or add it to the profile`);
        }
        if (!validPort(k.port)) report(`${field}.port`, k.port, "is not a port number", "use 1-65535");
      }
    }
    if ((w.apiAccess ?? []).length > 0 && !cluster.externalNetworks["kubernetes-api"]) {
      report(`${at}.apiAccess`, "kubernetes-api", `cluster ${cluster.name} declares no kubernetes-api network for API clients`, "add externalNetworks['kubernetes-api'] to the cluster profile");
    }
    if (w.kind === "Deployment" || w.kind === "StatefulSet") checkServiceWorkload(report, at, w);
    else {
      if (w.kind === "CronJob" && !(w.schedule && CRON.test(w.schedule))) {
        report(`${at}.schedule`, w.schedule, "a CronJob needs a five-field cron schedule", 'e.g. "0 2 * * *" for 02:00 daily');
      }
      if (w.kind === "Job" && w.schedule !== undefined) {
        report(`${at}.schedule`, w.schedule, "a Job runs once and takes no schedule", 'use kind "CronJob" or drop the schedule');
      }
    }
  }

  for (const ing of spec.ingresses ?? []) {
    const at = `ingresses[${ing.name}]`;
    const target = spec.components.find((c) => c.name === ing.component);
    if (!target || (target.kind !== "Deployment" && target.kind !== "StatefulSet") || target.service === false) {
      report(`${at}.component`, ing.component, "is not a component with a Service", `use one of: ${list(spec.components.filter((c) => (c.kind === "Deployment" || c.kind === "StatefulSet") && c.service !== false).map((c) => c.name))}`);
    } else if (!servicePortNames(target).includes(ing.port)) {
      report(`${at}.port`, ing.port, `is not a Service port of ${ing.component}`, `use one of: ${list(servicePortNames(target))}`);
    }
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ing.host)) {
      report(`${at}.host`, ing.host, "is not a DNS host name", "use a lowercase host such as api.example.com");
    }
  }

  const alerts = new Set<string>();
  for (const a of spec.alerts) {
    const at = `alerts[${a.alert}]`;
    if (!ALERT_NAME.test(a.alert)) report(`${at}.alert`, a.alert, "is not an UpperCamelCase alert name", "e.g. HighErrorRate");
    if (alerts.has(a.alert)) report(`${at}.alert`, a.alert, "is declared twice", "give every alert a unique name");
    alerts.add(a.alert);
    if (!DURATION.test(a.for)) report(`${at}.for`, a.for, "is not a Prometheus duration", 'e.g. "5m" or "1h30m"');
    if (!["critical", "warning", "info"].includes(a.severity)) {
      report(`${at}.severity`, a.severity, "is not a known severity", "use critical, warning or info");
    }
    if (a.summary.trim() === "" || a.description.trim() === "") {
      report(`${at}.summary`, a.summary, "alerts need a summary and a description", "say what fired and what it means");
    }
    if (a.expr.trim() === "") report(`${at}.expr`, a.expr, "is empty", "write the PromQL condition");
  }

  if (spec.quota) {
    const q = spec.quota;
    checkQuantity(report, "quota.requestsCpu", q.requestsCpu, "cpu");
    checkQuantity(report, "quota.limitsCpu", q.limitsCpu, "cpu");
    checkQuantity(report, "quota.requestsMemory", q.requestsMemory, "memory");
    checkQuantity(report, "quota.limitsMemory", q.limitsMemory, "memory");
    if (q.requestsStorage !== undefined) checkQuantity(report, "quota.requestsStorage", q.requestsStorage, "storage");
    if (!Number.isInteger(q.pods) || q.pods < 1) report("quota.pods", q.pods, "must be a whole number of at least 1", "set the most pods the namespace may run");
  }
  return issues;
}

export function assertValidApp(spec: AppSpec, cluster: ClusterProfile, expectedName: string): void {
  const issues = validateApp(spec, cluster, expectedName);
  if (issues.length > 0) throw new SpecError(issues);
}

function checkServiceWorkload(report: Report, at: string, w: ServiceWorkloadSpec): void {
  if (!Number.isInteger(w.replicas) || w.replicas < 1) {
    report(`${at}.replicas`, w.replicas, "must be a whole number of at least 1", "set replicas to 1 or more (scale to zero by removing the app from the cluster profile)");
  }
  const hpa = w.autoscaling;
  if (hpa) {
    if (!Number.isInteger(hpa.minReplicas) || hpa.minReplicas < 1) {
      report(`${at}.autoscaling.minReplicas`, hpa.minReplicas, "must be a whole number of at least 1", "set minReplicas to 1 or more");
    }
    if (hpa.maxReplicas < hpa.minReplicas) {
      report(`${at}.autoscaling.maxReplicas`, hpa.maxReplicas, `is below minReplicas ${hpa.minReplicas}`, "raise maxReplicas or lower minReplicas");
    }
    if (w.replicas < hpa.minReplicas || w.replicas > hpa.maxReplicas) {
      report(`${at}.replicas`, w.replicas, `is outside the autoscaling bounds ${hpa.minReplicas}-${hpa.maxReplicas}`, "set replicas within the HPA bounds");
    }
    for (const key of ["cpuUtilization", "memoryUtilization"] as const) {
      const v = hpa[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 100)) {
        report(`${at}.autoscaling.${key}`, v, "is not a percentage of requests", "use a whole number from 1 to 100");
      }
    }
    if (hpa.podsMetric) checkQuantity(report, `${at}.autoscaling.podsMetric.averageValue`, hpa.podsMetric.averageValue, "value");
    if (hpa.cpuUtilization === undefined && hpa.memoryUtilization === undefined && !hpa.podsMetric) {
      report(`${at}.autoscaling`, hpa, "has no metric to scale on", "set cpuUtilization, memoryUtilization or podsMetric");
    }
  }
  if (w.kind === "Deployment") {
    if ((w.volumeClaimTemplates ?? []).length > 0) {
      report(`${at}.volumeClaimTemplates`, w.volumeClaimTemplates?.map((t) => t.name), "only a StatefulSet has volume claim templates", 'use kind "StatefulSet" or a shared claim');
    }
    if (w.service && w.service.primaryOnly) {
      report(`${at}.service.primaryOnly`, true, "only a StatefulSet has a primary pod", "drop primaryOnly");
    }
  }
  for (const t of w.volumeClaimTemplates ?? []) checkQuantity(report, `${at}.volumeClaimTemplates[${t.name}].size`, t.size, "storage");
  if (w.service) {
    const names = allPorts(w).map((p) => p.name);
    for (const p of w.service.ports ?? []) {
      if (!names.includes(p)) report(`${at}.service.ports`, p, "is not a port of this component", `use one of: ${list(names)}`);
    }
  }
  const metrics = allPorts(w).filter((p) => p.metrics);
  if (metrics.length > 0 && !scrapedService(w)) {
    report(`${at}.ports[${metrics[0]?.name}].metrics`, true, "a metrics port must be on a Service of the component for Prometheus to scrape it", "add the port to service.ports, or set service.headless to scrape the headless Service");
  }
}

function checkAccessMode(
  report: Report,
  field: string,
  claim: { readonly accessMode?: string; readonly storageClass?: StorageClassRole },
  cluster: ClusterProfile,
): void {
  const role = claim.storageClass ?? "standard";
  if (claim.accessMode === "ReadWriteMany" && !cluster.readWriteMany.includes(role)) {
    report(
      field,
      claim.accessMode,
      `storage class "${cluster.storageClasses[role]}" (role ${role}) of cluster ${cluster.name} cannot mount a volume read-write on several nodes, so the claim would stay Pending`,
      'use byTier to choose "ReadWriteOnce" on this tier, or a storage class role the profile lists in readWriteMany',
    );
  }
}

function checkContainer(
  report: Report,
  at: string,
  c: ContainerSpec,
  known: { configMaps: ReadonlyMap<string, { data: Readonly<Record<string, string>> }>; secrets: ReadonlyMap<string, { keys: Readonly<Record<string, string>> }>; volumeNames: ReadonlySet<string> },
): void {
  const img = c.image;
  if (!img.tag) {
    report(`${at}.image.tag`, img.tag, "an image needs a pinned version tag", `set image.tag, e.g. "1.2.3" for ${img.repository}`);
  } else if (img.tag === "latest") {
    report(`${at}.image.tag`, img.tag, '"latest" moves under you and cannot be rolled back', "pin a released version tag");
  } else if (!TAG.test(img.tag)) {
    report(`${at}.image.tag`, img.tag, "is not a valid image tag", "use letters, digits, '.', '_' and '-' (max 128)");
  }
  if (img.repository.includes(":") || img.repository.includes("@")) {
    report(`${at}.image.repository`, img.repository, "carries a tag or digest", "put the version in image.tag");
  }
  checkResources(report, `${at}.resources`, c.resources);
  const ports = new Set((c.ports ?? []).map((p) => p.name));
  if (c.probes) {
    for (const kind of ["liveness", "readiness", "startup"] as const) {
      const probe = c.probes[kind];
      if (probe) checkProbe(report, `${at}.probes.${kind}`, probe, ports);
    }
  }
  for (const [name, value] of Object.entries(c.env ?? {})) {
    const field = `${at}.env.${name}`;
    if (!ENV_NAME.test(name)) report(field, name, "is not a valid environment variable name", "use letters, digits and '_', not starting with a digit");
    if (typeof value === "string") continue;
    if ("secret" in value) {
      const secret = known.secrets.get(value.secret);
      if (!secret) report(`${field}.secret`, value.secret, "names no secret of this app", `declare it in secrets (have: ${list(known.secrets.keys())})`);
      else if (!(value.key in secret.keys)) report(`${field}.key`, value.key, `is not a key of secret ${value.secret}`, `use one of: ${list(Object.keys(secret.keys))}`);
    } else if ("configMap" in value) {
      const cm = known.configMaps.get(value.configMap);
      if (!cm) report(`${field}.configMap`, value.configMap, "names no ConfigMap of this app", `declare it in configMaps (have: ${list(known.configMaps.keys())})`);
      else if (!(value.key in cm.data)) report(`${field}.key`, value.key, `is not a key of ConfigMap ${value.configMap}`, `use one of: ${list(Object.keys(cm.data))}`);
    }
  }
  for (const name of c.envFromConfigMaps ?? []) {
    if (!known.configMaps.has(name)) report(`${at}.envFromConfigMaps`, name, "names no ConfigMap of this app", `declare it in configMaps (have: ${list(known.configMaps.keys())})`);
  }
  const paths = new Set<string>();
  for (const m of c.mounts ?? []) {
    if (!known.volumeNames.has(m.volume)) {
      report(`${at}.mounts[${m.mountPath}].volume`, m.volume, "names no volume of this pod", `declare it in volumes (have: ${list(known.volumeNames)})`);
    }
    if (paths.has(m.mountPath)) report(`${at}.mounts`, m.mountPath, "is mounted twice", "mount each path once");
    paths.add(m.mountPath);
  }
}

function checkPorts(report: Report, at: string, containers: readonly ContainerSpec[]): void {
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      const field = `${at}.ports[${p.name}]`;
      if (names.has(p.name)) report(`${field}.name`, p.name, "port name is used twice in the pod", "give every port a unique name");
      if (!PORT_NAME.test(p.name)) report(`${field}.name`, p.name, "is not a valid port name", "use at most 15 lowercase letters, digits and '-', with at least one letter");
      if (!validPort(p.containerPort)) report(`${field}.containerPort`, p.containerPort, "is not a port number", "use 1-65535");
      else if (numbers.has(p.containerPort)) report(`${field}.containerPort`, p.containerPort, "port number is used twice in the pod", "give every port a unique number");
      if (p.servicePort !== undefined && !validPort(p.servicePort)) report(`${field}.servicePort`, p.servicePort, "is not a port number", "use 1-65535");
      names.add(p.name);
      numbers.add(p.containerPort);
    }
  }
}

function checkProbe(report: Report, at: string, probe: ProbeSpec, ports: ReadonlySet<string>): void {
  const port = "httpGet" in probe ? probe.httpGet.port : "tcpSocket" in probe ? probe.tcpSocket.port : undefined;
  if (port !== undefined && !ports.has(port)) {
    report(`${at}.port`, port, "is not a port of this container", `use one of: ${list(ports)}`);
  }
  if ("httpGet" in probe && !probe.httpGet.path.startsWith("/")) {
    report(`${at}.httpGet.path`, probe.httpGet.path, "is not an absolute path", 'start it with "/", e.g. "/health"');
  }
}

function checkResources(report: Report, at: string, r: ResourcesSpec): void {
  const ok = {
    requestsCpu: checkQuantity(report, `${at}.requests.cpu`, r.requests.cpu, "cpu"),
    limitsCpu: checkQuantity(report, `${at}.limits.cpu`, r.limits.cpu, "cpu"),
    requestsMemory: checkQuantity(report, `${at}.requests.memory`, r.requests.memory, "memory"),
    limitsMemory: checkQuantity(report, `${at}.limits.memory`, r.limits.memory, "memory"),
  };
  if (ok.requestsCpu && ok.limitsCpu && cpuMillis(r.requests.cpu) > cpuMillis(r.limits.cpu)) {
    report(`${at}.requests.cpu`, r.requests.cpu, `exceeds the CPU limit ${r.limits.cpu}`, "lower the request or raise the limit");
  }
  if (ok.requestsMemory && ok.limitsMemory && bytes(r.requests.memory) > bytes(r.limits.memory)) {
    report(`${at}.requests.memory`, r.requests.memory, `exceeds the memory limit ${r.limits.memory}`, "lower the request or raise the limit");
  }
}

const EXAMPLES = { cpu: '"500m" or "2"', memory: '"512Mi" or "4Gi"', storage: '"10Gi"', value: '"100" or "500m"' } as const;

function checkQuantity(report: Report, field: string, value: string, kind: keyof typeof EXAMPLES): boolean {
  if (typeof value === "string" && isQuantity(value) && (kind === "value" || toNumber(kind, value) > 0)) return true;
  report(field, value, "is not a positive Kubernetes quantity", `use e.g. ${EXAMPLES[kind]}`);
  return false;
}

function toNumber(kind: "cpu" | "memory" | "storage", value: string): number {
  return kind === "cpu" ? cpuMillis(value) : bytes(value);
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** Ports clients can reach through the component's Service; none when it has no Service. */
function servicePortNames(w: ServiceWorkloadSpec): string[] {
  return w.service === false ? [] : servicePorts(w).map((p) => p.name);
}

function list(values: Iterable<string>): string {
  const all = [...values];
  return all.length > 0 ? all.join(", ") : "none";
}
