import { describe, expect, it } from "vitest";
import { PortSet } from "./ports.js";

describe("when port sets are combined", () => {
  const web = PortSet.of("TCP", 80).union(PortSet.of("TCP", 443));

  it("should keep protocols apart", () => {
    expect(web.has("TCP", 443)).toBe(true);
    expect(web.has("UDP", 443)).toBe(false);
    expect(web.intersect(PortSet.allOf("UDP")).isEmpty()).toBe(true);
  });

  it("should merge adjacent ranges and subtract exactly", () => {
    expect(PortSet.range("TCP", 8000, 8009).union(PortSet.range("TCP", 8010, 8020)).intervals("TCP")).toEqual([[8000, 8020]]);
    expect(PortSet.range("TCP", 1, 100).minus(PortSet.of("TCP", 50)).intervals("TCP")).toEqual([
      [1, 49],
      [51, 100],
    ]);
  });

  it("should treat a reversed or out-of-range span as empty", () => {
    expect(PortSet.range("TCP", 90, 80).isEmpty()).toBe(true);
    expect(PortSet.range("TCP", 70000, 70001).isEmpty()).toBe(true);
  });

  it.each([
    [PortSet.of("TCP", 5432), "TCP 5432"],
    [PortSet.of("TCP", 8000).union(PortSet.of("TCP", 8080)).union(PortSet.of("UDP", 53)), "TCP 8000, 8080 and UDP 53"],
    [PortSet.allOf("TCP").minus(PortSet.of("TCP", 8000)), "every TCP port except 8000"],
    [PortSet.all(), "every port"],
    [PortSet.range("TCP", 8001, 8080), "TCP 8001-8080"],
    [PortSet.EMPTY, "no port"],
  ])("should describe %o as %s", (set, text) => {
    expect(set.describe()).toBe(text);
  });
});
