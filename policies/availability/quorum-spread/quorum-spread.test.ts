import { describe, expect, it } from "vitest";
import { mostPerNode, spreadKeepsMajority } from "../../../generators/render/placement.js";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { quorumSpread, worstPerNode } from "./quorum-spread.js";

describeFixtures(quorumSpread, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when counting what one node may hold", () => {
  it.each([
    [2, 1],
    [3, 1],
    [4, 1],
    [5, 2],
    [6, 2],
    [7, 3],
  ])("should let one node hold at most so many of %i members that the rest keep a majority: %i", (members, most) => {
    expect(mostPerNode(members)).toBe(most);
    expect(members - most).toBeGreaterThan(members === 2 ? 0 : members / 2);
    expect(members - (most + 1)).toBeLessThanOrEqual(members === 2 ? 0 : members / 2);
  });

  it.each([
    [3, 3, 1, 1],
    [6, 3, 1, 2],
    [6, 3, 2, 3],
    [6, 4, 1, 2],
    [3, 1, 1, 3],
  ])("should find that a spread of %i members over %i nodes with maxSkew %i puts up to %i on one node", (members, nodes, skew, worst) => {
    expect(worstPerNode(members, nodes, skew)).toBe(worst);
  });

  it("should make the spread hard only where the pool's nodes let it keep the majority", () => {
    expect(spreadKeepsMajority(3, 3)).toBe(true);
    expect(spreadKeepsMajority(6, 3)).toBe(true);
    expect(spreadKeepsMajority(3, 2)).toBe(false);
    expect(spreadKeepsMajority(2, 1)).toBe(false);
    expect(spreadKeepsMajority(3, 0)).toBe(false);
  });
});

describe("when the pool is too small for any spread", () => {
  it("should warn, not fail, and say how many nodes the pool needs", async () => {
    const [found] = await checkFixture(quorumSpread, fixture("bad-05.yaml"));
    expect(found?.severity).toBe("Warning");
    expect(found?.fix).toContain("grow the pool to at least 3 nodes");
  });

  it("should accept the hard spread of Kafka's voters on staging's four nodes", async () => {
    expect(await checkFixture(quorumSpread, fixture("good-hard-spread.yaml"), "staging")).toEqual([]);
  });
});

describe("when the committed prod tree's Kafka voters spread softly again", () => {
  it("should name the constraint's whenUnsatisfiable", async () => {
    const tree = injected("prod", "apps/iot-telemetry/statefulset-kafka.yaml", (o) => {
      o.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "availability/quorum-spread");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["StatefulSet/kafka", "spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable"]]);
    expect(found[0]?.problem).toContain("no node may hold more than 1");
  });
});

describe.each(["dev", "staging", "prod", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(quorumSpread, committedCluster(name))).toEqual([]);
  });
});

describe("when judging the sets that have more than one member", () => {
  it.each([
    ["prod", ["kafka", "redis", "redis-cluster", "timescaledb"]],
    ["staging", ["redis", "redis-cluster", "timescaledb"]],
  ])("should find them spread hard on %s", (name, sets) => {
    const hard = committedCluster(name)
      .documents.filter((d) => d.object.kind === "StatefulSet")
      .filter((d) => (d.object as unknown as { spec: { template: { spec: { topologySpreadConstraints?: { whenUnsatisfiable: string }[] } } } }).spec.template.spec.topologySpreadConstraints?.[0]?.whenUnsatisfiable === "DoNotSchedule")
      .map((d) => d.object.metadata.name)
      .sort();
    expect(hard).toEqual(sets);
  });
});
