import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected, loadFixture, withAdded } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { serviceMonitorTargets } from "./service-monitor-targets.js";

describeFixtures(serviceMonitorTargets, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a ServiceMonitor looks in every namespace", () => {
  it("should find the Service from a monitor in another namespace", async () => {
    const tree = loadFixture(fixture("bad-03.yaml"));
    const anywhere = tree.documents.map((d) =>
      d.object.metadata.name === "pynomaly-detection" && d.object.kind === "ServiceMonitor"
        ? { ...d, object: { ...d.object, metadata: { ...d.object.metadata, namespace: "monitoring" }, spec: { ...(d.object.spec as object), namespaceSelector: { any: true } } } as KubeObject }
        : d,
    );
    expect(await runPolicy(serviceMonitorTargets, tree)).toHaveLength(1);
    expect(await runPolicy(serviceMonitorTargets, { ...tree, documents: anywhere })).toEqual([]);
  });
});

describe("when a ServiceMonitor selects no Service", () => {
  it("should list the Services it could have selected, and not judge its endpoints", async () => {
    const found = await checkFixture(serviceMonitorTargets, fixture("bad-01.yaml"));
    expect(found.map((d) => d.path)).toEqual(["spec.selector"]);
    expect(found[0]?.problem).toContain("Service/pynomaly-detection-headless {app.kubernetes.io/name=pynomaly-detection");
  });
});

describe("when a ServiceMonitor looks where objects outside the tree are installed", () => {
  const argocdMonitor = (namespace: string): ReturnType<typeof withAdded> =>
    withAdded("prod", "platform/monitoring/servicemonitor-argocd-metrics.yaml", [
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "argocd-metrics", namespace: "monitoring", labels: { release: "kube-prometheus-stack" } },
        spec: { namespaceSelector: { matchNames: [namespace] }, selector: { matchLabels: { "app.kubernetes.io/name": "argocd-metrics" } }, endpoints: [{ port: "metrics" }] },
      } as KubeObject,
    ]);

  it("should not judge it in argocd, which the root Application fills from Argo CD's own manifests", async () => {
    expect(await runPolicy(serviceMonitorTargets, argocdMonitor("argocd"))).toEqual([]);
  });

  it("should judge the same monitor in an app namespace, which the tree alone fills", async () => {
    expect((await runPolicy(serviceMonitorTargets, argocdMonitor("kades"))).map((d) => d.path)).toEqual(["spec.selector"]);
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    const cluster = committedCluster(name);
    expect(cluster.documents.some((d) => d.object.kind === "ServiceMonitor")).toBe(true);
    expect(await runPolicy(serviceMonitorTargets, cluster)).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when prod's API monitor names a port its Service lacks", async () => {
    const tree = injected("prod", "/kades/servicemonitor-kades-api.yaml", (o) => {
      o.spec.endpoints[0].port = "metrics";
      return o as KubeObject;
    });
    const found = await runPolicy(serviceMonitorTargets, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/service-monitor-targets", "clusters/prod/apps/kades/servicemonitor-kades-api.yaml", "ServiceMonitor/kades-api", "spec.endpoints[0].port"],
    ]);
    expect(found[0]?.problem).toContain("Service/kades-api has no port of that name (http, websocket)");
    expect(found[0]?.fix).toContain("`metrics: true` ports of component kades-api in apps/kades");
  });
});
