import { describe, expect, it } from "vitest";
import { clusterOf } from "../lib/load.js";
import { type PodTemplate, podTemplates } from "../lib/objects.js";
import type { KubeObject } from "../lib/types.js";
import { autoscalers, refersTo, replicaRange, selects } from "./workloads.js";

const labels = { "app.kubernetes.io/name": "kades-api", tier: "web" };

describe("when a label selector is matched against labels", () => {
  it.each([
    [{}, true],
    [{ matchLabels: { tier: "web" } }, true],
    [{ matchLabels: { tier: "db" } }, false],
    [{ matchLabels: { missing: "x" } }, false],
    [{ matchExpressions: [{ key: "tier", operator: "In", values: ["web", "db"] }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] }, false],
    [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["web"] }] }, false],
    [{ matchExpressions: [{ key: "missing", operator: "NotIn", values: ["web"] }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
    [{ matchExpressions: [{ key: "missing", operator: "Exists" }] }, false],
    [{ matchExpressions: [{ key: "missing", operator: "DoesNotExist" }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
    [{ matchExpressions: [{ key: "tier", operator: "Matches", values: ["web"] }] }, false],
    [{ matchLabels: { tier: "web" }, matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["other"] }] }, false],
  ])("should decide %j selects them: %s", (selector, expected) => {
    expect(selects(selector, labels)).toBe(expected);
  });

  it("should select nothing with no selector at all", () => {
    expect(selects(undefined, labels)).toBe(false);
    expect(selects(null, labels)).toBe(false);
  });
});

const deployment = (replicas: number): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "kades-api", namespace: "kades" },
  spec: { replicas, template: { metadata: { labels }, spec: { containers: [{ name: "kades-api", image: "docker.io/kades/api:1.0.0" }] } } },
});
const hpa = (apiVersion: string, spec: Record<string, unknown>, namespace = "kades"): KubeObject => ({
  apiVersion,
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "kades-api-hpa", namespace },
  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "kades-api" }, maxReplicas: 10, ...spec },
});
const tree = (...objects: KubeObject[]): ReturnType<typeof clusterOf> => clusterOf("prod", objects.map((object, index) => ({ file: "t.yaml", index, object })));

describe("when reading HorizontalPodAutoscalers", () => {
  it("should apply the API defaults: minReplicas 1, v1 on CPU, v2 without metrics on CPU", () => {
    const [v1] = autoscalers(tree(hpa("autoscaling/v1", {})));
    expect([v1?.minReplicas, v1?.resourceMetrics.map((m) => [m.resource, m.implicit])]).toEqual([1, [["cpu", true]]]);
    const [v2] = autoscalers(tree(hpa("autoscaling/v2", {})));
    expect(v2?.resourceMetrics.map((m) => [m.resource, m.path, m.implicit])).toEqual([["cpu", "spec.metrics", true]]);
  });

  it("should read Resource and ContainerResource metrics but not Pods or External ones", () => {
    const metrics = [
      { type: "Pods", pods: { metric: { name: "lag" } } },
      { type: "Resource", resource: { name: "memory" } },
      { type: "ContainerResource", containerResource: { name: "cpu", container: "kades-api" } },
      { type: "External", external: { metric: { name: "queue" } } },
    ];
    const [v2] = autoscalers(tree(hpa("autoscaling/v2", { metrics })));
    expect(v2?.resourceMetrics.map((m) => [m.resource, m.path])).toEqual([
      ["memory", "spec.metrics[1].resource.name"],
      ["cpu", "spec.metrics[2].containerResource.name"],
    ]);
  });
});

function onlyTemplate(cluster: ReturnType<typeof clusterOf>): PodTemplate {
  const [template] = podTemplates(cluster);
  if (!template) throw new Error("the test cluster has no pod template");
  return template;
}

describe("when deciding how many pods a workload runs", () => {
  it("should take spec.replicas without an HPA", () => {
    const cluster = tree(deployment(3));
    expect(replicaRange(onlyTemplate(cluster), autoscalers(cluster))).toMatchObject({ least: 3, most: 3, multiple: true, autoscaler: undefined });
  });

  it("should take the HPA's bounds when one targets the workload", () => {
    const cluster = tree(deployment(1), hpa("autoscaling/v2", { minReplicas: 2 }));
    expect(replicaRange(onlyTemplate(cluster), autoscalers(cluster))).toMatchObject({ least: 2, most: 10, multiple: true });
  });

  it("should ignore an HPA in another namespace", () => {
    const cluster = tree(deployment(1), hpa("autoscaling/v2", { minReplicas: 2 }, "iot"));
    expect(replicaRange(onlyTemplate(cluster), autoscalers(cluster))).toMatchObject({ least: 1, most: 1, multiple: false });
  });
});

describe("when a reference names a workload", () => {
  it("should compare namespace, kind, name and API group, not version", () => {
    const object = deployment(1);
    expect(refersTo({ apiVersion: "apps/v1beta2", kind: "Deployment", name: "kades-api" }, "kades", object)).toBe(true);
    expect(refersTo({ apiVersion: "extensions/v1beta1", kind: "Deployment", name: "kades-api" }, "kades", object)).toBe(false);
    expect(refersTo({ apiVersion: "apps/v1", kind: "StatefulSet", name: "kades-api" }, "kades", object)).toBe(false);
    expect(refersTo({ apiVersion: "apps/v1", kind: "Deployment", name: "kades-api" }, "iot", object)).toBe(false);
    expect(refersTo(undefined, "kades", object)).toBe(false);
  });
});
