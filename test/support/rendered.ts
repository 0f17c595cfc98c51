import { APPS } from "../../apps/index.js";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import { renderApp, type KubeObject } from "../../generators/render/app.js";

/** Renders one app for one cluster of the fleet (throws when the cluster does not run it). */
export function renderedApp(appName: string, clusterName: string): KubeObject[] {
  const cluster = CLUSTERS.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`no cluster ${clusterName}`);
  if (!cluster.apps.includes(appName)) throw new Error(`cluster ${clusterName} does not run ${appName}`);
  const app = APPS.find((a) => a.name === appName);
  if (!app) throw new Error(`no app ${appName}`);
  return renderApp(app, cluster);
}

/** The object of that kind and name; fails the test with the names present when it is missing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function findObject(objects: readonly KubeObject[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    throw new Error(`no ${kind}/${name}; rendered ${kind}s: ${have.join(", ") || "none"}`);
  }
  return found;
}

/** The container of that name in a workload's pod template (Deployment, StatefulSet, Job or CronJob). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function findContainer(workload: any, name: string): any {
  const pod = podSpec(workload);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const all: any[] = [...(pod.initContainers ?? []), ...pod.containers];
  const found = all.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${workload.kind}/${workload.metadata.name}`);
  return found;
}

/** The pod spec of any workload kind. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podSpec(workload: any): any {
  return workload.kind === "CronJob" ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
}

/** A container's env entry by name, or undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function envVar(container: any, name: string): any {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (container.env ?? []).find((e: any) => e.name === name);
}

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/**
 * A Kubernetes quantity as a plain number ("500m" -> 0.5, "2Gi" -> 2147483648), so
 * figures written differently ("1000m", "1") compare equal. Kept apart from the
 * generators' own parser so tests do not check the code with itself.
 */
export function quantity(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(value);
  const unit = match ? UNITS[match[2] ?? ""] : undefined;
  if (!match || unit === undefined) throw new Error(`not a quantity: ${value}`);
  return Number(match[1]) * unit;
}
