import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTERS, dev, edge, prod } from "../../generators/fleet/clusters.js";
import { PLATFORM } from "../../generators/fleet/platform.js";
import type { ClusterProfile } from "../../generators/fleet/types.js";
import { CRD_MODULES, HELM_CHARTS } from "../../generators/fleet/versions.js";
import { applications, copy, type Doc, type Json, ofCluster, sourcesOf } from "./checks.js";
import { committedTree, docAt } from "./tree.js";

let docs: Doc[] = [];
beforeAll(async () => {
  docs = await committedTree();
});

function objects(tree: readonly Doc[], cluster: string, kind: string): Json[] {
  return ofCluster(tree, cluster).filter((d) => d.object.kind === kind).map((d) => d.object);
}

function chartApp(tree: readonly Doc[], cluster: string, chart: string): Json | undefined {
  return applications(ofCluster(tree, cluster)).find((a) => sourcesOf(a.object).some((s) => s.chart === chart))?.object;
}

function values(tree: readonly Doc[], cluster: string, chart: string): Json {
  const app = chartApp(tree, cluster, chart);
  if (!app) throw new Error(`${cluster}: no Application of chart ${chart}`);
  return app.spec.source.helm.valuesObject;
}

/** Every (store, key, property) an ExternalSecret of the cluster reads that its fake ClusterSecretStore cannot answer. */
function unresolved(tree: readonly Doc[], profile: ClusterProfile): string[] {
  const store = objects(tree, profile.name, "ClusterSecretStore").find((s) => s.metadata.name === profile.secretStore);
  const data = new Map<string, Json>((store?.spec.provider.fake?.data ?? []).map((d: Json) => [d.key, JSON.parse(d.value)]));
  return objects(tree, profile.name, "ExternalSecret").flatMap((es) =>
    es.spec.data
      .filter((d: Json) => data.get(d.remoteRef.key)?.[d.remoteRef.property] === undefined)
      .map((d: Json) => `${es.metadata.namespace}/${es.metadata.name}: ${d.remoteRef.key}#${d.remoteRef.property}`),
  );
}

describe("when reading each cluster's ClusterSecretStore", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should give %s exactly the store every ExternalSecret names", (_, profile) => {
    const stores = objects(docs, profile.name, "ClusterSecretStore");
    expect(stores.map((s) => s.metadata.name)).toEqual([profile.secretStore]);
    const named = new Set(objects(docs, profile.name, "ExternalSecret").map((e) => `${e.spec.secretStoreRef.kind}/${e.spec.secretStoreRef.name}`));
    expect([...named]).toEqual([`ClusterSecretStore/${profile.secretStore}`]);
    const namespaces = new Set(objects(docs, profile.name, "ExternalSecret").map((e) => e.metadata.namespace as string));
    expect([...stores[0].spec.conditions[0].namespaces].sort()).toEqual([...namespaces].sort());
  });

  it("should use the provider's fake store only in dev and kind, and a real provider everywhere else", () => {
    const providers = Object.fromEntries(CLUSTERS.map((c) => [c.name, Object.keys(objects(docs, c.name, "ClusterSecretStore")[0].spec.provider)]));
    expect(providers).toEqual({ dev: ["fake"], kind: ["fake"], staging: ["vault"], prod: ["vault"], edge: ["vault"] });
  });

  it("should keep every credential out of Git: real stores log in with the operator's ServiceAccount token", () => {
    for (const c of CLUSTERS.filter((p) => p.secretBackend.provider === "vault")) {
      const vault = objects(docs, c.name, "ClusterSecretStore")[0].spec.provider.vault;
      expect(Object.keys(vault.auth), c.name).toEqual(["kubernetes"]);
      expect(vault.auth.kubernetes.secretRef, c.name).toBeUndefined();
      expect(vault.auth.kubernetes.serviceAccountRef, c.name).toEqual({ name: "external-secrets", namespace: "external-secrets" });
      expect(vault.server, c.name).toMatch(/^https:\/\//);
    }
  });

  it.each([dev, CLUSTERS.find((c) => c.name === "kind") as ClusterProfile].map((c) => [c.name, c] as const))(
    "should answer every key every ExternalSecret of %s reads from the fake store",
    (_, profile) => {
      expect(objects(docs, profile.name, "ExternalSecret").length).toBeGreaterThan(0);
      expect(unresolved(docs, profile)).toEqual([]);
    },
  );

  it("should report a key the fake store cannot answer", () => {
    const tree = copy(docs);
    const store = tree.find((d) => d.path === "dev/platform/external-secrets/clustersecretstore-fleet-secrets.yaml") as Doc;
    store.object.spec.provider.fake.data = store.object.spec.provider.fake.data.filter((d: Json) => !d.key.endsWith("/kades/redis-auth"));
    expect(unresolved(tree, dev)).toEqual(["kades/redis-auth: iot-fleet/dev/kades/redis-auth#password"]);
  });
});

