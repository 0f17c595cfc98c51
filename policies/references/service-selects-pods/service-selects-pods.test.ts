import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures, injected, loadFixture } from "../../lib/testing.js";
import type { ClusterTree, KubeObject } from "../../lib/types.js";
import { POD_NAME_LABEL } from "../resolve.js";
import { serviceSelectsPods } from "./service-selects-pods.js";

describeFixtures(serviceSelectsPods, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when a Service selects a StatefulSet pod by the name its controller gives it", () => {
  it("should find pod 2 once an HPA may scale the StatefulSet to three", async () => {
    const tree = loadFixture(fixture("bad-02.yaml"));
    const hpa = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "timescaledb", namespace: "kades" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "timescaledb" }, minReplicas: 2, maxReplicas: 3 },
    } as KubeObject;
    const scaled: ClusterTree = { ...tree, documents: [...tree.documents, { file: tree.root, index: 9, object: hpa }] };
    expect(await runPolicy(serviceSelectsPods, scaled)).toEqual([]);
    expect(await runPolicy(serviceSelectsPods, tree)).toHaveLength(1);
  });

  it("should start counting at spec.ordinals.start", async () => {
    const tree = loadFixture(fixture("good-stateful-set-primary.yaml"));
    const shifted = tree.documents.map((d) =>
      d.object.kind === "StatefulSet" ? { ...d, object: { ...d.object, spec: { ...(d.object.spec as object), ordinals: { start: 1 } } } as KubeObject } : d,
    );
    const found = await runPolicy(serviceSelectsPods, { ...tree, documents: shifted });
    expect(found.map((d) => [d.resource, d.path])).toEqual([["Service/timescaledb", "spec.selector"]]);
    expect(found[0]?.problem).toContain(`theirs: timescaledb-1, timescaledb-2`);
  });
});

describe("when a selector's labels are each carried by some pod but never together", () => {
  it("should name the nearest pods and what they lack", async () => {
    const [found] = await runPolicy(serviceSelectsPods, loadFixture(fixture("bad-04.yaml")));
    expect(found?.problem).toContain("the pods of Deployment/kades-api carry app=kades-api, not chain-analysis");
  });
});

describe("when a chart installs pods into the Service's namespace", () => {
  it("should not judge the Service (the chart's pods are not in the tree)", async () => {
    const tree = loadFixture(fixture("bad-01.yaml"));
    const application = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "kades-extras", namespace: "argocd" },
      spec: { destination: { namespace: "kades" }, source: { repoURL: "https://charts.example.com", chart: "extras", targetRevision: "1.0.0" } },
    } as KubeObject;
    expect(await runPolicy(serviceSelectsPods, { ...tree, documents: [...tree.documents, { file: tree.root, index: 9, object: application }] })).toEqual([]);
  });
});

describe("when judging the committed prod tree", () => {
  it("should accept the TimescaleDB client Service, which selects pod 0 by its controller-added name", async () => {
    const cluster = committedCluster("prod");
    const primary = cluster.documents.find((d) => d.file.endsWith("/kades/service-timescaledb.yaml"))?.object as unknown as { spec: { selector: Record<string, string> } };
    expect(primary.spec.selector[POD_NAME_LABEL]).toBe("timescaledb-0");
    expect(await runPolicy(serviceSelectsPods, cluster)).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when a selector is mistyped by hand", async () => {
    const tree = injected("prod", "/kades/service-kades-api.yaml", (o) => {
      o.spec.selector["app.kubernetes.io/name"] = "kades-apl";
      return o as KubeObject;
    });
    const found = await runPolicy(serviceSelectsPods, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/service-selects-pods", "clusters/prod/apps/kades/service-kades-api.yaml", "Service/kades-api", "spec.selector"],
    ]);
    expect(found[0]?.fix).toContain("`service` of component kades-api in apps/kades");
  });
});
