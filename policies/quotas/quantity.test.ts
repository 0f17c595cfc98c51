import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatCpu, isQuantity, parseQuantity, QuantityError, units } from "./quantity.js";

const NANO = 1_000_000_000n;
const GI = 1n << 30n;

describe("when parsing Kubernetes quantities", () => {
  it.each<[unknown, bigint]>([
    ["500m", 500_000_000n],
    ["2", 2n * NANO],
    ["1.5", 1_500_000_000n],
    [".5", 500_000_000n],
    ["5.", 5n * NANO],
    ["+3", 3n * NANO],
    ["-1", -NANO],
    ["250u", 250_000n],
    ["7n", 7n],
    ["1k", 1000n * NANO],
    ["4M", 4_000_000n * NANO],
    ["1Ki", 1024n * NANO],
    ["1Gi", GI * NANO],
    ["1.5Gi", (3n * GI * NANO) / 2n],
    ["8Ei", 8n * (1n << 60n) * NANO],
    ["2E", 2n * 10n ** 18n * NANO],
    ["1e3", 1000n * NANO],
    ["1E3", 1000n * NANO],
    ["5e-3", 5_000_000n],
    [2, 2n * NANO],
    [0.25, 250_000_000n],
  ])("should read %j exactly", (text, nanos) => {
    expect(parseQuantity(text)).toBe(nanos);
  });

  it("should round sub-nano precision up, as Kubernetes does", () => {
    expect(parseQuantity("0.1n")).toBe(1n);
    expect(parseQuantity("1.0000000001")).toBe(NANO + 1n);
  });

  it("should add tenths without the drift floating point has", () => {
    const tenth = parseQuantity("0.1");
    expect(Array.from({ length: 10 }, () => tenth).reduce((a, b) => a + b)).toBe(parseQuantity("1"));
    expect(0.1 * 3).not.toBe(0.3);
    expect(3n * tenth).toBe(parseQuantity("300m"));
  });

  it("should keep bytes exact beyond 2^53", () => {
    expect(parseQuantity("8Ei") + parseQuantity("1")).toBe(9223372036854775809n * NANO);
  });

  it.each<[unknown]>([["1 GB"], ["1.2.3"], ["Gi"], [""], ["1KiB"], ["1e"], ["1ki"], ["0x10"], [null], [undefined], [{}], [Number.NaN]])("should reject %j with a hint", (value) => {
    expect(() => parseQuantity(value)).toThrow(QuantityError);
    expect(() => parseQuantity(value)).toThrow(/not a Kubernetes quantity/);
    expect(isQuantity(value)).toBe(false);
  });

  it("should accept what it parses", () => {
    expect(isQuantity("64Gi")).toBe(true);
  });
});

describe("when formatting amounts", () => {
  it.each<[bigint, string]>([
    [parseQuantity("500m"), "500m"],
    [parseQuantity("2"), "2"],
    [parseQuantity("1500m"), "1500m"],
    [parseQuantity("0.0005"), "0.0005"],
    [0n, "0"],
  ])("should write cpu %s as %s", (nanos, text) => {
    expect(formatCpu(nanos)).toBe(text);
  });

  it.each<[bigint, string]>([
    [parseQuantity("64Gi"), "64Gi"],
    [parseQuantity("1280Mi"), "1280Mi"],
    [parseQuantity("1.5Gi"), "1536Mi"],
    [parseQuantity("1k"), "1k"],
    [parseQuantity("1500"), "1500"],
    [0n, "0"],
    [parseQuantity("500m"), "0.5"],
  ])("should write bytes %s as %s", (nanos, text) => {
    expect(formatBytes(nanos)).toBe(text);
  });

  it("should write counts as whole numbers", () => {
    expect(formatCount(units(50))).toBe("50");
    expect(units(3)).toBe(parseQuantity("3"));
  });
});
