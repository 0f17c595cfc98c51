import { describe, expect, it } from "vitest";
import type { RenderedDocument } from "../../lib/types.js";
import { describeFixtures, injected, runAll, withAdded } from "../../lib/testing.js";
import { isMetricsPortName, monitorSelects, selectorMatches, serviceMonitorCoverage } from "./service-monitor-coverage.js";

describeFixtures(serviceMonitorCoverage, import.meta.dirname);

describe("when telling metrics ports by name", () => {
  it.each([["metrics"], ["http-metrics"], ["admin-metrics"]])("should take %s for one", (name) => expect(isMetricsPortName(name)).toBe(true));
  it.each([["http"], ["metricsx"], ["metrics-http"], [undefined]])("should not take %s for one", (name) => expect(isMetricsPortName(name)).toBe(false));
});

describe("when matching a label selector", () => {
  const labels = { app: "kades-api", tier: "api" };

  it("should select everything with an empty selector", () => expect(selectorMatches({}, labels)).toBe(true));
  it("should need every matchLabels pair", () => {
    expect(selectorMatches({ matchLabels: { app: "kades-api" } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: "kades-api", release: "x" } }, labels)).toBe(false);
  });
  it.each([
    ["In", ["api", "web"], true],
    ["In", ["web"], false],
    ["NotIn", ["web"], true],
    ["NotIn", ["api"], false],
    ["Exists", undefined, true],
    ["DoesNotExist", undefined, false],
  ] as const)("should evaluate tier %s %j as %s", (operator, values, expected) => {
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator, ...(values ? { values } : {}) }] }, labels)).toBe(expected);
  });
  it("should refuse an operator it does not know", () => {
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "Gt", values: ["1"] }] }, labels)).toBe(false);
  });
});

describe("when a ServiceMonitor looks for Services", () => {
  const doc = (object: Record<string, unknown>): RenderedDocument => ({ file: "x.yaml", index: 0, object: object as never });
  const service = doc({ apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "kades", labels: { app: "api" } } });
  const monitor = (namespace: string, namespaceSelector?: Record<string, unknown>): RenderedDocument =>
    doc({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "api", namespace }, spec: { selector: { matchLabels: { app: "api" } }, ...(namespaceSelector ? { namespaceSelector } : {}) } });

  it("should look in its own namespace by default", () => {
    expect(monitorSelects(monitor("kades"), service)).toBe(true);
    expect(monitorSelects(monitor("monitoring"), service)).toBe(false);
  });
  it("should look in the namespaces it names, or in all", () => {
    expect(monitorSelects(monitor("monitoring", { matchNames: ["kades"] }), service)).toBe(true);
    expect(monitorSelects(monitor("monitoring", { matchNames: ["iot"] }), service)).toBe(false);
    expect(monitorSelects(monitor("monitoring", { any: true }), service)).toBe(true);
  });
});

describe("when platform ServiceMonitors are added outside apps/", () => {
  const platformMonitor = (labels: Record<string, string>): ReturnType<typeof withAdded> =>
    withAdded("prod", "platform/monitoring/servicemonitor-argocd-metrics.yaml", [
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "argocd-metrics", namespace: "monitoring", labels },
        spec: { namespaceSelector: { matchNames: ["argocd"] }, selector: { matchLabels: { "app.kubernetes.io/name": "argocd-metrics" } }, endpoints: [{ port: "metrics" }] },
      },
    ]);

  it("should not ask for the Services their charts create", async () => {
    expect(await serviceMonitorCoverage.check(platformMonitor({ release: "kube-prometheus-stack" }))).toEqual([]);
  });

  it("should still need Prometheus to select them", async () => {
    const findings = await serviceMonitorCoverage.check(platformMonitor({}));
    expect(findings.map((f) => [f.document?.object.metadata.name, f.path])).toEqual([["argocd-metrics", "metadata.labels.release"]]);
  });
});

describe("when the KADES API's ServiceMonitor is deleted from the committed prod tree", () => {
  it("should report the unscraped Service", async () => {
    const tree = injected("prod", "/kades/servicemonitor-kades-api.yaml", () => []);
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "alerts/service-monitor-coverage");
    expect(diagnostics.map((d) => [d.resource, d.path, d.summary])).toEqual([
      ["Service/kades-api", "metadata.labels.iot-fleet.io/scrape", "Service labelled for scraping is not scraped"],
      ["Service/kades-api", "spec.ports[0]", "metrics port is not scraped"],
    ]);
  });
});
