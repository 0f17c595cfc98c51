import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { Finding, KubeObject } from "../../lib/types.js";
import { quotaFitsWorstCase } from "./quota-fits-worst-case.js";

describeFixtures(quotaFitsWorstCase, import.meta.dirname);

function quota(hard: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace: "ns" }, spec: { hard, ...spec } };
}

function deployment(name: string, replicas: number, resources: Record<string, unknown>, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "ns" },
    spec: { replicas, strategy: { type: "Recreate" }, template: { spec: { containers: [{ name, image: "i:1", resources }], ...podSpec } } },
  };
}

const SMALL = { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "200m", memory: "200Mi" } };

async function check(...objects: KubeObject[]): Promise<readonly Finding[]> {
  return quotaFitsWorstCase.check(clusterOf("prod", objects.map((object, index) => ({ file: "f.yaml", index, object }))));
}

describe("when the worst case meets the quota exactly", () => {
  it("should accept it, and reject one millicore less", async () => {
    const d = deployment("a", 3, SMALL);
    expect(await check(quota({ "requests.cpu": "300m" }), d)).toEqual([]);
    expect((await check(quota({ "requests.cpu": "299m" }), d)).map((f) => f.path)).toEqual(["spec.hard[requests.cpu]"]);
  });

  it("should take the tighter of `cpu` and `requests.cpu` when both are set", async () => {
    const d = deployment("a", 3, SMALL);
    expect((await check(quota({ "requests.cpu": "1", cpu: "299m" }), d)).map((f) => f.path)).toEqual(["spec.hard[cpu]"]);
    expect(await check(quota({ "requests.cpu": "1", cpu: "300m" }), d)).toEqual([]);
  });
});

describe("when quotas sit in other namespaces", () => {
  it("should count only the pods of the quota's own namespace", async () => {
    const elsewhere = { ...deployment("b", 50, SMALL), metadata: { name: "b", namespace: "other" } };
    expect(await check(quota({ pods: "3" }), deployment("a", 3, SMALL), elsewhere)).toEqual([]);
  });
});

describe("when an HPA targets a workload", () => {
  const hpa = (maxReplicas: number, kind = "Deployment", name = "a"): KubeObject => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: `${name}-hpa`, namespace: "ns" },
    spec: { maxReplicas, scaleTargetRef: { apiVersion: "apps/v1", kind, name } },
  });

  it("should count its maxReplicas", async () => {
    const found = await check(quota({ pods: "3" }), deployment("a", 3, SMALL), hpa(4));
    expect(found.map((f) => f.problem)).toEqual(["is 3, but the worst case needs pods 4 (Deployment/a 4 via HPA a-hpa maxReplicas 4)"]);
  });

  it("should ignore an HPA that targets another kind of the same name", async () => {
    expect(await check(quota({ pods: "3" }), deployment("a", 3, SMALL), hpa(10, "StatefulSet"))).toEqual([]);
  });

  it("should keep spec.replicas when it is above the HPA maximum", async () => {
    expect(await check(quota({ pods: "5" }), deployment("a", 5, SMALL), hpa(2))).toEqual([]);
  });
});

describe("when a quota has scopes", () => {
  const bestEffort = deployment("be", 1, {});

  it("should count a BestEffort pod against a BestEffort quota only", async () => {
    expect((await check(quota({ pods: "0" }, { scopes: ["BestEffort"] }), bestEffort)).map((f) => f.summary)).toEqual(["quota is below the worst case for pods"]);
    expect(await check(quota({ pods: "0" }, { scopes: ["NotBestEffort"] }), bestEffort)).toEqual([]);
  });

  it("should match PriorityClass selectors against the pod's priorityClassName", async () => {
    const critical = deployment("c", 2, SMALL, { priorityClassName: "critical" });
    const selector = (operator: string, values?: string[]): Record<string, unknown> => ({
      scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator, ...(values ? { values } : {}) }] },
    });
    expect(await check(quota({ pods: "1" }, selector("In", ["critical"])), critical)).toHaveLength(1);
    expect(await check(quota({ pods: "1" }, selector("In", ["batch"])), critical)).toEqual([]);
    expect(await check(quota({ pods: "1" }, selector("NotIn", ["critical"])), critical)).toEqual([]);
    expect(await check(quota({ pods: "1" }, selector("Exists")), critical)).toHaveLength(1);
  });

  it("should split Terminating from NotTerminating by the pod's activeDeadlineSeconds", async () => {
    const deadline = deployment("t", 2, SMALL, { activeDeadlineSeconds: 600 });
    expect(await check(quota({ pods: "1" }, { scopes: ["Terminating"] }), deadline)).toHaveLength(1);
    expect(await check(quota({ pods: "1" }, { scopes: ["NotTerminating"] }), deadline)).toEqual([]);
  });

  it("should warn, not judge, a scope it does not model", async () => {
    const found = await check(quota({ pods: "0" }, { scopes: ["VolumeAttributesClass"] }), deployment("a", 1, SMALL));
    expect(found.map((f) => [f.severity, f.summary])).toEqual([["Warning", "quota scope not modelled"]]);
  });
});

