import { describe, expect, it } from "vitest";
import { AddressSet, atoms, formatAddress, parseAddress, parseCidr } from "./addresses.js";

describe("when CIDRs are parsed", () => {
  it.each([
    ["10.0.0.0/8", 4, "10.0.0.0", "10.255.255.255"],
    ["10.1.2.3/16", 4, "10.1.0.0", "10.1.255.255"],
    ["203.0.113.7/32", 4, "203.0.113.7", "203.0.113.7"],
    ["0.0.0.0/0", 4, "0.0.0.0", "255.255.255.255"],
    ["2001:db8::/32", 6, "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["::ffff:10.0.0.0/120", 6, "::ffff:a00:0", "::ffff:a00:ff"],
  ])("should read %s as a range", (text, family, lo, hi) => {
    const range = parseCidr(text);
    expect(range?.family).toBe(family);
    expect(range && formatAddress(range.family, range.lo)).toBe(lo);
    expect(range && formatAddress(range.family, range.hi)).toBe(hi);
  });

  it.each(["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "2001:db8::/129", "1::2::3/64", "2001:db8:0:0:0:0:0:0:1/64", "x/8"])("should reject %s", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("should format IPv6 with the longest zero run compressed", () => {
    expect(formatAddress(6, parseAddress("2001:0db8:0:0:1:0:0:1")?.value ?? 0n)).toBe("2001:db8::1:0:0:1");
    expect(formatAddress(6, 0n)).toBe("::");
  });
});

describe("when address sets are combined", () => {
  const net = AddressSet.ofCidrs(["10.0.0.0/8"]);
  const hole = AddressSet.ofCidrs(["10.1.0.0/16"]);

  it("should subtract exactly", () => {
    const rest = net.minus(hole);
    expect(rest.contains(4, parseAddress("10.0.255.255")?.value ?? 0n)).toBe(true);
    expect(rest.contains(4, parseAddress("10.1.0.0")?.value ?? 0n)).toBe(false);
    expect(rest.contains(4, parseAddress("10.2.0.0")?.value ?? 0n)).toBe(true);
    expect(rest.union(hole).equals(net)).toBe(true);
    expect(rest.intersect(hole).isEmpty()).toBe(true);
  });

  it("should describe a set by CIDR blocks, or by what a whole family leaves out", () => {
    expect(net.minus(hole).describe()).toBe("10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13 and 4 more CIDR blocks");
    expect(AddressSet.ofCidrs(["0.0.0.0/0"]).minus(AddressSet.ofCidrs(["203.0.113.0/24"])).describe()).toBe("every IPv4 address except 203.0.113.0/24");
    expect(AddressSet.everything().describe()).toBe("every IPv4 address and every IPv6 address");
    expect(AddressSet.ofCidrs(["203.0.113.0/25", "203.0.113.128/25"]).describe()).toBe("203.0.113.0/24");
  });

  it("should prefer a documentation address as an example", () => {
    expect(AddressSet.ofCidrs(["0.0.0.0/0"]).example()).toBe("198.51.100.7");
    expect(AddressSet.ofCidrs(["10.0.0.0/8"]).example()).toBe("10.0.0.0");
  });
});

describe("when the address space is split", () => {
  it("should cut at every boundary and cover both families", () => {
    const pieces = atoms([AddressSet.ofCidrs(["10.0.0.0/8"]), AddressSet.ofCidrs(["10.1.0.0/16"])]);
    expect(pieces.map((r) => `${formatAddress(r.family, r.lo)}-${formatAddress(r.family, r.hi)}`)).toEqual([
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.0.255.255",
      "10.1.0.0-10.1.255.255",
      "10.2.0.0-10.255.255.255",
      "11.0.0.0-255.255.255.255",
      "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ]);
  });
});