describe("when reading each cluster's ClusterIssuer", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should give %s the issuer every Ingress names, solved through its ingress class", (_, profile) => {
    const issuers = objects(docs, profile.name, "ClusterIssuer");
    expect(issuers.map((i) => i.metadata.name)).toEqual([profile.clusterIssuer]);
    for (const ingress of objects(docs, profile.name, "Ingress")) {
      expect(ingress.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe(profile.clusterIssuer);
      expect(ingress.spec.ingressClassName).toBe(values(docs, profile.name, "ingress-nginx").controller.ingressClassResource.name);
    }
    const spec = issuers[0].spec;
    if (profile.name === "staging" || profile.name === "prod") {
      expect(spec.acme.server).toMatch(/^https:\/\/acme-(staging-)?v02\.api\.letsencrypt\.org\/directory$/);
      expect(spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: profile.ingressClass, serviceType: "ClusterIP" } } }]);
    } else {
      expect(spec).toEqual({ selfSigned: {} });
    }
  });
});

describe("when matching the add-ons with the labels the apps' NetworkPolicies and monitors use", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should install ingress-nginx and Prometheus in %s where the NetworkPolicies admit them from", (_, profile) => {
    const ingress = chartApp(docs, profile.name, "ingress-nginx");
    expect(ingress.spec.destination.namespace).toBe(PLATFORM.ingressNamespace);
    // The chart labels its pods app.kubernetes.io/name: <chart name> unless renamed.
    expect(PLATFORM.ingressPodLabels).toEqual({ "app.kubernetes.io/name": "ingress-nginx" });
    expect(ingress.spec.source.helm.valuesObject.nameOverride).toBeUndefined();
    const kps = chartApp(docs, profile.name, "kube-prometheus-stack");
    expect(kps.spec.destination.namespace).toBe(PLATFORM.monitoringNamespace);
    // The operator labels Prometheus pods app.kubernetes.io/name: prometheus.
    expect(PLATFORM.prometheusPodLabels).toEqual({ "app.kubernetes.io/name": "prometheus" });
  });

  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should let Prometheus in %s select every ServiceMonitor and PrometheusRule the apps render", (_, profile) => {
    const spec = values(docs, profile.name, "kube-prometheus-stack").prometheus.prometheusSpec;
    const selected = (o: Json, selector: Json): boolean => Object.entries(selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v);
    for (const kind of ["ServiceMonitor", "PrometheusRule"]) {
      const selector = kind === "ServiceMonitor" ? spec.serviceMonitorSelector : spec.ruleSelector;
      const missed = objects(docs, profile.name, kind).filter((o) => !selected(o, selector)).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      expect(missed, `${profile.name} ${kind}`).toEqual([]);
    }
    expect(spec.serviceMonitorNamespaceSelector).toEqual({});
    expect(spec.ruleNamespaceSelector).toEqual({});
  });
});

describe("when serving the per-pod metrics the HPAs scale on", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should have prometheus-adapter in %s produce every Pods metric, as the rate of the pods' counter", (_, profile) => {
    const wanted = new Set(
      objects(docs, profile.name, "HorizontalPodAutoscaler").flatMap((h) => (h.spec.metrics ?? []).filter((m: Json) => m.type === "Pods").map((m: Json) => m.pods.metric.name as string)),
    );
    expect(wanted.size).toBeGreaterThan(0);
    const adapter = values(docs, profile.name, "prometheus-adapter");
    const rules: Json[] = adapter.rules.custom;
    expect(rules.map((r) => r.name.as).sort()).toEqual([...wanted].sort());
    for (const rule of rules) {
      const counter = String(rule.name.as).replace(/_per_second$/, "_total");
      expect(rule.seriesQuery).toBe(`${counter}{namespace!="",pod!=""}`);
      expect(rule.metricsQuery).toContain("rate(<<.Series>>");
    }
    const kps = values(docs, profile.name, "kube-prometheus-stack");
    expect(adapter.prometheus.url).toBe(`http://${kps.fullnameOverride}-prometheus.${PLATFORM.monitoringNamespace}.svc`);
  });
});

describe("when drawing a Grafana dashboard per app", () => {
  it.each(CLUSTERS.filter((c) => c.platform.grafana).map((c) => [c.name, c] as const))("should give each app of %s one dashboard Grafana loads", (_, profile) => {
    const sidecar = values(docs, profile.name, "kube-prometheus-stack").grafana.sidecar.dashboards;
    const dashboards = objects(docs, profile.name, "ConfigMap").filter((c) => c.metadata.labels?.[sidecar.label] === sidecar.labelValue);
    expect(dashboards.map((d) => d.metadata.namespace)).toEqual(dashboards.map(() => PLATFORM.monitoringNamespace));
    const byApp = dashboards.map((d) => JSON.parse(Object.values(d.data)[0] as string));
    expect(byApp.map((d) => d.uid).sort()).toEqual([...profile.apps].sort());
    for (const dashboard of byApp) {
      const namespace = objects(docs, profile.name, "Namespace").find((n) => n.metadata.labels?.["app.kubernetes.io/part-of"] === dashboard.uid)?.metadata.name;
      const exprs: string[] = dashboard.panels.flatMap((p: Json) => p.targets.map((t: Json) => t.expr));
      expect(exprs.length, dashboard.uid).toBeGreaterThan(3);
      expect(exprs.every((e) => e.includes(`namespace="${namespace}"`)), dashboard.uid).toBe(true);
    }
  });

  it("should keep Grafana's admin password out of the chart defaults", () => {
    const grafana = values(docs, "prod", "kube-prometheus-stack").grafana;
    expect(grafana.adminPassword).toBeUndefined();
    const secret = objects(docs, "prod", "ExternalSecret").find((e) => e.spec.target.name === grafana.admin.existingSecret);
    expect(secret?.metadata.namespace).toBe(PLATFORM.monitoringNamespace);
  });
});

