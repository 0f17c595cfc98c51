import { describe, expect, it } from "vitest";
import { unfinished } from "./rollout.js";

const deployment = (status: Record<string, number>, generation = 2) => ({
  kind: "Deployment",
  metadata: { name: "api", namespace: "kades", generation },
  spec: { replicas: 3, template: { spec: {} } },
  status: { observedGeneration: 2, ...status },
});

describe("a finished rollout", () => {
  it("should be finished when every replica is updated and available and the surge is gone", () => {
    expect(unfinished([deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 })])).toEqual([]);
  });

  it("should not be finished while the surge pod runs, an old pod remains or the controller has not seen the change", () => {
    expect(unfinished([deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 4 })])).toEqual(["Deployment/kades/api"]);
    expect(unfinished([deployment({ replicas: 3, updatedReplicas: 2, availableReplicas: 3 })])).toEqual(["Deployment/kades/api"]);
    expect(unfinished([deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 3)])).toEqual(["Deployment/kades/api"]);
  });

  it("should not call a StatefulSet finished until its update revision is current", () => {
    const sts = { kind: "StatefulSet", metadata: { name: "redis", namespace: "kades", generation: 1 }, spec: { replicas: 3, template: { spec: {} } } };
    expect(unfinished([{ ...sts, status: { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 3, currentRevision: "a", updateRevision: "b" } }])).toEqual(["StatefulSet/kades/redis"]);
    expect(unfinished([{ ...sts, status: { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 3, currentRevision: "b", updateRevision: "b" } }])).toEqual([]);
  });
});
