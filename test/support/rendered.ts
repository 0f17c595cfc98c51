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
  const pod = workload.kind === "CronJob" ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const all: any[] = [...(pod.initContainers ?? []), ...pod.containers];
  const found = all.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${workload.kind}/${workload.metadata.name}`);
  return found;
}
