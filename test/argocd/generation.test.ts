// The Argo CD wiring and platform add-ons rendered for small fixture fleets:
// a cluster gets only the add-ons its apps use, and bad input stops generation
// with the app, the field and the fix.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderFleet } from "../../generators/render/fleet.js";
import { SpecError } from "../../generators/spec/validate.js";
import type { AppSpec, ServiceWorkloadSpec } from "../../generators/spec/types.js";
import { clusterRunning, defineApp, sampleSpec } from "../support/fixtures.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function render(spec: AppSpec): Map<string, Json> {
  const tree = renderFleet([clusterRunning(spec.name)], [defineApp(spec)]);
  return new Map([...tree].map(([path, text]) => [path, parse(text)]));
}

function addons(tree: Map<string, Json>): string[] {
  return [...tree]
    .filter(([path, o]) => path.startsWith("test/argocd/") && o.kind === "Application" && o.spec.project === "platform")
    .map(([, o]) => o.metadata.name as string)
    .sort();
}

function specError(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error("no SpecError");
}

describe("when an app needs a database, an ingress, metrics and an HPA on CPU", () => {
  it("should give the cluster the add-ons for exactly those", () => {
    expect(addons(render(sampleSpec()))).toEqual([
      "cert-manager",
      "cluster-issuer",
      "grafana-config",
      "ingress-nginx",
      "kube-prometheus-stack",
      "metrics-server",
      "platform-namespaces",
      // Grafana's admin credentials come from the store, even though the app has no secret.
      "cluster-secret-store",
      "external-secrets",
    ].sort());
  });
});

describe("when an app has no ingress, no alerts, no metrics and no autoscaling", () => {
  it("should give the cluster no platform add-on and no platform project", () => {
    const spec = sampleSpec();
    const [api, cache] = spec.components as [ServiceWorkloadSpec, ServiceWorkloadSpec];
    const plainApi: ServiceWorkloadSpec = { ...api, ports: [{ name: "http", containerPort: 8080 }], autoscaling: undefined };
    const tree = render({ ...spec, components: [plainApi, cache], ingresses: [], alerts: [] });
    expect(addons(tree)).toEqual([]);
    expect([...tree.keys()].filter((p) => !p.includes("/apps/")).sort()).toEqual([
      "test/argocd/application-sample.yaml",
      "test/argocd/appproject-default.yaml",
      "test/argocd/appproject-sample.yaml",
      "test/bootstrap/application-root.yaml",
    ]);
  });
});

describe("when a VPA acts on its recommendations", () => {
  it("should run the VPA updater and admission controller too", () => {
    const spec = sampleSpec();
    const [api, cache] = spec.components as [ServiceWorkloadSpec, ServiceWorkloadSpec];
    const tree = render({ ...spec, components: [{ ...api, autoscaling: undefined, verticalScaling: { updateMode: "Initial" } }, cache] });
    const vpa = tree.get("test/argocd/application-vertical-pod-autoscaler.yaml").spec.source.helm.valuesObject;
    expect([vpa.recommender.enabled, vpa.updater.enabled, vpa.admissionController.enabled]).toEqual([true, true, true]);
  });
});

describe("when an HPA scales on a per-pod metric prometheus-adapter cannot serve", () => {
  it("should stop with the app, the HPA, the metric and the fix", () => {
    const spec = sampleSpec();
    const [api, cache] = spec.components as [ServiceWorkloadSpec, ServiceWorkloadSpec];
    const odd: ServiceWorkloadSpec = { ...api, autoscaling: { minReplicas: 2, maxReplicas: 4, podsMetric: { name: "queue_depth", averageValue: "10" } } };
    const error = specError(() => render({ ...spec, components: [odd, cache] }));
    expect(error.issues).toEqual([
      expect.objectContaining({ app: "sample", field: "HorizontalPodAutoscaler/api-hpa podsMetric.name", value: "queue_depth" }),
    ]);
    expect(error.issues[0]?.fix).toContain("`<counter>_per_second`");
  });

  it("should serve a `<counter>_per_second` metric from the pods' counter", () => {
    const spec = sampleSpec();
    const [api, cache] = spec.components as [ServiceWorkloadSpec, ServiceWorkloadSpec];
    const rps: ServiceWorkloadSpec = { ...api, autoscaling: { minReplicas: 2, maxReplicas: 4, podsMetric: { name: "jobs_per_second", averageValue: "5" } } };
    const adapter = render({ ...spec, components: [rps, cache] }).get("test/argocd/application-prometheus-adapter.yaml");
    expect(adapter.spec.source.helm.valuesObject.rules.custom.map((r: Json) => [r.name.as, r.seriesQuery])).toEqual([
      ["jobs_per_second", 'jobs_total{namespace!="",pod!=""}'],
    ]);
  });
});

describe("when an app takes a name Argo CD's wiring already uses", () => {
  it.each(["platform", "default", "root", "cert-manager"])("should refuse an app named %s", (name) => {
    const spec = { ...sampleSpec(), name, namespace: "sample" };
    const error = specError(() => render(spec));
    expect(error.issues).toEqual([expect.objectContaining({ app: name, field: "name", value: name })]);
    expect(error.issues[0]?.fix).toMatch(/^rename the app; these names are taken: /);
  });
});

describe("when rendering the same fleet twice", () => {
  it("should produce the same bytes", () => {
    const once = renderFleet([clusterRunning("sample")], [defineApp(sampleSpec())]);
    const twice = renderFleet([clusterRunning("sample")], [defineApp(sampleSpec())]);
    expect([...twice]).toEqual([...once]);
  });
});
