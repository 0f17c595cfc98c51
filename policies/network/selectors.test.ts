import { describe, expect, it } from "vitest";
import { describeSelector, matches, satisfiable } from "./selectors.js";

describe("when a selector is empty", () => {
  it("should match any labels, none included", () => {
    expect(matches({}, {})).toBe(true);
    expect(matches(undefined, { a: "b" })).toBe(true);
  });

  it("should no longer match once it asks for a label", () => {
    expect(matches({ matchLabels: { a: "b" } }, {})).toBe(false);
  });
});

describe("when labels of an unknown object may be anything", () => {
  it("should find a selector satisfiable unless it contradicts itself", () => {
    expect(satisfiable({ matchLabels: { a: "b" }, matchExpressions: [{ key: "c", operator: "NotIn", values: ["d"] }] })).toBe(true);
    expect(satisfiable({ matchLabels: { a: "b" }, matchExpressions: [{ key: "a", operator: "In", values: ["c"] }] })).toBe(false);
    expect(satisfiable({ matchExpressions: [{ key: "a", operator: "In", values: ["b"] }, { key: "a", operator: "DoesNotExist" }] })).toBe(false);
    expect(satisfiable({ matchExpressions: [{ key: "a", operator: "In", values: ["b"] }, { key: "a", operator: "NotIn", values: ["b"] }] })).toBe(false);
  });

  it("should honour a required key with excluded values", () => {
    const required = { key: "kubernetes.io/metadata.name", excluded: ["kube-system"] };
    expect(satisfiable({ matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, required)).toBe(false);
    expect(satisfiable({ matchLabels: { "kubernetes.io/metadata.name": "other" } }, required)).toBe(true);
    expect(satisfiable({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "DoesNotExist" }] }, required)).toBe(false);
  });
});

describe("when a selector is described", () => {
  it("should list its requirements", () => {
    expect(describeSelector({ matchLabels: { a: "b" }, matchExpressions: [{ key: "c", operator: "In", values: ["d", "e"] }, { key: "f", operator: "Exists" }] })).toBe("a=b, c in (d, e), f");
    expect(describeSelector({})).toBe("any labels");
  });
});