describe("when sizing the platform of the edge cluster", () => {
  it("should run one replica of everything and no Grafana", () => {
    const kps = values(docs, "edge", "kube-prometheus-stack");
    expect(kps.grafana).toEqual({ enabled: false });
    expect(objects(docs, "edge", "ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard)).toEqual([]);
    expect(kps.prometheus.prometheusSpec.replicas).toBe(1);
    expect(values(docs, "edge", "ingress-nginx").controller.replicaCount).toBe(1);
    expect(values(docs, "edge", "cert-manager").replicaCount).toBe(1);
  });

  it("should place every add-on on the tainted Raspberry Pi nodes", () => {
    const taint = edge.nodePools[0]?.taints?.[0];
    for (const app of applications(ofCluster(docs, "edge")).filter((a) => a.object.spec.source?.chart)) {
      const text = JSON.stringify(app.object.spec.source.helm.valuesObject);
      if (app.object.spec.source.chart === "kube-prometheus-stack" || app.object.spec.source.chart === "vertical-pod-autoscaler") continue;
      expect(text, app.path).toContain(JSON.stringify({ effect: taint?.effect, key: taint?.key, operator: "Equal", value: taint?.value }));
    }
  });

  it("should run the VPA recommender only, as every VPA is Off", () => {
    const vpa = values(docs, "prod", "vertical-pod-autoscaler");
    const modes = new Set(objects(docs, "prod", "VerticalPodAutoscaler").map((v) => v.spec.updatePolicy.updateMode));
    expect([...modes]).toEqual(["Off"]);
    expect([vpa.recommender.enabled, vpa.updater.enabled, vpa.admissionController.enabled]).toEqual([true, false, false]);
    expect(vpa.recommender.image.tag).toBe(CRD_MODULES.verticalPodAutoscaler.version.replace(/^v/, ""));
  });
});

describe("when pinning the charts", () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))("should sync every chart of %s at its pinned version from its repository", (_, profile) => {
    const pins = Object.values(HELM_CHARTS);
    for (const app of applications(ofCluster(docs, profile.name))) {
      for (const source of sourcesOf(app.object).filter((s) => s.chart)) {
        expect(pins, app.path).toContainEqual({ repoURL: source.repoURL, chart: source.chart, version: source.targetRevision });
      }
    }
  });

  it("should match each chart to the CRD module the schemas are built from", () => {
    expect(HELM_CHARTS.certManager.version).toBe(CRD_MODULES.certManager.version);
    expect(`v${HELM_CHARTS.externalSecrets.version}`).toBe(CRD_MODULES.externalSecrets.version);
    // kube-prometheus-stack 77.0.0 moved to prometheus-operator v0.85.0 and 78.0.0 to v0.86.0.
    expect(CRD_MODULES.prometheusOperator.version).toBe("v0.85.0");
    expect(HELM_CHARTS.kubePrometheusStack.version).toMatch(/^77\.\d+\.\d+$/);
  });

  it("should put every platform Application in the platform project and give it no finalizer", () => {
    for (const app of applications(ofCluster(docs, "prod")).filter((a) => a.object.metadata.labels?.["app.kubernetes.io/part-of"] === "platform")) {
      expect(app.object.spec.project, app.path).toBe("platform");
      expect(app.object.metadata.finalizers, app.path).toBeUndefined();
    }
  });

  it("should sync charts that install CRDs server-side", () => {
    for (const chart of ["cert-manager", "external-secrets", "kube-prometheus-stack", "vertical-pod-autoscaler"]) {
      expect(chartApp(docs, "prod", chart).spec.syncPolicy.syncOptions, chart).toContain("ServerSideApply=true");
    }
    expect(docAt(docs, "prod/bootstrap/application-root.yaml").object.spec.syncPolicy.syncOptions).toContain("ServerSideApply=true");
  });

  it("should run the prod platform highly available", () => {
    expect(values(docs, "prod", "ingress-nginx").controller.replicaCount).toBe(prod.platform.replicas);
    expect(prod.platform.replicas).toBeGreaterThan(1);
  });
});
