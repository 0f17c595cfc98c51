import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { edge, prod } from "../../generators/fleet/clusters.js";
import { eligiblePools, poolRejection, tolerates } from "./node-pools.js";

const TAINT = { key: "dedicated", value: "analytics", effect: "NoSchedule" } as const;
const names = (spec: IPodSpec): string[] => eligiblePools(spec, prod).map((p) => p.name);

describe("when matching tolerations to a taint", () => {
  it.each([
    [{ key: "dedicated", operator: "Equal", value: "analytics", effect: "NoSchedule" }, true],
    [{ key: "dedicated", value: "analytics" }, true],
    [{ key: "dedicated", operator: "Exists" }, true],
    [{ operator: "Exists" }, true],
    [{ key: "dedicated", operator: "Equal", value: "batch" }, false],
    [{ key: "dedicated", operator: "Exists", effect: "NoExecute" }, false],
    [{ key: "other", operator: "Exists" }, false],
    [{ operator: "Equal" }, false],
  ])("should judge %j as %s", (toleration, expected) => {
    expect(tolerates(toleration, TAINT)).toBe(expected);
  });
});

describe("when placing a pod on the prod pools", () => {
  it("should keep an untolerating pod off the tainted analytics pool", () => {
    expect(names({ containers: [] })).toEqual(["standard"]);
  });

  it("should allow both pools to a pod that tolerates the taint and selects neither", () => {
    expect(names({ containers: [], tolerations: [{ operator: "Exists" }] })).toEqual(["standard", "analytics"]);
  });

  it("should follow the nodeSelector, including the well-known arch label", () => {
    const tolerant: IPodSpec = { containers: [], tolerations: [{ operator: "Exists" }] };
    expect(names({ ...tolerant, nodeSelector: { "node.iot-fleet.io/pool": "analytics" } })).toEqual(["analytics"]);
    expect(names({ ...tolerant, nodeSelector: { "kubernetes.io/arch": "arm64" } })).toEqual([]);
  });

  it("should take a label the profile does not model as satisfied", () => {
    expect(names({ containers: [], nodeSelector: { "topology.kubernetes.io/zone": "eu-1a" } })).toEqual(["standard"]);
  });

  it("should follow required node affinity terms (any term, every expression)", () => {
    const affinity = (operator: "In" | "NotIn", values: string[]): IPodSpec => ({
      containers: [],
      tolerations: [{ operator: "Exists" }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "node.iot-fleet.io/pool", operator, values }] }] } } },
    });
    expect(names(affinity("In", ["analytics"]))).toEqual(["analytics"]);
    expect(names(affinity("NotIn", ["analytics"]))).toEqual(["standard"]);
  });

  it("should say why a pool is refused", () => {
    expect(poolRejection({ containers: [] }, prod.nodePools[1] as (typeof prod.nodePools)[number], prod)).toBe("taint dedicated=analytics:NoSchedule is not tolerated");
  });
});

describe("when placing a pod on the edge pool", () => {
  it("should need the edge-node toleration", () => {
    expect(eligiblePools({ containers: [] }, edge)).toEqual([]);
    expect(eligiblePools({ containers: [], tolerations: [{ key: "edge-node", value: "true", effect: "NoSchedule" }] }, edge).map((p) => p.name)).toEqual(["raspberry-pi"]);
  });
});
