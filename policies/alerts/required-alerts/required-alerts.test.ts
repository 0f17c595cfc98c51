import { describe, expect, it } from "vitest";
import { describeFixtures, injected, runAll, withAdded } from "../../lib/testing.js";
import { GUIDE_ALERTS, readsUp, requiredAlerts } from "./required-alerts.js";

describeFixtures(requiredAlerts, import.meta.dirname);

describe("when looking for an alert on up", () => {
  it.each([
    ['up{namespace="kades", job="kades-api"} == 0'],
    ['sum(up{namespace="iot"}) == 0'],
    ['absent(up{namespace="iot", service="alerts-worker"} == 1)'],
    ["up == 0"],
  ])("should find it in %s", (expr) => expect(readsUp(expr)).toBe(true));

  it.each([
    ['kube_pod_status_ready{namespace="kades", condition="true"} == 0'],
    ['rate(http_requests_total{status="up"}[5m]) > 0'],
    ["scrape_up_total > 0"],
    ['sum_over_time(backup_up_seconds[5m]) > 0'],
  ])("should not find it in %s", (expr) => expect(readsUp(expr)).toBe(false));
});

describe("when reading the table of guide alerts", () => {
  it("should list every app of the fleet", async () => {
    const { APPS } = await import("../../../apps/index.js");
    expect(Object.keys(GUIDE_ALERTS).sort()).toEqual(APPS.map((a) => a.name).sort());
  });
});

describe("when an alert the guide names is removed from the committed prod tree", () => {
  it("should name the rule and the missing alert", async () => {
    const tree = injected("prod", "/iot-edge-anomaly/prometheusrule-iot-edge-anomaly-alerts.yaml", (rule) => {
      const rules = rule["spec"].groups[0].rules as { alert: string }[];
      rule["spec"].groups[0].rules = rules.filter((r) => r.alert !== "PodCrashLooping");
      return rule as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "alerts/required-alerts");
    expect(diagnostics.map((d) => [d.resource, d.problem])).toEqual([
      ["PrometheusRule/iot-edge-anomaly-alerts", 'has no alert PodCrashLooping, which the guide 000_306f82a402d6516b.txt asks for ("Pod Crash Looping: Restarts detected")'],
    ]);
  });
});

describe("when platform objects outside apps/ are added to the committed prod tree", () => {
  it("should not take them for an app", async () => {
    const tree = withAdded("prod", "argocd/application-kades.yaml", [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "kades", namespace: "argocd", labels: { "app.kubernetes.io/part-of": "argocd" } },
        spec: { project: "default", source: { path: "clusters/prod/apps/kades" } },
      },
    ]);
    expect(await requiredAlerts.check(tree)).toEqual([]);
  });
});

describe("when an app folder the table does not know appears in the committed prod tree", () => {
  it("should ask for its guide's alerts", async () => {
    const tree = withAdded("prod", "apps/billing/namespace-billing.yaml", [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "billing", labels: { "app.kubernetes.io/part-of": "billing" } } },
    ]);
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "alerts/required-alerts");
    expect(diagnostics.map((d) => [d.file, d.summary])).toEqual([["clusters/prod/apps/billing/namespace-billing.yaml", "app has no entry in the required-alerts table"]]);
  });
});