describe("when pods create claims", () => {
  it("should count a generic ephemeral volume once per pod", async () => {
    const ephemeral = { name: "scratch", ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "10Gi" } } } } } };
    const d = deployment("a", 3, SMALL, { volumes: [ephemeral] });
    expect(await check(quota({ "requests.storage": "30Gi", persistentvolumeclaims: "3" }), d)).toEqual([]);
    expect((await check(quota({ "requests.storage": "29Gi", persistentvolumeclaims: "2" }), d)).map((f) => f.path)).toEqual([
      "spec.hard[requests.storage]",
      "spec.hard[persistentvolumeclaims]",
    ]);
  });
});

describe("when a CronJob sets concurrencyPolicy", () => {
  const cronJob = (policy?: string): KubeObject => ({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "c", namespace: "ns" },
    spec: { schedule: "* * * * *", ...(policy ? { concurrencyPolicy: policy } : {}), jobTemplate: { spec: { parallelism: 2, template: { spec: { containers: [{ name: "c", image: "i:1", resources: SMALL }] } } } } },
  });

  it.each(["Forbid", "Replace"])("should count one run of its Job under %s", async (policy) => {
    expect(await check(quota({ pods: "2" }), cronJob(policy))).toEqual([]);
    expect(await check(quota({ pods: "1" }), cronJob(policy))).toHaveLength(1);
  });

  it.each([["Allow"], [undefined]])("should report no bound under %s", async (policy) => {
    expect((await check(quota({ pods: "100" }), cronJob(policy))).map((f) => [f.summary, f.path])).toEqual([["workload has no worst case", "spec.concurrencyPolicy"]]);
  });
});

describe("when a Job sets completions below parallelism", () => {
  it("should count the completions", async () => {
    const job: KubeObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "ns" },
      spec: { parallelism: 5, completions: 2, template: { spec: { containers: [{ name: "j", image: "i:1", resources: SMALL }] } } },
    };
    expect(await check(quota({ pods: "2" }), job)).toEqual([]);
    expect(await check(quota({ pods: "1" }), job)).toHaveLength(1);
  });
});

describe("when a DaemonSet runs in a namespace with a quota", () => {
  const daemonSet = (tolerations: unknown[]): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "node-exporter", namespace: "ns" },
    spec: { template: { spec: { tolerations, containers: [{ name: "node-exporter", image: "i:1", resources: SMALL }] } } },
  });

  it("should count one pod per node of the pools it tolerates, at their maximum (prod: 8 standard, 4 analytics)", async () => {
    expect(await check(quota({ pods: "8" }), daemonSet([]))).toEqual([]);
    expect(await check(quota({ pods: "7" }), daemonSet([]))).toHaveLength(1);
    expect(await check(quota({ pods: "12" }), daemonSet([{ operator: "Exists" }]))).toEqual([]);
    expect(await check(quota({ pods: "11" }), daemonSet([{ operator: "Exists" }]))).toHaveLength(1);
  });

  it("should report no bound on a cluster without a profile", async () => {
    const found = await quotaFitsWorstCase.check(clusterOf("lab", [quota({ pods: "8" }), daemonSet([])].map((object, index) => ({ file: "f.yaml", index, object }))));
    expect(found.map((f) => f.summary)).toEqual(["workload has no worst case"]);
  });
});

describe("when a violation is injected into the committed prod tree", () => {
  it("should name the rule when the kades API HPA may reach 40 replicas", async () => {
    const tree = injected("prod", "/kades/horizontalpodautoscaler-kades-api-hpa.yaml", (o) => {
      o.spec.maxReplicas = 40;
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "quotas/quota-fits-worst-case");
    expect(found.map((d) => d.path)).toContain("spec.hard[requests.cpu]");
    expect(found.every((d) => d.resource === "ResourceQuota/kades-quota")).toBe(true);
  });

  it("should find a claim grown past the storage quota", async () => {
    const tree = injected("prod", "/kades/persistentvolumeclaim-backup-pvc.yaml", (o) => {
      o.spec.resources.requests.storage = "2Ti";
      return o as KubeObject;
    });
    expect((await quotaFitsWorstCase.check(tree)).map((f) => f.path)).toEqual(["spec.hard[requests.storage]"]);
  });
});
