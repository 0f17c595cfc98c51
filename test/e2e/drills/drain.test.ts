// When a drain is stopped as blocked for good, and when it is only slow: the
// budget statuses the disruption controller writes, against the pods left on
// the node being drained.
import { describe, expect, it } from "vitest";
import { BLOCKED_FOR_MS, BlockedBudgets, blocksForGood, type BudgetStatus } from "./drain.js";
import type { Snapshot } from "./observe.js";

const LABELS = { "app.kubernetes.io/name": "kades-api" };
const budget = (status: BudgetStatus["status"]): BudgetStatus => ({ metadata: { name: "kades-api", namespace: "kades" }, spec: { selector: { matchLabels: LABELS } }, status });
const pod = (name: string, node: string, labels: Record<string, string> = LABELS) => ({ name, namespace: "kades", owner: "Deployment/kades/kades-api", node, ready: true, terminating: false, labels, placement: {} });
const snapshot = (pods: ReturnType<typeof pod>[]): Snapshot => ({ at: 0, nodes: [], pods, workloads: [], budgets: [] }) as unknown as Snapshot;

const BLOCKING = budget({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, expectedPods: 3 });

describe("a budget that blocks a drain for good", () => {
  it("should be one that allows nothing with every pod it expects healthy", () => {
    expect(blocksForGood(BLOCKING)).toBe(true);
  });

  it("should not be one waiting for a replacement to become ready, or holding an evicted pod as disrupted", () => {
    expect(blocksForGood(budget({ disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2 }))).toBe(false);
    expect(blocksForGood(budget({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptedPods: { "kades-api-1": "2026-01-01T00:00:00Z" } }))).toBe(false);
    expect(blocksForGood(budget({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 }))).toBe(false);
    expect(blocksForGood(budget(undefined))).toBe(false);
  });
});

describe("when following the drained nodes' budgets", () => {
  it("should give a verdict only once a budget has blocked a pod of that node for the whole grace", () => {
    const b = new BlockedBudgets();
    b.add(snapshot([pod("kades-api-1", "standard-0")]), [BLOCKING], ["standard-0"], 1_000);
    expect(b.verdict("standard-0", 1_000 + BLOCKED_FOR_MS - 1)).toBeUndefined();
    expect(b.verdict("standard-0", 1_000 + BLOCKED_FOR_MS)).toMatch(
      /^PodDisruptionBudget\/kades\/kades-api allows 0 disruption\(s\) with 3 of its 3 pods healthy \(keeps 3\): pod kades-api-1 cannot be evicted \(for 20s\)$/,
    );
    expect(b.verdict("standard-1", 1_000 + BLOCKED_FOR_MS)).toBeUndefined();
  });

  it("should start the grace again when the budget makes room in between", () => {
    const b = new BlockedBudgets();
    b.add(snapshot([pod("kades-api-1", "standard-0")]), [BLOCKING], ["standard-0"], 0);
    b.add(snapshot([pod("kades-api-1", "standard-0")]), [budget({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3 })], ["standard-0"], 10_000);
    b.add(snapshot([pod("kades-api-1", "standard-0")]), [BLOCKING], ["standard-0"], 15_000);
    expect(b.verdict("standard-0", BLOCKED_FOR_MS + 1)).toBeUndefined();
    expect(b.verdict("standard-0", 15_000 + BLOCKED_FOR_MS)).toBeDefined();
  });

  it("should ignore budgets that cover no pod left on a node being drained", () => {
    const b = new BlockedBudgets();
    b.add(snapshot([pod("kades-api-1", "standard-1"), pod("other-1", "standard-0", { app: "other" })]), [BLOCKING], ["standard-0"], 0);
    expect(b.verdict("standard-0", BLOCKED_FOR_MS * 2)).toBeUndefined();
  });
});
