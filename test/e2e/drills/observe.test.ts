import { describe, expect, it } from "vitest";
import { budgetMargins, MarginLog, quorumMargins, readyOf, shortOf, type PodView, type Snapshot } from "./observe.js";

const labels = { "app.kubernetes.io/name": "kafka" };
const pod = (name: string, node: string | undefined, ready = true): PodView => ({
  name,
  namespace: "iot",
  owner: "StatefulSet/iot/kafka",
  node,
  ready,
  terminating: false,
  labels,
  placement: {},
});

const snapshot = (pods: PodView[], nodes = ["s-0", "s-1", "s-2"]): Snapshot => ({
  at: 0,
  nodes: nodes.map((name) => ({ name, pool: "standard", unschedulable: false })),
  pods,
  workloads: [{ key: "StatefulSet/iot/kafka", kind: "StatefulSet", namespace: "iot", name: "kafka", replicas: 3, templateLabels: labels }],
  budgets: [{ key: "PodDisruptionBudget/iot/kafka", namespace: "iot", selector: labels, spec: { maxUnavailable: 1 } }],
});

describe("what the drills count as ready", () => {
  it("should count a pod on a deleted node as not ready, though its last condition says Ready", () => {
    const s = snapshot([pod("kafka-0", "s-0"), pod("kafka-1", "s-1"), pod("kafka-2", "s-2")], ["s-0", "s-1"]);
    expect(readyOf(s, "StatefulSet/iot/kafka")).toBe(2);
    expect(shortOf(s)).toEqual(["StatefulSet/iot/kafka 2/3"]);
  });

  it("should measure a budget against the replicas of the workloads it covers", () => {
    const s = snapshot([pod("kafka-0", "s-0"), pod("kafka-1", "s-1"), pod("kafka-2", undefined, false)]);
    expect(budgetMargins(s)).toEqual([{ subject: "PodDisruptionBudget/iot/kafka", ready: 2, of: 3, needs: 2 }]);
  });
});

describe("the lowest margin over a drill", () => {
  it("should report a quorum that fell below its majority at one sample, even if it recovered", () => {
    const log = new MarginLog();
    log.add(quorumMargins(snapshot([pod("kafka-0", "s-0"), pod("kafka-1", "s-1"), pod("kafka-2", "s-2")])));
    log.add(quorumMargins(snapshot([pod("kafka-0", "s-0"), pod("kafka-1", "s-0"), pod("kafka-2", "s-2")], ["s-1", "s-2"])));
    log.add(quorumMargins(snapshot([pod("kafka-0", "s-1"), pod("kafka-1", "s-1"), pod("kafka-2", "s-2")], ["s-1", "s-2"])));
    expect(log.breaches()).toEqual([{ subject: "StatefulSet/iot/kafka", ready: 1, of: 3, needs: 2 }]);
    expect(log.tightest()?.ready).toBe(1);
  });

  it("should report no breach when one member at a time goes", () => {
    const log = new MarginLog();
    log.add(quorumMargins(snapshot([pod("kafka-0", "s-0"), pod("kafka-1", "s-1"), pod("kafka-2", "s-2", false)])));
    expect(log.breaches()).toEqual([]);
  });
});
