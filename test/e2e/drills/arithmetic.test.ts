import { describe, expect, it } from "vitest";
import { prod } from "../../../generators/fleet/clusters.js";
import type { NodePool } from "../../../generators/fleet/types.js";
import { quotaShortfall, allowedDisruptions, chooseNode, desiredHealthy, membersPerNode, poolForPod, quorumNeeded, scaled, surgePods, worstNodeLoss } from "./arithmetic.js";

describe("scaled int-or-percent", () => {
  it("should round a percentage up or down as asked and pass integers through", () => {
    expect(scaled("25%", 10, true)).toBe(3);
    expect(scaled("25%", 10, false)).toBe(2);
    expect(scaled(2, 10, true)).toBe(2);
  });

  it("should reject a string that is not a percentage", () => {
    expect(() => scaled("2", 10, true)).toThrow(/neither an integer nor a percentage/);
  });
});

describe("a disruption budget", () => {
  it("should keep expected minus maxUnavailable ready, rounding a percentage up", () => {
    expect(desiredHealthy({ maxUnavailable: 1 }, 3)).toBe(2);
    expect(desiredHealthy({ maxUnavailable: "34%" }, 3)).toBe(1); // ceil(1.02) = 2 may go
    expect(desiredHealthy({ minAvailable: "50%" }, 3)).toBe(2);
    expect(desiredHealthy({ minAvailable: 2 }, 3)).toBe(2);
  });

  it("should allow no eviction when maxUnavailable is zero (the budget that blocks every drain)", () => {
    expect(allowedDisruptions({ maxUnavailable: 0 }, 3, 3)).toBe(0);
    expect(allowedDisruptions({ minAvailable: "100%" }, 3, 3)).toBe(0);
    expect(allowedDisruptions({ maxUnavailable: 1 }, 3, 3)).toBe(1);
    expect(allowedDisruptions({ maxUnavailable: 1 }, 3, 2)).toBe(0);
  });

  it("should reject a budget with both or neither field", () => {
    expect(() => desiredHealthy({ minAvailable: 1, maxUnavailable: 1 }, 3)).toThrow(/not both/);
    expect(() => desiredHealthy({}, 3)).toThrow(/needs minAvailable or maxUnavailable/);
  });
});

describe("a quorum", () => {
  it("should need a strict majority of three or more members and one of a replicated pair", () => {
    expect(quorumNeeded(3)).toBe(2);
    expect(quorumNeeded(6)).toBe(4);
    expect(quorumNeeded(2)).toBe(1);
    expect(quorumNeeded(1)).toBe(1);
  });

  it("should keep its majority when each node holds one member", () => {
    const worst = worstNodeLoss(3, membersPerNode(["a", "b", "c"]));
    expect(worst).toEqual({ node: "a", lost: 1, left: 2, needed: 2 });
  });

  it("should lose its majority when one node holds two of three members", () => {
    const worst = worstNodeLoss(3, membersPerNode(["b", "a", "b"]));
    expect(worst?.node).toBe("b");
    expect(worst && worst.left < worst.needed).toBe(true);
  });
});

describe("choosing the node a drill takes", () => {
  const load = (node: string, pods: number, members: number, pool = "standard") => ({ node, pool, pods, members });

  it("should take the node holding the most quorum members, then the most pods", () => {
    expect(chooseNode("standard", [load("s-0", 20, 1), load("s-1", 10, 2), load("s-2", 30, 1)])).toEqual({ node: "s-1" });
    expect(chooseNode("standard", [load("s-0", 20, 1), load("s-1", 10, 1), load("s-2", 30, 1)])).toEqual({ node: "s-2" });
  });

  it("should refuse a pool of one node, saying why", () => {
    const choice = chooseNode("gpu", [load("g-0", 5, 0, "gpu"), load("s-0", 5, 0)]);
    expect(choice).toEqual({ notApplicable: expect.stringMatching(/pool gpu has one node/) });
  });
});

describe("rollout surge", () => {
  it("should surge the rolling update's maxSurge at the replica count, 25% by default, rounding up", () => {
    expect(surgePods({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } }, 10)).toBe(1);
    expect(surgePods({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } }, 10)).toBe(3);
    expect(surgePods(undefined, 3)).toBe(1);
  });

  it("should surge nothing for Recreate", () => {
    expect(surgePods({ type: "Recreate" }, 10)).toBe(0);
  });
});

describe("the pool a pending pod needs", () => {
  // prod's pools: a plain one and one tainted for analytics.
  const [standard, analytics] = prod.nodePools as [NodePool, NodePool];

  it("should pick the pool whose labels the pod selects and whose taints it tolerates", () => {
    const pod = { nodeSelector: { "node.iot-fleet.io/pool": "analytics" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "analytics", effect: "NoSchedule" }] };
    expect(poolForPod(pod, [standard, analytics])?.name).toBe("analytics");
    expect(poolForPod({ nodeSelector: { "kubernetes.io/arch": "amd64" } }, [standard, analytics])?.name).toBe("standard");
  });

  it("should find no pool for a pod that selects a tainted pool without tolerating it", () => {
    expect(poolForPod({ nodeSelector: { "node.iot-fleet.io/pool": "analytics" } }, [standard, analytics])).toBeUndefined();
  });
});

describe("a quota at the ceiling", () => {
  const hard = { pods: "33", "requests.cpu": "4750m", "limits.memory": "22272Mi" };

  it("should take the rollout's surge when its room covers it", () => {
    expect(quotaShortfall(hard, { pods: "30", "requests.cpu": "4450m", "limits.memory": "21248Mi" }, { pods: 3, "requests.cpu": 300, "limits.memory": 1024 * 2 ** 20 })).toEqual([]);
  });

  it("should name each resource one surge pod short, with its room and the need", () => {
    expect(quotaShortfall(hard, { pods: "31", "requests.cpu": "4450m", "limits.memory": "21248Mi" }, { pods: 3, "requests.cpu": 400, "limits.memory": 1024 * 2 ** 20 })).toEqual([
      "pods: room 2, needs 3",
      "requests.cpu: room 300m, needs 400m",
    ]);
  });
});
