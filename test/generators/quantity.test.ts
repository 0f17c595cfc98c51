import { describe, expect, it } from "vitest";
import { bytes, cpuMillis, formatBytes, formatCpu, isQuantity, roundUp } from "../../generators/quantity.js";

describe("when parsing quantities", () => {
  it.each([
    ["500m", 500],
    ["2", 2000],
    ["0.5", 500],
    ["1.5", 1500],
  ])("should read CPU %s as %d millicores", (value, millis) => {
    expect(cpuMillis(value)).toBe(millis);
  });

  it.each([
    ["128Mi", 128 * 1024 ** 2],
    ["4Gi", 4 * 1024 ** 3],
    ["1G", 1e9],
    ["512", 512],
  ])("should read memory %s as %d bytes", (value, expected) => {
    expect(bytes(value)).toBe(expected);
  });

  it.each(["2 cores", "1gb", "", "-1", "1.2.3", "Gi"])("should reject %j", (value) => {
    expect(isQuantity(value)).toBe(false);
    expect(() => cpuMillis(value)).toThrow(/not a Kubernetes quantity/);
  });
});

describe("when formatting quantities", () => {
  it("should write whole cores without a suffix and the rest in millicores", () => {
    expect(formatCpu(3000)).toBe("3");
    expect(formatCpu(2500)).toBe("2500m");
  });

  it("should use the largest binary suffix that divides exactly", () => {
    expect(formatBytes(64 * 1024 ** 3)).toBe("64Gi");
    expect(formatBytes(1536 * 1024 ** 2)).toBe("1536Mi");
    expect(formatBytes(1000)).toBe("1000");
  });

  it("should round up to the step", () => {
    expect(roundUp(1001, 250)).toBe(1250);
    expect(roundUp(1000, 250)).toBe(1000);
  });
});
